/**
 * One speech turn, planned without touching a database: who answers, in which mode, what the
 * caller hears, and the single multi-path update that records it — caller message, any messages a
 * supervisor typed for the caller (moved from the outbox into the transcript), the assistant's
 * reply, the call summary and the turn record, all at once.
 */
import {
  callPath,
  LIMITS,
  type Message,
  messagePath,
  outboxMessagePath,
  turnPath,
} from "@lifeline/model";
import type { SpeechTurnRequest } from "../../requests.js";
import { planHoldLapse } from "../hold.js";
import type { ResponderReply } from "../responder/index.js";
import { snippetOf } from "../summary.js";
import type { CallState } from "./call-state.js";
import { decidedAnswer, type TurnDecision } from "./decide.js";
import { agentMessageId, assistantMessageId, callerMessageId } from "./ids.js";
import { storedAnswer, type TurnAnswer, type TurnRecord } from "./record.js";

export interface TurnPlanInput {
  readonly tenantId: string;
  /** Absent for callers the directory does not know. */
  readonly subjectId?: string;
  readonly callId: string;
  /** The tenant's number the caller reached, when the gateway knows it (Twilio). */
  readonly line?: string;
  readonly request: SpeechTurnRequest;
  readonly fingerprint: string;
  readonly state: CallState;
  readonly decision: TurnDecision;
  /**
   * What the caller hears besides `say`: the responder's answer when the assistant replies, the
   * holding line while a human holds with nothing queued (`holdingReply`), else null.
   */
  readonly reply: ResponderReply | null;
  readonly now: number;
}

export interface TurnPlan {
  /** Paths relative to the database root; one `update()` writes them all or nothing. */
  readonly update: Record<string, unknown>;
  readonly answer: TurnAnswer;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The turn's one multi-path update. Summary fields are written leaf by leaf so that what members
 * write on the call (owner, lead, urgency override) is never overwritten; `owner` is written only
 * when the call is created. `seq` continues from the summary's `messageCount`.
 */
export function planTurn(input: TurnPlanInput): TurnPlan {
  const { tenantId, callId, request, decision, state, now } = input;
  const update: Record<string, unknown> = {};
  const call = callPath(tenantId, callId);
  let seq = state.call?.messageCount ?? 0;

  if (decision.lapse !== undefined && state.call !== null) {
    const lapse = planHoldLapse({
      tenantId,
      callId,
      ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
      lapse: decision.lapse,
      urgency: decision.urgency,
      seq: ++seq,
      now,
    });
    Object.assign(update, lapse.update);
  }

  const callerId = callerMessageId(request.turnId);
  update[messagePath(tenantId, callId, callerId)] = {
    seq: ++seq,
    role: "caller",
    text: request.text,
    at: now,
    turnId: request.turnId,
  } satisfies Message;

  for (const entry of decision.say) {
    update[messagePath(tenantId, callId, agentMessageId(entry.id))] = {
      seq: ++seq,
      role: "agent",
      text: entry.text,
      at: now,
      turnId: request.turnId,
      by: entry.by,
    } satisfies Message;
    update[outboxMessagePath(tenantId, callId, entry.id)] = null;
  }
  for (const entry of decision.dropped) {
    update[outboxMessagePath(tenantId, callId, entry.id)] = null;
  }

  let replyText: string | null = null;
  if (input.reply !== null) {
    replyText = clip(input.reply.text, LIMITS.messageText);
    update[messagePath(tenantId, callId, assistantMessageId(request.turnId))] = {
      seq: ++seq,
      role: "assistant",
      text: replyText,
      at: now,
      turnId: request.turnId,
      ...(input.reply.sources.length === 0 ? {} : { sources: [...input.reply.sources] }),
    } satisfies Message;
  }

  if (state.call === null) {
    if (input.subjectId !== undefined) update[`${call}/subjectId`] = input.subjectId;
    update[`${call}/phone`] = request.from;
    update[`${call}/medium`] = request.medium;
    update[`${call}/status`] = "active";
    update[`${call}/owner`] = decision.owner;
    update[`${call}/startedAt`] = now;
  }
  // Kept on the call from its first turn that knows it: a supervisor's text goes out from it.
  if (input.line !== undefined && state.call?.line === undefined) {
    update[`${call}/line`] = input.line;
  }
  const previous = state.call?.urgency;
  if (previous === undefined || decision.urgency !== previous) {
    update[`${call}/urgency`] = decision.urgency;
    if (decision.urgency !== "normal") {
      const { conversation } = decision;
      update[`${call}/urgencyReason`] = {
        source: "triage",
        ...(decision.triage.matched.length === 0 ? {} : { terms: [...decision.triage.matched] }),
        messageId: callerId,
        note: clip(
          [decision.triage.reason, ...conversation.reasons].join("; "),
          LIMITS.overrideReason,
        ),
        ...(conversation.language === undefined ? {} : { language: conversation.language }),
        ...(conversation.cantTalk ? { cantTalk: true as const } : {}),
      };
    }
  }
  update[`${call}/lastMessageAt`] = now;
  update[`${call}/messageCount`] = seq;
  // The caller's latest words, not the reply: that is what a supervisor scanning the list needs.
  update[`${call}/lastSnippet`] = snippetOf(request.text);

  const answer = decidedAnswer(callId, decision, replyText);
  update[turnPath(tenantId, callId, request.turnId)] = {
    status: "done",
    fingerprint: input.fingerprint,
    at: now,
    answer: storedAnswer(answer),
  } satisfies TurnRecord;
  return { update, answer };
}
