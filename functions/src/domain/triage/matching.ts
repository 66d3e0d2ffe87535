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

/** One alternative of a term: its expression is built the first time a text may hold it. */
class TermExpression {
  readonly literal: string;
  #regex: RegExp | undefined;

  constructor(
    readonly rule: TermRule,
    private readonly alternative: string,
  ) {
    this.literal = requiredLiteral(alternative);
  }

  get regex(): RegExp {
    this.#regex ??= new RegExp(`${BEFORE}(?:${this.alternative})${AFTER}`, "gu");
    return this.#regex;
  }
}

/**
 * Each top-level alternative gets its own expression: a single alternation stops at the first
 * alternative that matches ("smoke" before "smoke detector"), and the longest phrase should win.
 *
 * An expression runs only when the text holds a stretch of plain text every match of it contains
 * (`requiredLiteral`). The edge classes (`\p{L}`, `\p{N}`) make each expression costly to compile
 * (about half a millisecond, twice, as V8 compiles it and then compiles it again to machine code),
 * and V8 compiles on first use: without the filter a fresh instance compiled all of them in its
 * first turns, a second and more of a caller's wait. With it, only the terms a text may hold are.
 */
const COMPILED = TERMS.flatMap((rule) =>
  topLevelAlternatives(rule.pattern).map((alternative) => new TermExpression(rule, alternative)),
);

/**
 * The longest stretch of plain characters that every match of `alternative` (one top-level
 * alternative of a pattern) contains, or "" when there is none worth filtering on. Groups,
 * classes, escapes and anything a quantifier may leave out are not plain: a character followed by
 * `?`, `*` or `{` ends the stretch before it.
 */
export function requiredLiteral(alternative: string): string {
  const runs: string[] = [];
  let run = "";
  const end = () => {
    runs.push(run);
    run = "";
  };
  for (let i = 0; i < alternative.length; i++) {
    const char = alternative[i] ?? "";
    if (char === "(" || char === "[") {
      end();
      i = closing(alternative, i);
    } else if (char === "\\") {
      end();
      i++;
    } else if (char === "?" || char === "*" || char === "{") {
      run = run.slice(0, -1);
      end();
      if (char === "{") i = alternative.indexOf("}", i);
    } else if (char === "+" || char === "." || char === "^" || char === "$" || char === "|") {
      end();
    } else {
      run += char;
    }
  }
  end();
  const longest = runs.reduce((best, next) => (next.length > best.length ? next : best), "");
  return longest.length >= 3 ? longest : "";
}

/** The index of the `)` or `]` closing the group or class opened at `open`. */
function closing(pattern: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") i++;
    else if (inClass) {
      if (char === "]") {
        inClass = false;
        if (depth === 0) return i;
      }
    } else if (char === "[") inClass = true;
    else if (char === "(") depth++;
    else if (char === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return pattern.length;
}

/** Every term's expressions, with the stretch each needs to run (for the tests). */
export function termExpressions(): readonly { readonly literal: string; readonly regex: RegExp }[] {
  return COMPILED;
}

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
  for (const expression of COMPILED) {
    if (!text.includes(expression.literal)) continue;
    const { rule, regex } = expression;
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
