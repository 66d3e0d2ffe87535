/**
 * Urgency triage of one caller utterance: the terms found in it (matching.ts, from the table in
 * terms.ts), how each reads in its clause (negation.ts), and from those the level, the category and
 * a sentence that explains them. Every decision can be explained — the result carries the words
 * that caused it and the ones it set aside (negated, hypothetical, explained as a false alarm).
 *
 * Triage only ever proposes a level; `escalate` keeps a call's urgency from going down on its own,
 * and only `applyOverride` (a supervisor, with a reason) may lower it (policy.ts).
 */
import { type Urgency, URGENCY_RANK } from "@lifeline/model";
import type { Category } from "../categories.js";
import { explanations } from "./explained.js";
import { findMatches } from "./matching.js";
import { type SignalStatus, statusOf } from "./negation.js";
import { normalizeUtterance } from "./normalize.js";
import { escalate } from "./policy.js";
import type { TermRule } from "./terms.js";

export type { SignalStatus } from "./negation.js";

export interface TriageContext {
  /** The call's urgency before this utterance: the result never goes below it. */
  readonly current?: Urgency;
}

/** One term found in the text, with what triage made of it. */
export interface TriageSignal {
  /** The words as they read after normalisation (lower case, SMS spellings expanded). */
  readonly phrase: string;
  /** The table entry that matched, e.g. `medical/not-breathing`. */
  readonly term: string;
  readonly category: Category;
  /** The level this signal contributes: the term's level, or less when negated or hypothetical. */
  readonly level: Urgency;
  readonly status: SignalStatus;
  /** The table word a misspelling was read as (`unconcious` → `unconscious`). */
  readonly readAs?: string;
  /** The caller's words that explained this one away ("just burnt toast"); its status is then `negated`. */
  readonly explainedBy?: string;
}

export interface TriageResult {
  readonly level: Urgency;
  /** The level this text alone supports, before `context.current` is taken into account. */
  readonly textLevel: Urgency;
  /** The phrases that caused `textLevel` (empty when nothing in the text raised it). */
  readonly matched: readonly string[];
  readonly category: Category;
  /** One sentence a supervisor can read: the level, the terms, and what was set aside. */
  readonly reason: string;
  readonly signals: readonly TriageSignal[];
}

/** Tie-break between categories at the same level: the caller's own safety first. */
const CATEGORY_PRIORITY: readonly Category[] = [
  "self_harm",
  "violence",
  "fire",
  "chemical",
  "medical",
  "injury",
  "lost",
  "general",
];

function levelFor(rule: TermRule, status: SignalStatus): Urgency {
  if (status === "counted") return rule.level;
  if (status === "negated") return rule.negatedLevel ?? "normal";
  return "normal";
}

export function triage(text: string, context: TriageContext = {}): TriageResult {
  const normalized = normalizeUtterance(text);
  const matches = findMatches(normalized);
  const statuses = matches.map((match) => statusOf(normalized, match, matches));
  const explainedBy = explanations(normalized, matches, statuses);
  const signals: TriageSignal[] = matches.map((match, i) => {
    const by = explainedBy[i];
    const status: SignalStatus = by === undefined ? (statuses[i] ?? "counted") : "negated";
    return {
      phrase: normalized.slice(match.start, match.end),
      term: match.rule.id,
      category: match.rule.category,
      level: levelFor(match.rule, status),
      status,
      ...(match.readAs === undefined ? {} : { readAs: match.readAs }),
      ...(by === undefined ? {} : { explainedBy: by }),
    };
  });

  const textLevel = signals.reduce<Urgency>((level, s) => escalate(level, s.level), "normal");
  const causing = signals.filter(
    (s) => s.level === textLevel && (s.status === "counted" || textLevel !== "normal"),
  );
  const matched = textLevel === "normal" ? [] : unique(causing.map((s) => s.phrase));
  const category = pickCategory(textLevel === "normal" ? signals : causing);
  const level = escalate(context.current ?? "normal", textLevel);

  return {
    level,
    textLevel,
    matched,
    category,
    reason: explain(level, textLevel, causing, signals, context.current),
    signals,
  };
}

function pickCategory(signals: readonly TriageSignal[]): Category {
  // A topic the caller brought up still guides the answer when it did not raise the level
  // ("what do I do in case of fire?" is a fire question), but a denied one does not.
  const candidates = signals.filter((s) => s.status !== "negated" || s.level !== "normal");
  const best = candidates.reduce<Category | undefined>((chosen, s) => {
    if (chosen === undefined) return s.category;
    return CATEGORY_PRIORITY.indexOf(s.category) < CATEGORY_PRIORITY.indexOf(chosen)
      ? s.category
      : chosen;
  }, undefined);
  return best ?? "general";
}

function explain(
  level: Urgency,
  textLevel: Urgency,
  causing: readonly TriageSignal[],
  signals: readonly TriageSignal[],
  current: Urgency | undefined,
): string {
  const quote = (s: TriageSignal) =>
    `"${s.phrase}"${s.readAs === undefined ? "" : ` (read as "${s.readAs}")`} (${s.category.replace("_", "-")}${s.status === "negated" ? ", denied but kept" : ""})`;
  const parts: string[] = [];
  if (textLevel === "normal") parts.push("normal: no urgent or critical terms");
  else parts.push(`${textLevel}: ${causing.map(quote).join(", ")}`);
  const lower = signals.filter(
    (s) => s.status === "counted" && URGENCY_RANK[s.level] < URGENCY_RANK[textLevel],
  );
  if (lower.length > 0) parts.push(`also ${lower.map(quote).join(", ")}`);
  const negated = signals.filter(
    (s) => s.status === "negated" && s.level === "normal" && s.explainedBy === undefined,
  );
  if (negated.length > 0) parts.push(`negated ${negated.map((s) => `"${s.phrase}"`).join(", ")}`);
  const explained = signals.filter((s) => s.explainedBy !== undefined);
  if (explained.length > 0) {
    const list = explained.map((s) => `"${s.phrase}" (explained: "${s.explainedBy ?? ""}")`);
    parts.push(`set aside ${list.join(", ")}`);
  }
  const hypothetical = signals.filter((s) => s.status === "hypothetical");
  if (hypothetical.length > 0) {
    parts.push(`hypothetical ${hypothetical.map((s) => `"${s.phrase}"`).join(", ")}`);
  }
  if (level !== textLevel && current !== undefined)
    parts.push(`kept at ${level} from earlier in the call`);
  return parts.join("; ");
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
