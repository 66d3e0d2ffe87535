/**
 * `missedCall` (gateway JWT), POST JSON `{callRef, from, medium?, at?}` → `{callId, status,
 * alertId}`: records a call nobody answered and opens its `missed_call` alert (inboxes follow
 * through `fanOutAlert`). A repeated notification answers the same and writes nothing; a call that
 * was answered is a 409.
 */
import { getDatabase } from "firebase-admin/database";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { callIdFor, missedCallAlertId, planMissedCall } from "../domain/turn/index.js";
import { parseJsonBody } from "../http-kit/body.js";
import { endpoint } from "../http-kit/endpoint.js";
import { HttpError } from "../http-kit/errors.js";
import { authenticate, CALL_EVENT_BODY_LIMIT_BYTES, callerLimit } from "../http-kit/gateway.js";
import { enforce } from "../http-kit/rate-limit.js";
import { gatewayJwtKey } from "../params.js";
import { missedCallRequestSchema } from "../requests.js";
import { directory } from "../store/directory.js";
import { readCallRecord } from "../store/live-store.js";

export async function recordMissedCall(request: Request) {
  const { gateway } = await authenticate(request);
  const body = parseJsonBody(request, missedCallRequestSchema, CALL_EVENT_BODY_LIMIT_BYTES);
  enforce(callerLimit(), body.from, "caller number");
  const { tenantId, subjectId } = await directory.resolveCaller(body.from);
  const callId = callIdFor(gateway, body.callRef);
  const alertId = missedCallAlertId(callId);
  const call = await readCallRecord(tenantId, callId);
  if (call !== null) {
    if (call.status === "missed") return { callId, status: "missed", alertId };
    throw new HttpError("FAILED_PRECONDITION", "This call was answered.");
  }
  await getDatabase()
    .ref()
    .update(
      planMissedCall({
        tenantId,
        ...(subjectId === undefined ? {} : { subjectId }),
        callId,
        phone: body.from,
        medium: body.medium,
        at: body.at ?? Date.now(),
      }),
    );
  logger.info("missed call recorded", { tenantId, callId });
  return { callId, status: "missed", alertId };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleMissedCall = endpoint(["POST"], recordMissedCall);

export const missedCall = onRequest({ secrets: [gatewayJwtKey] }, handleMissedCall);
