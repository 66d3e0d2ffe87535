/**
 * The default responder: deterministic, offline, instant. It answers from the playbook section of
 * the call's category, one instruction per turn, follows the conversation (advice that matches what
 * the caller just said first, nothing said twice) and switches to the safety script in safety mode.
 */
import { type Urgency, URGENCY_RANK } from "@lifeline/model";
import { CHECK_INS, PLAYBOOK, TEAM_ALERTED, type PlaybookStep } from "./playbook-content.js";
import type { Category } from "../categories.js";
import type { Responder, ResponderInput, ResponderReply } from "./types.js";
import {
  SAFETY_SECTION,
  leastRecentlySaid,
  safetyLines,
  saidIn,
  statedLocation,
} from "./safety.js";
import { normalizeUtterance, triage } from "../triage/index.js";

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

/** The playbook's answer to one turn; pure, so the same conversation always gets the same reply. */
export function playbookReply(input: ResponderInput): ResponderReply {
  const callerTexts = [
    ...input.history.filter((turn) => turn.role === "caller").map((turn) => turn.text),
    input.text,
  ];
  const assistantSaid = input.history
    .filter((turn) => turn.role === "assistant")
    .map((turn) => turn.text);
  const category = conversationCategory(input);
  const section = PLAYBOOK[category];
  const cite = (sectionName: string, step: PlaybookStep): Line => ({
    text: step.text,
    source: `playbook/${sectionName}#${step.id}`,
  });
  const instruction = nextStep(section.steps, {
    latest: normalizeUtterance(input.text),
    conversation: normalizeUtterance(callerTexts.join("\n")),
    assistantSaid,
    urgency: input.urgency,
  });

  const lines: Line[] = [];
  if (input.mode === "safety") {
    const [first, ...rest] = safetyLines(assistantSaid, statedLocation(callerTexts));
    if (first !== undefined) lines.push(cite(SAFETY_SECTION, first));
    if (instruction !== undefined) lines.push(cite(section.name, instruction));
    for (const step of rest) lines.push(cite(SAFETY_SECTION, step));
  } else {
    if (atLeast(input.urgency, "urgent") && !assistantSaid.some((m) => saidIn(m, TEAM_ALERTED))) {
      lines.push(cite("general", TEAM_ALERTED));
    }
    lines.push(
      instruction === undefined
        ? cite("general", leastRecentlySaid(CHECK_INS, assistantSaid))
        : cite(section.name, instruction),
    );
  }

  const greeting = greet(input, assistantSaid.length === 0);
  return {
    text: [greeting, ...lines.map((line) => line.text)].filter((t) => t !== "").join(" "),
    sources: lines.map((line) => line.source),
  };
}

interface StepContext {
  /** What the caller just said, normalised. */
  readonly latest: string;
  /** Everything the caller has said, normalised. */
  readonly conversation: string;
  readonly assistantSaid: readonly string[];
  readonly urgency: Urgency;
}

/**
 * Advice about what the caller just said comes first ("he's got burns" in a fire call), then the
 * section in its order. A step is skipped once said, below its urgency, or when `unless` applies.
 */
function nextStep(steps: readonly PlaybookStep[], context: StepContext): PlaybookStep | undefined {
  const open = steps.filter(
    (step) =>
      !context.assistantSaid.some((message) => saidIn(message, step)) &&
      atLeast(context.urgency, step.minUrgency ?? "normal") &&
      !(step.unless?.test(context.conversation) ?? false),
  );
  return (
    open.find((step) => step.when?.test(context.latest) ?? false) ??
    open.find((step) => step.when?.test(context.conversation) ?? true)
  );
}

/**
 * The category to answer from. A specific category from triage wins; "general" (or none) means this
 * turn said nothing specific ("ok, what now?"), so the most recent specific thing the caller said
 * decides — a fire call stays a fire call.
 */
export function conversationCategory(input: ResponderInput): Category {
  if (input.category !== undefined && input.category !== "general") return input.category;
  const callerTexts = [
    input.text,
    ...input.history
      .filter((turn) => turn.role === "caller")
      .map((turn) => turn.text)
      .reverse(),
  ];
  for (const text of callerTexts) {
    const category = triage(text).category;
    if (category !== "general") return category;
  }
  return "general";
}

function greet(input: ResponderInput, firstReply: boolean): string {
  const name = input.callerName?.trim();
  if (!firstReply || name === undefined || name === "") return "";
  return atLeast(input.urgency, "urgent") ? `${name}, I'm here with you.` : `Hello ${name}.`;
}

function atLeast(level: Urgency, threshold: Urgency): boolean {
  return URGENCY_RANK[level] >= URGENCY_RANK[threshold];
}
