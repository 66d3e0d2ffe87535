/**
 * The note the assistant gets when a human hands a call back: what the human told the caller and
 * what they decided while they owned it, so the assistant picks up where they left off instead of
 * repeating or contradicting them. Pure: no Firebase imports.
 */
import { LIMITS } from "@lifeline/model";

export interface HandBackFacts {
  readonly ownerName: string;
  /** What the owner typed for the caller while owning the call, oldest first. */
  readonly said: readonly string[];
  /** Acknowledgements the owner made on the call's alerts while owning it. */
  readonly acks: readonly { readonly status: string; readonly note: string }[];
  /** An urgency override the owner made while owning it. */
  readonly override?: { readonly level: string; readonly reason: string };
  readonly urgency: string;
}

const MAX_QUOTE = 200;

function quote(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  return `"${trimmed.length > MAX_QUOTE ? `${trimmed.slice(0, MAX_QUOTE - 1)}…` : trimmed}"`;
}

/** The id of the note for the hand-back at `handedBackAt`: one note per hand-back, however often delivered. */
export function handBackMessageId(handedBackAt: number): string {
  return `handback-${handedBackAt}`;
}

export function isHandBackMessageId(id: string): boolean {
  return /^handback-\d+$/.test(id);
}

export function handBackNote(facts: HandBackFacts): string {
  const parts = [`${facts.ownerName} handed the call back to you.`];
  if (facts.said.length > 0) {
    parts.push(`They told the caller: ${facts.said.map(quote).join("; ")}.`);
  } else {
    parts.push("They did not message the caller.");
  }
  const decisions: string[] = [];
  for (const ack of facts.acks) {
    decisions.push(
      ack.note.trim() === ""
        ? `alert ${ack.status.replace("_", " ")}`
        : `alert ${ack.status.replace("_", " ")} (${quote(ack.note)})`,
    );
  }
  if (facts.override !== undefined) {
    decisions.push(`urgency set to ${facts.override.level} (${quote(facts.override.reason)})`);
  }
  if (decisions.length > 0) parts.push(`Decisions: ${decisions.join("; ")}.`);
  parts.push(
    `The call is ${facts.urgency}. Continue from here; do not repeat what they said or contradict their decisions.`,
  );
  const note = parts.join(" ");
  return note.length > LIMITS.messageText ? `${note.slice(0, LIMITS.messageText - 1)}…` : note;
}
