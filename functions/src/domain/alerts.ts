/**
 * The alert state machine the triggers apply: open or upgrade an urgency alert, acknowledge,
 * override, escalate, close at the end of a call (or turn it into a follow-up), close a follow-up
 * with its outcome. Each function returns the alert's next value, or null when nothing changes, so
 * a trigger that runs twice writes once. Pure: no Firebase imports.
 */
import {
  ACK_STATUSES,
  type Alert,
  ALERT_STATUSES,
  type Call,
  type Urgency,
  URGENCY_RANK,
  type UrgencyReason,
} from "@lifeline/model";

type AlertStatus = (typeof ALERT_STATUSES)[number];
type AckStatus = (typeof ACK_STATUSES)[number];

const STATUS_RANK: Readonly<Record<AlertStatus, number>> = {
  open: 0,
  acknowledged: 1,
  resolved: 2,
};

const ESCALATED = / · escalated to level \d+$/;
export const ENDED_UNATTENDED = " · ended unattended";
/** How a follow-up's title starts: the dashboard and the inbox copies show it first. */
export const FOLLOW_UP_PREFIX = "Ended unattended: call back";

function capitalized(urgency: Urgency): string {
  return urgency.charAt(0).toUpperCase() + urgency.slice(1);
}

/** The title without the suffixes this module adds. */
export function baseTitle(title: string): string {
  let base = title;
  if (base.endsWith(ENDED_UNATTENDED)) base = base.slice(0, -ENDED_UNATTENDED.length);
  return base.replace(ESCALATED, "");
}

export function withLevel(title: string, level: number): string {
  const base = baseTitle(title);
  return level > 0 ? `${base} · escalated to level ${level}` : base;
}

/**
 * "Critical call: "fire", "trapped"" — what a supervisor reads first in the feed and the inbox —
 * then what the conversation adds: "speaks Spanish", "may be unable to speak".
 */
export function urgencyTitle(
  severity: Urgency,
  reason: Pick<UrgencyReason, "terms" | "language" | "cantTalk"> | undefined,
): string {
  const shown = (reason?.terms ?? []).slice(0, 3).map((term) => `"${term}"`);
  const parts = [
    shown.join(", "),
    reason?.cantTalk === true ? "may be unable to speak" : "",
    reason?.language === undefined ? "" : `speaks ${reason.language}`,
  ].filter((part) => part !== "");
  return parts.length > 0
    ? `${capitalized(severity)} call: ${parts.join(" · ")}`
    : `${capitalized(severity)} call`;
}

type CallFacts = Pick<Call, "urgency" | "subjectId" | "urgencyReason">;

function freshUrgencyAlert(callId: string, call: CallFacts, at: number): Alert {
  return {
    kind: "urgency",
    severity: call.urgency,
    callId,
    ...(call.subjectId === undefined ? {} : { subjectId: call.subjectId }),
    title: urgencyTitle(call.urgency, call.urgencyReason),
    at,
    status: "open",
    level: 0,
  };
}

/**
 * The urgency alert a call at its current urgency needs: opened at urgent or critical, upgraded in
 * place (and reopened: a higher severity is news) when the call went higher, untouched otherwise.
 * `at` is the time of the event that raised it, so a replay produces the same alert.
 */
export function raiseUrgencyAlert(
  current: Alert | null,
  callId: string,
  call: CallFacts,
  at: number,
): Alert | null {
  if (call.urgency === "normal") return null;
  if (current === null) return freshUrgencyAlert(callId, call, at);
  if (URGENCY_RANK[call.urgency] <= URGENCY_RANK[current.severity]) return null;
  const upgraded = freshUrgencyAlert(callId, call, at);
  return {
    ...current,
    severity: upgraded.severity,
    title: withLevel(upgraded.title, current.level),
    at: Math.max(at, current.at),
    status: "open",
  };
}

