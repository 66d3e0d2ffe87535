/**
 * `applyAcknowledgement` — on write of `tenants/{tenantId}/alerts/{alertId}/acks/{uid}` (the
 * supervisor's own ack, validated by the rules): moves the alert's status forward (acknowledged, or
 * resolved for `resolved`/`false_alarm`; on a follow-up only acknowledged: its outcome closes it,
 * see `closeFollowUp`) and appends the action to the Firestore audit log. The new status reaches
 * every inbox copy through `fanOutAlert`; an alert no longer open is never escalated, which is how
 * an acknowledgement cancels its escalation. A replay finds its audit entry and leaves the status
 * as it is; an acknowledgement changed later is a new audit entry beside the first. A `declined`
 * answer raises the alert a level at once instead (see `applyDecline`).
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { acknowledge, decline, isFollowUp } from "../domain/alerts.js";
import { ackTimeoutTaskId } from "../domain/escalation.js";
import { enqueueOnce } from "../store/tasks.js";
import {
  ACK_TIMEOUT_DISPATCH_DEADLINE_SECONDS,
  ACK_TIMEOUT_QUEUE,
  type AckTimeoutTask,
} from "./reopen-acknowledged.js";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { transactAlert, writeAudit } from "../store/live-store.js";
import { readLiveSettings } from "../store/settings.js";
import { ackSchema, type Alert } from "@lifeline/model";

export const applyAcknowledgement = onValueWritten(
  { ref: "tenants/{tenantId}/alerts/{alertId}/acks/{uid}", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, alertId, uid } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "applyAcknowledgement"))) return;
    const value: unknown = event.data.after.val();
    if (value === null) return;
    const parsed = ackSchema.safeParse(value);
    if (!parsed.success) {
      logger.warn("malformed acknowledgement ignored", { tenantId, alertId, uid });
      return;
    }
    const ack = parsed.data;
    if (ack.status === "declined") {
      await applyDecline(tenantId, alertId, uid, ack);
      return;
    }
    const outcome = await transactAlert(tenantId, alertId, (current) =>
      current === null ? null : acknowledge(current, ack),
    );
    const alert = outcome.current;
    if (alert === null) {
      logger.warn("acknowledgement of an unknown alert", { tenantId, alertId, uid });
      return;
    }
    await writeAudit(tenantId, {
      action: "acknowledge",
      actorUid: uid,
      at: ack.at,
      alertId,
      ...(alert.callId === undefined ? {} : { callId: alert.callId }),
      details: { status: ack.status, note: ack.note, kind: alert.kind },
    });
    await scheduleAckTimeout(tenantId, alertId, alert, ack.at);
    logger.info("alert acknowledged", {
      tenantId,
      alertId,
      uid,
      ack: ack.status,
      status: alert.status,
      changed: outcome.written !== null,
    });
  }),
);

/**
 * A decline raises the alert one level at once (`decline`): `fanOutAlert` then reaches the next
 * level's members and plans the step after it, as a timed escalation would. Audited `decline`.
 */
async function applyDecline(
  tenantId: string,
  alertId: string,
  uid: string,
  ack: { note: string; at: number },
): Promise<void> {
  const settings = await readLiveSettings(tenantId);
  const outcome = await transactAlert(tenantId, alertId, (current) =>
    current === null ? null : decline(current, { uid, at: ack.at }, settings.maxEscalationLevel),
  );
  const alert = outcome.current;
  if (alert === null) {
    logger.warn("decline of an unknown alert", { tenantId, alertId, uid });
    return;
  }
  await writeAudit(tenantId, {
    action: "decline",
    actorUid: uid,
    at: ack.at,
    alertId,
    ...(alert.callId === undefined ? {} : { callId: alert.callId }),
    details: { note: ack.note, kind: alert.kind },
  });
  logger.warn("alert declined", {
    tenantId,
    alertId,
    uid,
    level: alert.level,
    raised: outcome.written !== null,
  });
}

/**
 * An acknowledged critical alert must still be resolved: `reopenAcknowledged` reopens it after the
 * tenant's timeout. Enqueued on replays too; the task id names the opening, so the queue keeps one.
 */
async function scheduleAckTimeout(
  tenantId: string,
  alertId: string,
  alert: Alert,
  ackAt: number,
): Promise<void> {
  if (alert.status !== "acknowledged" || alert.severity !== "critical" || isFollowUp(alert)) {
    return;
  }
  if (ackAt < alert.at) return;
  const settings = await readLiveSettings(tenantId);
  const task: AckTimeoutTask = {
    tenantId,
    alertId,
    openedAt: alert.at,
    dueAt: ackAt + settings.ackTimeoutMs,
  };
  const enqueued = await enqueueOnce(
    ACK_TIMEOUT_QUEUE,
    { ...task },
    {
      id: ackTimeoutTaskId(task),
      at: task.dueAt,
      dispatchDeadlineSeconds: ACK_TIMEOUT_DISPATCH_DEADLINE_SECONDS,
    },
  );
  logger.info("acknowledgement timeout scheduled", {
    tenantId,
    alertId,
    dueAt: task.dueAt,
    duplicate: !enqueued,
  });
}
