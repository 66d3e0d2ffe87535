/**
 * Deciding a turn before anything is written: the urgency (triage, never lowered), who answers (the
 * assistant, or the human holding the call), in which mode, and which of a supervisor's queued
 * messages the caller may hear.
 */
import {
  type Alert,
  CAPABILITIES,
  memberMirrorSchema,
  type Owner,
  type Urgency,
} from "@lifeline/model";
import {
  conversationState,
  conversationUrgency,
  type ConversationUrgency,
} from "../conversation/index.js";
import type { HoldLapse } from "../hold.js";
import type { ConversationTurn, ResponderMode, ResponderReply } from "../responder/index.js";
import { escalate, triage, type TriageResult } from "../triage/index.js";
import type { CallState, OutboxEntry } from "./call-state.js";
import type { TurnAnswer } from "./record.js";

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
  /** What the conversation adds to triage: a caller who may be unable to speak, another language. */
  readonly conversation: ConversationUrgency;
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

/** What the gateway gets back for a decided turn: the reply the caller hears and who answers. */
export function decidedAnswer(
  callId: string,
  decision: Pick<TurnDecision, "urgency" | "owner" | "say">,
  reply: string | null,
): TurnAnswer {
  return {
    callId,
    reply,
    urgency: decision.urgency,
    owner:
      decision.owner.kind === "human"
        ? { kind: "human", name: decision.owner.name }
        : { kind: "ai" },
    say: decision.say.map((entry) => entry.text),
  };
}

export interface DecideOptions {
  /** The outbox after `screenOutbox`; the whole outbox is delivered when absent. */
  readonly outbox?: ScreenedOutbox;
  /** The hold lapsed at this turn (see domain/hold.ts). */
  readonly lapse?: HoldLapse | null;
}

/**
 * The call's urgency after these words: triage of them (never below the call's current level),
 * raised further by what the whole conversation shows — a caller who may be unable to speak, or
 * who speaks a language the playbook does not.
 */
export function assessTurn(
  text: string,
  history: readonly ConversationTurn[],
  current: Urgency | undefined,
): {
  readonly triage: TriageResult;
  readonly conversation: ConversationUrgency;
  readonly urgency: Urgency;
} {
  const result = triage(text, current === undefined ? {} : { current });
  const conversation = conversationUrgency(conversationState({ history, text }));
  return { triage: result, conversation, urgency: escalate(result.level, conversation.level) };
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
  const transcript = state.history.map((message) => ({ role: message.role, text: message.text }));
  const assessed = assessTurn(text, transcript, state.call?.urgency);
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
    aiReplies && assessed.urgency === "critical" && !alertAcknowledged(state.alert)
      ? "safety"
      : "normal";
  const history: ConversationTurn[] = [
    ...transcript,
    ...say.map((entry) => ({ role: "agent" as const, text: entry.text })),
  ];
  return {
    triage: assessed.triage,
    conversation: assessed.conversation,
    urgency: assessed.urgency,
    owner,
    aiReplies,
    mode,
    say,
    dropped: options.outbox?.orphaned ?? [],
    ...(lapse === undefined ? {} : { lapse }),
    history,
  };
}
