/**
 * The gateway's endpoints (JWT, see lib/gateway-auth.ts), each POST with a JSON body:
 *   speechTurn      {callRef, from, text, medium, turnId} → {callId, reply, urgency, owner, say}
 *                   within ANSWER_BUDGET_MS of arrival, whatever the stores do (see recordTurn)
 *   callEnded       {callRef, from, at?}                  → {callId, status, endedAt}
 *   missedCall      {callRef, from, medium?, at?}         → {callId, status, alertId}
 * Device readings are in device-readings.ts; the pieces both files use are in gateway-common.ts.
 * Order of checks: method, token, the gateway's rate limit, body, the caller's rate limit; only
 * then is anything read, and every 4xx before that point leaves the databases untouched.
 * Fan-out (alerts into inboxes, escalation, archive) is the triggers' job, never done here.
 */
import { performance } from "node:perf_hooks";
import type { Response } from "express";
import { getDatabase, type DataSnapshot, type Reference } from "firebase-admin/database";
import { logger } from "firebase-functions";
import { onRequest, type Request } from "firebase-functions/v2/https";
import {
  answerOf,
  deferredFromPlan,
  fallbackTurn,
  markersOfTurn,
  mergeTurns,
  type DeferredTurn,
} from "../domain/deferred.js";
import { urgencyAlertId } from "../domain/fanout.js";
import { holdLapse, holdSettings, lapseOf, type HoldLapse } from "../domain/hold.js";
import {
  callIdFor,
  callIsClosed,
  claimState,
  claimUpdate,
  decideTurn,
  holdingReply,
  MalformedCallError,
  missedCallAlertId,
  parseCallState,
  planCallEnded,
  planMissedCall,
  planTurn,
  screenOutbox,
  turnFingerprint,
  type ScreenedOutbox,
  HISTORY_LIMIT,
  TURN_CLAIM_TTL_MS,
  type CallState,
  type OutboxEntry,
  type TurnAnswer,
} from "../domain/turn/index.js";
import { parseJsonBody } from "../lib/body.js";
import {
  deferTurn,
  PendingTurns,
  readCallMarkers,
  recordDeferredTurn,
} from "../lib/deferred-turns.js";
import type { TenantSettings } from "../lib/directory.js";
import { HttpError } from "../lib/errors.js";
import {
  callEndedRequestSchema,
  missedCallRequestSchema,
  speechTurnRequestSchema,
  type SpeechTurnRequest,
} from "../lib/gateway-schemas.js";
import { endpoint } from "../lib/http.js";
import {
  alertPath,
  type Call,
  callPath,
  callSchema,
  isValidId,
  memberPath,
  messagesPath,
  outboxMessageSchema,
  outboxPath,
  presencePath,
  subjectPath,
  turnPath,
} from "@lifeline/model";
import { enforce } from "../lib/rate-limit.js";
import { answerBudgetMs, gatewayJwtKey, responderApiKey } from "../params.js";
import { authenticate, callerLimit, directory, internal, turnResponder } from "./gateway-common.js";

/** A turn is a sentence or a text message: 4000 characters, up to 4 bytes each, and the fields. */
export const TURN_BODY_LIMIT_BYTES = 20 * 1024;
export const CALL_EVENT_BODY_LIMIT_BYTES = 4 * 1024;

// ---------------------------------------------------------------- speech turn

/** Everything a live turn reads, in one round of parallel reads (see `readTurn`). */
interface TurnRead {
  readonly state: CallState;
  readonly callerName: string | undefined;
  /** Member mirrors of the holder and of the outbox's authors, by uid (null when absent). */
  readonly members: Readonly<Record<string, unknown>>;
  /** The holder's presence record (null when absent or nobody holds the call). */
  readonly presence: unknown;
  readonly settings: TenantSettings | null;
}

