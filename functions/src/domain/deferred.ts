/**
 * Deferred turns: a speech turn answered within the answer budget while a store was too slow, whose
 * write is applied later by the `applyDeferredTurn` queue. What the caller was told is fixed when
 * the turn is deferred; applying it later records exactly that (same message ids, same reply, same
 * time), so a turn is recorded once whether the live write, the queue or both get through.
 * Pure: no Firebase imports.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { speechTurnRequestSchema } from "../requests.js";
import { callPath, HOLD_LAPSE_REASONS, turnPath, urgencySchema } from "@lifeline/model";
import type { HoldLapse } from "./hold.js";
import { playbookReply } from "./responder/playbook.js";
import type { ResponderReply } from "./responder/index.js";
import {
  answerOwnerSchema,
  assessTurn,
  decidedAnswer,
  decideTurn,
  holdingReply,
  planTurn,
  storedAnswer,
  type CallState,
  type OutboxEntry,
  type TurnAnswer,
  type TurnDecision,
  type TurnPlan,
  type TurnRecord,
  TURN_CLAIM_TTL_MS,
} from "./turn/index.js";

/** The Cloud Tasks queue (named after its function) that applies deferred turns. */
export const DEFERRED_TURN_QUEUE = "applyDeferredTurn";

/** One id for a deferred turn, as task id and marker document id: `[A-Za-z0-9_-]`, fixed length. */
export function deferredTurnId(callId: string, turnId: string): string {
  return `turn-${createHash("sha256").update(`${callId}\n${turnId}`).digest("base64url")}`;
}

const answerSchema = z.strictObject({
  callId: z.string().min(1),
  reply: z.string().nullable(),
  urgency: urgencySchema,
  owner: answerOwnerSchema,
  say: z.array(z.string()),
});

const outboxEntrySchema = z.strictObject({
  id: z.string().min(1),
  text: z.string(),
  by: z.string().min(1),
  at: z.number(),
});

export const deferredTurnSchema = z.strictObject({
  /** The gateway (JWT `sub`), for logs; the call id already includes it. */
  gateway: z.string().min(1),
  request: speechTurnRequestSchema,
  fingerprint: z.string().min(1),
  callId: z.string().min(1),
  /** Known when the directory answered in time; otherwise resolved when the turn is applied. */
  tenantId: z.string().min(1).optional(),
  subjectId: z.string().min(1).optional(),
  /** The tenant's number the caller reached, when the gateway said (Twilio). */
  line: z.string().min(1).optional(),
  /** The turn's time: every message of the turn carries it. */
  at: z.number().int().nonnegative(),
  /** Exactly what the caller was told. */
  answer: answerSchema,
  /** Sources of `answer.reply`. */
  sources: z.array(z.string()),
  /** Outbox messages spoken in `answer.say`, moved into the transcript when applied. */
  said: z.array(outboxEntrySchema),
  /** A hold that lapsed at this turn; applied only while the call is still under that hold. */
  lapse: z
    .strictObject({
      uid: z.string().min(1),
      name: z.string().min(1),
      reason: z.enum(HOLD_LAPSE_REASONS),
      holdSince: z.number(),
    })
    .optional(),
});
export type DeferredTurn = z.infer<typeof deferredTurnSchema>;

/** A task: the turn, and the earlier deferred turns of the same call, applied first and in order. */
export const deferredTaskSchema = z.strictObject({
  turn: deferredTurnSchema,
  earlier: z.array(deferredTurnSchema),
});
export type DeferredTask = z.infer<typeof deferredTaskSchema>;

/** A probe the readiness check enqueues: the queue answering is all it proves. */
export const probeTaskSchema = z.strictObject({ probe: z.literal(true) });

export function answerOf(turn: DeferredTurn): TurnAnswer {
  return { ...turn.answer };
}

// ---------------------------------------------------------------- answering without the stores

/** What a turn had learned when its budget ran out. Each piece is absent when it did not arrive. */
export interface Known {
  readonly tenantId?: string;
  readonly subjectId?: string;
  readonly line?: string;
  readonly state?: CallState;
  readonly callerName?: string;
  /** The outbox screened against the authors' member records (see `screenOutbox`). */
  readonly deliverable?: readonly OutboxEntry[];
  /** The hold decision: a lapse, null when the hold holds, absent when not known. */
  readonly lapse?: HoldLapse | null;
}

