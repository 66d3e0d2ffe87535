/**
 * Triage's clause reading for words that are not in its term table: the conversation's fact reader
 * asks whether "bleeding" in "no I'm not bleeding" counts, is denied, or is a hypothetical.
 */
import type { Match } from "./matching.js";
import { type SignalStatus, statusOf } from "./negation.js";
import type { TermRule } from "./terms.js";

const PHRASE: TermRule = { id: "phrase", category: "general", level: "normal", pattern: "" };

export function clauseStatus(
  normalized: string,
  span: { readonly start: number; readonly end: number },
): SignalStatus {
  const match: Match = { rule: PHRASE, start: span.start, end: span.end };
  return statusOf(normalized, match, [match]);
}
