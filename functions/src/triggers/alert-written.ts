/**
 * `fanOutAlert` — on write of `tenants/{tenantId}/alerts/{alertId}` (any kind, from any writer):
 * copies the alert into the inbox of every member its level reaches; when it opens critical (or
 * reopens, or goes up a level) schedules the next escalation step; when it opens critical and no
 * member allowed to act on it is online, raises `{alertId}-unwatched` for the admins and calls the
 * tenant's webhook once. Writes are derived from the alert as it is now, so replays repeat them.
 */
import { getDatabase } from "firebase-admin/database";
import { logger } from "firebase-functions";
import { onValueWritten } from "firebase-functions/v2/database";
import { planEscalation, escalationTaskId } from "../domain/escalation.js";
import {
  alertRecipients,
  fanOutKey,
  inboxUpdate,
  unwatchedAlertId,
  watchers,
} from "../domain/fanout.js";
import { databaseInstance } from "../lib/database-instance.js";
import {
  parseAlert,
  readAlert,
  readMembers,
  readPresence,
  transactAlert,
} from "../lib/live-store.js";
import type { Alert } from "../lib/model.js";
import { inboxItemPath } from "../lib/paths.js";
import { enqueueOnce } from "../lib/tasks.js";
import { readLiveSettings, type LiveSettings } from "../lib/trigger-settings.js";
import { postWebhook } from "../lib/webhook.js";
import { ESCALATION_DISPATCH_DEADLINE_SECONDS, ESCALATION_QUEUE } from "./escalate-alert.js";

function isOpenCritical(alert: Alert | null): alert is Alert {
  return alert !== null && alert.status === "open" && alert.severity === "critical";
}

export const fanOutAlert = onValueWritten(
  { ref: "tenants/{tenantId}/alerts/{alertId}", instance: databaseInstance() },
  async (event) => {
    const { tenantId, alertId } = event.params;
    const before = parseAlert(event.data.before.val());
    const after = parseAlert(event.data.after.val());
    // Deleted (pruned) or malformed; or only `acks` changed, which `applyAcknowledgement` turns
    // into a status change that brings this trigger back.
    if (after === null || fanOutKey(before) === fanOutKey(after)) return;

    // The alert as it is now: an older event delivered late must not undo a newer one.
    const alert = await readAlert(tenantId, alertId);
    if (alert === null) return;
    const members = await readMembers(tenantId);
    const recipients = alertRecipients(members, alert);
    if (recipients.length > 0) {
      await getDatabase()
        .ref()
        .update(inboxUpdate(tenantId, alertId, alert, recipients, inboxItemPath));
    }
    logger.info("alert fanned out", {
      tenantId,
      alertId,
      kind: alert.kind,
      severity: alert.severity,
      status: alert.status,
      level: alert.level,
      recipients: recipients.length,
    });

    if (alert.kind === "unwatched" || !isOpenCritical(after) || !isOpenCritical(alert)) return;
    const opened = !isOpenCritical(before) || before.at !== after.at;
    const raised = opened || before.level !== after.level;
    if (!raised) return;
    const settings = await readLiveSettings(tenantId);
    await scheduleEscalation(tenantId, alertId, alert, settings);
    if (opened) await checkWatched(tenantId, alertId, alert, recipients, settings);
  },
);

async function scheduleEscalation(
  tenantId: string,
  alertId: string,
  alert: Alert,
  settings: LiveSettings,
): Promise<void> {
  const step = planEscalation(
    tenantId,
    alertId,
    alert,
    { delayMs: settings.escalationDelayMs, maxLevel: settings.maxEscalationLevel },
    Date.now(),
  );
  if (step === null) return;
  const enqueued = await enqueueOnce(
    ESCALATION_QUEUE,
    { ...step },
    {
      id: escalationTaskId(step),
      at: step.dueAt,
      dispatchDeadlineSeconds: ESCALATION_DISPATCH_DEADLINE_SECONDS,
    },
  );
  logger.info("escalation scheduled", {
    tenantId,
    alertId,
    toLevel: step.toLevel,
    dueAt: step.dueAt,
    duplicate: !enqueued,
  });
}

async function checkWatched(
  tenantId: string,
  alertId: string,
  alert: Alert,
  recipients: readonly string[],
  settings: LiveSettings,
): Promise<void> {
  const online = watchers(recipients, await readPresence(tenantId));
  if (online.length > 0) return;
  const unwatchedId = unwatchedAlertId(alertId);
  const unwatched: Alert = {
    kind: "unwatched",
    severity: "critical",
    ...(alert.callId === undefined ? {} : { callId: alert.callId }),
    ...(alert.subjectId === undefined ? {} : { subjectId: alert.subjectId }),
    title: `Nobody is watching: ${alert.title}`,
    at: alert.at,
    status: "open",
    level: 0,
  };
  // One per opening of the source alert: a replay finds it and neither writes nor calls out again.
  const outcome = await transactAlert(tenantId, unwatchedId, (existing) =>
    existing === null || existing.at < alert.at ? unwatched : null,
  );
  if (outcome.written === null) return;
  logger.warn("critical alert unwatched", { tenantId, alertId, recipients: recipients.length });
  const url = settings.unwatchedWebhookUrl;
  if (url === undefined) return;
  const result = await postWebhook(url, {
    event: "alert.unwatched",
    tenantId,
    alertId: unwatchedId,
    sourceAlertId: alertId,
    ...(alert.callId === undefined ? {} : { callId: alert.callId }),
    ...(alert.subjectId === undefined ? {} : { subjectId: alert.subjectId }),
    severity: unwatched.severity,
    title: unwatched.title,
    at: unwatched.at,
  });
  if (result.ok)
    logger.info("unwatched webhook delivered", { tenantId, alertId, status: result.status });
  else logger.error("unwatched webhook failed", { tenantId, alertId, error: result.error });
}
