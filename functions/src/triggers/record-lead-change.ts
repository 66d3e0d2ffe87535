/**
 * `recordLeadChange` — on write of `tenants/{tenantId}/calls/{callId}/lead` (a member's
 * `{status, by, at}`, validated by the rules): audits `set_lead` with the status, by the member, at
 * the lead's own time. The entry's id comes from the lead itself, so a replay writes nothing new and
 * a later change adds an entry beside the first.
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { writeAudit } from "../store/live-store.js";
import { leadSchema } from "@lifeline/model";

export const recordLeadChange = onValueWritten(
  { ref: "tenants/{tenantId}/calls/{callId}/lead", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "recordLeadChange"))) return;
    const value: unknown = event.data.after.val();
    // Removed with its call (pruned): nothing a member did.
    if (value === null) return;
    const parsed = leadSchema.safeParse(value);
    if (!parsed.success) {
      logger.warn("malformed lead ignored", { tenantId, callId });
      return;
    }
    const lead = parsed.data;
    const audit = await writeAudit(tenantId, {
      action: "set_lead",
      actorUid: lead.by,
      at: lead.at,
      callId,
      details: { status: lead.status },
    });
    logger.info("lead status set", {
      tenantId,
      callId,
      by: lead.by,
      status: lead.status,
      audited: audit.created,
    });
  }),
);
