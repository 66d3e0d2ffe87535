/**
 * The gateway's endpoints (JWT, see lib/gateway-auth.ts), each POST with a JSON body:
 *   speechTurn      {callRef, from, text, medium, turnId} → {callId, reply, urgency, owner, say}
 *   callEnded       {callRef, from, at?}                  → {callId, status, endedAt}
 *   missedCall      {callRef, from, medium?, at?}         → {callId, status, alertId}
 * Device readings are in device-readings.ts; the pieces both files use are in gateway-common.ts.
 * Order of checks: method, token, the gateway's rate limit, body, the caller's rate limit; only
 * then is anything read, and every 4xx before that point leaves the databases untouched.
 * Fan-out (alerts into inboxes, escalation, archive) is the triggers' job, never done here.
 */
import { performance } from "node:perf_hooks";
import { getDatabase, type Reference } from "firebase-admin/database";
import { logger } from "firebase-functions";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { urgencyAlertId } from "../domain/fanout.js";
import {
  callIdFor,
  callIsClosed,
  claimState,
  claimUpdate,
  decideTurn,
  MalformedCallError,
  missedCallAlertId,
  parseCallState,
  planCallEnded,
  planMissedCall,
  planTurn,
  turnFingerprint,
  HISTORY_LIMIT,
  TURN_CLAIM_TTL_MS,
  type CallState,
  type TurnAnswer,
} from "../domain/turn.js";
import { parseJsonBody } from "../lib/body.js";
import { HttpError } from "../lib/errors.js";
import {
  callEndedRequestSchema,
  missedCallRequestSchema,
  speechTurnRequestSchema,
  type SpeechTurnRequest,
} from "../lib/gateway-schemas.js";
import { endpoint } from "../lib/http.js";
import { callSchema, type Call } from "../lib/model.js";
import {
  alertPath,
  callPath,
  messagesPath,
  outboxPath,
  subjectPath,
  turnPath,
} from "../lib/paths.js";
import { enforce } from "../lib/rate-limit.js";
import { gatewayJwtKey, responderApiKey } from "../params.js";
import { authenticate, callerLimit, directory, internal, turnResponder } from "./gateway-common.js";

/** A turn is a sentence or a text message: 4000 characters, up to 4 bytes each, and the fields. */
export const TURN_BODY_LIMIT_BYTES = 20 * 1024;
export const CALL_EVENT_BODY_LIMIT_BYTES = 4 * 1024;

// ---------------------------------------------------------------- speech turn

async function readCallState(
  tenantId: string,
  callId: string,
  subjectId: string | undefined,
): Promise<{ state: CallState; callerName: string | undefined }> {
  const db = getDatabase();
  const [call, outbox, messages, alert, name] = await Promise.all([
    db.ref(callPath(tenantId, callId)).get(),
    db.ref(outboxPath(tenantId, callId)).get(),
    db.ref(messagesPath(tenantId, callId)).orderByChild("seq").limitToLast(HISTORY_LIMIT).get(),
    db.ref(alertPath(tenantId, urgencyAlertId(callId))).get(),
    subjectId === undefined
      ? Promise.resolve(undefined)
      : db.ref(`${subjectPath(tenantId, subjectId)}/name`).get(),
  ]);
  try {
    const state = parseCallState({
      call: call.val(),
      outbox: outbox.val(),
      messages: messages.val(),
      alert: alert.val(),
    });
    const callerName: unknown = name?.val();
    return { state, callerName: typeof callerName === "string" ? callerName : undefined };
  } catch (error) {
    if (error instanceof MalformedCallError) throw internal(error);
    throw error;
  }
}

type Claim =
  | { readonly kind: "claimed"; readonly at: number }
  | { readonly kind: "answered"; readonly answer: TurnAnswer };

