/**
 * `fanOutAlert` — on write of `tenants/{tenantId}/alerts/{alertId}` (any kind, from any writer):
 * copies the alert into the inbox of every member its level reaches; when it opens critical (or
 * reopens, or goes up a level) schedules the next escalation step; when it opens critical and no
 * member allowed to act on it is online, raises `{alertId}-unwatched` for the admins and enqueues
 * the tenant's signed webhook (`deliverWebhook`, one task per opening, retried until delivered);
 * when it is acknowledged or closed, resolves that page (so does a take-over: `recordOwnerChange`);
 * while it is open critical (or is that page), sends a web push to each recipient with no dashboard
 * open, once per opening and level (`store/push.ts`).
 * Writes are derived from the alert as it is now, so replays repeat them.
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { planEscalation, escalationTaskId } from "../domain/escalation.js";
import {
  alertRecipients,
  fanOutKey,
  inboxUpdate,
  unwatchedAlertId,
  watchers,
} from "../domain/fanout.js";
import {
  isTenantInstance,
  lifelineInstances,
  onEventInstance,
  tenantDatabase,
} from "../store/instances.js";
import {
  parseAlert,
  readAlert,
  readMembers,
  readPresence,
  settleUnwatchedPage,
  transactAlert,
} from "../store/live-store.js";
import { type Alert, inboxItemPath } from "@lifeline/model";
import { pushToAbsentMembers } from "../store/push.js";
import { enqueueOnce } from "../store/tasks.js";
import { readLiveSettings, type LiveSettings } from "../store/settings.js";
import { webhookId, type UnwatchedPayload } from "../store/webhook.js";
import {
  WEBHOOK_DISPATCH_DEADLINE_SECONDS,
  WEBHOOK_QUEUE,
  type WebhookTask,
} from "./deliver-webhook.js";
import { ESCALATION_DISPATCH_DEADLINE_SECONDS, ESCALATION_QUEUE } from "./escalate-alert.js";

function isOpenCritical(alert: Alert | null): alert is Alert {
  return alert !== null && alert.status === "open" && alert.severity === "critical";
}

export const fanOutAlert = onValueWritten(
  { ref: "tenants/{tenantId}/alerts/{alertId}", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, alertId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "fanOutAlert"))) return;
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
      await (
        await tenantDatabase(tenantId)
      )
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

    // Members with no dashboard open hear of it on their registered browsers.
    await pushToAbsentMembers(tenantId, alertId, alert, recipients);

    if (alert.kind === "unwatched") return;
    // Acknowledged or closed: the page to the admins about it has been answered.
    if (alert.status !== "open") {
      await settleUnwatchedPage(tenantId, alertId, alert.callId);
      return;
    }
    if (!isOpenCritical(after) || !isOpenCritical(alert)) return;
    const opened = !isOpenCritical(before) || before.at !== after.at;
    const raised = opened || before.level !== after.level;
    if (!raised) return;
    const settings = await readLiveSettings(tenantId);
    await scheduleEscalation(tenantId, alertId, alert, settings);
    if (opened) await checkWatched(tenantId, alertId, alert, recipients, settings);
  }),
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
  // One per opening of the source alert: a replay finds it and writes nothing again.
  const outcome = await transactAlert(tenantId, unwatchedId, (existing) =>
    existing === null || existing.at < alert.at ? unwatched : null,
  );
  const current = outcome.written ?? outcome.current;
  // A later opening has its own page; an older one than this replay's is not ours to send.
  if (current === null || current.at !== alert.at) return;
  if (outcome.written !== null) {
    logger.warn("critical alert unwatched", { tenantId, alertId, recipients: recipients.length });
    // An acknowledgement or a take-over that landed while the page was being raised settles it now.
    if (await settleUnwatchedPage(tenantId, alertId, alert.callId)) return;
  }
  const url = settings.unwatchedWebhookUrl;
  if (url === undefined) return;
  await enqueueUnwatchedWebhook(tenantId, url, {
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
}

/**
 * Hands the page to the `deliverWebhook` queue. Enqueued on replays too (a trigger that died after
 * writing the alert still pages): the task id is the event's `webhook-id`, so the queue keeps one.
 */
async function enqueueUnwatchedWebhook(
  tenantId: string,
  url: string,
  payload: UnwatchedPayload,
): Promise<void> {
  const id = webhookId("alert.unwatched", tenantId, payload.alertId, payload.at);
  const task: WebhookTask = { id, tenantId, url, body: JSON.stringify(payload) };
  const enqueued = await enqueueOnce(WEBHOOK_QUEUE, task, {
    id,
    at: Date.now(),
    dispatchDeadlineSeconds: WEBHOOK_DISPATCH_DEADLINE_SECONDS,
  });
  logger.info("unwatched webhook enqueued", {
    tenantId,
    alertId: payload.sourceAlertId,
    webhookId: id,
    duplicate: !enqueued,
  });
}
