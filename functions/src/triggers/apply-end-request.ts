/**
 * `applyEndRequest` — on write of `tenants/{tenantId}/calls/{callId}/endRequest` (a member's
 * request to end the call, validated by the rules: admins and dispatchers, or the doctor or nurse
 * who holds it): ends the call through the call-ended core with the reason "ended by supervisor"
 * (the archive trigger takes it from there) and audits it. The gateway's next turn of the call is
 * answered with `hangup: true` (see the speech turn). The audit entry is written last and marks
 * the request as applied: a replay finds it and stops.
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { endRequestSchema } from "@lifeline/model";
import { ENDED_BY_SUPERVISOR } from "../domain/turn/index.js";
import { HttpError } from "../http-kit/errors.js";
import { endCallOf } from "../http/call-ended.js";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { auditExists, writeAudit, type AuditEntry } from "../store/live-store.js";

export const applyEndRequest = onValueWritten(
  { ref: "tenants/{tenantId}/calls/{callId}/endRequest", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "applyEndRequest"))) return;
    const value: unknown = event.data.after.val();
    if (value === null) return;
    const parsed = endRequestSchema.safeParse(value);
    if (!parsed.success) {
      logger.warn("malformed end request ignored", { tenantId, callId });
      return;
    }
    const request = parsed.data;
    const audit: AuditEntry = {
      action: "end_call",
      actorUid: request.by,
      at: request.at,
      callId,
      details: { reason: ENDED_BY_SUPERVISOR, name: request.name },
    };
    if (await auditExists(tenantId, audit)) return;
    try {
      await endCallOf(tenantId, callId, request.at, ENDED_BY_SUPERVISOR);
    } catch (error) {
      // The call was pruned or missed meanwhile: there is nothing left to end.
      if (!(error instanceof HttpError) || error.code === "INTERNAL") throw error;
      logger.warn("end request for a call that cannot end", { tenantId, callId, why: error.code });
      return;
    }
    await writeAudit(tenantId, audit);
    logger.info("call ended by a member", { tenantId, callId, by: request.by });
  }),
);
