/**
 * The default responder: deterministic, offline, instant. It reads the whole conversation into a
 * state (domain/conversation) and answers from the playbook of the caller's language: one
 * instruction per turn, advice about what the caller just said first, nothing that contradicts a
 * fact they stated, no question asked twice, "you" to a caller who is the patient. A caller who
 * may be unable to talk gets yes-or-no questions; in safety mode every reply also carries a line
 * of the safety script. Spoken replies stay within one breath (REPLY_LIMITS).
 */
import { type Medium, type Urgency, URGENCY_RANK } from "@lifeline/model";
import {
  conversationState,
  statedLocation,
  type ConversationState,
  type LineReader,
  type SaidLine,
} from "../conversation/index.js";
import { memoizeText } from "../memo.js";
import { normalizeUtterance } from "../triage/index.js";
import {
  allWords,
  type Playbook,
  type PlaybookSection,
  type PlaybookStep,
  wordsFor,
} from "./book.js";
import { HOLD_IN_LANGUAGE, PLAYBOOKS } from "./playbooks.js";
import { ENGLISH } from "./playbook-content.js";
import {
  confirmLocationStep,
  locationConfirmed,
  SAFETY_SECTION,
  safetyCandidates,
} from "./safety.js";
import { guidedStep } from "./guidance.js";
import type { Responder, ResponderInput, ResponderReply } from "./types.js";

/** The longest reply, in characters: one breath on voice; SMS may carry a little more. */
export const REPLY_LIMITS: Readonly<Record<Medium, number>> = { voice: 220, sms: 400 };

export function createPlaybookResponder(): Responder {
  return {
    name: "playbook",
    respond: (input) => Promise.resolve(playbookReply(input)),
  };
}

interface Line {
  readonly text: string;
  readonly source: string;
}

/** The conversation state as the responders see it, with the playbooks' lines recognised. */
export function responderState(input: ResponderInput): ConversationState {
  return conversationState(
    {
      history: input.history,
      text: input.text,
      ...(input.medium === undefined ? {} : { medium: input.medium }),
    },
    readLines,
  );
}

/** The category to answer from: see `conversationState`. */
export function conversationCategory(input: ResponderInput): ConversationState["category"] {
  return responderState(input).category;
}

/** The playbook's answer to one turn; pure, so the same conversation always gets the same reply. */
export function playbookReply(input: ResponderInput): ResponderReply {
  const state = responderState(input);
  const assistantSaid = input.history
    .filter((turn) => turn.role === "assistant")
    .map((turn) => turn.text);
  const book = PLAYBOOKS[state.language];
  if (book === undefined) return holdInLanguage(state, assistantSaid.length);
  const cite = (sectionName: string, step: PlaybookStep): Line => ({
    text: render(step, state, book),
    source: `playbook/${sectionName}#${step.id}`,
  });
  const limit = REPLY_LIMITS[state.medium];
  const fits = (lines: readonly Line[]) => joined(lines).length <= limit;

  const guided = guidedStep(book, input.guidance ?? [], state.category, (key) =>
    state.said.has(key),
  );
  const instruction =
    guided !== undefined
      ? cite(guided.section.name, guided.step)
      : state.cantTalk
        ? cite("general", cantTalkStep(book, state))
        : nextLine(routineSection(book, state, input), state, input, cite, fits);
  const body = instruction ?? cite("general", checkIn(book, state));

  let lines: Line[];
  if (input.mode === "safety") {
    const candidates = safetyCandidates(book.lines, state, assistantSaid).map((step) =>
      cite(SAFETY_SECTION, step),
    );
    const first = state.said.get(`${SAFETY_SECTION}#${book.lines.helpAlerted.id}`) === undefined;
    // A location just given is confirmed before anything else, as the first safety turn is.
    const confirming = (safety: Line) =>
      safety.source === `playbook/${SAFETY_SECTION}#confirm-location`;
    const pair = (safety: Line) => (first || confirming(safety) ? [safety, body] : [body, safety]);
    const safety = candidates.find((line) => fits(pair(line))) ?? candidates[0];
    lines = safety === undefined ? [body] : fits(pair(safety)) ? pair(safety) : [safety];
  } else {
    // The team-alerted line and a newly given location come first when they fit with the body.
    const lead: Line[] = [];
    if (
      atLeast(input.urgency, "urgent") &&
      !state.said.has(`general#${book.lines.teamAlerted.id}`)
    ) {
      lead.push(cite("general", book.lines.teamAlerted));
    }
    const location = statedLocation([input.text]);
    if (
      atLeast(input.urgency, "urgent") &&
      location !== undefined &&
      !locationConfirmed(book.lines, location, assistantSaid)
    ) {
      lead.push(cite(SAFETY_SECTION, confirmLocationStep(book.lines, location)));
    }
    lines = [...lead, body];
    while (lines.length > 1 && !fits(lines)) lines.splice(lines.length - 2, 1);
  }

  const greeting = greet(input, book, assistantSaid.length === 0);
  const spoken =
    greeting === "" || !fits([{ text: greeting, source: "" }, ...lines]) ? "" : greeting;
  return {
    text: [spoken, ...lines.map((line) => line.text)].filter((t) => t !== "").join(" "),
    sources: lines.flatMap((line) => line.source.split(" ")),
  };
}

