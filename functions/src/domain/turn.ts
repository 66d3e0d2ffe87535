/**
 * One speech turn, planned without touching a database: who answers, in which mode, what the
 * caller hears, and the single multi-path update that records it — caller message, any messages a
 * supervisor typed for the caller (moved from the outbox into the transcript), the assistant's
 * reply, the call summary and the turn record, all at once.
 *
 * Idempotency by `turnId`. Every id the update writes is derived from the turn (message ids from
 * `turnId`, agent messages from their outbox id), and the turn record `turns/{callId}/{turnId}`
 * holds the answer. Before planning, the endpoint claims the record in a transaction
 * (`claimTurn`): the winner plans and writes; a retry that finds the record done replays the stored
 * answer; a retry racing the first one finds it pending and waits for it. A claimant that died
 * leaves a pending record that can be taken over once it is older than `TURN_CLAIM_TTL_MS`.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SpeechTurnRequest } from "../requests.js";
import {
  type Alert,
  alertPath,
  alertSchema,
  type Call,
  callPath,
  callSchema,
  CAPABILITIES,
  checkId,
  LIMITS,
  memberMirrorSchema,
  type Message,
  messagePath,
  messageSchema,
  outboxMessagePath,
  outboxMessageSchema,
  type Owner,
  turnPath,
  type Urgency,
  urgencySchema,
} from "@lifeline/model";
import { planHoldLapse, type HoldLapse } from "./hold.js";
import type { ConversationTurn, ResponderMode, ResponderReply } from "./responder.js";
import { snippetOf } from "./summary.js";
import { triage, type TriageResult } from "./triage.js";

/** How long a claim protects a turn in progress before a retry may take it over. */
export const TURN_CLAIM_TTL_MS = 15_000;
/** How many earlier messages the responder sees. */
export const HISTORY_LIMIT = 30;

// ---------------------------------------------------------------- ids

/**
 * The call a gateway's call reference names: a hash, so any reference is a valid key and two
 * gateways that happen to use the same reference never share a call.
 */
export function callIdFor(gateway: string, callRef: string): string {
  const digest = createHash("sha256").update(`${gateway}\n${callRef}`).digest("base64url");
  return `call-${digest.slice(0, 22)}`;
}

export const callerMessageId = (turnId: string) => `${checkId("turn id", turnId)}-caller`;
export const assistantMessageId = (turnId: string) => `${checkId("turn id", turnId)}-assistant`;
/** A delivered outbox message keeps its id, so two turns delivering it write one transcript entry. */
export const agentMessageId = (outboxId: string) => `agent-${checkId("outbox id", outboxId)}`;

/** What makes a retry the same turn: the same words from the same caller on the same call. */
export function turnFingerprint(request: SpeechTurnRequest): string {
  return createHash("sha256")
    .update(JSON.stringify([request.callRef, request.from, request.medium, request.text]))
    .digest("base64url");
}

// ---------------------------------------------------------------- the answer and the turn record

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

// ---------------------------------------------------------------- the call as read

export interface OutboxEntry {
  readonly id: string;
  readonly text: string;
  readonly by: string;
  readonly at: number;
}

export interface CallState {
  readonly call: Call | null;
  /** Waiting messages for the caller, oldest first. */
  readonly outbox: readonly OutboxEntry[];
  /** The latest messages, by `seq`. */
  readonly history: readonly Message[];
  /** The call's urgency alert, when fan-out has opened one. */
  readonly alert: Alert | null;
}

export class MalformedCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedCallError";
  }
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.entries(value)
    : [];
}

/**
 * Holds what was read to the model. A call summary that does not parse is an error (the turn
 * would otherwise overwrite it blindly); messages, outbox entries and an alert that do not parse
 * are skipped, as the rules should never have let them in.
 */
