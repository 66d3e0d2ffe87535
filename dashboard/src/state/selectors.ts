/**
 * What the views show, computed from the state alone (pure, unit-tested): the merged call list,
 * alert rows, names, the banner, notices, presence rows, the away summary and the page title.
 */
import { type Call, CAPABILITIES, LEAD_STATUSES, URGENCY_RANK } from "@lifeline/model";
import {
  alertFromFeed,
  alertFromInbox,
  isOpenFollowUp,
  sortAlerts,
  type AlertView,
} from "../logic/alerts.js";
import { diffAway, snapshotState, type AwaySummary, type StateSnapshot } from "../logic/away.js";
import {
  isCriticalUnacknowledged,
  mostUrgentUnhandled,
  takenFromNotice,
  type CallEntry,
} from "../logic/calls.js";
import { plural } from "../logic/format.js";
import { URGENCY_LEVELS, type ActionContext } from "../logic/permissions.js";
import { liveness, type Liveness } from "../logic/presence.js";
import type { PresenceRecord, Subject } from "../firebase/database.js";
import type { AppState, AwayState, Drafts } from "./app-state.js";

/** Follow-ups shown in full in the banner; the rest are counted there and listed under Alerts. */
export const BANNER_FOLLOW_UPS = 3;
/** After a reconnect, late-arriving data still counts towards the summary for this long. */
export const AWAY_SETTLE_MS = 5000;

/** What every view needs, computed once per render. */
export interface Derived {
  readonly calls: readonly CallEntry[];
  readonly alerts: readonly AlertView[];
  /** Display names by uid: colleagues present, holders of calls, and this member. */
  readonly names: ReadonlyMap<string, string>;
  call(id: string | undefined): Call | undefined;
}

export function callEntries(state: AppState): CallEntry[] {
  const out = new Map<string, Call>(state.tenantCalls);
  for (const ofSubject of state.subjectCalls.values()) {
    for (const [id, call] of ofSubject) out.set(id, call);
  }
  return [...out].map(([id, call]) => ({ id, call }));
}

export function alertViews(state: AppState): AlertView[] {
  if (CAPABILITIES[state.session.role].alertFeed) {
    return [...state.feed].map(([id, alert]) => alertFromFeed(id, state.session.tenant, alert));
  }
  return [...state.inbox].map(([id, item]) => alertFromInbox(id, item, state.alertRecords.get(id)));
}

export function memberNames(state: AppState, calls: readonly CallEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [uid, record] of state.presence) out.set(uid, record.name);
  for (const { call } of calls) {
    if (call.owner.kind === "human") out.set(call.owner.uid, call.owner.name);
  }
  if (state.member !== undefined) out.set(state.session.uid, state.member.name);
  return out;
}

export function derive(state: AppState): Derived {
  const calls = callEntries(state);
  const byId = new Map(calls.map((entry) => [entry.id, entry.call]));
  return {
    calls,
    alerts: alertViews(state),
    names: memberNames(state, calls),
    call: (id) => (id === undefined ? undefined : byId.get(id)),
  };
}

/**
 * The call the page opens by itself, or `undefined` to leave the selection alone. A member's own
 * choice is never replaced; a call the page opened gives way only to a more urgent unhandled one
 * (or when it is no longer listed), so what is on screen does not jump between equals.
 */
export function autoSelection(state: AppState, derived: Derived): string | undefined {
  if (state.selectedBy === "member") return undefined;
  const pick = mostUrgentUnhandled(derived.calls, derived.alerts);
  if (pick === undefined || pick.id === state.selectedCallId) return undefined;
  const current = derived.call(state.selectedCallId);
  if (current === undefined) return pick.id;
  return URGENCY_RANK[pick.call.urgency] > URGENCY_RANK[current.urgency] ? pick.id : undefined;
}

export function serverNow(state: AppState): number {
  return state.now + state.serverOffsetMs;
}

export function actionContext(state: AppState): ActionContext {
  return { role: state.session.role, uid: state.session.uid, online: state.connected === true };
}

/** Where the number is shown next to it anyway: the subject's name, or just "Unknown caller". */
export function callerName(entry: CallEntry, subjects: ReadonlyMap<string, Subject>): string {
  const subjectId = entry.call.subjectId;
  const name = subjectId === undefined ? undefined : subjects.get(subjectId)?.name;
  return name ?? (subjectId === undefined ? "Unknown caller" : "Caller");
}

/** How a call is named in lists: the subject's name, else its number. */
export function callLabel(entry: CallEntry, subjects: ReadonlyMap<string, Subject>): string {
  const subjectId = entry.call.subjectId;
  const name = subjectId === undefined ? undefined : subjects.get(subjectId)?.name;
  if (name !== undefined) return name;
  return subjectId === undefined ? `Unknown caller ${entry.call.phone}` : entry.call.phone;
}

export type ConnectionState = "connecting" | "online" | "offline";

export function connectionState(state: AppState): ConnectionState {
  return state.connected === undefined ? "connecting" : state.connected ? "online" : "offline";
}

export interface Banner {
  /** Live critical calls nobody acknowledged. */
  readonly critical: readonly CallEntry[];
  /** Every open follow-up, newest first. */
  readonly followUps: readonly AlertView[];
  /** The follow-ups shown in full. */
  readonly shown: readonly AlertView[];
  readonly more: number;
}

