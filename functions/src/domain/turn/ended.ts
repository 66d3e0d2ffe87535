/**
 * A call that ends, and a call nobody answered: what the gateway reports outside a speech turn.
 */
import { type Alert, alertPath, type Call, callPath, checkId } from "@lifeline/model";

/** One `missed_call` alert per missed call, so a repeated notification raises nothing new. */
export function missedCallAlertId(callId: string): string {
  return `missed-${checkId("call id", callId)}`;
}

/** Ending a call writes two leaves; what happens next (archive, alerts resolved) is the triggers'. */
export function planCallEnded(tenantId: string, callId: string, endedAt: number) {
  const call = callPath(tenantId, callId);
  return { [`${call}/status`]: "ended", [`${call}/endedAt`]: endedAt };
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
