/**
 * The stale-call sweeper (`lib/sweep.ts`), two ways:
 *   `sweeper`          POST /  with an admin's Firebase ID token: sweeps that admin's tenant now and
 *                      answers `{tenantId, closed: [callId…], pruned: [callId…], deferred: [id…]}`.
 *   `sweepStaleCalls`  every 5 minutes in production (Cloud Scheduler), over every tenant.
 * Each first records the deferred turns whose task was lost and no later turn of the call came
 * (`deferred`: their marker ids; see lib/deferred-turns.ts), so a call's last turn is in the
 * transcript before the call is judged stale.
 * The emulated run has no Pub/Sub or scheduler emulator: firebase-tools loads the scheduled
 * function and reports it as ignored, so there it is the HTTPS endpoint that sweeps.
 */
import { onRequest } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { logger } from "firebase-functions";
import { applyOrphanedDeferredTurns } from "../lib/deferred-turns.js";
import { HttpError } from "../lib/errors.js";
import { endpoint } from "../lib/http.js";
import { authenticateMember } from "../lib/idtoken.js";
import { sweepAllTenants, sweepTenant } from "../lib/sweep.js";
import { directory } from "./gateway-common.js";

const resolveCaller = (phone: string) => directory.resolveCaller(phone);

export const sweeper = onRequest(
  endpoint(["POST"], async (request) => {
    if (request.path !== "/" && request.path !== "") {
      throw new HttpError("NOT_FOUND", "Use POST / to sweep your tenant's calls.");
    }
    const member = await authenticateMember(request.get("authorization"));
    if (member.role !== "admin") {
      throw new HttpError("PERMISSION_DENIED", "Only an admin may sweep the tenant's calls.");
    }
    const now = Date.now();
    const deferred = await applyOrphanedDeferredTurns(
      { tenantId: member.tenant },
      now,
      resolveCaller,
    );
    return { ...(await sweepTenant(member.tenant, now)), deferred };
  }),
);

export const sweepStaleCalls = onSchedule(
  { schedule: "every 5 minutes", timeoutSeconds: 300, retryCount: 0 },
  async () => {
    const now = Date.now();
    try {
      await applyOrphanedDeferredTurns({}, now, resolveCaller);
    } catch (error) {
      // The calls are still swept; the next run retries the deferred turns.
      logger.error("orphaned deferred turns not read", { error: String(error) });
    }
    await sweepAllTenants(now);
  },
);
