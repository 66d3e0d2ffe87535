/**
 * How a found term reads in its clause: counted, denied ("no one is hurt", "the fire's out") or
 * hypothetical ("what do I do in case of fire?"). Negation is scoped to the clause: in "nobody is
 * hurt but the car is on fire" the "nobody" reaches "hurt" and not "fire". Spanish and French
 * denials are read here too ("no está sangrando", "il ne saigne pas"), with words English never uses,
 * so an English sentence reads exactly as it would without them.
 */
import type { Span } from "./matching.js";
import { foldAccents } from "./normalize.js";

export type SignalStatus = "counted" | "negated" | "hypothetical";

/** Words that end a clause for negation: "no smoke but fire" negates only the smoke. */
const CLAUSE_BREAK =
  /[.!?;:,\n()¿¡]|\s[-–—]+\s|\b(?:but|and|or|though|although|however|except|yet|then|because|while|whereas|(?<!\b(?:ne|n'[a-z]+)(?: [a-z']+)?\s)plus|pero|aunque|porque|pues|sino|mais|et|ou|puis|parce que|(?<!')y(?!')(?! a\b))\b/g;

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
  // Spanish and French words that deny on their own ("nadie está herido", "aucune fumée").
  "nadie",
  "nada",
  "ningun",
  "ninguna",
  "ninguno",
  "nunca",
  "jamas",
  "tampoco",
  "sin",
  "ni",
  "sans",
  "rien",
  "jamais",
  "aucun",
  "aucune",
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
/**
 * Spanish puts "no" before the verb: "no está sangrando", "no hay humo", "ya no le sale sangre".
 * Only words English does not use, so "no he is bleeding" stays a correction, not a denial.
 */
const NO_FILLERS_ES = new Set([
  "esta",
  "estan",
  "estaba",
  "estaban",
  "estoy",
  "estamos",
  "hay",
  "habia",
  "hubo",
  "tiene",
  "tienen",
  "tengo",
  "tenemos",
  "veo",
  "vemos",
  "huele",
  "siento",
  "sale",
  "parece",
  "es",
  "fue",
  "era",
  "se",
  "le",
  "lo",
  "la",
  "les",
  "nos",
  "mas",
  "muy",
]);
/** French "pas de fumée" denies like "no smoke"; "ne … pas" is handled on its own (`negatedByNe`). */
const PAS_FILLERS = new Set(["de", "d'", "du", "des"]);
/** The second half of a French denial: "ne … pas", "n'… plus", "personne n'est blessé". */
const NE_COMPLETION = new Set([
  "pas",
  "plus",
  "jamais",
  "rien",
  "personne",
  "aucun",
  "aucune",
  "guere",
  "point",
]);
const NEGATION_WINDOW = 4;
/** "the bleeding has stopped", "fire's out", "smoke is gone". `out` needs a verb: "bleeding out" is worse, not better. */
const CLEARED_AFTER =
  /^(?:'s|'re)?(?:\s+(?:is|was|are|were|has|have|had|been|now|all|finally|completely|already|mostly|totally))*\s+(?:gone|stopped|over|under control|died down|extinguished|cleared(?: up)?|finished)\b|^(?:'s|'re)?(?:\s+(?:is|was|are|were|has|have|had|been|now|all|finally|completely|already|mostly|totally))+\s+(?:put\s+)?out\b|^'s\s+out\b|^\s+(?:went|got put|was put|been put) out\b/;
