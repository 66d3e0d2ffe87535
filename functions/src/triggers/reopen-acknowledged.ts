/**
 * `reopenAcknowledged` — Cloud Tasks queue; one task per acknowledged opening of a critical alert
 * `{tenantId, alertId, openedAt, dueAt}` (enqueued by `applyAcknowledgement`, task id derived from
 * the opening). At `dueAt` (the acknowledgement plus the tenant's `ackTimeoutMinutes`) it reopens
 * `tenants/{tenantId}/alerts/{alertId}` if it is still acknowledged, critical and the same opening:
 * `fanOutAlert` then notifies its members again, plans escalation and checks that someone watches.
 * A resolution, a later opening or a duplicate delivery finds nothing to do.
 */
import { logger } from "firebase-functions/logger";
import { HttpsError } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { z } from "zod";
import { reopenUnresolved } from "../domain/alerts.js";
import { transactAlert } from "../store/live-store.js";
import { waitUntilDue } from "../store/tasks.js";

/** The queue is named after the function (Cloud Tasks and the emulator both key it so). */
export const ACK_TIMEOUT_QUEUE = "reopenAcknowledged";
export const ACK_TIMEOUT_DISPATCH_DEADLINE_SECONDS = 90;
/** As escalateAlert: an early delivery is waited out this long, a later one retried with backoff. */
const MAX_EARLY_WAIT_MS = 5_000;

export const ackTimeoutSchema = z.strictObject({
  tenantId: z.string().min(1),
  alertId: z.string().min(1),
  openedAt: z.number().int().nonnegative(),
  dueAt: z.number().int().nonnegative(),
});
export type AckTimeoutTask = z.infer<typeof ackTimeoutSchema>;

export const reopenAcknowledged = onTaskDispatched(
  {
    // Enough attempts for a timeout ~20 minutes out when delivered early.
    retryConfig: { maxAttempts: 25, minBackoffSeconds: 5, maxBackoffSeconds: 60 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: 60,
  },
  async (request) => {
    const parsed = ackTimeoutSchema.safeParse(request.data);
    if (!parsed.success) {
      logger.error("malformed acknowledgement timeout dropped", { id: request.id });
      return;
    }
    const task = parsed.data;
    if (!(await waitUntilDue(task.dueAt, MAX_EARLY_WAIT_MS))) {
      throw new HttpsError("unavailable", "acknowledgement timeout delivered early; retry later");
    }
    const now = Date.now();
    const outcome = await transactAlert(task.tenantId, task.alertId, (current) =>
      current === null ? null : reopenUnresolved(current, task.openedAt, now),
    );
    if (outcome.written === null) {
      logger.info("acknowledgement timeout not needed", {
        tenantId: task.tenantId,
        alertId: task.alertId,
        status: outcome.current?.status,
      });
      return;
    }
    logger.warn("acknowledged alert reopened: not resolved in time", {
      tenantId: task.tenantId,
      alertId: task.alertId,
    });
  },
);