/**
 * A supervisor set the call's urgency to `level`: the alert follows it, down as well as up.
 * Lowered to normal resolves it (at severity normal); lowered to urgent keeps its status; raised
 * opens or upgrades it.
 */
export function overrideUrgencyAlert(
  current: Alert | null,
  callId: string,
  call: CallFacts,
  at: number,
): Alert | null {
  const level = call.urgency;
  // A follow-up is about a call that is over: only its outcome closes it (see `closeFollowUp`).
  if (current !== null && isFollowUp(current)) return null;
  if (current === null || URGENCY_RANK[level] > URGENCY_RANK[current.severity]) {
    return raiseUrgencyAlert(current, callId, call, at);
  }
  if (level === "normal") {
    // Severity follows the call down too, so that the next rise upgrades (and reopens) the alert.
    return current.status === "resolved" && current.severity === "normal"
      ? null
      : { ...current, severity: "normal", status: "resolved" };
  }
  if (level === current.severity) return null;
  return {
    ...current,
    severity: level,
    title: withLevel(urgencyTitle(level, call.urgencyReason), current.level),
  };
}

/**
 * What one acknowledgement does to the alert's status: only ever forward. On a follow-up every
 * acknowledgement, `resolved` and `false_alarm` included, only acknowledges: it says someone took
 * the call back in hand (and stops escalation), but what came of it is recorded only as the
 * follow-up's `outcome`, and that alone closes it.
 */
export function statusAfterAck(
  current: AlertStatus,
  ack: AckStatus,
  followUp = false,
): AlertStatus {
  // A decline answers "not me": the alert stays as it is, and goes up a level (see `decline`).
  if (ack === "declined") return current;
  const proposed: AlertStatus =
    !followUp && (ack === "resolved" || ack === "false_alarm") ? "resolved" : "acknowledged";
  return STATUS_RANK[proposed] > STATUS_RANK[current] ? proposed : current;
}

/**
 * Applies an acknowledgement made at `ackAt`. One made before the alert was last (re)opened is
 * about the old state and changes nothing.
 */
export function acknowledge(current: Alert, ack: { status: AckStatus; at: number }): Alert | null {
  if (ack.at < current.at) return null;
  const status = statusAfterAck(current.status, ack.status, isFollowUp(current));
  return status === current.status ? null : { ...current, status };
}

/** Raises an open critical alert one level; the title shows it. */
export function escalate(current: Alert, toLevel: number): Alert {
  return { ...current, level: toLevel, title: withLevel(current.title, toLevel) };
}

/**
 * A member declined the open alert (with a reason, checked by the rules): it goes up one level at
 * once, to the wider audience escalation would reach next, and remembers the decline so that a
 * replay raises nothing. Null when there is no level left, when the alert is no longer open, or
 * when the decline is older than the alert's last opening.
 */
export function decline(
  current: Alert,
  declined: { readonly uid: string; readonly at: number },
  maxLevel: number,
): Alert | null {
  if (current.status !== "open" || declined.at < current.at) return null;
  if (current.lastDecline?.uid === declined.uid && current.lastDecline.at === declined.at) {
    return null;
  }
  if (current.level >= maxLevel) return null;
  return {
    ...escalate(current, current.level + 1),
    lastDecline: { uid: declined.uid, at: declined.at },
  };
}

/**
 * An acknowledged critical alert nobody resolved within the tenant's acknowledgement timeout: it
 * opens again at `now`, a new opening (earlier acknowledgements no longer count, escalation and the
 * nobody-watching check start over). Null unless it is still that acknowledgement of that opening.
 */
export function reopenUnresolved(current: Alert, openedAt: number, now: number): Alert | null {
  if (current.status !== "acknowledged" || current.severity !== "critical") return null;
  if (current.at !== openedAt || isFollowUp(current)) return null;
  return { ...current, status: "open", at: Math.max(now, current.at + 1) };
}

