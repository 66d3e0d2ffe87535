/**
 * `fanOutMessage` — on create of `tenants/{tenantId}/messages/{callId}/{messageId}`: brings the
 * call summary up to date (count, snippet, lastMessageAt, urgency from triage of a caller's words,
 * never lowered) and opens or upgrades the call's urgency alert `{callId}-urgency` at urgent or
 * critical. Inboxes, escalation and the nobody-watching check follow from the alert write
 * (`fanOutAlert`). A second delivery finds both already up to date and writes nothing.
 */
import { logger } from "firebase-functions/logger";
import { onValueCreated } from "firebase-functions/v2/database";
import { raiseUrgencyAlert } from "../domain/alerts.js";
import { urgencyAlertId } from "../domain/fanout.js";
import { summarize } from "../domain/summary.js";
import { triage } from "../domain/triage/index.js";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { readAlert, readCall, transactAlert, transactCall } from "../store/live-store.js";
import { messageSchema } from "@lifeline/model";

export const fanOutMessage = onValueCreated(
  { ref: "tenants/{tenantId}/messages/{callId}/{messageId}", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId, messageId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "fanOutMessage"))) return;
    const parsed = messageSchema.safeParse(event.data.val());
    if (!parsed.success) {
      logger.warn("malformed message ignored", { tenantId, callId, messageId });
      return;
    }
    const message = parsed.data;
    const triaged = message.role === "caller" ? triage(message.text) : null;
    // Most messages come from the speech turn, which wrote the summary in the same update: one read
    // settles that, and only a summary that needs changing pays for a transaction.
    const seen = await readCall(tenantId, callId);
    if (seen === null) {
      logger.warn("message of an unknown call", { tenantId, callId, messageId });
      return;
    }
    const summary =
      summarize(seen, messageId, message, triaged) === null
        ? { written: null, current: seen }
        : await transactCall(tenantId, callId, (call) =>
            call === null ? null : summarize(call, messageId, message, triaged),
          );
    const call = summary.current;
    if (call === null || call.urgency === "normal") return;
    const alertId = urgencyAlertId(callId);
    const existing = await readAlert(tenantId, alertId);
    const alert =
      existing !== null && raiseUrgencyAlert(existing, callId, call, message.at) === null
        ? { written: null, current: existing }
        : await transactAlert(tenantId, alertId, (current) =>
            raiseUrgencyAlert(current, callId, call, message.at),
          );
    if (summary.written !== null || alert.written !== null) {
      logger.info("message fanned out", {
        tenantId,
        callId,
        messageId,
        urgency: call.urgency,
        summaryUpdated: summary.written !== null,
        alert: alert.written === null ? undefined : { alertId, severity: alert.written.severity },
      });
    }
  }),
);
