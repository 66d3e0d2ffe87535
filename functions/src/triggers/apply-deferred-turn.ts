/**
 * `applyDeferredTurn` — Cloud Tasks queue; one task per deferred speech turn `{turn, earlier}`
 * (enqueued by `speechTurn` when a store did not answer within the answer budget; task id
 * `deferredTurnId(callId, turnId)`). Applies the earlier deferred turns of the same call, then the
 * turn, each idempotently by its turn record. While the database is still away the delivery fails
 * and the queue retries it with backoff; a probe task from the readiness view does nothing.
 */
import { logger } from "firebase-functions/logger";
import { HttpsError } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { probeTaskSchema } from "../domain/deferred.js";
import { directory } from "../store/directory.js";
import { parseDeferredTask, recordDeferredTurn, withTimeout } from "../store/deferred-turns.js";

const TIMEOUT_SECONDS = 60;
/** One delivery gives up well before its deadline, so a stalled database means a retry, not a hang. */
const APPLY_BUDGET_MS = 10_000;

export const applyDeferredTurn = onTaskDispatched(
  {
    // A database outage may last a while: keep retrying (about 3 hours at the longest backoff).
    retryConfig: { maxAttempts: 200, minBackoffSeconds: 1, maxBackoffSeconds: 60 },
    // Few at once: during an outage every delivery waits on the same database, and a call's
    // deferred turns ride together in its latest task anyway.
    rateLimits: { maxConcurrentDispatches: 5 },
    timeoutSeconds: TIMEOUT_SECONDS,
  },
  async (request) => {
    if (probeTaskSchema.safeParse(request.data).success) return;
    const task = parseDeferredTask(request.data);
    if (task === null) {
      logger.error("malformed deferred turn task dropped", { id: request.id });
      return;
    }
    try {
      await withTimeout(
        (async () => {
          for (const turn of [...task.earlier, task.turn]) {
            await recordDeferredTurn(turn, (phone) => directory.resolveCaller(phone));
          }
        })(),
        APPLY_BUDGET_MS,
        "apply deferred turn",
      );
    } catch (error) {
      logger.warn("deferred turn not applied yet; the queue retries", {
        callId: task.turn.callId,
        turnId: task.turn.request.turnId,
        error: String(error),
      });
      throw new HttpsError("unavailable", "the database did not answer; retry later");
    }
  },
);