export function parseCallState(raw: {
  readonly call: unknown;
  readonly outbox: unknown;
  readonly messages: unknown;
  readonly alert: unknown;
}): CallState {
  let call: Call | null = null;
  if (raw.call !== null && raw.call !== undefined) {
    const parsed = callSchema.safeParse(raw.call);
    if (!parsed.success) throw new MalformedCallError(`call summary: ${parsed.error.message}`);
    call = parsed.data;
  }
  const outbox: OutboxEntry[] = [];
  for (const [id, value] of entries(raw.outbox)) {
    const parsed = outboxMessageSchema.safeParse(value);
    if (parsed.success) outbox.push({ id, ...parsed.data });
  }
  outbox.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const history: Message[] = [];
  for (const [, value] of entries(raw.messages)) {
    const parsed = messageSchema.safeParse(value);
    if (parsed.success) history.push(parsed.data);
  }
  history.sort((a, b) => a.seq - b.seq);
  const alert = alertSchema.safeParse(raw.alert);
  return {
    call,
    outbox,
    history: history.slice(-HISTORY_LIMIT),
    alert: alert.success ? alert.data : null,
  };
}

/** A turn for a call that ended or was missed is refused: the gateway reused a finished call. */
export function callIsClosed(state: CallState): boolean {
  return state.call !== null && state.call.status !== "active";
}

// ---------------------------------------------------------------- deciding

/** Somebody has seen the alert: acknowledged, resolved, or at least one member answered it. */
export function alertAcknowledged(alert: Alert | null): boolean {
  if (alert === null) return false;
  return alert.status !== "open" || Object.keys(alert.acks ?? {}).length > 0;
}

/**
 * What the caller hears while a human holds the call and has nothing queued: never silence. Kept
 * short and free of promises a human may not keep.
 */
export const HOLDING_LINE =
  "Someone from our team is with you and will answer in a moment. Stay on the line.";
export const HOLDING_SOURCE = "holding";

export function holdingReply(): ResponderReply {
  return { text: HOLDING_LINE, sources: [HOLDING_SOURCE] };
}

export interface ScreenedOutbox {
  /** Messages whose author may still speak to the caller, oldest first. */
  readonly deliver: readonly OutboxEntry[];
  /** Messages whose author was removed, or may no longer message this caller: dropped unspoken. */
  readonly orphaned: readonly OutboxEntry[];
}

/**
 * The outbox as the caller may hear it. A message is spoken only while its author is a member whose
 * role may message the caller (as the call's owner, for roles limited to that): a write queued
 * before a removal or demotion (an onDisconnect, a stale tab) never reaches a caller.
 */
export function screenOutbox(
  outbox: readonly OutboxEntry[],
  members: Readonly<Record<string, unknown>>,
  owner: Owner | undefined,
): ScreenedOutbox {
  const deliver: OutboxEntry[] = [];
  const orphaned: OutboxEntry[] = [];
  for (const entry of outbox) {
    const member = memberMirrorSchema.safeParse(members[entry.by]);
    const may = member.success ? CAPABILITIES[member.data.role].messageCaller : "never";
    const allowed =
      may === "inScope" || (may === "asOwner" && owner?.kind === "human" && owner.uid === entry.by);
    (allowed ? deliver : orphaned).push(entry);
  }
  return { deliver, orphaned };
}

export interface TurnDecision {
  readonly triage: TriageResult;
  readonly urgency: Urgency;
  readonly owner: Owner;
  readonly aiReplies: boolean;
  readonly mode: ResponderMode;
  readonly say: readonly OutboxEntry[];
  /** Outbox messages removed unspoken (see `screenOutbox`). */
  readonly dropped: readonly OutboxEntry[];
  /** Set when the human's hold lapsed at this turn: the assistant answers from now on. */
  readonly lapse?: HoldLapse;
  /** What the responder sees: the transcript so far, then what a supervisor says now. */
  readonly history: readonly ConversationTurn[];
}

export interface DecideOptions {
  /** The outbox after `screenOutbox`; the whole outbox is delivered when absent. */
  readonly outbox?: ScreenedOutbox;
  /** The hold lapsed at this turn (see domain/hold.ts). */
  readonly lapse?: HoldLapse | null;
}