export interface FallbackInput {
  readonly gateway: string;
  readonly request: z.infer<typeof speechTurnRequestSchema>;
  readonly fingerprint: string;
  readonly callId: string;
  readonly known: Known;
  readonly now: number;
}

/**
 * The answer when the stores did not answer in time: the playbook, from what is known. Nothing
 * read: triage of the words alone, the assistant answers, the safety script when they triage
 * critical. The call read: its urgency and owner count, and a human holder's messages are spoken
 * only when screened. The result is the deferred turn that records exactly this answer.
 */
export function fallbackTurn(input: FallbackInput): DeferredTurn {
  const { request, known, now } = input;
  const state = known.state;
  let decision: Pick<TurnDecision, "urgency" | "owner" | "aiReplies" | "mode" | "say" | "history"> &
    Partial<Pick<TurnDecision, "triage" | "lapse">>;
  if (state === undefined) {
    const assessed = assessTurn(request.text, [], undefined);
    decision = {
      triage: assessed.triage,
      urgency: assessed.urgency,
      owner: { kind: "ai", since: now },
      aiReplies: true,
      mode: assessed.urgency === "critical" ? "safety" : "normal",
      say: [],
      history: [],
    };
  } else {
    decision = decideTurn(request.text, state, now, {
      outbox: { deliver: known.deliverable ?? [], orphaned: [] },
      ...(known.lapse === undefined ? {} : { lapse: known.lapse }),
    });
  }
  let reply: ResponderReply | null = null;
  if (decision.aiReplies) {
    reply = playbookReply({
      text: request.text,
      history: decision.history,
      urgency: decision.urgency,
      mode: decision.mode,
      medium: request.medium,
      ...(known.callerName === undefined ? {} : { callerName: known.callerName }),
      ...(known.state?.guidance === undefined ? {} : { guidance: known.state.guidance }),
    });
  } else if (decision.say.length === 0) {
    reply = holdingReply();
  }
  const answer = decidedAnswer(input.callId, decision, reply?.text ?? null);
  return deferredFromPlan({
    ...input,
    answer,
    reply,
    said: decision.say,
    ...(decision.lapse === undefined ? {} : { lapse: decision.lapse }),
  });
}

export interface PlannedInput {
  readonly gateway: string;
  readonly request: z.infer<typeof speechTurnRequestSchema>;
  readonly fingerprint: string;
  readonly callId: string;
  readonly known: Pick<Known, "tenantId" | "subjectId" | "line">;
  readonly now: number;
  readonly answer: TurnAnswer;
  readonly reply: ResponderReply | null;
  readonly said: readonly OutboxEntry[];
  readonly lapse?: HoldLapse;
}

/** The deferred form of a turn whose answer is settled (a planned live turn, or a fallback). */
export function deferredFromPlan(input: PlannedInput): DeferredTurn {
  return {
    gateway: input.gateway,
    request: input.request,
    fingerprint: input.fingerprint,
    callId: input.callId,
    ...(input.known.tenantId === undefined ? {} : { tenantId: input.known.tenantId }),
    ...(input.known.subjectId === undefined ? {} : { subjectId: input.known.subjectId }),
    ...(input.known.line === undefined ? {} : { line: input.known.line }),
    at: input.now,
    answer: { ...input.answer, say: [...input.answer.say] },
    sources: input.reply === null ? [] : [...input.reply.sources],
    said: input.said.map((entry) => ({ ...entry })),
    ...(input.lapse === undefined ? {} : { lapse: { ...input.lapse } }),
  };
}

// ---------------------------------------------------------------- applying

/**
 * The turn record transaction of an applier: take the record unless the turn is already done (or
 * the id belongs to other words), or another applier is recording it now. A live attempt's pending
 * claim of the same turn is taken at once, whatever its age: it belongs to the attempt that gave
 * up, and the deferred turn is what the caller heard. Appliers exclude each other (the queue, the
 * call's next turn and the sweeper may reach the same marker at once; two writes of one turn
 * would number its messages twice) until an applier's claim is as old as a live claim's TTL.
 */
export function deferredClaimUpdate(
  current: unknown,
  fingerprint: string,
  now: number,
): TurnRecord | undefined {
  if (typeof current === "object" && current !== null) {
    const record = current as {
      status?: unknown;
      fingerprint?: unknown;
      applier?: unknown;
      claimedAt?: unknown;
    };
    if (record.fingerprint !== undefined && record.fingerprint !== fingerprint) return undefined;
    if (record.status === "done") return undefined;
    if (
      record.status === "pending" &&
      record.applier === true &&
      typeof record.claimedAt === "number" &&
      now - record.claimedAt < TURN_CLAIM_TTL_MS
    ) {
      return undefined;
    }
  }
  return { status: "pending", fingerprint, claimedAt: now, applier: true };
}

