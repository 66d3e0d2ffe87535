/**
 * The shape of a playbook: what the assistant may say, in one language, and when each line fits.
 * Types and small helpers only; the English playbook is playbook-content.ts, the others
 * playbook-<language>.ts, and how a line is chosen lives in playbook.ts.
 */
import type { Urgency } from "@lifeline/model";
import type { Category } from "../categories.js";
import type { Fact, Facts } from "../conversation/index.js";
import type { Language } from "../language/index.js";

/** One text, or the words for a caller who is the patient and for someone else with them. */
export type Words = string | { readonly caller: string; readonly other: string };

export interface PlaybookStep {
  readonly id: string;
  /** `{means}` is replaced by what the caller said they could hurt themselves with. */
  readonly text: Words;
  /** Said first when the caller's latest words match; otherwise when anything they said does. */
  readonly when?: RegExp;
  /** Skipped once anything the caller said matches ("we're outside" makes "get out" moot). */
  readonly unless?: RegExp;
  /** Not said on calls below this urgency ("help is being alerted" is only true from urgent up). */
  readonly minUrgency?: Urgency;
  /** Said only while every listed fact holds as stated; a fact just stated brings the step forward. */
  readonly requires?: Facts;
  /** Never said while any listed fact holds as stated: it would contradict the caller. */
  readonly skipIf?: Facts;
  /** A question about a fact: not asked once the fact is known; a bare yes or no answers it. */
  readonly asks?: { readonly fact: Fact; readonly yes: boolean };
  /** Only for a caller who is the patient, or only for someone else (an unknown patient counts as someone else). */
  readonly patient?: "caller" | "other";
  /** Only once this step of the same section has been said ("keep going" after compressions). */
  readonly after?: string;
  /** Never once this step of the same section has been said (a milder version of advice given). */
  readonly notAfter?: string;
  /** Only when something the caller said matches: `when` finds the moment, `context` the topic. */
  readonly context?: RegExp;
  /** Said together with the step chosen after it, when both fit one reply ("I'm glad you told me."). */
  readonly opener?: boolean;
}

export interface PlaybookSection {
  /** The section's name in sources; differs from the category where a hyphen reads better. */
  readonly name: string;
  readonly steps: readonly PlaybookStep[];
}

/** Lines every section shares. Their sources are `playbook/general#<id>` and `playbook/safety#<id>`. */
export interface CommonLines {
  /** Said once, on the first urgent or critical turn: the triggers have just alerted the team. */
  readonly teamAlerted: PlaybookStep;
  /** When a section has nothing new to say, these alternate so no two turns read the same. */
  readonly checkIns: readonly PlaybookStep[];
  /** The safety script (see safety.ts). */
  readonly helpAlerted: PlaybookStep;
  readonly askLocation: PlaybookStep;
  /** The location question for a caller who may be unable to talk: answered with a yes or no. */
  readonly askLocationYesNo: PlaybookStep;
  readonly stayOnLine: PlaybookStep;
  readonly keepTalking: PlaybookStep;
  /** "I have your location as" … the confirmation is `${opening} "${location}"${closing}`. */
  readonly confirmLocation: { readonly opening: string; readonly closing: string };
  /** Yes-or-no questions, in order, for a caller who may be unable to talk. */
  readonly cantTalk: readonly PlaybookStep[];
  /** Said in turn with the last of those once all were asked. */
  readonly cantTalkHold: readonly PlaybookStep[];
  /** Greeting a known caller by name on the first reply: urgent calls, and others. */
  readonly greetUrgent: (name: string) => string;
  readonly greet: (name: string) => string;
  /** How a means the caller named is spoken of ("pills" → "the pills"); `fallback` when unnamed. */
  readonly means: { readonly fallback: string; readonly named: (means: string) => string };
}

export interface Playbook {
  readonly language: Language;
  readonly sections: Readonly<Record<Category, PlaybookSection>>;
  readonly lines: CommonLines;
}

/** A step's words in another language, and the words that find it there when it is found by words. */
export type TranslatedStep = Words | { readonly words: Words; readonly when: RegExp };

/**
 * A playbook in another language: the words of the steps it has, by section and step id. Every
 * condition (facts, patient, urgency, order) is the English step's, so the languages cannot drift
 * apart; a step found by words (`when`) needs them in this language too, or it is never said.
 */
export interface Translation {
  readonly language: Language;
  readonly steps: Readonly<Record<Category, Readonly<Record<string, TranslatedStep>>>>;
  readonly lines: CommonLines;
}

/** The English playbook's steps that `translation` has, in its words, in English order. */
export function translated(base: Playbook, translation: Translation): Playbook {
  const section = (category: Category): PlaybookSection => ({
    name: base.sections[category].name,
    steps: base.sections[category].steps.flatMap((step): PlaybookStep[] => {
      const entry = translation.steps[category][step.id];
      if (entry === undefined) return [];
      if (typeof entry === "string" || !("words" in entry)) return [{ ...step, text: entry }];
      return [{ ...step, text: entry.words, when: entry.when }];
    }),
  });
  return {
    language: translation.language,
    sections: {
      fire: section("fire"),
      medical: section("medical"),
      injury: section("injury"),
      chemical: section("chemical"),
      violence: section("violence"),
      lost: section("lost"),
      self_harm: section("self_harm"),
      general: section("general"),
    },
    lines: translation.lines,
  };
}

export function wordsFor(words: Words, patient: "caller" | "other" | "unknown"): string {
  if (typeof words === "string") return words;
  return patient === "caller" ? words.caller : words.other;
}

export function allWords(words: Words): readonly string[] {
  return typeof words === "string" ? [words] : [words.caller, words.other];
}