function joined(lines: readonly Line[]): string {
  return lines.map((line) => line.text).join(" ");
}

/**
 * Advice about what the caller just said comes first ("he's got burns" in a fire call; a fact
 * just stated, "now he's breathing"), then the section in its order. A step is skipped once said,
 * below its urgency, when it would contradict a stated fact, or when it asks what is known. An
 * opener ("I'm glad you told me") is said with the step after it when both fit.
 */
function nextLine(
  section: PlaybookSection,
  state: ConversationState,
  input: ResponderInput,
  cite: (sectionName: string, step: PlaybookStep) => Line,
  fits: (lines: readonly Line[]) => boolean,
): Line | undefined {
  const latest = normalizeUtterance(input.text);
  const conversation = normalizeUtterance(
    [...input.history.filter((t) => t.role === "caller").map((t) => t.text), input.text].join("\n"),
  );
  const eligible = section.steps.filter(
    (step) =>
      open(section.name, step, state, input.urgency, conversation) &&
      (step.when?.test(conversation) ?? true) &&
      (step.context?.test(conversation) ?? true),
  );
  const prompted = (step: PlaybookStep) =>
    (step.when?.test(latest) ?? false) ||
    Object.entries(step.requires ?? {}).some(
      ([fact, value]) => (state.latest as Readonly<Record<string, boolean>>)[fact] === value,
    );
  const steps = eligible.filter((step) => step.opener !== true);
  const chosen = steps.find(prompted) ?? steps[0];
  const opener = eligible.find((step) => step.opener === true);
  if (chosen === undefined) return opener === undefined ? undefined : cite(section.name, opener);
  const line = cite(section.name, chosen);
  if (opener === undefined) return line;
  const first = cite(section.name, opener);
  const both = { text: `${first.text} ${line.text}`, source: `${first.source} ${line.source}` };
  return fits([both]) ? both : line;
}

/**
 * A routine question ("can I change my appointment?") on a call that is not urgent is answered
 * from the general section, whatever the topic words ("doctor", "medication") would suggest.
 */
function routineSection(
  book: Playbook,
  state: ConversationState,
  input: ResponderInput,
): PlaybookSection {
  if (state.category === "general" || atLeast(input.urgency, "urgent") || state.cantTalk) {
    return book.sections[state.category];
  }
  const latest = normalizeUtterance(input.text);
  const routine =
    ROUTINE.test(latest) && !/\b(?:medication|medicine|tablets?|pills?|dose)\b/.test(latest);
  return routine || FALSE_ALARM.test(latest) || CLOSING.test(latest)
    ? book.sections.general
    : book.sections[state.category];
}

