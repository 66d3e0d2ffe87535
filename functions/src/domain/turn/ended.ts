/**
 * A call that ends, and a call nobody answered: what the gateway reports outside a speech turn.
 */
import { type Alert, alertPath, type Call, callPath, checkId, END_REASONS } from "@lifeline/model";

import type { TurnAnswer } from "./record.js";

export type EndReason = (typeof END_REASONS)[number];
export const ENDED_BY_SUPERVISOR: EndReason = "ended by supervisor";

/** One `missed_call` alert per missed call, so a repeated notification raises nothing new. */
export function missedCallAlertId(callId: string): string {
  return `missed-${checkId("call id", callId)}`;
}

/**
 * Ending a call writes two leaves, three when a member ended it; what happens next (archive,
 * alerts resolved) is the triggers'.
 */
export function planCallEnded(
  tenantId: string,
  callId: string,
  endedAt: number,
  reason?: EndReason,
): Record<string, unknown> {
  const call = callPath(tenantId, callId);
  return {
    [`${call}/status`]: "ended",
    [`${call}/endedAt`]: endedAt,
    ...(reason === undefined ? {} : { [`${call}/endReason`]: reason }),
  };
}

/** What the caller hears when a member ended the call, before the gateway hangs up. */
export const ENDED_BY_SUPERVISOR_GOODBYE =
  "A member of our team has ended this call. If you need help again, please call back. Goodbye.";

/**
 * A member ended the call (or asked to, and the trigger has not ended it yet): every later turn
 * is told to hang up, and writes nothing.
 */
export function endedBySupervisor(call: Call | null): boolean {
  return (
    call !== null &&
    (call.endRequest !== undefined ||
      (call.status === "ended" && call.endReason === ENDED_BY_SUPERVISOR))
  );
}

/**
 * Whether a text belongs to the SMS conversation `call` (absent: not started yet): one still
 * going, or the one that already holds this very text (Twilio's retry). A conversation that is
 * over — a member ended it or asked to, the sweeper closed it — takes no more texts: the caller
 * who writes again starts the next conversation, with its own alerts, instead of hearing a goodbye
 * for a conversation they may not know had ended.
 */
export function textJoins(call: Call | null, holdsThisText: boolean): boolean {
  if (holdsThisText || call === null) return true;
  return call.status === "active" && call.endRequest === undefined;
}

/** The answer to a turn of a call a member ended: the goodbye, then the gateway hangs up. */
export function hangUpAnswer(callId: string, call: Call): TurnAnswer {
  return {
    callId,
    reply: ENDED_BY_SUPERVISOR_GOODBYE,
    urgency: call.urgency,
    owner: call.owner.kind === "human" ? { kind: "human", name: call.owner.name } : { kind: "ai" },
    say: [],
    hangup: true,
    endReason: ENDED_BY_SUPERVISOR,
  };
}

export interface MissedCallInput {
  readonly tenantId: string;
  readonly subjectId?: string;
  readonly callId: string;
  readonly phone: string;
  readonly medium: Call["medium"];
  readonly at: number;
}

/**
 * A call nobody answered: the call record (status `missed`, so it shows in the calls list) and its
 * alert, in one update. A known subject's missed call is urgent — on a safety line it may be the
 * only sign of trouble; an unknown number's is for the record.
 */
export function planMissedCall(input: MissedCallInput): Record<string, unknown> {
  const { tenantId, callId, at } = input;
  const alertId = missedCallAlertId(callId);
  const call: Call = {
    ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
    phone: input.phone,
    medium: input.medium,
    status: "missed",
    urgency: "normal",
    owner: { kind: "ai", since: at },
    startedAt: at,
    lastMessageAt: at,
    endedAt: at,
    messageCount: 0,
    lastSnippet: "",
  };
  const alert: Alert = {
    kind: "missed_call",
    severity: input.subjectId === undefined ? "normal" : "urgent",
    callId,
    ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
    title: `Missed ${input.medium === "sms" ? "message" : "call"} from ${input.phone}`,
    at,
    status: "open",
    level: 0,
  };
  return {
    [callPath(tenantId, callId)]: call,
    [alertPath(tenantId, alertId)]: alert,
  };
}