/** Resolves when the turn record changes away from `in-progress`: done, released or gone stale. */
function waitForTurn(ref: Reference, fingerprint: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      ref.off("value", listener);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    const listener = ref.on("value", (snapshot) => {
      if (claimState(snapshot.val(), fingerprint, Date.now()).kind !== "in-progress") finish();
    });
  });
}

/**
 * Claims the turn record, or returns the answer a previous (or concurrent) request for the same
 * turn recorded. A concurrent claimant is waited for; one that died is taken over after the TTL.
 */
async function claimTurn(ref: Reference, fingerprint: string): Promise<Claim> {
  const deadline = Date.now() + TURN_CLAIM_TTL_MS + 2_000;
  for (;;) {
    const now = Date.now();
    if (now > deadline) {
      throw new HttpError("UNAVAILABLE", "This turn is still being processed; retry.", {
        headers: { "Retry-After": "1" },
      });
    }
    const { committed, snapshot } = await ref.transaction(
      (current: unknown) => claimUpdate(current, fingerprint, now),
      undefined,
      false,
    );
    if (committed) return { kind: "claimed", at: now };
    const state = claimState(snapshot.val(), fingerprint, Date.now());
    switch (state.kind) {
      case "done":
        return { kind: "answered", answer: state.answer };
      case "conflict":
        throw new HttpError(
          "ALREADY_EXISTS",
          "This turnId was already used for a different turn of this call.",
        );
      case "free":
        continue;
      case "in-progress": {
        const untilStale = state.claimedAt + TURN_CLAIM_TTL_MS - Date.now() + 50;
        await waitForTurn(
          ref,
          fingerprint,
          Math.max(0, Math.min(deadline - Date.now(), untilStale)),
        );
        continue;
      }
    }
  }
}

/** Gives the turn back when this request could not finish it, so a retry need not wait the TTL. */
async function releaseClaim(ref: Reference, fingerprint: string, claimedAt: number): Promise<void> {
  try {
    await ref.transaction(
      (current: unknown) => {
        const mine =
          typeof current === "object" &&
          current !== null &&
          "status" in current &&
          current.status === "pending" &&
          "claimedAt" in current &&
          current.claimedAt === claimedAt &&
          "fingerprint" in current &&
          current.fingerprint === fingerprint;
        // Null for an absent value too: the first run sees the local cache, usually empty, and
        // undefined there would abort without ever asking the server.
        return mine || current === null ? null : undefined;
      },
      undefined,
      false,
    );
  } catch (error) {
    logger.warn("could not release a turn claim", { path: ref.toString(), error: String(error) });
  }
}

async function recordTurn(request: Request): Promise<TurnAnswer> {
  const { gateway } = await authenticate(request);
  const body: SpeechTurnRequest = parseJsonBody(
    request,
    speechTurnRequestSchema,
    TURN_BODY_LIMIT_BYTES,
  );
  enforce(callerLimit(), body.from, "caller number");

  const started = performance.now();
  const caller = await directory.resolveCaller(body.from);
  const resolved = performance.now();
  const { tenantId, subjectId } = caller;
  const callId = callIdFor(gateway, body.callRef);
  const fingerprint = turnFingerprint(body);
  const turnRef = getDatabase().ref(turnPath(tenantId, callId, body.turnId));

  // The claim and the reads go out together: a turn costs one round trip before the responder.
  const [claimed, reading] = await Promise.allSettled([
    claimTurn(turnRef, fingerprint),
    readCallState(tenantId, callId, subjectId),
  ]);
  if (claimed.status === "rejected") throw claimed.reason;
  const claim = claimed.value;
  if (reading.status === "rejected") {
    if (claim.kind === "claimed") await releaseClaim(turnRef, fingerprint, claim.at);
    throw reading.reason;
  }
  const read = reading.value;
  const readAt = performance.now();
  if (claim.kind === "answered") {
    logger.info("turn replayed", { tenantId, callId, turnId: body.turnId });
    return claim.answer;
  }
  try {
    const { state, callerName } = read;
    if (callIsClosed(state)) {
      throw new HttpError("FAILED_PRECONDITION", "This call has already ended.");
    }
    const now = Date.now();
    const decision = decideTurn(body.text, state, now);
    const reply = decision.aiReplies
      ? await turnResponder().respond({
          text: body.text,
          history: decision.history,
          urgency: decision.urgency,
          category: decision.triage.category,
          mode: decision.mode,
          ...(callerName === undefined ? {} : { callerName }),
        })
      : null;
    const answered = performance.now();
    const plan = planTurn({
      tenantId,
      ...(subjectId === undefined ? {} : { subjectId }),
      callId,
      request: body,
      fingerprint,
      state,
      decision,
      reply,
      now,
    });
    await getDatabase().ref().update(plan.update);
    const written = performance.now();
    logger.info("turn recorded", {
      tenantId,
      callId,
      turnId: body.turnId,
      urgency: decision.urgency,
      owner: decision.owner.kind,
      mode: decision.mode,
      said: decision.say.length,
      ...(reply?.fallback === undefined ? {} : { fallback: reply.fallback }),
      ms: {
        directory: Math.round(resolved - started),
        claimAndRead: Math.round(readAt - resolved),
        respond: Math.round(answered - readAt),
        write: Math.round(written - answered),
      },
    });
    return plan.answer;
  } catch (error) {
    await releaseClaim(turnRef, fingerprint, claim.at);
    throw error;
  }
}