export interface DeferredPlanInput {
  readonly tenantId: string;
  readonly subjectId?: string;
  readonly turn: DeferredTurn;
  /** The call as it is now (only the summary is needed). */
  readonly state: CallState;
}

/**
 * The write of a deferred turn: the turn's messages at its own time, with the reply and the
 * messages the caller heard; the summary's urgency only goes up; `lastMessageAt` and the snippet
 * move only forward (a later turn may have been recorded first). The turn record stores the answer
 * given, so a retry replays it.
 */
export function planDeferredTurn(input: DeferredPlanInput): TurnPlan {
  const { turn, state, tenantId } = input;
  const owner = state.call?.owner;
  const lapse =
    turn.lapse !== undefined &&
    owner?.kind === "human" &&
    owner.uid === turn.lapse.uid &&
    owner.since === turn.lapse.holdSince
      ? turn.lapse
      : null;
  const decision = decideTurn(turn.request.text, state, turn.at, {
    outbox: { deliver: turn.said, orphaned: [] },
    lapse,
  });
  const reply: ResponderReply | null =
    turn.answer.reply === null ? null : { text: turn.answer.reply, sources: turn.sources };
  const plan = planTurn({
    tenantId,
    ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
    callId: turn.callId,
    ...(turn.line === undefined ? {} : { line: turn.line }),
    request: turn.request,
    fingerprint: turn.fingerprint,
    state,
    decision,
    reply,
    now: turn.at,
  });
  const call = callPath(tenantId, turn.callId);
  const behind = state.call !== null && state.call.lastMessageAt > turn.at;
  const kept = new Set(behind ? [`${call}/lastMessageAt`, `${call}/lastSnippet`] : []);
  const update = Object.fromEntries(
    Object.entries(plan.update).filter(([path]) => !kept.has(path)),
  );
  const answer = answerOf(turn);
  update[turnPath(tenantId, turn.callId, turn.request.turnId)] = {
    status: "done",
    fingerprint: turn.fingerprint,
    at: turn.at,
    answer: storedAnswer(answer),
  } satisfies TurnRecord;
  return { update, answer };
}

// ---------------------------------------------------------------- ordering a call's deferred turns

/** A call's deferred turns as spoken: by the turn's time, then by turn id so the order is total. */
export function inTurnOrder(turns: readonly DeferredTurn[]): DeferredTurn[] {
  return [...turns].sort(
    (a, b) =>
      a.at - b.at ||
      (a.request.turnId < b.request.turnId ? -1 : a.request.turnId > b.request.turnId ? 1 : 0),
  );
}

export interface MarkersOfTurn {
  /** Other turns of the call deferred before this one, in the order spoken: applied first. */
  readonly earlier: DeferredTurn[];
  /** This very turn, deferred by an earlier attempt with the same words. */
  readonly own: DeferredTurn | undefined;
}

/**
 * Which of a call's markers a turn must apply before writing its own. `at` is the turn's own time
 * (its arrival, or its marker's time when an earlier attempt deferred it): markers of later turns
 * are left to those turns' own tasks and successors, and a marker under this turn id with other
 * words is no part of this turn's past.
 */
export function markersOfTurn(
  markers: readonly DeferredTurn[],
  turnId: string,
  fingerprint: string,
  at: number,
): MarkersOfTurn {
  const own = markers.find(
    (turn) => turn.request.turnId === turnId && turn.fingerprint === fingerprint,
  );
  const until = own?.at ?? at;
  const earlier = inTurnOrder(
    markers.filter((turn) => turn.request.turnId !== turnId && turn.at <= until),
  );
  return { earlier, own };
}

/** Two lists of a call's deferred turns as one, each turn once, in the order spoken. */
export function mergeTurns(...lists: readonly (readonly DeferredTurn[])[]): DeferredTurn[] {
  const byTurn = new Map<string, DeferredTurn>();
  for (const turn of lists.flat()) {
    if (!byTurn.has(turn.request.turnId)) byTurn.set(turn.request.turnId, turn);
  }
  return inTurnOrder([...byTurn.values()]);
}
