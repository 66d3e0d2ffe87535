/**
 * Private guidance from staff: an instruction the assistant follows in its next replies without
 * reading it out. The playbook cannot follow free text, so it looks for the playbook step the
 * instruction is about (the words they share, the call's own section first) and says that step
 * next; the chat responder is told the instruction itself (chat.ts).
 */
import type { Category } from "../categories.js";
import { allWords, type Playbook, type PlaybookSection, type PlaybookStep } from "./book.js";

/** Words that carry no topic ("tell the caller to …"). */
const FILLER = new Set([
  "about",
  "again",
  "caller",
  "could",
  "from",
  "have",
  "into",
  "just",
  "make",
  "need",
  "needs",
  "now",
  "please",
  "should",
  "sure",
  "tell",
  "that",
  "their",
  "them",
  "then",
  "they",
  "this",
  "what",
  "whether",
  "will",
  "with",
  "would",
  "your",
]);

/** The topic words of a text: lower case, four letters or more, no filler. */
export function topicWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}']{4,}/gu) ?? [];
  return new Set(words.map((word) => word.replace(/'s$/, "")).filter((word) => !FILLER.has(word)));
}

/** How many topic words a step shares with the guidance, at least two to count as "about it". */
const MIN_SHARED = 2;

export interface GuidedStep {
  readonly section: PlaybookSection;
  readonly step: PlaybookStep;
}

/**
 * The step the latest guidance asks for, if one is: the unsaid step sharing the most topic words
 * with it (a section the guidance names counts as one more), the call's own section winning ties.
 * Staff know the call: the step's own conditions (urgency, stated facts) do not hold it back.
 */
export function guidedStep(
  book: Playbook,
  guidance: readonly string[],
  category: Category,
  said: (key: string) => boolean,
): GuidedStep | undefined {
  const latest = guidance.at(-1);
  if (latest === undefined) return undefined;
  const wanted = topicWords(latest);
  const sections = [
    book.sections[category],
    ...Object.values(book.sections).filter((section) => section !== book.sections[category]),
  ];
  let best: (GuidedStep & { readonly score: number }) | undefined;
  for (const section of sections) {
    const named = wanted.has(section.name) ? 1 : 0;
    for (const step of section.steps) {
      if (said(`${section.name}#${step.id}`)) continue;
      const words = topicWords(allWords(step.text).join(" "));
      let shared = 0;
      for (const word of wanted) if (words.has(word)) shared++;
      if (shared === 0) continue;
      const score = shared + named;
      if (score >= MIN_SHARED && (best === undefined || score > best.score)) {
        best = { section, step, score };
      }
    }
  }
  return best === undefined ? undefined : { section: best.section, step: best.step };
}
