/**
 * False alarms the caller explains in the same breath: "the smoke alarm went off but it was just
 * burnt toast". A term whose table entry `explains` others sets those aside, wherever they are in
 * the utterance, when it is itself counted and said without doubt: "is it a false alarm?" and
 * "maybe it's just the toast" explain nothing, and a denied explanation ("it wasn't a false
 * alarm") leaves the alarm standing. Only the terms named in `explains` are set aside, so smoke or
 * fire reported alongside ("it was burnt toast but now there's smoke everywhere") still counts.
 */
import type { Match } from "./matching.js";
import { clauseBounds, type SignalStatus } from "./negation.js";

/** Words that make an explanation a guess rather than a statement. */
const DOUBT =
  /\b(?:if|whether|maybe|perhaps|might|could|hope|hoping|unsure|wonder(?:ing)?)\b|\bnot sure\b/;

/**
 * For each match, the phrase that explains it away, or undefined. `statuses` are the matches' own
 * readings (negation.ts), in the same order.
 */
export function explanations(
  text: string,
  matches: readonly Match[],
  statuses: readonly SignalStatus[],
): (string | undefined)[] {
  const explainers = matches.filter(
    (match, i) =>
      match.rule.explains !== undefined && statuses[i] === "counted" && !doubted(text, match),
  );
  return matches.map((match) => {
    const by = explainers.find((e) => e.rule.explains?.includes(match.rule.id) === true);
    return by === undefined ? undefined : text.slice(by.start, by.end);
  });
}

function doubted(text: string, match: Match): boolean {
  const clause = clauseBounds(text, match.start);
  return DOUBT.test(text.slice(clause.start, clause.end)) || text[clause.end] === "?";
}