/**
 * Triage never lowers a call's urgency; a human owner silences the assistant; the safety script
 * runs while a critical call has no human owner and nobody has acknowledged its alert (an alert
 * fan-out has not opened yet counts as unacknowledged).
 */
export function decideTurn(
  text: string,
  state: CallState,
  now: number,
  options: DecideOptions = {},
): TurnDecision {
  const current = state.call?.urgency;
  const result = triage(text, current === undefined ? {} : { current });
  const lapse = options.lapse ?? undefined;
  const owner: Owner =
    lapse === undefined
      ? (state.call?.owner ?? { kind: "ai", since: now })
      : {
          kind: "ai",
          since: now,
          lapsed: { uid: lapse.uid, name: lapse.name, reason: lapse.reason },
        };
  const say = options.outbox?.deliver ?? state.outbox;
  const aiReplies = owner.kind === "ai";
  const mode: ResponderMode =
    aiReplies && result.level === "critical" && !alertAcknowledged(state.alert)
      ? "safety"
      : "normal";
  const history: ConversationTurn[] = [
    ...state.history.map((message) => ({ role: message.role, text: message.text })),
    ...say.map((entry) => ({ role: "agent" as const, text: entry.text })),
  ];
  return {
    triage: result,
    urgency: result.level,
    owner,
    aiReplies,
    mode,
    say,
    dropped: options.outbox?.orphaned ?? [],
    ...(lapse === undefined ? {} : { lapse }),
    history,
  };
}

// ---------------------------------------------------------------- planning the write

export interface TurnPlanInput {
  readonly tenantId: string;
  /** Absent for callers the directory does not know. */
  readonly subjectId?: string;
  readonly callId: string;
  readonly request: SpeechTurnRequest;
  readonly fingerprint: string;
  readonly state: CallState;
  readonly decision: TurnDecision;
  /**
   * What the caller hears besides `say`: the responder's answer when the assistant replies, the
   * holding line while a human holds with nothing queued (`holdingReply`), else null.
   */
  readonly reply: ResponderReply | null;
  readonly now: number;
}