export function banner(derived: Derived): Banner {
  const critical = derived.calls.filter((entry) => isCriticalUnacknowledged(entry, derived.alerts));
  const followUps = sortAlerts(derived.alerts.filter(isOpenFollowUp));
  const shown = followUps.slice(0, BANNER_FOLLOW_UPS);
  return { critical, followUps, shown, more: followUps.length - shown.length };
}

export function documentTitle({ critical, followUps }: Banner): string {
  const count = critical.length + followUps.length;
  if (count === 0) return "Lifeline";
  return critical.length > 0 ? `(${count}) CRITICAL · Lifeline` : `(${count}) CALL BACK · Lifeline`;
}

export function bannerMoreText(more: number): string {
  return `+${plural(more, "more call", "more calls")} to call back: see Alerts`;
}

export interface TakeoverNotice {
  readonly entry: CallEntry;
  readonly text: string;
  /** Call id and hold start: a later take-over of the same call is news again. */
  readonly key: string;
}

/** Active calls a colleague took from this member, unless the member closed the notice. */
export function takeoverNotices(state: AppState, derived: Derived): TakeoverNotice[] {
  return derived.calls.flatMap((entry) => {
    if (entry.call.status !== "active") return [];
    const text = takenFromNotice(entry.call.owner, state.session.uid);
    const key = `${entry.id}:${entry.call.owner.since}`;
    return text === undefined || state.dismissedTakeovers.has(key) ? [] : [{ entry, text, key }];
  });
}

export interface PresenceRow {
  readonly uid: string;
  readonly record: PresenceRecord;
  readonly state: Liveness;
}

const LIVENESS_ORDER: Readonly<Record<Liveness, number>> = { online: 0, away: 1, offline: 2 };

/** Colleagues by freshness of their heartbeat (present first), then by name. */
export function presenceRows(state: AppState): PresenceRow[] {
  const now = serverNow(state);
  return [...state.presence]
    .map(([uid, record]) => ({ uid, record, state: liveness(record, now) }))
    .sort(
      (a, b) =>
        LIVENESS_ORDER[a.state] - LIVENESS_ORDER[b.state] ||
        a.record.name.localeCompare(b.record.name),
    );
}

export function livenessOf(state: AppState, uid: string): Liveness {
  return liveness(state.presence.get(uid), serverNow(state));
}

/** Calls and alerts as they stand, for "while you were away". */
export function snapshotOf(state: AppState, derived: Derived, at: number): StateSnapshot {
  return snapshotState(at, derived.alerts, derived.calls, (entry) =>
    callLabel(entry, state.subjects),
  );
}

/**
 * The state after `.info/connected` changed: a drop keeps a snapshot to compare with later; the
 * reconnect starts the settle time during which late-arriving data still counts.
 */
export function onConnectionChange(
  state: AppState,
  connected: boolean,
  now: number,
): Pick<AppState, "connected" | "away"> {
  if (state.connected === true && !connected) {
    return { connected, away: { before: snapshotOf(state, derive(state), now) } };
  }
  if (state.connected === false && connected && state.away !== undefined) {
    return { connected, away: { before: state.away.before, reconnectedAt: now } };
  }
  return { connected, away: state.away };
}

/** The away summary to show: fixed once settled, else what changed up to now. */
export function awaySummary(state: AppState, derived: Derived): AwaySummary | undefined {
  const away = state.away;
  if (away?.reconnectedAt === undefined) return undefined;
  if (away.summary !== undefined) return away.summary;
  // Offline time is fixed at the reconnect; later updates only add late-arriving data.
  return {
    ...diffAway(away.before, snapshotOf(state, derived, state.now)),
    offlineMs: away.reconnectedAt - away.before.at,
  };
}

/** Freezes the summary once the settle time after the reconnect has passed. */
export function settleAway(state: AppState): AwayState | undefined {
  const away = state.away;
  if (away?.reconnectedAt === undefined || away.summary !== undefined) return away;
  if (state.now - away.reconnectedAt <= AWAY_SETTLE_MS) return away;
  return { ...away, summary: awaySummary(state, derive(state)) };
}

/**
 * The lead status the select shows: what the member picked, else the call's (when it is one the
 * select offers; an id of the earlier list is shown in the header, not offered), else the first.
 */
export function leadChoice(drafts: Drafts, call: Call): string {
  const current = LEAD_STATUSES.find((status) => status === call.lead?.status);
  return drafts.lead ?? current ?? LEAD_STATUSES[0];
}

/**
 * The urgency the override select shows: the member's pick, else the call's current level (the
 * override starts from where the call stands, never from a lower default).
 */
export function overrideChoice(drafts: Drafts, call: Call): Call["urgency"] {
  const picked = URGENCY_LEVELS.find((level) => level === drafts.overrideLevel);
  return picked ?? call.urgency;
}

/** Why the override cannot be sent yet, or `undefined` when it can: a new level and a reason. */
export function overrideMissing(drafts: Drafts, call: Call): string | undefined {
  if (overrideChoice(drafts, call) === call.urgency) return "Choose a new level.";
  if (drafts.overrideReason.trim() === "") return "Give a reason.";
  return undefined;
}