function authorsOf(outbox: unknown): string[] {
  if (typeof outbox !== "object" || outbox === null) return [];
  const uids = new Set<string>();
  for (const entry of Object.values(outbox as Record<string, unknown>)) {
    const parsed = outboxMessageSchema.safeParse(entry);
    if (parsed.success && isValidId(parsed.data.by)) uids.add(parsed.data.by);
  }
  return [...uids];
}

function holderOf(call: unknown): string | undefined {
  const parsed = callSchema.shape.owner.safeParse(
    typeof call === "object" && call !== null && "owner" in call ? call.owner : undefined,
  );
  return parsed.success && parsed.data.kind === "human" && isValidId(parsed.data.uid)
    ? parsed.data.uid
    : undefined;
}

/**
 * The call, its outbox, recent transcript and urgency alert, the caller's name and the tenant's
 * settings go out at once; the holder's presence and the member records of the holder and of the
 * outbox's authors follow as soon as the call and the outbox are in (a call the assistant owns
 * with an empty outbox reads nothing more).
 */
async function readTurn(
  tenantId: string,
  callId: string,
  subjectId: string | undefined,
): Promise<TurnRead> {
  const db = getDatabase();
  const callRead = db.ref(callPath(tenantId, callId)).get();
  const outboxRead = db.ref(outboxPath(tenantId, callId)).get();
  const people = Promise.all([callRead, outboxRead]).then(async ([call, outbox]) => {
    const holder = holderOf(call.val());
    const uids = new Set(authorsOf(outbox.val()));
    if (holder !== undefined) uids.add(holder);
    const [presence, ...mirrors] = await Promise.all([
      holder === undefined ? Promise.resolve(null) : db.ref(presencePath(tenantId, holder)).get(),
      ...[...uids].map((uid) => db.ref(memberPath(tenantId, uid)).get()),
    ]);
    const members: Record<string, unknown> = {};
    [...uids].forEach((uid, i) => {
      members[uid] = (mirrors[i]?.val() as unknown) ?? null;
    });
    return { presence: (presence?.val() as unknown) ?? null, members };
  });
  const [call, outbox, messages, alert, name, found, settings] = await Promise.all([
    callRead,
    outboxRead,
    db.ref(messagesPath(tenantId, callId)).orderByChild("seq").limitToLast(HISTORY_LIMIT).get(),
    db.ref(alertPath(tenantId, urgencyAlertId(callId))).get(),
    subjectId === undefined
      ? Promise.resolve(undefined)
      : db.ref(`${subjectPath(tenantId, subjectId)}/name`).get(),
    people,
    // Settings are cached per instance; without them the lease runs on its defaults.
    directory.tenantSettings(tenantId).catch(() => null),
  ]);
  try {
    const state = parseCallState({
      call: call.val(),
      outbox: outbox.val(),
      messages: messages.val(),
      alert: alert.val(),
    });
    const callerName: unknown = name?.val();
    return {
      state,
      callerName: typeof callerName === "string" ? callerName : undefined,
      members: found.members,
      presence: found.presence,
      settings,
    };
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
    // `on` may call back synchronously (the record is cached), before it returns: everything the
    // callback touches exists before it is attached.
    let done = false;
    const onValue = (snapshot: DataSnapshot) => {
      if (claimState(snapshot.val(), fingerprint, Date.now()).kind !== "in-progress") finish();
    };
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ref.off("value", onValue);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    ref.on("value", onValue);
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

/** What a live turn has learned so far, for the answer given if its budget runs out. */
interface Progress {
  /** Set when the turn was answered without it: from then on it must not write. */
  readonly abandon: AbortController;
  tenantId?: string;
  subjectId?: string;
  state?: CallState;
  callerName?: string;
  deliverable?: readonly OutboxEntry[];
  lapse?: HoldLapse | null;
  /** The settled answer, set just before the write is sent: the write records exactly this. */
  planned?: DeferredTurn;
  /** The call's deferred turns still marked in Firestore (absent until the query answers). */
  markers?: readonly DeferredTurn[];
}

interface LiveInput {
  readonly gateway: string;
  /** When the request arrived: markers of turns deferred after that are later turns'. */
  readonly arrived: number;
  readonly body: SpeechTurnRequest;
  readonly callId: string;
  readonly fingerprint: string;
  readonly progress: Progress;
  readonly response: Response;
}

/** A function, not a field read: the answer changes across every await of the live turn. */
function abandoned(progress: Progress): boolean {
  return progress.abandon.signal.aborted;
}

/** This instance's deferred turns, per call (see lib/deferred-turns.ts). */
const pendingTurns = new PendingTurns();

/**
 * Records deferred turns of the call, in the order given, while the attempt is still live.
 * Whether any was written now (not found already recorded): then the call as read is out of date.
 */
async function applyDeferred(
  callId: string,
  turns: readonly DeferredTurn[],
  progress: Progress,
): Promise<boolean> {
  let wrote = false;
  for (const turn of turns) {
    if (abandoned(progress)) return wrote;
    const outcome = await recordDeferredTurn(turn, (phone) => directory.resolveCaller(phone));
    if (outcome === "applied") wrote = true;
    pendingTurns.done(callId, turn.request.turnId);
  }
  return wrote;
}

interface Understood extends TurnRead {
  readonly screened: ScreenedOutbox;
  readonly lapse: HoldLapse | null;
  readonly now: number;
}

/**
 * What the reads mean for this turn: which outbox messages may be spoken and whether the hold
 * lapsed. Recorded in `progress` at once, so an answer given without the claim or the write
 * still knows the call.
 */
function understand(read: TurnRead, progress: Progress): Understood {
  const now = Date.now();
  const { state } = read;
  const owner = state.call?.owner;
  const screened = screenOutbox(state.outbox, read.members, owner);
  let lapse: HoldLapse | null = null;
  if (owner?.kind === "human") {
    const reason = holdLapse({
      owner,
      presence: read.presence,
      member: read.members[owner.uid] ?? null,
      settings: holdSettings(read.settings),
      history: state.history,
      holderQueuedMessage: screened.deliver.some((entry) => entry.by === owner.uid),
      now,
    });
    if (reason !== null) lapse = lapseOf(owner, reason);
  }
  progress.state = state;
  if (read.callerName !== undefined) progress.callerName = read.callerName;
  progress.deliverable = screened.deliver;
  progress.lapse = lapse;
  return { ...read, screened, lapse, now };
}

/** The speech turn with every store answering: claim, read, decide, respond, write. */
async function liveTurn(input: LiveInput): Promise<TurnAnswer> {
  const { gateway, arrived, body, callId, fingerprint, progress, response } = input;
  const started = performance.now();
  // The call's deferred turns, wherever they were deferred: a turn whose task was lost is
  // recorded by the next turn of its call (or by the sweeper when there is none).
  const markersRead = readCallMarkers(callId).then((markers) => (progress.markers = markers));
  const caller = await directory.resolveCaller(body.from);
  const resolved = performance.now();
  const { tenantId, subjectId } = caller;
  progress.tenantId = tenantId;
  if (subjectId !== undefined) progress.subjectId = subjectId;
  await applyDeferred(callId, pendingTurns.of(callId), progress);
  const turnRef = getDatabase().ref(turnPath(tenantId, callId, body.turnId));

  // The claim and the reads go out together: a turn costs one round trip before the responder.
  const [claimed, reading, marking] = await Promise.allSettled([
    claimTurn(turnRef, fingerprint),
    readTurn(tenantId, callId, subjectId).then((read) => understand(read, progress)),
    markersRead,
  ]);
  if (claimed.status === "rejected") throw claimed.reason;
  const claim = claimed.value;
  if (abandoned(progress)) {
    // Answered without this attempt: the queued turn takes the claim over; writing now would
    // record an answer the caller never heard.
    return Promise.reject(new Error("abandoned"));
  }
  if (marking.status === "rejected") {
    // As with no marker: the queue still records those turns, only perhaps after this one.
    logger.warn("deferred turn markers unreadable", { callId, error: String(marking.reason) });
  }
  const { earlier, own } = markersOfTurn(
    marking.status === "fulfilled" ? marking.value : [],
    body.turnId,
    fingerprint,
    arrived,
  );
  if (claim.kind === "claimed" && own !== undefined) {
    // An earlier attempt of this turn was answered without the stores: record it now (its task
    // may be lost), after the call's turns deferred before it, and give the same answer.
    await releaseClaim(turnRef, fingerprint, claim.at);
    await applyDeferred(callId, [...earlier, own], progress);
    response.set(TURN_HEADER, "replayed");
    return answerOf(own);
  }
  if (reading.status === "rejected") {
    if (claim.kind === "claimed") await releaseClaim(turnRef, fingerprint, claim.at);
    throw reading.reason;
  }
  if (claim.kind === "answered") {
    logger.info("turn replayed", { tenantId, callId, turnId: body.turnId });
    response.set(TURN_HEADER, "replayed");
    return claim.answer;
  }
  try {
    let read = reading.value;
    // Turns the caller spoke before this one come first in the transcript; when one is written
    // now, the call as read predates it and is read again (rare: a deferral whose task was lost
    // or is late).
    const wrote = earlier.length > 0 && (await applyDeferred(callId, earlier, progress));
    if (abandoned(progress)) return await Promise.reject(new Error("abandoned"));
    if (wrote) read = understand(await readTurn(tenantId, callId, subjectId), progress);
    const readAt = performance.now();
    const { state, callerName, screened, lapse, now } = read;
    if (callIsClosed(state)) {
      throw new HttpError("FAILED_PRECONDITION", "This call has already ended.");
    }
    for (const entry of screened.orphaned) {
      logger.warn("outbox message dropped: its author may no longer message the caller", {
        tenantId,
        callId,
        outboxId: entry.id,
        by: entry.by,
      });
    }

    const decision = decideTurn(body.text, state, now, { outbox: screened, lapse });
    const reply = decision.aiReplies
      ? await turnResponder().respond({
          text: body.text,
          history: decision.history,
          urgency: decision.urgency,
          category: decision.triage.category,
          mode: decision.mode,
          ...(callerName === undefined ? {} : { callerName }),
        })
      : decision.say.length === 0
        ? holdingReply()
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
    if (abandoned(progress)) return await Promise.reject(new Error("abandoned"));
    progress.planned = deferredFromPlan({
      gateway,
      request: body,
      fingerprint,
      callId,
      known: { tenantId, ...(subjectId === undefined ? {} : { subjectId }) },
      now,
      answer: plan.answer,
      reply,
      said: decision.say,
      ...(decision.lapse === undefined ? {} : { lapse: decision.lapse }),
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
      ...(decision.lapse === undefined ? {} : { lapsed: decision.lapse.reason }),
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
    if (!abandoned(progress)) await releaseClaim(turnRef, fingerprint, claim.at);
    throw error;
  }
}

/** Response header naming how a turn was answered: live, replayed, or deferred (written later). */
export const TURN_HEADER = "Lifeline-Turn";
/** The answer goes out this long before the budget ends: the response's own way to the gateway. */
export const ANSWER_MARGIN_MS = 100;
/** Time kept for queueing a deferred turn (task and marker, in parallel) before answering. */
export const DEFER_MS = 250;

/** A failure the stores caused (anything but a deliberate 4xx): the caller is answered anyway. */
function storeFailure(error: unknown): boolean {
  return !(error instanceof HttpError) || error.code === "INTERNAL";
}

type Settled =
  | { readonly kind: "answer"; readonly answer: TurnAnswer }
  | { readonly kind: "error"; readonly error: unknown }
  | { readonly kind: "late" };

function settleBy(live: Promise<TurnAnswer>, at: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        resolve({ kind: "late" });
      },
      Math.max(0, at - Date.now()),
    );
    live.then(
      (answer) => {
        clearTimeout(timer);
        resolve({ kind: "answer", answer });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: "error", error });
      },
    );
  });
}

