/**
 * The turn record and the claim on it: idempotency by `turnId`. Every id the turn writes is derived
 * from the turn (see ids.ts), and the record `turns/{callId}/{turnId}` holds the answer. Before
 * planning, the endpoint claims the record in a transaction (`claimTurn`): the winner plans and
 * writes; a retry that finds the record done replays the stored answer; a retry racing the first
 * one finds it pending and waits for it. A claimant that died leaves a pending record that can be
 * taken over once it is older than `TURN_CLAIM_TTL_MS`.
 */
import { z } from "zod";
import { type Urgency, urgencySchema } from "@lifeline/model";

/** How long a claim protects a turn in progress before a retry may take it over. */
export const TURN_CLAIM_TTL_MS = 15_000;

export const answerOwnerSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("ai") }),
  z.strictObject({ kind: z.literal("human"), name: z.string() }),
]);

export interface TurnAnswer {
  readonly callId: string;
  /**
   * The assistant's reply; while a human holds the call, a short holding line when the human has
   * nothing queued, and null when `say` carries the human's messages.
   */
  readonly reply: string | null;
  readonly urgency: Urgency;
  readonly owner: z.infer<typeof answerOwnerSchema>;
  /** Messages a supervisor typed for the caller since the last turn, oldest first. */
  readonly say: readonly string[];
  /** A member ended the call: the gateway speaks `reply` (a goodbye) and hangs up. Never stored. */
  readonly hangup?: true;
  readonly endReason?: "ended by supervisor";
}

/**
 * The answer as the database keeps it: it stores neither null nor empty arrays, so `reply` and
 * `say` are left out when there is nothing in them.
 */
const storedAnswerSchema = z.strictObject({
  callId: z.string().min(1),
  reply: z.string().optional(),
  urgency: urgencySchema,
  owner: answerOwnerSchema,
  say: z.array(z.string()).optional(),
});

const pendingTurnSchema = z.strictObject({
  status: z.literal("pending"),
  fingerprint: z.string(),
  claimedAt: z.number(),
  /** Claimed to record a deferred turn (see domain/deferred.ts), not by a live attempt. */
  applier: z.literal(true).optional(),
});
const doneTurnSchema = z.strictObject({
  status: z.literal("done"),
  fingerprint: z.string(),
  at: z.number(),
  answer: storedAnswerSchema,
});
export const turnRecordSchema = z.discriminatedUnion("status", [pendingTurnSchema, doneTurnSchema]);
export type TurnRecord = z.infer<typeof turnRecordSchema>;

export function storedAnswer(answer: TurnAnswer): z.infer<typeof storedAnswerSchema> {
  return {
    callId: answer.callId,
    ...(answer.reply === null ? {} : { reply: answer.reply }),
    urgency: answer.urgency,
    owner: answer.owner,
    ...(answer.say.length === 0 ? {} : { say: [...answer.say] }),
  };
}

export function answerFrom(stored: z.infer<typeof storedAnswerSchema>): TurnAnswer {
  return {
    callId: stored.callId,
    reply: stored.reply ?? null,
    urgency: stored.urgency,
    owner: stored.owner,
    say: stored.say ?? [],
  };
}

export type ClaimState =
  /** Nobody has the turn (or its claimant died): take it. */
  | { readonly kind: "free" }
  | { readonly kind: "done"; readonly answer: TurnAnswer }
  /** Another request is working on this very turn right now. */
  | { readonly kind: "in-progress"; readonly claimedAt: number }
  /** The turn id was used before for different words: a gateway bug, not a retry. */
  | { readonly kind: "conflict" };

/** What a turn record (as read, possibly absent or malformed) means for a request with `fingerprint`. */
export function claimState(current: unknown, fingerprint: string, now: number): ClaimState {
  const parsed = turnRecordSchema.safeParse(current);
  if (!parsed.success) return { kind: "free" };
  const record = parsed.data;
  if (record.fingerprint !== fingerprint) return { kind: "conflict" };
  if (record.status === "done") return { kind: "done", answer: answerFrom(record.answer) };
  if (now - record.claimedAt >= TURN_CLAIM_TTL_MS) return { kind: "free" };
  return { kind: "in-progress", claimedAt: record.claimedAt };
}

/**
 * The transaction update function of the claim: the pending record when the turn is free,
 * `undefined` (abort, leave the record as it is) otherwise.
 */
export function claimUpdate(
  current: unknown,
  fingerprint: string,
  now: number,
): TurnRecord | undefined {
  return claimState(current, fingerprint, now).kind === "free"
    ? { status: "pending", fingerprint, claimedAt: now }
    : undefined;
}