/** "el fuego se apagó", "la sangre paró", "le feu est éteint". */
const CLEARED_AFTER_ES_FR =
  /^\s+(?:ya\s+)?(?:se\s+)?(?:(?:ha|han|esta|estan|ya)\s+)?(?:apag(?:o|ado|ada)|par(?:o|ado|ada)|detenid[oa]|controlad[oa])\b|^\s+(?:est|s'est|a ete)\s+(?:eteint|arrete|maitrise)e?\b/;
/** "dejó de sangrar", "a arrêté de saigner": stopping what follows ("dejó de respirar" is a term of its own). */
const CLEARED_BEFORE_ES_FR = /\b(?:dejo|ha dejado|paro|ha parado|arrete|a arrete|a cesse) de\s*$/;
/** A term after one of these in its clause is a question about a situation, not the situation. */
const HYPOTHETICAL =
  /(?<!\b(?:know|sure|tell|see|check|wondering|wonder|unsure|certain) )\b(?:if|in case(?: of)?|suppose|supposing|hypothetically)\b|\bwhat (?:do|should|to) (?:i |we |you )?do (?:in|during|about)\b|\bhow (?:do|to|should|can) (?:i |you |we )?(?:use|treat|handle|deal with|recogni[sz]e|spot|prevent|avoid|tell)\b|\bwhat are the (?:signs|symptoms) of\b|\ben caso de\b|\bque (?:hago|hacemos|hacer|debo hacer) si\b|\ben cas d[e']|\bque faire (?:si|en cas)\b|\bsi jamais\b/;
/** Comparisons where a negator intensifies: "never had chest pain like this". */
const INTENSIFIED = /\b(?:like this|like that|this bad|so bad|before)\b/;

/** The clause of `text` around `position`, as character offsets (see CLAUSE_BREAK). */
export function clauseBounds(text: string, position: number): { start: number; end: number } {
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
  for (const token of text.slice(from, to).matchAll(/[\p{L}\p{N}']+/gu)) {
    out.push({
      word: token[0],
      start: from + token.index,
      end: from + token.index + token[0].length,
    });
  }
  return out;
}

/**
 * How the words at `span` read in their clause of `text` (a normalised utterance). `others` are the
 * other phrases found in it (triage's terms, a reader's own phrases): their words are not read as
 * negators of this one, so "not breathing" denies nothing after it. Offsets are those of `text`.
 */
export function statusOf(text: string, span: Span, others: readonly Span[]): SignalStatus {
  const folded = foldAccents(text);
  const clause = clauseBounds(folded, span.start);
  const insideTerm = (start: number) =>
    others.some(
      (m) => (m.start !== span.start || m.end !== span.end) && start >= m.start && start < m.end,
    );
  const before = tokensWithSpans(folded, clause.start, span.start).filter(
    (t) => !insideTerm(t.start),
  );
  const clauseText = folded.slice(clause.start, clause.end);
  const leading = folded.slice(clause.start, span.start);

  if (HYPOTHETICAL.test(leading)) return "hypothetical";

  const window = before.slice(-NEGATION_WINDOW);
  const intensified = INTENSIFIED.test(clauseText);
  for (let i = 0; i < window.length; i++) {
    const token = window[i];
    if (token === undefined) continue;
    const next = window[i + 1]?.word ?? folded.slice(token.end, span.start).trim().split(/\s+/)[0];
    if (NEGATORS.has(token.word) && !intensified && !AFTER_NEGATOR_NOT_A_DENIAL.has(next ?? "")) {
      return "negated";
    }
  }
  if (negatedByNo(before)) return "negated";
  if (negatedByNe(window, tokensWithSpans(folded, clause.start, clause.end))) return "negated";
  const after = tokensWithSpans(folded, span.end, clause.end);
  if (after[0]?.word === "pas" || after[0]?.word === "jamais") return "negated";
  const rest = folded.slice(span.end, clause.end);
  if (CLEARED_AFTER.test(rest) || CLEARED_AFTER_ES_FR.test(rest)) return "negated";
  if (CLEARED_BEFORE_ES_FR.test(leading)) return "negated";
  return "counted";
}

/** French "ne"/"n'" before the term, completed anywhere in the clause: "il ne saigne pas", "personne n'est blessé". */
function negatedByNe(
  window: readonly { word: string }[],
  clause: readonly { word: string }[],
): boolean {
  const ne = window.some((t) => t.word === "ne" || /^n'\p{L}/u.test(t.word));
  return ne && clause.some((t) => NE_COMPLETION.has(t.word));
}

/**
 * "no" denies only what directly follows it, give or take filler: "no more smoke", not "no he's
 * bleeding"; Spanish "no" the verb after it too ("no está sangrando"); French "pas de" like "no".
 */
function negatedByNo(before: readonly { word: string }[]): boolean {
  for (let i = before.length - 1; i >= 0 && before.length - i <= NEGATION_WINDOW; i--) {
    const word = before[i]?.word;
    const between = before.slice(i + 1);
    if (word === "no") {
      return (
        between.every((t) => NO_FILLERS.has(t.word)) ||
        between.every((t) => NO_FILLERS_ES.has(t.word))
      );
    }
    if (word === "pas" && between.length > 0) return between.every((t) => PAS_FILLERS.has(t.word));
    if (
      word === undefined ||
      !(NO_FILLERS.has(word) || NO_FILLERS_ES.has(word) || PAS_FILLERS.has(word))
    )
      return false;
  }
  return false;
}
