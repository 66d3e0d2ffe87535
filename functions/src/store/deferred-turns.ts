/**
 * Deferred turns in the stores. A deferred turn goes two ways at once, each bounded in time:
 * - a Cloud Task on the `applyDeferredTurn` queue (task id = `deferredTurnId`): the durable retry;
 * - a marker document `deferredTurns/{deferredTurnId}` in Firestore, written best-effort: the
 *   count the readiness view reports, where a retry of the turn on another instance finds the
 *   answer the caller was given, and what keeps the turn if its task never reached the queue. The
 *   applier deletes it once the turn is recorded.
 * Every live turn reads its call's markers alongside its claim and records those of earlier turns
 * first, in the order spoken (and its own, when it is a retry of a deferred turn), so a task lost
 * with its instance costs nothing while the call goes on; the sweeper records what is left after
 * a call's last turn (`applyOrphanedDeferredTurns`). A function instance also keeps its own
 * deferred turns per call (`PendingTurns`): a later turn of the call on the same instance applies
 * them first even when Firestore is away, and a new task carries every earlier turn known.
 */
import { tenantDatabase } from "./instances.js";
import { firestoreDb } from "./clients.js";
import { logger } from "firebase-functions/logger";
import {
  DEFERRED_TURN_QUEUE,
  deferredClaimUpdate,
  deferredTaskSchema,
  deferredTurnId,
  deferredTurnSchema,
  inTurnOrder,
  planDeferredTurn,
  type DeferredTask,
  type DeferredTurn,
} from "../domain/deferred.js";
import { parseCallState } from "../domain/turn/index.js";
import type { Caller } from "./directory.js";
import { callPath, checkId, turnPath } from "@lifeline/model";
import { enqueueOnce } from "./tasks.js";

/** Firestore collection of the markers (functions only; the Firestore rules deny clients). */
export const DEFERRED_TURNS_COLLECTION = "deferredTurns";
export const deferredTurnDoc = (id: string) =>
  `${DEFERRED_TURNS_COLLECTION}/${checkId("deferred turn id", id)}`;

export const DEFERRED_DISPATCH_DEADLINE_SECONDS = 60;

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** `promise`, or a TimeoutError after `ms`. The promise itself keeps running; its failure is swallowed. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(new TimeoutError(what, ms));
      },
      Math.max(0, ms),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

const markerSchema = deferredTurnSchema.extend({ deferredAt: deferredTurnSchema.shape.at });

/** A marker document as a deferred turn with the time it was marked; null when malformed. */
function parseMarker(data: unknown): { turn: DeferredTurn; deferredAt: number } | null {
  const parsed = markerSchema.safeParse(data);
  if (!parsed.success) return null;
  const { deferredAt, ...turn } = parsed.data;
  return { turn, deferredAt };
}

/**
 * Every deferred turn of the call still marked, in the order spoken. One equality query on
 * `callId`: Firestore's automatic single-field index serves it, and the few markers of a call are
 * sorted here rather than by an `orderBy` that would need a composite index.
 */
export async function readCallMarkers(callId: string): Promise<DeferredTurn[]> {
  const snapshot = await (
    await firestoreDb()
  )
    .collection(DEFERRED_TURNS_COLLECTION)
    .where("callId", "==", callId)
    .get();
  const turns: DeferredTurn[] = [];
  for (const doc of snapshot.docs) {
    const marker = parseMarker(doc.data());
    // A marker filed under another id is not this turn's (ids come from call and turn).
    if (
      marker !== null &&
      doc.id === deferredTurnId(marker.turn.callId, marker.turn.request.turnId)
    ) {
      turns.push(marker.turn);
    } else {
      logger.warn("malformed deferred turn marker ignored", { id: doc.id });
    }
  }
  return inTurnOrder(turns);
}

export interface Deferral {
  readonly queued: boolean;
  readonly marked: boolean;
}

/**
 * Enqueues the task and writes the marker, together, each awaited at most `ms`; never rejects.
 * What has not answered by then goes on in the background: its late success or final failure is
 * logged (a failure loudly: only this instance then remembers the turn).
 */
