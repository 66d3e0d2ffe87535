/**
 * Deferred turns in the stores. A deferred turn goes two ways at once, each bounded in time:
 * - a Cloud Task on the `applyDeferredTurn` queue (task id = `deferredTurnId`): the durable retry;
 * - a marker document `deferredTurns/{deferredTurnId}` in Firestore, written best-effort: it is the
 *   count the readiness view reports, and where a retry of the turn on another instance finds the
 *   answer the caller was given. The applier deletes it once the turn is recorded.
 * A function instance also keeps its own deferred turns per call (`PendingTurns`): a later turn of
 * the call on the same instance applies them first, and their task carries them too, so turns of a
 * call reach the transcript in the order the caller spoke them.
 */
import { getDatabase } from "firebase-admin/database";
import { getFirestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions";
import {
  DEFERRED_TURN_QUEUE,
  deferredClaimUpdate,
  deferredTaskSchema,
  deferredTurnId,
  deferredTurnSchema,
  planDeferredTurn,
  type DeferredTask,
  type DeferredTurn,
} from "../domain/deferred.js";
import { parseCallState } from "../domain/turn.js";
import type { Caller } from "./directory.js";
import { callPath, checkId, turnPath } from "./paths.js";
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

/** The deferred turn recorded for `callId`/`turnId`, or null. */
export async function readDeferredMarker(
  callId: string,
  turnId: string,
): Promise<DeferredTurn | null> {
  const snapshot = await getFirestore()
    .doc(deferredTurnDoc(deferredTurnId(callId, turnId)))
    .get();
  if (!snapshot.exists) return null;
  const parsed = markerSchema.safeParse(snapshot.data());
  if (!parsed.success) return null;
  return deferredTurnSchema.parse(
    Object.fromEntries(Object.entries(parsed.data).filter(([key]) => key !== "deferredAt")),
  );
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
  const mark = getFirestore()
    .doc(deferredTurnDoc(id))
    .set({ ...turn, deferredAt: Date.now() });
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
  const db = getDatabase();
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
  await getFirestore()
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
  const collection = getFirestore().collection(DEFERRED_TURNS_COLLECTION);
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
