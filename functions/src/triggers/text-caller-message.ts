/**
 * `textCallerMessage` — on create of `tenants/{tenantId}/outbox/{callId}/{messageId}` on an active
 * SMS conversation that came through Twilio (the call knows its `line`): sends the message to the
 * caller at once through Twilio's Messages API instead of holding it for the caller's next text.
 * A voice call's message is left for its next turn, which speaks it.
 *
 * The message moves from the outbox into the transcript (`agent-{messageId}`, `delivery: queued`)
 * before it is sent, in one update: the transcript entry is the claim, so a second delivery of the
 * event, or a turn of the caller's arriving meanwhile, finds it and sends nothing more. A text is
 * therefore sent at most once; when Twilio refuses it, or this run dies between the claim and the
 * send, the transcript says `failed` (or stays `queued`) for a supervisor to see and write again.
 * Twilio then reports `sent`, `delivered` or `failed` to `twilioMessageStatus`.
 */
import { logger } from "firebase-functions/logger";
import { onValueCreated } from "firebase-functions/v2/database";
import {
  type Delivery,
  type Message,
  messagePath,
  outboxMessagePath,
  outboxMessageSchema,
} from "@lifeline/model";
import { agentMessageId } from "../domain/turn/ids.js";
import { twilioAuthToken } from "../params.js";
import {
  isTenantInstance,
  lifelineInstances,
  onEventInstance,
  tenantDatabase,
} from "../store/instances.js";
import { parseMessage, readCall, transact, transactCall } from "../store/live-store.js";
import { messageStatusUrl, sendFailure, sendText } from "../store/twilio-texts.js";

export const textCallerMessage = onValueCreated(
  {
    ref: "tenants/{tenantId}/outbox/{callId}/{messageId}",
    instance: lifelineInstances(),
    secrets: [twilioAuthToken],
  },
  onEventInstance(async (event) => {
    const { tenantId, callId, messageId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "textCallerMessage"))) return;
    const parsed = outboxMessageSchema.safeParse(event.data.val());
    if (!parsed.success) return;
    const entry = parsed.data;
    const seen = await readCall(tenantId, callId);
    const line = seen?.line;
    if (seen === null || seen.medium !== "sms" || line === undefined || seen.status !== "active") {
      return;
    }
    const db = await tenantDatabase(tenantId);
    const transcriptId = agentMessageId(messageId);
    const transcriptPath = messagePath(tenantId, callId, transcriptId);
    if ((await db.ref(transcriptPath).get()).exists()) return;

    // The message's place in the transcript, taken from the summary's count as the turn takes it.
    const taken = await transactCall(tenantId, callId, (call) =>
      call === null || call.status !== "active"
        ? null
        : { ...call, messageCount: call.messageCount + 1 },
    );
    const call = taken.written;
    if (call === null) return;
    const now = Date.now();
    const queued: Delivery = { status: "queued", at: now };
    await db.ref().update({
      [transcriptPath]: {
        seq: call.messageCount,
        role: "agent",
        text: entry.text,
        at: now,
        by: entry.by,
        delivery: queued,
      } satisfies Message,
      [outboxMessagePath(tenantId, callId, messageId)]: null,
    });

    let delivery: Delivery;
    try {
      const sent = await sendText({
        from: line,
        to: call.phone,
        body: entry.text,
        statusCallback: messageStatusUrl(tenantId, callId, transcriptId),
      });
      delivery = { status: sent.status, at: Date.now(), sid: sent.sid };
    } catch (error) {
      delivery = { status: "failed", at: Date.now(), error: sendFailure(error) };
      logger.error("text to the caller refused", {
        tenantId,
        callId,
        messageId,
        error: String(error),
      });
    }
    // A status report may already have moved it on: only a `queued` record without a sid is ours.
    await transact(tenantId, transcriptPath, parseMessage, (message) =>
      message?.delivery?.status === "queued" && message.delivery.sid === undefined
        ? { ...message, delivery }
        : null,
    );
    logger.info("text to the caller sent", {
      tenantId,
      callId,
      messageId,
      status: delivery.status,
      sid: delivery.sid,
    });
  }),
);