export async function deferTurn(task: DeferredTask, ms: number): Promise<Deferral> {
  const { turn } = task;
  const id = deferredTurnId(turn.callId, turn.request.turnId);
  const context = { callId: turn.callId, turnId: turn.request.turnId, id };
  const enqueue = enqueueOnce(DEFERRED_TURN_QUEUE, task, {
    id,
    at: Date.now(),
    dispatchDeadlineSeconds: DEFERRED_DISPATCH_DEADLINE_SECONDS,
  });
  const deferredAt = Date.now();
  const mark = firestoreDb().then((db) => db.doc(deferredTurnDoc(id)).set({ ...turn, deferredAt }));
  const [queued, marked] = await Promise.allSettled([
    withTimeout(enqueue, ms, "enqueue deferred turn"),
    withTimeout(mark, ms, "deferred turn marker"),
  ]);
  const result = { queued: queued.status === "fulfilled", marked: marked.status === "fulfilled" };
  if (!result.queued) {
    enqueue.then(
      () => {
        logger.warn("deferred turn queued late", context);
      },
      (error: unknown) => {
        // Nothing retries the turn now unless another turn of this call comes to this instance.
        logger.error("DEFERRED TURN NOT QUEUED: only this instance holds it", {
          ...context,
          error: String(error),
        });
      },
    );
  }
  logger.warn("turn deferred", { ...context, ...result });
  return result;
}

export type ApplyOutcome = "applied" | "already-done" | "conflict";

export class TurnBeingAppliedError extends Error {
  constructor(callId: string, turnId: string) {
    super(`deferred turn ${callId}/${turnId} is being recorded by another applier`);
    this.name = "TurnBeingAppliedError";
  }
}

/**
 * Records one deferred turn, idempotently: resolves the caller when the turn did not know its
 * tenant, takes the turn record unless the turn is done, plans from the call as it is now with
 * the answer as it was given, writes, and removes the marker.
 */
export async function recordDeferredTurn(
  turn: DeferredTurn,
  resolveCaller: (phone: string) => Promise<Caller>,
): Promise<ApplyOutcome> {
  let tenantId = turn.tenantId;
  let subjectId = turn.subjectId;
  if (tenantId === undefined) {
    const caller = await resolveCaller(turn.request.from);
    tenantId = caller.tenantId;
    subjectId = caller.subjectId;
  }
  const db = await tenantDatabase(tenantId);
  const ref = db.ref(turnPath(tenantId, turn.callId, turn.request.turnId));
  const { committed, snapshot } = await ref.transaction(
    (current: unknown) => deferredClaimUpdate(current, turn.fingerprint, Date.now()),
    undefined,
    false,
  );
  let outcome: ApplyOutcome;
  if (!committed) {
    const current: unknown = snapshot.val();
    const sameTurn =
      typeof current === "object" &&
      current !== null &&
      "fingerprint" in current &&
      current.fingerprint === turn.fingerprint;
    if (sameTurn && "status" in current && current.status === "pending") {
      // Another applier is recording it: whoever needs it recorded first retries later.
      throw new TurnBeingAppliedError(turn.callId, turn.request.turnId);
    }
    outcome = sameTurn ? "already-done" : "conflict";
  } else {
    const call: unknown = (await db.ref(callPath(tenantId, turn.callId)).get()).val();
    const state = parseCallState({ call, outbox: null, messages: null, alert: null });
    const plan = planDeferredTurn({
      tenantId,
      ...(subjectId === undefined ? {} : { subjectId }),
      turn,
      state,
    });
    await db.ref().update(plan.update);
    outcome = "applied";
  }
  if (outcome === "conflict") {
    logger.error("deferred turn conflicts with another turn of the same id; dropped", {
      tenantId,
      callId: turn.callId,
      turnId: turn.request.turnId,
    });
  }
  await (
    await firestoreDb()
  )
    .doc(deferredTurnDoc(deferredTurnId(turn.callId, turn.request.turnId)))
    .delete()
    .catch((error: unknown) => {
      logger.warn("could not remove a deferred turn marker", { error: String(error) });
    });
  logger.info("deferred turn applied", {
    tenantId,
    callId: turn.callId,
    turnId: turn.request.turnId,
    outcome,
    lateMs: Date.now() - turn.at,
  });
  return outcome;
}

