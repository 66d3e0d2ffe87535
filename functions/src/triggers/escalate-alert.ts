/**
 * `escalateAlert` — Cloud Tasks queue; one task per planned step `{tenantId, alertId, openedAt,
 * toLevel, dueAt}` (enqueued by `fanOutAlert`, task id derived from the step). At `dueAt` it raises
 * `tenants/{tenantId}/alerts/{alertId}` to `toLevel` if the alert is still open, critical, the same
 * opening and one level below; an acknowledgement, a resolution, a lower severity or a duplicate
 * delivery finds nothing to do. `fanOutAlert` then reaches the wider audience and plans the next step.
 */
import { logger } from "firebase-functions/logger";
import { HttpsError } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { z } from "zod";
import { escalate } from "../domain/alerts.js";
import { stepApplies } from "../domain/escalation.js";
import { transactAlert } from "../store/live-store.js";
import { waitUntilDue } from "../store/tasks.js";

/** The queue is named after the function (Cloud Tasks and the emulator both key it so). */
export const ESCALATION_QUEUE = "escalateAlert";
export const ESCALATION_DISPATCH_DEADLINE_SECONDS = 90;
const TIMEOUT_SECONDS = 60;
/**
 * An early delivery (the emulator's queue ignores schedule times) is waited out up to this long;
 * one due later fails so that the queue retries it with backoff. Keeping each run short means an
 * emulator shuts down without waiting on a sleeping escalation.
 */
const MAX_EARLY_WAIT_MS = 5_000;

const stepSchema = z.strictObject({
  tenantId: z.string().min(1),
  alertId: z.string().min(1),
  openedAt: z.number().int().nonnegative(),
  toLevel: z.number().int().positive(),
  dueAt: z.number().int().nonnegative(),
});

export const escalateAlert = onTaskDispatched(
  {
    // Enough attempts for a step due ~20 minutes out when delivered early (see MAX_EARLY_WAIT_MS).
    retryConfig: { maxAttempts: 25, minBackoffSeconds: 5, maxBackoffSeconds: 60 },
    rateLimits: { maxConcurrentDispatches: 50 },
    timeoutSeconds: TIMEOUT_SECONDS,
  },
  async (request) => {
    const parsed = stepSchema.safeParse(request.data);
    if (!parsed.success) {
      // Retrying a malformed task cannot help: log it and let the queue drop it.
      logger.error("malformed escalation task dropped", { id: request.id });
      return;
    }
    const step = parsed.data;
    if (!(await waitUntilDue(step.dueAt, MAX_EARLY_WAIT_MS))) {
      throw new HttpsError("unavailable", "escalation step delivered early; retry later");
    }
    const outcome = await transactAlert(step.tenantId, step.alertId, (current) =>
      current !== null && stepApplies(step, current) ? escalate(current, step.toLevel) : null,
    );
    if (outcome.written === null) {
      logger.info("escalation step not needed", {
        tenantId: step.tenantId,
        alertId: step.alertId,
        toLevel: step.toLevel,
        status: outcome.current?.status,
        level: outcome.current?.level,
      });
      return;
    }
    logger.warn("alert escalated", {
      tenantId: step.tenantId,
      alertId: step.alertId,
      level: step.toLevel,
    });
  },
);
