/**
 * The calls list: order, labels and the states a supervisor must not miss. Pure.
 */
import { type Call, type Owner, URGENCY_RANK } from "@lifeline/model";
import { isAcknowledged, type AlertView } from "./alerts.js";

export interface CallEntry {
  readonly id: string;
  readonly call: Call;
}

const STATUS_RANK: Readonly<Record<Call["status"], number>> = { active: 0, missed: 1, ended: 2 };

/**
 * Active calls first, most urgent first, then the most recent activity first. Calls that are
 * over follow, the most recently finished first. Ties break on the id so the order never jitters.
 */
export function compareCalls(a: CallEntry, b: CallEntry): number {
  const liveA = a.call.status === "active" ? 0 : 1;
  const liveB = b.call.status === "active" ? 0 : 1;
  if (liveA !== liveB) return liveA - liveB;
  if (liveA === 0) {
    const urgency = URGENCY_RANK[b.call.urgency] - URGENCY_RANK[a.call.urgency];
    if (urgency !== 0) return urgency;
    if (a.call.lastMessageAt !== b.call.lastMessageAt) {
      return b.call.lastMessageAt - a.call.lastMessageAt;
    }
  } else {
    const finishedA = a.call.endedAt ?? a.call.lastMessageAt;
    const finishedB = b.call.endedAt ?? b.call.lastMessageAt;
    if (finishedA !== finishedB) return finishedB - finishedA;
    const status = STATUS_RANK[a.call.status] - STATUS_RANK[b.call.status];
    if (status !== 0) return status;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The list as shown: every active call, then at most `keepFinished` calls that are over. */
export function arrangeCalls(entries: Iterable<CallEntry>, keepFinished = 10): CallEntry[] {
  const sorted = [...entries].sort(compareCalls);
  const active = sorted.filter((entry) => entry.call.status === "active");
  const finished = sorted.filter((entry) => entry.call.status !== "active");
  return [...active, ...finished.slice(0, keepFinished)];
}

/** Who is talking to the caller. */
export function ownerLabel(owner: Owner, myUid: string): string {
  if (owner.kind === "ai")
    return owner.lapsed === undefined ? "AI assistant" : "AI assistant (hold lapsed)";
  return owner.uid === myUid ? "You" : owner.name;
}

const LAPSE_WORDS: Readonly<
  Record<NonNullable<Extract<Owner, { kind: "ai" }>["lapsed"]>["reason"], string>
> = {
  offline: "went offline",
  removed: "was removed from the team",
  demoted: "may no longer hold calls",
  caller_turns: "left the caller unanswered",
};

/** "Hold lapsed: Dana Dispatcher went offline" while the assistant answers after a lapsed hold. */
export function lapseNote(owner: Owner): string | undefined {
  if (owner.kind !== "ai" || owner.lapsed === undefined) return undefined;
  return `Hold lapsed: ${owner.lapsed.name} ${LAPSE_WORDS[owner.lapsed.reason]}. The AI assistant is answering again.`;
}

/**
 * "Alex Admin took over this call from you: <reason>", for the member whose hold was taken while
 * the taker still holds the call.
 */
export function takenFromNotice(owner: Owner, myUid: string): string | undefined {
  if (owner.kind !== "human" || owner.takenFrom !== myUid || owner.uid === myUid) return undefined;
  const reason = owner.reason === undefined ? "" : `: ${owner.reason}`;
  return `${owner.name} took over this call from you${reason}`;
}

/** How long the call has lasted: until now while active, until it ended otherwise. */
export function callDuration(call: Call, now: number): number {
  const end = call.status === "active" ? now : (call.endedAt ?? call.lastMessageAt);
  return Math.max(0, end - call.startedAt);
}

/** The alerts raised about a call. */
export function alertsOfCall(callId: string, alerts: Iterable<AlertView>): AlertView[] {
  return [...alerts].filter((alert) => alert.callId === callId);
}

/**
 * A live critical call whose alerts nobody has acknowledged. A critical call with no alert seen
 * yet counts too: the alert may still be on its way, and the page must not look calm meanwhile.
 */
export function isCriticalUnacknowledged(entry: CallEntry, alerts: Iterable<AlertView>): boolean {
  if (entry.call.status !== "active" || entry.call.urgency !== "critical") return false;
  return !alertsOfCall(entry.id, alerts).some(isAcknowledged);
}

/**
 * A live call nobody has acted on yet: the assistant still holds it and none of its alerts is
 * acknowledged.
 */
export function isUnhandled(entry: CallEntry, alerts: Iterable<AlertView>): boolean {
  if (entry.call.status !== "active" || entry.call.owner.kind !== "ai") return false;
  return !alertsOfCall(entry.id, alerts).some(isAcknowledged);
}

/**
 * The call a console with nothing chosen opens: the most urgent unhandled call, and among equals
 * the one that has waited longest (earliest start; the id breaks ties so the pick never jitters).
 */
export function mostUrgentUnhandled(
  entries: Iterable<CallEntry>,
  alerts: Iterable<AlertView>,
): CallEntry | undefined {
  const seen = [...alerts];
  let best: CallEntry | undefined;
  for (const entry of entries) {
    if (!isUnhandled(entry, seen)) continue;
    if (best === undefined || waitsBefore(entry, best)) best = entry;
  }
  return best;
}

function waitsBefore(a: CallEntry, b: CallEntry): boolean {
  const urgency = URGENCY_RANK[a.call.urgency] - URGENCY_RANK[b.call.urgency];
  if (urgency !== 0) return urgency > 0;
  if (a.call.startedAt !== b.call.startedAt) return a.call.startedAt < b.call.startedAt;
  return a.id < b.id;
}

/** Alerts about the conversation itself: the others (vitals, a missed call) outlive it. */
const CONVERSATION_KINDS: ReadonlySet<AlertView["kind"]> = new Set([
  "urgency",
  "unwatched",
  "escalation",
  "hold_lapsed",
]);

/**
 * A conversation alert whose call ended or was missed before anyone acknowledged it. A call a
 * member ended was attended, acknowledged or not; a vitals reading is about the patient, not the
 * call that happens to share its incident.
 */
export function endedUnattended(alert: AlertView, call: Call | undefined): boolean {
  if (call === undefined || call.status === "active") return false;
  if (!CONVERSATION_KINDS.has(alert.kind) || call.endReason !== undefined) return false;
  return alert.kind === "unwatched" || !isAcknowledged(alert);
}

export function mediumLabel(medium: Call["medium"]): string {
  return medium === "sms" ? "SMS" : "Voice";
}

export function statusLabel(call: Call): string {
  switch (call.status) {
    case "active":
      return "Live";
    case "ended":
      return "Ended";
    case "missed":
      return "Missed";
  }
}

/** Why the call is at its urgency, in words: `critical: "not breathing", "unconscious"`. */
export function urgencyReasonText(call: Call): string | undefined {
  const reason = call.urgencyReason;
  if (reason === undefined) return undefined;
  const parts: string[] = [];
  if (reason.source === "override") parts.push("set by a supervisor");
  if (reason.source === "vitals") parts.push("abnormal vital signs");
  if (reason.source === "escalation") parts.push("escalated");
  if (reason.terms !== undefined && reason.terms.length > 0) {
    parts.push(reason.terms.map((term) => `“${term}”`).join(", "));
  }
  // Triage's note restates the matched terms ("critical: \"smoke\" (fire)"): keep only what it adds.
  const terms = reason.terms ?? [];
  const noteParts = (reason.note ?? "")
    .split("; ")
    .filter((part) => part.trim() !== "" && !terms.some((term) => part.includes(`"${term}"`)));
  if (noteParts.length > 0) parts.push(noteParts.join("; "));
  return parts.length === 0 ? undefined : parts.join(" · ");
}
