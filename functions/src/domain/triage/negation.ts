/**
 * How a found term reads in its clause: counted, denied ("no one is hurt", "the fire's out") or
 * hypothetical ("what do I do in case of fire?"). Negation is scoped to the clause: in "nobody is
 * hurt but the car is on fire" the "nobody" reaches "hurt" and not "fire".
 */
import type { Match } from "./matching.js";

export type SignalStatus = "counted" | "negated" | "hypothetical";

/** Words that end a clause for negation: "no smoke but fire" negates only the smoke. */
const CLAUSE_BREAK =
  /[.!?;:,\n()]|\s[-–—]+\s|\b(?:but|and|or|though|although|however|except|yet|then|because|while|whereas|plus)\b/g;

/** Words that deny what follows in their clause. `no` is narrower: see `negatedByNo`. */
const NEGATORS = new Set([
  "not",
  "never",
  "nobody",
  "nothing",
  "none",
  "neither",
  "nor",
  "without",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "don't",
  "doesn't",
  "didn't",
  "hasn't",
  "haven't",
  "hadn't",
  "ain't",
  "won't",
  "can't",
  "couldn't",
  "wouldn't",
  "zero",
]);
/** "not sure there's smoke" is doubt, not denial; "not just smoke" is more, not less. */
const AFTER_NEGATOR_NOT_A_DENIAL = new Set([
  "sure",
  "certain",
  "know",
  "tell",
  "idea",
  "just",
  "only",
  "even",
  "stop",
  "well",
  "good",
  "great",
  "ok",
  "okay",
  "right",
  "doing",
]);
/** "no <filler>* <term>": "no more smoke", "no sign of fire", "no one is hurt". */
const NO_FILLERS = new Set([
  "more",
  "longer",
  "visible",
  "sign",
  "signs",
  "of",
  "any",
  "real",
  "obvious",
  "active",
  "big",
  "serious",
  "major",
  "actual",
  "further",
  "open",
  "one",
  "is",
  "was",
  "got",
  "has",
  "been",
  "a",
]);
const NEGATION_WINDOW = 4;
/** "the bleeding has stopped", "fire's out", "smoke is gone". `out` needs a verb: "bleeding out" is worse, not better. */
const CLEARED_AFTER =
  /^(?:'s|'re)?(?:\s+(?:is|was|are|were|has|have|had|been|now|all|finally|completely|already|mostly|totally))*\s+(?:gone|stopped|over|under control|died down|extinguished|cleared(?: up)?|finished)\b|^(?:'s|'re)?(?:\s+(?:is|was|are|were|has|have|had|been|now|all|finally|completely|already|mostly|totally))+\s+(?:put\s+)?out\b|^'s\s+out\b|^\s+(?:went|got put|was put|been put) out\b/;
/** A term after one of these in its clause is a question about a situation, not the situation. */
const HYPOTHETICAL =
  /(?<!\b(?:know|sure|tell|see|check|wondering|wonder|unsure|certain) )\b(?:if|in case(?: of)?|suppose|supposing|hypothetically)\b|\bwhat (?:do|should|to) (?:i |we |you )?do (?:in|during|about)\b|\bhow (?:do|to|should|can) (?:i |you |we )?(?:use|treat|handle|deal with|recogni[sz]e|spot|prevent|avoid|tell)\b|\bwhat are the (?:signs|symptoms) of\b/;
/** Comparisons where a negator intensifies: "never had chest pain like this". */
const INTENSIFIED = /\b(?:like this|like that|this bad|so bad|before)\b/;

function clauseBounds(text: string, position: number): { start: number; end: number } {
  let start = 0;
  let end = text.length;
  for (const brk of text.matchAll(CLAUSE_BREAK)) {
    const brkEnd = brk.index + brk[0].length;
    if (brkEnd <= position) start = brkEnd;
    else if (brk.index >= position) {
      end = brk.index;
      break;
    }
  }
  return { start, end };
}

function tokensWithSpans(text: string, from: number, to: number) {
  const out: { word: string; start: number; end: number }[] = [];
  for (const token of text.slice(from, to).matchAll(/[a-z0-9']+/g)) {
    out.push({
      word: token[0],
      start: from + token.index,
      end: from + token.index + token[0].length,
    });
  }
  return out;
}

export function statusOf(text: string, match: Match, all: readonly Match[]): SignalStatus {
  const clause = clauseBounds(text, match.start);
  const insideTerm = (start: number) =>
    all.some((m) => m !== match && start >= m.start && start < m.end);
  const before = tokensWithSpans(text, clause.start, match.start).filter(
    (t) => !insideTerm(t.start),
  );
  const clauseText = text.slice(clause.start, clause.end);

  if (HYPOTHETICAL.test(text.slice(clause.start, match.start))) return "hypothetical";

  const window = before.slice(-NEGATION_WINDOW);
  const intensified = INTENSIFIED.test(clauseText);
  for (let i = 0; i < window.length; i++) {
    const token = window[i];
    if (token === undefined) continue;
    const next = window[i + 1]?.word ?? text.slice(token.end, match.start).trim().split(/\s+/)[0];
    if (NEGATORS.has(token.word) && !intensified && !AFTER_NEGATOR_NOT_A_DENIAL.has(next ?? "")) {
      return "negated";
    }
  }
  if (negatedByNo(before)) return "negated";
  if (CLEARED_AFTER.test(text.slice(match.end, clause.end))) return "negated";
  return "counted";
}

/** "no" denies only what directly follows it, give or take filler: "no more smoke", not "no he's bleeding". */
function negatedByNo(before: readonly { word: string }[]): boolean {
  for (let i = before.length - 1; i >= 0 && before.length - i <= NEGATION_WINDOW; i--) {
    const word = before[i]?.word;
    if (word === "no") return before.slice(i + 1).every((t) => NO_FILLERS.has(t.word));
    if (word === undefined || !NO_FILLERS.has(word)) return false;
  }
  return false;
}
