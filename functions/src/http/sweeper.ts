/**
 * The stale-call sweeper (`lib/sweep.ts`), two ways:
 *   `sweeper`          POST /  with an admin's Firebase ID token: sweeps that admin's tenant now and
 *                      answers `{tenantId, closed: [callId…], pruned: [callId…]}`.
 *   `sweepStaleCalls`  every 5 minutes in production (Cloud Scheduler), over every tenant.
 * The emulated run has no Pub/Sub or scheduler emulator: firebase-tools loads the scheduled
 * function and reports it as ignored, so there it is the HTTPS endpoint that sweeps.
 */
import { onRequest } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { HttpError } from "../lib/errors.js";
import { endpoint } from "../lib/http.js";
import { authenticateMember } from "../lib/idtoken.js";
import { sweepAllTenants, sweepTenant } from "../lib/sweep.js";

export const sweeper = onRequest(
  endpoint(["POST"], async (request) => {
    if (request.path !== "/" && request.path !== "") {
      throw new HttpError("NOT_FOUND", "Use POST / to sweep your tenant's calls.");
    }
    const member = await authenticateMember(request.get("authorization"));
    if (member.role !== "admin") {
      throw new HttpError("PERMISSION_DENIED", "Only an admin may sweep the tenant's calls.");
    }
    return sweepTenant(member.tenant, Date.now());
  }),
);

export const sweepStaleCalls = onSchedule(
  { schedule: "every 5 minutes", timeoutSeconds: 300, retryCount: 0 },
  async () => {
    await sweepAllTenants(Date.now());
  },
);
