/**
 * `recordCallerMessage` — on create of `tenants/{tenantId}/outbox/{callId}/{messageId}` (a message
 * a member typed for the caller, validated by the rules; the next turn speaks it, or
 * `textCallerMessage` texts it at once to an SMS caller reached through Twilio): audits
 * `message_caller` with the message id, its length and its text. The text belongs in the audit (as
 * acknowledgement notes and override reasons do): it is what a member told a caller who may be in
 * danger, and a message never delivered leaves no other trace. Logs carry only the id and length.
 * The entry's id comes from the message itself, so a replay writes nothing new.
 */
import { logger } from "firebase-functions/logger";
import { onValueCreated } from "firebase-functions/v2/database";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { writeAudit } from "../store/live-store.js";
import { outboxMessageSchema } from "@lifeline/model";

export const recordCallerMessage = onValueCreated(
  { ref: "tenants/{tenantId}/outbox/{callId}/{messageId}", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId, messageId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "recordCallerMessage"))) return;
    const parsed = outboxMessageSchema.safeParse(event.data.val());
    if (!parsed.success) {
      logger.warn("malformed outbox message ignored", { tenantId, callId, messageId });
      return;
    }
    const message = parsed.data;
    const audit = await writeAudit(tenantId, {
      action: "message_caller",
      actorUid: message.by,
      at: message.at,
      callId,
      details: { messageId, length: message.text.length, text: message.text },
    });
    logger.info("message to the caller queued", {
      tenantId,
      callId,
      messageId,
      by: message.by,
      length: message.text.length,
      audited: audit.created,
    });
  }),
);
