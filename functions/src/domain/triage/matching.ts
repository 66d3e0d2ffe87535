/**
 * Finding the table's terms in a normalised utterance: every alternative of every term, plus
 * one-typo readings of the terms that allow them, with overlaps resolved to the longest match.
 */
import { URGENCY_RANK } from "@lifeline/model";
import { foldAccents } from "./normalize.js";
import { TERMS, type TermRule } from "./terms.js";

/** A stretch of a normalised utterance, by character offsets. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Match extends Span {
  readonly rule: TermRule;
  readonly readAs?: string;
}

/**
 * Word edges in any script, so an accented letter never counts as one; a French elided article
 * ("l'incendie", "s'évanouit") is an edge too, any other apostrophe is not ("don't").
 */
const BEFORE = "(?:(?<![\\p{L}\\p{N}'])|(?<=(?<![\\p{L}\\p{N}'])(?:l|d|j|n|m|t|s|c|qu)'))";
const AFTER = "(?![\\p{L}\\p{N}])";

/**
 * Each top-level alternative gets its own expression: a single alternation stops at the first
 * alternative that matches ("smoke" before "smoke detector"), and the longest phrase should win.
 */
const COMPILED = TERMS.flatMap((rule) =>
  topLevelAlternatives(rule.pattern).map((alternative) => ({
    rule,
    regex: new RegExp(`${BEFORE}(?:${alternative})${AFTER}`, "gu"),
  })),
);

function topLevelAlternatives(pattern: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") i++;
    else if (inClass) inClass = char !== "]";
    else if (char === "[") inClass = true;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "|" && depth === 0) {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(pattern.slice(start));
  return alternatives;
}

/** The table's terms in `text` (normalised), with offsets into it; accents are not needed to match. */
export function findMatches(normalized: string): Match[] {
  const text = foldAccents(normalized);
  const found: Match[] = [];
  for (const { rule, regex } of COMPILED) {
    regex.lastIndex = 0;
    for (const match of text.matchAll(regex)) {
      if (match[0].length > 0)
        found.push({ rule, start: match.index, end: match.index + match[0].length });
    }
  }
  for (const word of text.matchAll(/[a-z']+/g)) {
    for (const rule of TERMS) {
      for (const target of rule.fuzzy ?? []) {
        if (word[0] !== target && withinOneEdit(word[0], target)) {
          found.push({ rule, start: word.index, end: word.index + word[0].length, readAs: target });
        }
      }
    }
  }
  // Longest first, then the more severe rule: overlapping shorter matches are dropped.
  found.sort(
    (a, b) =>
      b.end - b.start - (a.end - a.start) ||
      URGENCY_RANK[b.rule.level] - URGENCY_RANK[a.rule.level] ||
      a.start - b.start,
  );
  const kept: Match[] = [];
  for (const candidate of found) {
    if (kept.every((k) => candidate.end <= k.start || candidate.start >= k.end))
      kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Damerau–Levenshtein distance of at most one, for words of eight letters or more sharing their first two. */
function withinOneEdit(word: string, target: string): boolean {
  if (target.length < 7 || word.slice(0, 2) !== target.slice(0, 2)) return false;
  if (Math.abs(word.length - target.length) > 1) return false;
  let i = 0;
  while (i < word.length && i < target.length && word[i] === target[i]) i++;
  if (word.length === target.length) {
    if (word.slice(i + 1) === target.slice(i + 1)) return true;
    return (
      word[i] === target[i + 1] &&
      word[i + 1] === target[i] &&
      word.slice(i + 2) === target.slice(i + 2)
    );
  }
  return word.length > target.length
    ? word.slice(i + 1) === target.slice(i)
    : word.slice(i) === target.slice(i + 1);
}
