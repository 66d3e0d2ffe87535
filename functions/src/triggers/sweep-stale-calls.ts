/**
 * `sweepStaleCalls` — every 5 minutes (Cloud Scheduler), over every tenant: first the deferred
 * turns whose task was lost and no later turn of the call came (store/deferred-turns.ts), then the
 * sweep of each tenant's live calls (store/sweep.ts). The emulated run has no scheduler: there the
 * `sweeper` endpoint sweeps one tenant on demand.
 */
import { logger } from "firebase-functions/logger";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { applyOrphanedDeferredTurns } from "../store/deferred-turns.js";
import { directory } from "../store/directory.js";
import { sweepAllTenants } from "../store/sweep.js";

export const sweepStaleCalls = onSchedule(
  { schedule: "every 5 minutes", timeoutSeconds: 300, retryCount: 0 },
  async () => {
    const now = Date.now();
    try {
      await applyOrphanedDeferredTurns({}, now, (phone) => directory.resolveCaller(phone));
    } catch (error) {
      // The calls are still swept; the next run retries the deferred turns.
      logger.error("orphaned deferred turns not read", { error: String(error) });
    }
    await sweepAllTenants(now);
  },
);
