/**
 * `recordGuidance` — on create of `tenants/{tenantId}/guidance/{callId}/{guidanceId}` (a private
 * instruction a member gave the assistant, validated by the rules; the speech turn passes it to the
 * responder and never speaks it): audits `guide_assistant` with the id, length and text. The text
 * belongs in the audit: it steered what a caller who may be in danger was told. Logs carry only the
 * id and length. The entry's id comes from the guidance itself, so a replay writes nothing new.
 */
import { logger } from "firebase-functions/logger";
import { onValueCreated } from "firebase-functions/v2/database";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { writeAudit } from "../store/live-store.js";
import { guidanceSchema } from "@lifeline/model";

export const recordGuidance = onValueCreated(
  { ref: "tenants/{tenantId}/guidance/{callId}/{guidanceId}", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId, guidanceId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "recordGuidance"))) return;
    const parsed = guidanceSchema.safeParse(event.data.val());
    if (!parsed.success) {
      logger.warn("malformed guidance ignored", { tenantId, callId, guidanceId });
      return;
    }
    const guidance = parsed.data;
    const audit = await writeAudit(tenantId, {
      action: "guide_assistant",
      actorUid: guidance.by,
      at: guidance.at,
      callId,
      details: { guidanceId, length: guidance.text.length, text: guidance.text },
    });
    logger.info("assistant guided", {
      tenantId,
      callId,
      guidanceId,
      by: guidance.by,
      length: guidance.text.length,
      audited: audit.created,
    });
  }),
);
