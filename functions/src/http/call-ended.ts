/**
 * `callEnded` (gateway JWT), POST JSON `{callRef, from, at?}` → `{callId, status, endedAt}`: marks
 * an answered call ended (the `archiveEndedCall` trigger archives it). A repeated notification
 * answers what the first one recorded and writes nothing; a missed call is a 409.
 */
import { tenantDatabase } from "../store/instances.js";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { callIdFor, planCallEnded, type EndReason } from "../domain/turn/index.js";
import { parseJsonBody } from "../http-kit/body.js";
import { endpoint } from "../http-kit/endpoint.js";
import { HttpError } from "../http-kit/errors.js";
import { authenticate, CALL_EVENT_BODY_LIMIT_BYTES, callerLimit } from "../http-kit/gateway.js";
import { enforce } from "../http-kit/rate-limit.js";
import { gatewayJwtKey } from "../params.js";
import { callEndedRequestSchema } from "../requests.js";
import { directory } from "../store/directory.js";
import { readCallRecord } from "../store/live-store.js";

export async function endCall(request: Request) {
  const { gateway } = await authenticate(request);
  const body = parseJsonBody(request, callEndedRequestSchema, CALL_EVENT_BODY_LIMIT_BYTES);
  enforce(callerLimit(), body.from, "caller number");
  const { tenantId } = await directory.resolveCaller(body.from);
  return endCallOf(tenantId, callIdFor(gateway, body.callRef), body.at);
}

/**
 * Ends an answered call, whichever gateway reported it: 404 when there is no such call, 409 when
 * it was missed; a call already ended answers as it was recorded, with nothing written.
 */
export async function endCallOf(tenantId: string, callId: string, at?: number, reason?: EndReason) {
  const call = await readCallRecord(tenantId, callId);
  if (call === null) throw new HttpError("NOT_FOUND", "No such call.");
  if (call.status === "missed") {
    throw new HttpError("FAILED_PRECONDITION", "This call was missed, not answered.");
  }
  if (call.status === "ended") return { callId, status: "ended", endedAt: call.endedAt ?? null };
  const endedAt = Math.max(at ?? Date.now(), call.lastMessageAt);
  await (
    await tenantDatabase(tenantId)
  )
    .ref()
    .update(planCallEnded(tenantId, callId, endedAt, reason));
  logger.info("call ended", { tenantId, callId, ...(reason === undefined ? {} : { reason }) });
  return { callId, status: "ended", endedAt };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleCallEnded = endpoint(["POST"], endCall);

export const callEnded = onRequest({ secrets: [gatewayJwtKey] }, handleCallEnded);