/**
 * Kinds that belong to the live conversation and close with it (a missed call still needs a call
 * back). A lapsed hold is news only while the call goes on.
 */
const CLOSE_WITH_CALL: ReadonlySet<Alert["kind"]> = new Set([
  "urgency",
  "unwatched",
  "escalation",
  "hold_lapsed",
]);

/** What the end of a call needs to know about it. */
export interface EndedCall {
  readonly endedAt: number;
  readonly phone?: string;
  /** Set when a member ended the call: someone was there and chose to end it. */
  readonly endReason?: Call["endReason"];
}

export function isFollowUp(alert: Pick<Alert, "followUp">): boolean {
  return alert.followUp !== undefined;
}

export function followUpTitle(title: string, phone: string | undefined): string {
  const base = baseTitle(title);
  return `${FOLLOW_UP_PREFIX}${phone === undefined ? "" : ` ${phone}`} · ${base}`;
}

/**
 * The call ended. A critical urgency alert still open (nobody acknowledged it since it opened at
 * critical) becomes a follow-up: it stays open, at its level and opening time, so that its
 * escalation chain goes on, with `followUp` and a title that says to call back. Every other
 * conversation alert is resolved; one nobody ever acknowledged is marked "ended unattended" so it
 * stands out in review. The follow-up's `unwatched` and `escalation` companions are resolved with
 * the call: the follow-up is the one card left to act on. A call a member ended was attended by
 * that member, whatever its alerts said: they are resolved as they are, with no follow-up and no
 * "ended unattended" mark.
 */
export function closeWithCall(current: Alert, call?: EndedCall): Alert | null {
  if (!CLOSE_WITH_CALL.has(current.kind) || current.status === "resolved") return null;
  if (isFollowUp(current)) return null;
  if (call?.endReason !== undefined) return { ...current, status: "resolved" };
  if (
    call !== undefined &&
    current.kind === "urgency" &&
    current.severity === "critical" &&
    current.status === "open"
  ) {
    return {
      ...current,
      title: withLevel(followUpTitle(current.title, call.phone), current.level),
      followUp: {
        since: call.endedAt,
        ...(call.phone === undefined ? {} : { phone: call.phone }),
      },
    };
  }
  // A decline is no answer: a call only declined ended unattended.
  const answered = Object.values(current.acks ?? {}).some((ack) => ack.status !== "declined");
  const unattended = current.status === "open" && !answered;
  return {
    ...current,
    status: "resolved",
    title:
      unattended && !isEndedUnattended(current)
        ? `${current.title}${ENDED_UNATTENDED}`
        : current.title,
  };
}

export function isEndedUnattended(alert: Pick<Alert, "title">): boolean {
  return alert.title.endsWith(ENDED_UNATTENDED);
}

/**
 * A member recorded how a follow-up ended: the alert is resolved, keeping its title, `followUp`
 * and the outcome as the record. Only the outcome the alert holds counts (`at` and `by` match),
 * and only on a follow-up not yet resolved.
 */
export function resolveFollowUp(
  current: Alert,
  outcome: { readonly by: string; readonly at: number },
): Alert | null {
  if (!isFollowUp(current) || current.status === "resolved") return null;
  if (current.outcome?.at !== outcome.at || current.outcome.by !== outcome.by) return null;
  return { ...current, status: "resolved" };
}

/**
 * The page to admins about `source` (its `unwatched` companion) once someone answered it: resolved
 * when the source was acknowledged or closed, or when `takenOver` (a human owns the call). A page
 * about a later opening of the source than the one `source` describes is left alone.
 */
export function settleUnwatched(
  page: Alert,
  source: Pick<Alert, "status" | "at"> | null,
  takenOver: boolean,
): Alert | null {
  if (page.kind !== "unwatched" || page.status === "resolved") return null;
  const answered =
    takenOver || (source !== null && source.status !== "open" && source.at >= page.at);
  return answered ? { ...page, status: "resolved" } : null;
}
