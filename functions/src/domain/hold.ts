/**
 * A human's hold on a call is a lease: it lapses when the holder goes offline for the tenant's
 * grace time, is removed or demoted, or leaves the caller speaking `holdLapseTurns` turns in a row
 * without a word. Pure: the speech turn and the members endpoint read the records and call these.
 * When a hold lapses the call goes back to the assistant in one multi-path update: the owner, a
 * system line in the transcript and a `hold_lapsed` alert (the owner trigger audits it).
 */
import {
  type Alert,
  alertPath,
  callPath,
  CAPABILITIES,
  checkId,
  HOLD_DEFAULTS,
  type HOLD_LAPSE_REASONS,
  memberMirrorSchema,
  type Message,
  messagePath,
  type Owner,
  PRESENCE,
  presenceSchema,
  type Urgency,
  URGENCY_RANK,
} from "@lifeline/model";

export type HoldLapseReason = (typeof HOLD_LAPSE_REASONS)[number];
export type HumanOwner = Extract<Owner, { kind: "human" }>;

export interface HoldSettings {
  readonly graceMs: number;
  readonly lapseTurns: number;
}

/** The tenant's lease settings, defaults for what it leaves out (or for an unknown tenant). */
export function holdSettings(
  settings: { readonly holdGraceSeconds?: number; readonly holdLapseTurns?: number } | null,
): HoldSettings {
  return {
    graceMs: (settings?.holdGraceSeconds ?? HOLD_DEFAULTS.graceSeconds) * 1000,
    lapseTurns: settings?.holdLapseTurns ?? HOLD_DEFAULTS.lapseTurns,
  };
}

/**
 * Since when the holder counts as offline, or null while it is online. An explicit offline record
 * counts from its `lastSeen`; a record that stopped beating counts from when it went stale; no
 * record (or one that does not parse) counts from the start of the hold. Never earlier than the
 * hold's start: taking a call over is itself a sign of life.
 */
export function offlineSince(presence: unknown, holdSince: number, now: number): number | null {
  const parsed = presenceSchema.safeParse(presence);
  if (!parsed.success) return holdSince;
  const { state, lastSeen } = parsed.data;
  if (state === "offline") return Math.max(lastSeen, holdSince);
  if (now - lastSeen > PRESENCE.freshMs) return Math.max(lastSeen + PRESENCE.freshMs, holdSince);
  return null;
}

/**
 * Caller turns in a row the holder has left unanswered, this one included: caller messages after
 * the later of the hold's start and the holder's last message to the caller (by `seq`, so a caller
 * message written in the same turn as the holder's reply counts as answered).
 */
export function unansweredCallerTurns(
  owner: HumanOwner,
  history: readonly Message[],
  holderQueuedMessage: boolean,
): number {
  if (holderQueuedMessage) return 0;
  let lastHolderSeq = 0;
  for (const message of history) {
    if (message.role === "agent" && message.by === owner.uid) {
      lastHolderSeq = Math.max(lastHolderSeq, message.seq);
    }
  }
  const earlier = history.filter(
    (message) =>
      message.role === "caller" && message.seq > lastHolderSeq && message.at >= owner.since,
  ).length;
  return earlier + 1;
}

export interface HoldInput {
  readonly owner: HumanOwner;
  /** `presence/{uid}` of the holder as read (null when absent). */
  readonly presence: unknown;
  /** `members/{uid}` of the holder as read (null when absent). */
  readonly member: unknown;
  readonly settings: HoldSettings;
  /** The call's latest messages, as read before this turn. */
  readonly history: readonly Message[];
  /** The holder has a message waiting in the outbox: it is answering the caller now. */
  readonly holderQueuedMessage: boolean;
  readonly now: number;
  /** False when deciding outside a caller turn (member removal): no turn to count. */
  readonly callerTurn?: boolean;
}

/** Why the hold lapsed, or null while it holds. Loss of membership wins over the clock. */
export function holdLapse(input: HoldInput): HoldLapseReason | null {
  const member = memberMirrorSchema.safeParse(input.member);
  if (!member.success) return "removed";
  if (!CAPABILITIES[member.data.role].takeOver) return "demoted";
  const since = offlineSince(input.presence, input.owner.since, input.now);
  if (since !== null && input.now - since >= input.settings.graceMs) return "offline";
  if (input.callerTurn === false) return null;
  const turns = unansweredCallerTurns(input.owner, input.history, input.holderQueuedMessage);
  return turns >= input.settings.lapseTurns ? "caller_turns" : null;
}

// ---------------------------------------------------------------- the lapse's writes

export interface HoldLapse {
  readonly uid: string;
  readonly name: string;
  readonly reason: HoldLapseReason;
  /** The lapsed hold's `since`: it names the system line and the alert. */
  readonly holdSince: number;
}

export function lapseOf(owner: HumanOwner, reason: HoldLapseReason): HoldLapse {
  return { uid: owner.uid, name: owner.name, reason, holdSince: owner.since };
}

export const lapseMessageId = (holdSince: number) => `lapse-${holdSince}`;
export const holdLapsedAlertId = (callId: string, holdSince: number) =>
  `hold-${checkId("call id", callId)}-${holdSince}`;

const WHY: Readonly<Record<HoldLapseReason, string>> = {
  offline: "went offline",
  removed: "was removed from the team",
  demoted: "may no longer take calls over",
  caller_turns: "left the caller unanswered",
};

export function lapseTitle(lapse: HoldLapse): string {
  return `Hold lapsed: ${lapse.name} ${WHY[lapse.reason]} — the assistant is answering`;
}

export interface HoldLapsePlanInput {
  readonly tenantId: string;
  readonly callId: string;
  readonly subjectId?: string;
  readonly lapse: HoldLapse;
  /** The call's urgency; the alert is at least urgent. */
  readonly urgency: Urgency;
  /** The transcript's `seq` the system line takes (messageCount + 1). */
  readonly seq: number;
  readonly now: number;
}

export interface HoldLapsePlan {
  /** Paths relative to the database root, for the caller's one multi-path update. */
  readonly update: Record<string, unknown>;
  readonly owner: Owner;
}

/**
 * The lapse's pieces: owner back to the assistant (with who lapsed and why), a system line, and
 * the `hold_lapsed` alert. Ids derive from the hold, so planning the same lapse twice writes once.
 * The caller of this function sets `messageCount` (the speech turn adds its own messages after).
 */
export function planHoldLapse(input: HoldLapsePlanInput): HoldLapsePlan {
  const { tenantId, callId, lapse, now } = input;
  const owner: Owner = {
    kind: "ai",
    since: now,
    lapsed: { uid: lapse.uid, name: lapse.name, reason: lapse.reason },
  };
  const severity: Urgency =
    URGENCY_RANK[input.urgency] >= URGENCY_RANK.urgent ? input.urgency : "urgent";
  const alert: Alert = {
    kind: "hold_lapsed",
    severity,
    callId,
    ...(input.subjectId === undefined ? {} : { subjectId: input.subjectId }),
    title: lapseTitle(lapse),
    at: now,
    status: "open",
    level: 0,
  };
  const line: Message = {
    seq: input.seq,
    role: "system",
    text: `${lapse.name}'s hold lapsed (${WHY[lapse.reason]}); the assistant is answering the caller.`,
    at: now,
  };
  return {
    owner,
    update: {
      [`${callPath(tenantId, callId)}/owner`]: owner,
      [messagePath(tenantId, callId, lapseMessageId(lapse.holdSince))]: line,
      [alertPath(tenantId, holdLapsedAlertId(callId, lapse.holdSince))]: alert,
    },
  };
}