const ROUTINE =
  /\b(?:appointment|reschedule|booking|remind me|opening hours|open(?:s)? (?:at|on)|what time|call (?:me )?back|update my|change my (?:number|address|contact|details)|routine|check-?up|(?:nurse|carer|doctor)(?:'s| is)? (?:coming|visiting|due)|prescription|bring (?:me |my )|pick up my)\b/;
/** The caller is done: thanks and goodbyes get a goodbye, not another question. */
const CLOSING =
  /\b(?:thanks|thank you|thx|cheers|bye|goodbye|that's all|that is all|see (?:you|u) then)\b/;
/** The caller explains there is nothing wrong: the general section thanks them, nothing is escalated. */
const FALSE_ALARM =
  /\b(?:wrong number|by mistake|by accident|test call|just a test|playing with the phone|no emergency|false alarm|burnt toast|just cooking|sorry to bother)\b/;

function open(
  sectionName: string,
  step: PlaybookStep,
  state: ConversationState,
  urgency: Urgency,
  conversation: string,
): boolean {
  const facts = state.facts as Readonly<Record<string, boolean | undefined>>;
  if (state.said.has(`${sectionName}#${step.id}`)) return false;
  if (!atLeast(urgency, step.minUrgency ?? "normal")) return false;
  if (step.unless?.test(conversation) ?? false) return false;
  if (!Object.entries(step.requires ?? {}).every(([fact, value]) => facts[fact] === value))
    return false;
  if (Object.entries(step.skipIf ?? {}).some(([fact, value]) => facts[fact] === value))
    return false;
  if (step.asks !== undefined && facts[step.asks.fact] !== undefined) return false;
  if (step.patient === "caller" && state.patient !== "caller") return false;
  if (step.patient === "other" && state.patient === "caller") return false;
  if (step.after !== undefined && !state.said.has(`${sectionName}#${step.after}`)) return false;
  if (step.notAfter !== undefined && state.said.has(`${sectionName}#${step.notAfter}`))
    return false;
  return true;
}

/** The next yes-or-no question for a caller who may be unable to talk, then a holding line. */
function cantTalkStep(book: Playbook, state: ConversationState): PlaybookStep {
  const asked = book.lines.cantTalk.find(
    (step) =>
      !state.said.has(`general#${step.id}`) &&
      (step.asks === undefined || state.facts[step.asks.fact] === undefined),
  );
  if (asked !== undefined) return asked;
  if (state.location === undefined && state.facts.atHome === undefined) {
    const where = book.lines.askLocationYesNo;
    if (!state.said.has(`general#${where.id}`)) return where;
  }
  return leastRecentlySaid(book.lines.cantTalkHold, state, "general");
}

function checkIn(book: Playbook, state: ConversationState): PlaybookStep {
  return leastRecentlySaid(book.lines.checkIns, state, "general");
}

/** The candidate said longest ago (never said counts as longest); ties go to the earlier candidate. */
function leastRecentlySaid(
  candidates: readonly PlaybookStep[],
  state: ConversationState,
  sectionName: string,
): PlaybookStep {
  let best: PlaybookStep | undefined;
  let bestIndex = Infinity;
  for (const candidate of candidates) {
    const lastSaid = state.said.get(`${sectionName}#${candidate.id}`) ?? -1;
    if (best === undefined || lastSaid < bestIndex) {
      best = candidate;
      bestIndex = lastSaid;
    }
  }
  if (best === undefined) throw new Error("leastRecentlySaid needs at least one candidate");
  return best;
}

function render(step: PlaybookStep, state: ConversationState, book: Playbook): string {
  const text = wordsFor(step.text, state.patient);
  if (!text.includes("{means}")) return text;
  const means =
    state.means === undefined ? book.lines.means.fallback : book.lines.means.named(state.means);
  return text.replaceAll("{means}", means);
}

/** A language without a playbook: a line in it saying a person who speaks it is being found. */
function holdInLanguage(state: ConversationState, replies: number): ResponderReply {
  const lines = HOLD_IN_LANGUAGE[state.language] ?? [];
  const text =
    lines[replies % Math.max(1, lines.length)] ??
    wordsFor(ENGLISH.lines.stayOnLine.text, "unknown");
  return { text, sources: ["playbook/general#hold-in-language"] };
}

function greet(input: ResponderInput, book: Playbook, firstReply: boolean): string {
  const name = input.callerName?.trim();
  if (!firstReply || name === undefined || name === "") return "";
  return atLeast(input.urgency, "urgent") ? book.lines.greetUrgent(name) : book.lines.greet(name);
}

function atLeast(level: Urgency, threshold: Urgency): boolean {
  return URGENCY_RANK[level] >= URGENCY_RANK[threshold];
}

/** Every playbook line, in every language, as it may appear in an earlier assistant message. */
const KNOWN_LINES: readonly { readonly text: string; readonly line: SaidLine }[] = (() => {
  const known: { text: string; line: SaidLine }[] = [];
  const add = (key: string, step: PlaybookStep) => {
    for (const words of allWords(step.text)) {
      const text = words.split("{means}")[0] ?? words;
      known.push({ text, line: { key, ...(step.asks === undefined ? {} : { asks: step.asks }) } });
    }
  };
  for (const book of Object.values(PLAYBOOKS)) {
    for (const section of Object.values(book.sections)) {
      for (const step of section.steps) add(`${section.name}#${step.id}`, step);
    }
    const lines = book.lines;
    for (const step of [
      lines.teamAlerted,
      ...lines.checkIns,
      ...lines.cantTalk,
      ...lines.cantTalkHold,
      lines.askLocationYesNo,
    ]) {
      add(`general#${step.id}`, step);
    }
    for (const step of [
      lines.helpAlerted,
      lines.askLocation,
      lines.stayOnLine,
      lines.keepTalking,
    ]) {
      add(`${SAFETY_SECTION}#${step.id}`, step);
    }
    add(`${SAFETY_SECTION}#confirm-location`, {
      id: "confirm-location",
      text: lines.confirmLocation.opening,
    });
  }
  for (const lines of Object.values(HOLD_IN_LANGUAGE)) {
    for (const text of lines) known.push({ text, line: { key: "general#hold-in-language" } });
  }
  return known;
})();

const readLines: LineReader = memoizeText((assistantText) =>
  KNOWN_LINES.filter((known) => assistantText.includes(known.text)).map((known) => known.line),
);
