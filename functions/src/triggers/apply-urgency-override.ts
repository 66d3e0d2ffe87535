/**
 * `applyUrgencyOverride` — on write of `tenants/{tenantId}/calls/{callId}/urgencyOverride` (a
 * supervisor's level with a reason, validated by the rules): sets the call's `urgency` to it (the
 * only way urgency goes down), makes the urgency alert follow (resolved at normal), and audits it.
 * The audit entry is written last and marks the override as applied: a replay finds it and stops,
 * so an old override never undoes a later rise.
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { overrideUrgencyAlert } from "../domain/alerts.js";
import { urgencyAlertId } from "../domain/fanout.js";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import {
  auditExists,
  transactAlert,
  transactCall,
  writeAudit,
  type AuditEntry,
} from "../store/live-store.js";
import { urgencyOverrideSchema } from "@lifeline/model";

export const applyUrgencyOverride = onValueWritten(
  { ref: "tenants/{tenantId}/calls/{callId}/urgencyOverride", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "applyUrgencyOverride"))) return;
    const value: unknown = event.data.after.val();
    if (value === null) return;
    const parsed = urgencyOverrideSchema.safeParse(value);
    if (!parsed.success) {
      logger.warn("malformed urgency override ignored", { tenantId, callId });
      return;
    }
    const override = parsed.data;
    const audit: AuditEntry = {
      action: "override_urgency",
      actorUid: override.by,
      at: override.at,
      callId,
      details: { level: override.level, reason: override.reason },
    };
    if (await auditExists(tenantId, audit)) return;

    const outcome = await transactCall(tenantId, callId, (call) => {
      // Only the override the call holds now: a later one replaced this one.
      if (
        call === null ||
        call.urgencyOverride?.at !== override.at ||
        call.urgencyOverride.by !== override.by
      ) {
        return null;
      }
      if (call.urgency === override.level && call.urgencyReason?.source === "override") return null;
      return {
        ...call,
        urgency: override.level,
        urgencyReason: { source: "override", note: override.reason },
      };
    });
    const call = outcome.current;
    if (call === null || call.urgencyOverride?.at !== override.at) {
      logger.info("urgency override superseded", { tenantId, callId });
      return;
    }
    const alert = await transactAlert(tenantId, urgencyAlertId(callId), (current) =>
      overrideUrgencyAlert(current, callId, call, override.at),
    );
    await writeAudit(tenantId, audit);
    logger.info("urgency overridden", {
      tenantId,
      callId,
      level: override.level,
      by: override.by,
      alertChanged: alert.written !== null,
    });
  }),
);
