/**
 * The call as the speech turn reads it (summary, outbox, latest messages, urgency alert), held to
 * the model before anything is decided from it.
 */
import {
  type Alert,
  alertSchema,
  type Call,
  callSchema,
  guidanceSchema,
  type Message,
  messageSchema,
  outboxMessageSchema,
} from "@lifeline/model";

/** How many earlier messages the responder sees. */
export const HISTORY_LIMIT = 30;

export interface OutboxEntry {
  readonly id: string;
  readonly text: string;
  readonly by: string;
  readonly at: number;
}

export interface CallState {
  readonly call: Call | null;
  /** Waiting messages for the caller, oldest first. */
  readonly outbox: readonly OutboxEntry[];
  /** The latest messages, by `seq`. */
  readonly history: readonly Message[];
  /** The call's urgency alert, when fan-out has opened one. */
  readonly alert: Alert | null;
  /** Staff's private instructions for the assistant, oldest first (absent: none read). */
  readonly guidance?: readonly string[];
}

export class MalformedCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedCallError";
  }
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.entries(value)
    : [];
}

/**
 * Holds what was read to the model. A call summary that does not parse is an error (the turn
 * would otherwise overwrite it blindly); messages, outbox entries and an alert that do not parse
 * are skipped, as the rules should never have let them in.
 */
export function parseCallState(raw: {
  readonly call: unknown;
  readonly outbox: unknown;
  readonly messages: unknown;
  readonly alert: unknown;
  readonly guidance?: unknown;
}): CallState {
  let call: Call | null = null;
  if (raw.call !== null && raw.call !== undefined) {
    const parsed = callSchema.safeParse(raw.call);
    if (!parsed.success) throw new MalformedCallError(`call summary: ${parsed.error.message}`);
    call = parsed.data;
  }
  const outbox: OutboxEntry[] = [];
  for (const [id, value] of entries(raw.outbox)) {
    const parsed = outboxMessageSchema.safeParse(value);
    if (parsed.success) outbox.push({ id, ...parsed.data });
  }
  outbox.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const history: Message[] = [];
  for (const [, value] of entries(raw.messages)) {
    const parsed = messageSchema.safeParse(value);
    if (parsed.success) history.push(parsed.data);
  }
  history.sort((a, b) => a.seq - b.seq);
  const alert = alertSchema.safeParse(raw.alert);
  const guidance: { text: string; at: number; id: string }[] = [];
  for (const [id, value] of entries(raw.guidance)) {
    const parsed = guidanceSchema.safeParse(value);
    if (parsed.success) guidance.push({ id, text: parsed.data.text, at: parsed.data.at });
  }
  guidance.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    call,
    outbox,
    history: history.slice(-HISTORY_LIMIT),
    alert: alert.success ? alert.data : null,
    ...(guidance.length === 0 ? {} : { guidance: guidance.map((entry) => entry.text) }),
  };
}

/** A turn for a call that ended or was missed is refused: the gateway reused a finished call. */
export function callIsClosed(state: CallState): boolean {
  return state.call !== null && state.call.status !== "active";
}