/** Parses a task as queued; null for anything else (a malformed task is dropped, not retried). */
export function parseDeferredTask(data: unknown): DeferredTask | null {
  const parsed = deferredTaskSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** Deferred turns waiting: all of them, or one tenant's (turns that did not know their tenant count for operators only). */
export async function countDeferredTurns(tenantId?: string): Promise<number> {
  const collection = (await firestoreDb()).collection(DEFERRED_TURNS_COLLECTION);
  const query = tenantId === undefined ? collection : collection.where("tenantId", "==", tenantId);
  const snapshot = await query.count().get();
  return snapshot.data().count;
}

/**
 * This instance's deferred turns not yet known to be recorded, per call, in the order spoken.
 * Process memory only: it orders a call's later turns on this instance behind its earlier ones;
 * the queue and the markers are what make deferred turns durable.
 */
export class PendingTurns {
  private readonly byCall = new Map<string, DeferredTurn[]>();

  of(callId: string): readonly DeferredTurn[] {
    return this.byCall.get(callId) ?? [];
  }

  /** The turn deferred earlier with this id and words, for a retry. */
  find(callId: string, turnId: string, fingerprint: string): DeferredTurn | undefined {
    return this.of(callId).find(
      (turn) => turn.request.turnId === turnId && turn.fingerprint === fingerprint,
    );
  }

  add(turn: DeferredTurn): void {
    const list = this.byCall.get(turn.callId) ?? [];
    if (!list.some((t) => t.request.turnId === turn.request.turnId)) list.push(turn);
    this.byCall.set(turn.callId, list);
  }

  done(callId: string, turnId: string): void {
    const list = this.of(callId).filter((turn) => turn.request.turnId !== turnId);
    if (list.length === 0) this.byCall.delete(callId);
    else this.byCall.set(callId, list);
  }
}

/** Markers older than this are taken to have lost their task (the queue takes a task in seconds). */
export const ORPHANED_MARKER_MS = 60_000;
/** One sweep applies at most this many markers; the next sweep goes on. */
const SWEEP_MARKER_LIMIT = 500;
/** A stalled database stops the sweep's deferred turns, not the sweep. */
const SWEEP_TURN_BUDGET_MS = 10_000;

/**
 * Applies deferred turns whose marker is older than `ORPHANED_MARKER_MS`: the last turns of calls
 * whose task was lost (a later turn of the call would have applied them). One tenant's, or every
 * marker (turns that did not know their tenant included). A call's turns go in the order spoken;
 * a failure stops that call (its later turns wait for the next sweep) and not the others.
 * Returns the ids of the markers applied (or found already recorded) and removed.
 */
export async function applyOrphanedDeferredTurns(
  scope: { readonly tenantId?: string },
  now: number,
  resolveCaller: (phone: string) => Promise<Caller>,
): Promise<string[]> {
  const cutoff = now - ORPHANED_MARKER_MS;
  const collection = (await firestoreDb()).collection(DEFERRED_TURNS_COLLECTION);
  // One field per query, so each is served by Firestore's automatic single-field indexes.
  const query =
    scope.tenantId === undefined
      ? collection.where("deferredAt", "<=", cutoff)
      : collection.where("tenantId", "==", scope.tenantId);
  const snapshot = await query.limit(SWEEP_MARKER_LIMIT).get();
  const byCall = new Map<string, DeferredTurn[]>();
  for (const doc of snapshot.docs) {
    const marker = parseMarker(doc.data());
    if (marker === null || marker.deferredAt > cutoff) continue;
    const list = byCall.get(marker.turn.callId) ?? [];
    list.push(marker.turn);
    byCall.set(marker.turn.callId, list);
  }
  const applied: string[] = [];
  for (const [callId, turns] of byCall) {
    try {
      for (const turn of inTurnOrder(turns)) {
        await withTimeout(
          recordDeferredTurn(turn, resolveCaller),
          SWEEP_TURN_BUDGET_MS,
          "apply orphaned deferred turn",
        );
        applied.push(deferredTurnId(callId, turn.request.turnId));
      }
    } catch (error) {
      logger.error("orphaned deferred turn not applied; the next sweep retries", {
        callId,
        error: String(error),
      });
    }
  }
  if (applied.length > 0) logger.warn("orphaned deferred turns applied", { count: applied.length });
  return applied;
}