// ---------------------------------------------------------------- call ended, missed call

async function readCall(tenantId: string, callId: string): Promise<Call | null> {
  const value: unknown = (await getDatabase().ref(callPath(tenantId, callId)).get()).val();
  if (value === null) return null;
  const parsed = callSchema.safeParse(value);
  if (!parsed.success)
    throw internal(new Error(`call ${tenantId}/${callId}: ${parsed.error.message}`));
  return parsed.data;
}

async function endCall(request: Request) {
  const { gateway } = await authenticate(request);
  const body = parseJsonBody(request, callEndedRequestSchema, CALL_EVENT_BODY_LIMIT_BYTES);
  enforce(callerLimit(), body.from, "caller number");
  const { tenantId } = await directory.resolveCaller(body.from);
  const callId = callIdFor(gateway, body.callRef);
  const call = await readCall(tenantId, callId);
  if (call === null) throw new HttpError("NOT_FOUND", "No such call.");
  if (call.status === "missed") {
    throw new HttpError("FAILED_PRECONDITION", "This call was missed, not answered.");
  }
  // A repeated notification answers what the first one recorded and writes nothing.
  if (call.status === "ended") return { callId, status: "ended", endedAt: call.endedAt ?? null };
  const endedAt = Math.max(body.at ?? Date.now(), call.lastMessageAt);
  await getDatabase()
    .ref()
    .update(planCallEnded(tenantId, callId, endedAt));
  logger.info("call ended", { tenantId, callId });
  return { callId, status: "ended", endedAt };
}

async function recordMissedCall(request: Request) {
  const { gateway } = await authenticate(request);
  const body = parseJsonBody(request, missedCallRequestSchema, CALL_EVENT_BODY_LIMIT_BYTES);
  enforce(callerLimit(), body.from, "caller number");
  const { tenantId, subjectId } = await directory.resolveCaller(body.from);
  const callId = callIdFor(gateway, body.callRef);
  const alertId = missedCallAlertId(callId);
  const call = await readCall(tenantId, callId);
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

// ---------------------------------------------------------------- the functions

const POST = ["POST"] as const;

export const speechTurn = onRequest(
  { secrets: [gatewayJwtKey, responderApiKey] },
  endpoint(POST, recordTurn),
);
export const callEnded = onRequest({ secrets: [gatewayJwtKey] }, endpoint(POST, endCall));
export const missedCall = onRequest({ secrets: [gatewayJwtKey] }, endpoint(POST, recordMissedCall));