/**
 * The speech turn within the answer budget. The live turn runs; if it has not answered by
 * `budget - ANSWER_MARGIN_MS - DEFER_MS` after arrival, or failed for a store's sake, the caller
 * gets the answer the live turn had settled on (when it got as far as its write), or the
 * playbook's from what it had read, and the turn is queued to be written when the database is back.
 */
async function recordTurn(request: Request, response: Response): Promise<TurnAnswer> {
  const arrived = Date.now();
  const { gateway } = await authenticate(request);
  const body: SpeechTurnRequest = parseJsonBody(
    request,
    speechTurnRequestSchema,
    TURN_BODY_LIMIT_BYTES,
  );
  enforce(callerLimit(), body.from, "caller number");
  const callId = callIdFor(gateway, body.callRef);
  const fingerprint = turnFingerprint(body);
  const earlier = pendingTurns.find(callId, body.turnId, fingerprint);
  if (earlier !== undefined) {
    response.set(TURN_HEADER, "replayed");
    return answerOf(earlier);
  }

  const progress: Progress = { abandon: new AbortController() };
  response.set(TURN_HEADER, "live");
  const live = liveTurn({ gateway, arrived, body, callId, fingerprint, progress, response });
  const settled = await settleBy(
    live,
    arrived + answerBudgetMs.value() - ANSWER_MARGIN_MS - DEFER_MS,
  );
  if (settled.kind === "answer") return settled.answer;
  if (settled.kind === "error" && !storeFailure(settled.error)) throw settled.error;
  progress.abandon.abort();
  live.catch((error: unknown) => {
    if (String(error) !== "Error: abandoned") {
      logger.warn("abandoned turn attempt failed", { callId, error: String(error) });
    }
  });
  const why = settled.kind === "late" ? "budget" : String(settled.error);
  const { earlier: marked, own } = markersOfTurn(
    progress.markers ?? [],
    body.turnId,
    fingerprint,
    arrived,
  );
  if (own !== undefined) {
    response.set(TURN_HEADER, "replayed");
    return answerOf(own);
  }
  const turn =
    progress.planned ??
    fallbackTurn({
      gateway,
      request: body,
      fingerprint,
      callId,
      known: {
        ...(progress.tenantId === undefined ? {} : { tenantId: progress.tenantId }),
        ...(progress.subjectId === undefined ? {} : { subjectId: progress.subjectId }),
        ...(progress.state === undefined ? {} : { state: progress.state }),
        ...(progress.callerName === undefined ? {} : { callerName: progress.callerName }),
        ...(progress.deliverable === undefined ? {} : { deliverable: progress.deliverable }),
        ...(progress.lapse === undefined ? {} : { lapse: progress.lapse }),
      },
      now: Date.now(),
    });
  // The task carries every earlier deferred turn known here, this instance's and the marked ones,
  // so one delivered task records the call's deferred turns in order even if theirs were lost.
  const before = mergeTurns(
    pendingTurns.of(callId).filter((t) => t.request.turnId !== body.turnId),
    marked,
  );
  pendingTurns.add(turn);
  const deferral = await deferTurn({ turn, earlier: before }, DEFER_MS);
  logger.warn("turn answered without the stores", {
    callId,
    turnId: body.turnId,
    why,
    planned: progress.planned !== undefined,
    read: progress.state !== undefined,
    ...deferral,
    ms: Date.now() - arrived,
  });
  response.set(TURN_HEADER, "deferred");
  return answerOf(turn);
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
