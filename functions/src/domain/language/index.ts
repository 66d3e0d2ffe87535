/**
 * Which language the caller speaks, from a few words of speech-to-text or SMS: marker-word scoring
 * (lexicon.ts) with accented letters as a hint. English is the playbook's language and the default,
 * so the two directions are not symmetric: one distinctive foreign word ("ayuda", "socorro") is
 * enough to say a caller is not speaking English, but it takes two English words to say they are,
 * because "help", "ok" and "police" are said by callers of every language.
 */
import { foldAccents, normalizeUtterance } from "../triage/normalize.js";
import { LETTER_HINTS, LEXICON, WEAK } from "./lexicon.js";
import { type Language, LANGUAGES } from "./types.js";

export { type Language, LANGUAGES } from "./types.js";

/** English names, for alerts ("caller speaks Spanish"). */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: "English",
  es: "Spanish",
  fr: "French",
  pt: "Portuguese",
  it: "Italian",
  de: "German",
};

export interface LanguageGuess {
  readonly language: Language;
  /** False when the words could be any language ("ok", "no", "si", silence): keep what was known. */
  readonly confident: boolean;
}

const SETS: ReadonlyMap<Language, ReadonlySet<string>> = new Map(
  LANGUAGES.map((language) => [language, new Set(LEXICON[language])]),
);
const WEAK_WEIGHT = 0.34;
const HINT_WEIGHT = 0.5;
/** French elision: "l'incendie", "j'ai", "qu'il" are French whether or not the rest is listed. */
const ELISION = /^(l|d|j|n|m|t|s|c|qu)'(\p{L}+)$/u;
/** English needs two words' worth to be sure of (see the module comment). */
const ENGLISH_EVIDENCE = 2;
const FOREIGN_EVIDENCE = 1;

function languagesOf(word: string): Language[] {
  return LANGUAGES.filter((language) => SETS.get(language)?.has(word) === true);
}

function words(text: string): string[] {
  const folded = foldAccents(normalizeUtterance(text));
  const out: string[] = [];
  for (const token of folded.matchAll(/[\p{L}\p{N}']+/gu)) {
    const word = token[0].replace(/^'+|'+$/g, "");
    const elided = ELISION.exec(word);
    if (languagesOf(word).length === 0 && elided !== null) {
      out.push(`${elided[1] ?? ""}'`, elided[2] ?? "");
    } else if (word !== "") out.push(word);
  }
  return out;
}

export function detectLanguage(text: string): LanguageGuess {
  const score: Record<Language, number> = { en: 0, es: 0, fr: 0, pt: 0, it: 0, de: 0 };
  let foreign = 0;
  for (const word of words(text)) {
    const found = word.endsWith("'") ? ["fr" as const] : languagesOf(word);
    if (found.length === 0) continue;
    const weight = WEAK.has(word) ? WEAK_WEIGHT : 1;
    for (const language of found) score[language] += weight / found.length;
    if (!found.includes("en")) foreign += weight;
  }
  const lowered = text.toLowerCase();
  for (const hint of LETTER_HINTS) {
    if (hint.letters.test(lowered)) {
      score[hint.language] += HINT_WEIGHT;
      foreign += HINT_WEIGHT;
    }
  }
  // Ties go to the earlier language in LANGUAGES: English, then Spanish ("socorro" is es and pt).
  const best = LANGUAGES.reduce((a, b) => (score[b] > score[a] ? b : a));
  const bestForeign = LANGUAGES.filter((l) => l !== "en").reduce((a, b) =>
    score[b] > score[a] ? b : a,
  );
  if (best === "en") {
    return {
      language: "en",
      confident: score.en >= ENGLISH_EVIDENCE && score.en > score[bestForeign],
    };
  }
  return { language: best, confident: foreign >= FOREIGN_EVIDENCE && score[best] > score.en };
}

/**
 * The language of the conversation so far: the most recent confident reading wins (a caller who
 * switches to English gets English; one who then says "ok" keeps it), English until there is one.
 */
export function callerLanguage(callerTexts: readonly string[]): Language {
  for (let i = callerTexts.length - 1; i >= 0; i--) {
    const guess = detectLanguage(callerTexts[i] ?? "");
    if (guess.confident) return guess.language;
  }
  return "en";
}
