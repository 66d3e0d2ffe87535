/**
 * The speech turn with every store answering: claim the turn record and read the call together,
 * record the call's earlier deferred turns first, decide, ask the responder, write the turn in one
 * update. Everything it learns goes into `progress` as it goes, so that `recordTurn`
 * (../speech-turn.ts) can answer from it when the stores do not answer within the budget.
 */
import { performance } from "node:perf_hooks";
import type { Response } from "express";
import { tenantDatabase } from "../../store/instances.js";
import { logger } from "firebase-functions/logger";
import { turnPath } from "@lifeline/model";
import {
  answerOf,
  deferredFromPlan,
  markersOfTurn,
  type DeferredTurn,
} from "../../domain/deferred.js";
import { holdLapse, holdSettings, lapseOf, type HoldLapse } from "../../domain/hold.js";
import {
  callIsClosed,
  decideTurn,
  endedBySupervisor,
  hangUpAnswer,
  holdingReply,
  planTurn,
  screenOutbox,
  type CallState,
  type OutboxEntry,
  type ScreenedOutbox,
  type TurnAnswer,
} from "../../domain/turn/index.js";
import { HttpError } from "../../http-kit/errors.js";
import type { SpeechTurnRequest } from "../../requests.js";
import { PendingTurns, readCallMarkers, recordDeferredTurn } from "../../store/deferred-turns.js";
import { directory, type Caller } from "../../store/directory.js";
import { claimTurn, releaseClaim } from "../../store/turn-claims.js";
import { readTurn, type TurnRead } from "../../store/turn-reads.js";
import { turnResponder } from "./responder.js";

/** Response header naming how a turn was answered: live, replayed, or deferred (written later). */
export const TURN_HEADER = "Lifeline-Turn";

/** What a live turn has learned so far, for the answer given if its budget runs out. */
export interface Progress {
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

export interface LiveInput {
  readonly gateway: string;
  /** When the request arrived: markers of turns deferred after that are later turns'. */
  readonly arrived: number;
  readonly body: SpeechTurnRequest;
  readonly callId: string;
  readonly fingerprint: string;
  readonly progress: Progress;
  readonly response: Response;
  /** Already resolved by the gateway's own directory (a Twilio line); else from the phone index. */
  readonly caller?: Caller;
}

/** A function, not a field read: the answer changes across every await of the live turn. */
function abandoned(progress: Progress): boolean {
  return progress.abandon.signal.aborted;
}

/** This instance's deferred turns, per call (see store/deferred-turns.ts). */
export const pendingTurns = new PendingTurns();

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
export async function liveTurn(input: LiveInput): Promise<TurnAnswer> {
  const { gateway, arrived, body, callId, fingerprint, progress, response } = input;
  const started = performance.now();
  // The call's deferred turns, wherever they were deferred: a turn whose task was lost is
  // recorded by the next turn of its call (or by the sweeper when there is none).
  const markersRead = readCallMarkers(callId).then((markers) => (progress.markers = markers));
  const caller = input.caller ?? (await directory.resolveCaller(body.from));
  const resolved = performance.now();
  const { tenantId, subjectId } = caller;
  progress.tenantId = tenantId;
  if (subjectId !== undefined) progress.subjectId = subjectId;
  await applyDeferred(callId, pendingTurns.of(callId), progress);
  const db = await tenantDatabase(tenantId);
  const turnRef = db.ref(turnPath(tenantId, callId, body.turnId));

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
    if (state.call !== null && endedBySupervisor(state.call)) {
      // A member ended the call: the gateway is told to hang up, and the turn writes nothing.
      await releaseClaim(turnRef, fingerprint, claim.at);
      logger.info("turn of a call a member ended", { tenantId, callId, turnId: body.turnId });
      return hangUpAnswer(callId, state.call);
    }
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
      ? await (
          await turnResponder()
        ).respond({
          text: body.text,
          history: decision.history,
          urgency: decision.urgency,
          mode: decision.mode,
          medium: body.medium,
          ...(callerName === undefined ? {} : { callerName }),
          ...(state.guidance === undefined ? {} : { guidance: state.guidance }),
        })
      : decision.say.length === 0
        ? holdingReply()
        : null;
    const answered = performance.now();
    const plan = planTurn({
      tenantId,
      ...(subjectId === undefined ? {} : { subjectId }),
      callId,
      ...(caller.line === undefined ? {} : { line: caller.line }),
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
      known: {
        tenantId,
        ...(subjectId === undefined ? {} : { subjectId }),
        ...(caller.line === undefined ? {} : { line: caller.line }),
      },
      now,
      answer: plan.answer,
      reply,
      said: decision.say,
      ...(decision.lapse === undefined ? {} : { lapse: decision.lapse }),
    });
    await db.ref().update(plan.update);
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
