/**
 * `closeFollowUp` — on write of `tenants/{tenantId}/alerts/{alertId}/outcome` (a member's
 * `{outcome, note, by, at}`, written once on a follow-up alert, validated by the rules): resolves the
 * follow-up (the new status reaches every inbox copy through `fanOutAlert`, and a resolved alert is
 * never escalated) and audits `follow_up_close` with the outcome, the note and the member. Only the
 * outcome the alert holds counts; a replay finds the alert resolved and its audit entry written.
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { resolveFollowUp } from "../domain/alerts.js";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { transactAlert, writeAudit } from "../store/live-store.js";
import { followUpOutcomeSchema } from "@lifeline/model";

export const closeFollowUp = onValueWritten(
  { ref: "tenants/{tenantId}/alerts/{alertId}/outcome", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, alertId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "closeFollowUp"))) return;
    const value: unknown = event.data.after.val();
    if (value === null) return;
    const parsed = followUpOutcomeSchema.safeParse(value);
    if (!parsed.success) {
      logger.warn("malformed follow-up outcome ignored", { tenantId, alertId });
      return;
    }
    const outcome = parsed.data;
    const result = await transactAlert(tenantId, alertId, (current) =>
      current === null ? null : resolveFollowUp(current, outcome),
    );
    const alert = result.current;
    const held = alert?.outcome;
    if (
      alert === null ||
      alert.followUp === undefined ||
      alert.status !== "resolved" ||
      held?.at !== outcome.at ||
      held.by !== outcome.by
    ) {
      logger.warn("outcome of an alert that is not a follow-up, or superseded", {
        tenantId,
        alertId,
        by: outcome.by,
      });
      return;
    }
    // Written after the status, and whenever the alert holds this outcome resolved: a delivery that
    // stopped in between is completed by the next one, and the create-only audit keeps one entry.
    const audit = await writeAudit(tenantId, {
      action: "follow_up_close",
      actorUid: outcome.by,
      at: outcome.at,
      alertId,
      ...(alert.callId === undefined ? {} : { callId: alert.callId }),
      details: { outcome: outcome.outcome, note: outcome.note },
    });
    logger.info("follow-up closed", {
      tenantId,
      alertId,
      by: outcome.by,
      outcome: outcome.outcome,
      changed: result.written !== null,
      audited: audit.created,
    });
  }),
);
