/**
 * What the speech turn asks of whoever answers the caller, and what it gets back. Types only: the
 * playbook, the chat adapter and the factory all depend on this module and on nothing of each other
 * that they do not use.
 */
import type { MESSAGE_ROLES, Medium, Urgency } from "@lifeline/model";

/**
 * `safety` while a critical call has no human owner and its alert is unacknowledged: the reply
 * keeps the caller on the line, confirms the location and says help is being alerted.
 */
export type ResponderMode = "normal" | "safety";

export type TurnRole = (typeof MESSAGE_ROLES)[number];

/** One earlier message of the call, oldest first. `agent` is a human supervisor speaking to the caller. */
export interface ConversationTurn {
  readonly role: TurnRole;
  readonly text: string;
}

export interface ResponderInput {
  /** What the caller just said; not repeated in `history`. */
  readonly text: string;
  readonly history: readonly ConversationTurn[];
  /** The call's urgency after this turn's triage. */
  readonly urgency: Urgency;
  readonly mode: ResponderMode;
  readonly callerName?: string;
  /** How the caller reaches us: spoken replies are kept shorter than texts. Voice when absent. */
  readonly medium?: Medium;
  /**
   * Private instructions staff gave the assistant for this call, oldest first: followed in the
   * replies, never read out.
   */
  readonly guidance?: readonly string[];
}

/**
 * `unavailable`: the chat responder could not be loaded at all. `refused`: the model answered, but
 * its reply failed the checks every reply must pass (see checks.ts).
 */
export type FallbackReason =
  "timeout" | "aborted" | "network" | "http" | "malformed" | "empty" | "unavailable" | "refused";

export interface ResponderReply {
  readonly text: string;
  /** Where the answer came from: playbook sections (`playbook/fire#evacuate`) or `chat/<model>`. */
  readonly sources: readonly string[];
  /** Set when a configured chat responder failed and the playbook answered instead. */
  readonly fallback?: FallbackReason;
}

export interface Responder {
  /** Short name for logs: `playbook` or `chat`. */
  readonly name: string;
  /** Never rejects for a caller's sake: an answer comes back even when `signal` aborts. */
  respond(input: ResponderInput, signal?: AbortSignal): Promise<ResponderReply>;
}

export interface FallbackEvent {
  readonly reason: FallbackReason;
  /** For logs: a status code or an error name, never the key or the conversation. */
  readonly detail: string;
  readonly model: string;
  readonly elapsedMs: number;
}