export interface TurnPlan {
  /** Paths relative to the database root; one `update()` writes them all or nothing. */
  readonly update: Record<string, unknown>;
  readonly answer: TurnAnswer;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The turn's one multi-path update. Summary fields are written leaf by leaf so that what members
 * write on the call (owner, lead, urgency override) is never overwritten; `owner` is written only
 * when the call is created. `seq` continues from the summary's `messageCount`.
 */
export function planTurn(input: TurnPlanInput): TurnPlan {
  const { tenantId, callId, request, decision, state, now } = input;
  const update: Record<string, unknown> = {};
  const call = callPath(tenantId, callId);
  let seq = state.call?.messageCount ?? 0;

  if (decision.lapse !== undefined && state.call !== null) {
    const lapse = planHoldLapse({
      tenantId,
      callId,
      ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
      lapse: decision.lapse,
      urgency: decision.urgency,
      seq: ++seq,
      now,
    });
    Object.assign(update, lapse.update);
  }

  const callerId = callerMessageId(request.turnId);
  update[messagePath(tenantId, callId, callerId)] = {
    seq: ++seq,
    role: "caller",
    text: request.text,
    at: now,
    turnId: request.turnId,
  } satisfies Message;

  for (const entry of decision.say) {
    update[messagePath(tenantId, callId, agentMessageId(entry.id))] = {
      seq: ++seq,
      role: "agent",
      text: entry.text,
      at: now,
      turnId: request.turnId,
      by: entry.by,
    } satisfies Message;
    update[outboxMessagePath(tenantId, callId, entry.id)] = null;
  }
  for (const entry of decision.dropped) {
    update[outboxMessagePath(tenantId, callId, entry.id)] = null;
  }

  let replyText: string | null = null;
  if (input.reply !== null) {
    replyText = clip(input.reply.text, LIMITS.messageText);
    update[messagePath(tenantId, callId, assistantMessageId(request.turnId))] = {
      seq: ++seq,
      role: "assistant",
      text: replyText,
      at: now,
      turnId: request.turnId,
      ...(input.reply.sources.length === 0 ? {} : { sources: [...input.reply.sources] }),
    } satisfies Message;
  }

  if (state.call === null) {
    if (input.subjectId !== undefined) update[`${call}/subjectId`] = input.subjectId;
    update[`${call}/phone`] = request.from;
    update[`${call}/medium`] = request.medium;
    update[`${call}/status`] = "active";
    update[`${call}/owner`] = decision.owner;
    update[`${call}/startedAt`] = now;
  }
  const previous = state.call?.urgency;
  if (previous === undefined || decision.urgency !== previous) {
    update[`${call}/urgency`] = decision.urgency;
    if (decision.urgency !== "normal") {
      update[`${call}/urgencyReason`] = {
        source: "triage",
        ...(decision.triage.matched.length === 0 ? {} : { terms: [...decision.triage.matched] }),
        messageId: callerId,
        note: clip(decision.triage.reason, LIMITS.overrideReason),
      };
    }
  }
  update[`${call}/lastMessageAt`] = now;
  update[`${call}/messageCount`] = seq;
  // The caller's latest words, not the reply: that is what a supervisor scanning the list needs.
  update[`${call}/lastSnippet`] = snippetOf(request.text);

  const answer: TurnAnswer = {
    callId,
    reply: replyText,
    urgency: decision.urgency,
    owner:
      decision.owner.kind === "human"
        ? { kind: "human", name: decision.owner.name }
        : { kind: "ai" },
    say: decision.say.map((entry) => entry.text),
  };
  update[turnPath(tenantId, callId, request.turnId)] = {
    status: "done",
    fingerprint: input.fingerprint,
    at: now,
    answer: storedAnswer(answer),
  } satisfies TurnRecord;
  return { update, answer };
}

// ---------------------------------------------------------------- call ended, missed call

/** One `missed_call` alert per missed call, so a repeated notification raises nothing new. */
export function missedCallAlertId(callId: string): string {
  return `missed-${checkId("call id", callId)}`;
}

/** Ending a call writes two leaves; what happens next (archive, alerts resolved) is the triggers'. */
export function planCallEnded(tenantId: string, callId: string, endedAt: number) {
  const call = callPath(tenantId, callId);
  return { [`${call}/status`]: "ended", [`${call}/endedAt`]: endedAt };
}

export interface MissedCallInput {
  readonly tenantId: string;
  readonly subjectId?: string;
  readonly callId: string;
  readonly phone: string;
  readonly medium: Call["medium"];
  readonly at: number;
}

/**
 * A call nobody answered: the call record (status `missed`, so it shows in the calls list) and its
 * alert, in one update. A known subject's missed call is urgent — on a safety line it may be the
 * only sign of trouble; an unknown number's is for the record.
 */
export function planMissedCall(input: MissedCallInput): Record<string, unknown> {
  const { tenantId, callId, at } = input;
  const alertId = missedCallAlertId(callId);
  const call: Call = {
    ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
    phone: input.phone,
    medium: input.medium,
    status: "missed",
    urgency: "normal",
    owner: { kind: "ai", since: at },
    startedAt: at,
    lastMessageAt: at,
    endedAt: at,
    messageCount: 0,
    lastSnippet: "",
  };
  const alert: Alert = {
    kind: "missed_call",
    severity: input.subjectId === undefined ? "normal" : "urgent",
    callId,
    ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
    title: `Missed ${input.medium === "sms" ? "message" : "call"} from ${input.phone}`,
    at,
    status: "open",
    level: 0,
  };
  return {
    [callPath(tenantId, callId)]: call,
    [alertPath(tenantId, alertId)]: alert,
  };
}
