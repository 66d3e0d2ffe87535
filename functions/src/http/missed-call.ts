/**
 * `missedCall` (gateway JWT), POST JSON `{callRef, from, medium?, at?}` → `{callId, status,
 * alertId}`: records a call nobody answered and opens its `missed_call` alert (inboxes follow
 * through `fanOutAlert`). A repeated notification answers the same and writes nothing; a call that
 * was answered is a 409.
 */
import { tenantDatabase } from "../store/instances.js";
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
import { directory, type Caller } from "../store/directory.js";
import type { Medium } from "@lifeline/model";
import { readCallRecord } from "../store/live-store.js";

export async function recordMissedCall(request: Request) {
  const { gateway } = await authenticate(request);
  const body = parseJsonBody(request, missedCallRequestSchema, CALL_EVENT_BODY_LIMIT_BYTES);
  enforce(callerLimit(), body.from, "caller number");
  const caller = await directory.resolveCaller(body.from);
  return missCallOf({
    caller,
    callId: callIdFor(gateway, body.callRef),
    phone: body.from,
    medium: body.medium,
    ...(body.at === undefined ? {} : { at: body.at }),
  });
}

export interface MissedCall {
  readonly caller: Caller;
  readonly callId: string;
  readonly phone: string;
  readonly medium: Medium;
  readonly at?: number;
}

/**
 * Records a call nobody answered, whichever gateway reported it, with its `missed_call` alert; a
 * call already missed answers the same with nothing written; an answered call is a 409.
 */
export async function missCallOf(missed: MissedCall) {
  const { caller, callId, phone, medium, at } = missed;
  const { tenantId, subjectId } = caller;
  const alertId = missedCallAlertId(callId);
  const call = await readCallRecord(tenantId, callId);
  if (call !== null) {
    if (call.status === "missed") return { callId, status: "missed", alertId };
    throw new HttpError("FAILED_PRECONDITION", "This call was answered.");
  }
  await (await tenantDatabase(tenantId)).ref().update(
    planMissedCall({
      tenantId,
      ...(subjectId === undefined ? {} : { subjectId }),
      callId,
      phone,
      medium,
      at: at ?? Date.now(),
    }),
  );
  logger.info("missed call recorded", { tenantId, callId });
  return { callId, status: "missed", alertId };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleMissedCall = endpoint(["POST"], recordMissedCall);

export const missedCall = onRequest({ secrets: [gatewayJwtKey] }, handleMissedCall);
