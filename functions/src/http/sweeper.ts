/**
 * `sweeper` (POST / with an admin's Firebase ID token): sweeps that admin's tenant now and answers
 * `{tenantId, closed: [callId…], pruned: [callId…], deferred: [id…]}`. The same sweep runs every 5
 * minutes over every tenant in production (`sweepStaleCalls`, triggers/sweep-stale-calls.ts); the
 * emulated run has no Pub/Sub or scheduler emulator (firebase-tools loads the scheduled function and
 * reports it as ignored), so there it is this endpoint that sweeps.
 * It first records the deferred turns whose task was lost and no later turn of the call came
 * (`deferred`: their marker ids; see store/deferred-turns.ts), so a call's last turn is in the
 * transcript before the call is judged stale (store/sweep.ts).
 */
import { onRequest, type Request } from "firebase-functions/v2/https";
import { endpoint } from "../http-kit/endpoint.js";
import { HttpError } from "../http-kit/errors.js";
import { authenticateMember } from "../http-kit/idtoken.js";
import { applyOrphanedDeferredTurns } from "../store/deferred-turns.js";
import { directory } from "../store/directory.js";
import { sweepTenant } from "../store/sweep.js";

export async function sweepNow(request: Request) {
  if (request.path !== "/" && request.path !== "") {
    throw new HttpError("NOT_FOUND", "Use POST / to sweep your tenant's calls.");
  }
  const member = await authenticateMember(request.get("authorization"));
  if (member.role !== "admin") {
    throw new HttpError("PERMISSION_DENIED", "Only an admin may sweep the tenant's calls.");
  }
  const now = Date.now();
  const deferred = await applyOrphanedDeferredTurns({ tenantId: member.tenant }, now, (phone) =>
    directory.resolveCaller(phone),
  );
  return { ...(await sweepTenant(member.tenant, now)), deferred };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleSweeper = endpoint(["POST"], sweepNow);

export const sweeper = onRequest(handleSweeper);
