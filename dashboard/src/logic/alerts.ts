/**
 * Alerts as the page shows them, whichever way they arrived: the tenant feed (admins and
 * dispatchers read `alerts/` directly) or a member's inbox (scoped roles), optionally completed
 * with the alert record itself (escalation level, acknowledgements) where the rules let them read it.
 */
import { type Alert, type FOLLOW_UP_OUTCOMES, type InboxItem, URGENCY_RANK } from "@lifeline/model";

export interface AlertView {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: Alert["kind"];
  readonly severity: Alert["severity"];
  readonly title: string;
  readonly at: number;
  readonly status: Alert["status"];
  /** Escalation level; unknown when only the inbox copy is readable. */
  readonly level?: number;
  readonly callId?: string;
  readonly subjectId?: string;
  readonly acks: NonNullable<Alert["acks"]>;
  /** Set when a critical call ended with nobody responding: call the person back. */
  readonly followUp?: NonNullable<Alert["followUp"]>;
  /** How a member closed the follow-up; the alert resolves once a trigger has seen it. */
  readonly outcome?: NonNullable<Alert["outcome"]>;
}

export function alertFromFeed(id: string, tenantId: string, alert: Alert): AlertView {
  return {
    id,
    tenantId,
    kind: alert.kind,
    severity: alert.severity,
    title: alert.title,
    at: alert.at,
    status: alert.status,
    level: alert.level,
    acks: alert.acks ?? {},
    ...(alert.callId === undefined ? {} : { callId: alert.callId }),
    ...(alert.subjectId === undefined ? {} : { subjectId: alert.subjectId }),
    ...(alert.followUp === undefined ? {} : { followUp: alert.followUp }),
    ...(alert.outcome === undefined ? {} : { outcome: alert.outcome }),
  };
}

/** An inbox copy, completed by the alert record when it could be read (it carries level and acks). */
export function alertFromInbox(id: string, item: InboxItem, record?: Alert): AlertView {
  if (record !== undefined) return alertFromFeed(id, item.tenantId, record);
  return {
    id,
    tenantId: item.tenantId,
    kind: item.kind,
    severity: item.severity,
    title: item.title,
    at: item.at,
    status: item.status,
    acks: {},
    ...(item.callId === undefined ? {} : { callId: item.callId }),
    ...(item.subjectId === undefined ? {} : { subjectId: item.subjectId }),
  };
}

/** Open follow-ups first, then open alerts, then by severity, then the newest first. */
export function compareAlerts(a: AlertView, b: AlertView): number {
  const followA = isOpenFollowUp(a) ? 0 : 1;
  const followB = isOpenFollowUp(b) ? 0 : 1;
  if (followA !== followB) return followA - followB;
  const openA = a.status === "open" ? 0 : 1;
  const openB = b.status === "open" ? 0 : 1;
  if (openA !== openB) return openA - openB;
  const severity = URGENCY_RANK[b.severity] - URGENCY_RANK[a.severity];
  if (severity !== 0) return severity;
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortAlerts(alerts: Iterable<AlertView>): AlertView[] {
  return [...alerts].sort(compareAlerts);
}

/**
 * True once anyone acknowledged the alert, even before a function moved its status. A decline
 * ("not me", with a reason) is no acknowledgement: the alert still waits for someone; nor is one
 * older than the alert's last opening (an acknowledged alert left unresolved reopens).
 */
export function isAcknowledged(alert: AlertView): boolean {
  return (
    alert.status !== "open" ||
    Object.values(alert.acks).some((ack) => ack.status !== "declined" && ack.at >= alert.at)
  );
}

/** The escalation level as words: level 0 is the first notification. */
export function escalationLabel(level: number | undefined): string | undefined {
  if (level === undefined || level === 0) return undefined;
  return `Escalated · level ${level}`;
}

/** How the function that raises a follow-up titles it; inbox copies carry only the title. */
export const FOLLOW_UP_TITLE_PREFIX = "Ended unattended: call back";

export function isFollowUp(alert: AlertView): boolean {
  return alert.followUp !== undefined || alert.title.startsWith(FOLLOW_UP_TITLE_PREFIX);
}

/** A follow-up nobody has closed yet: it stays in the banner until the alert is resolved. */
export function isOpenFollowUp(alert: AlertView): boolean {
  return isFollowUp(alert) && alert.status !== "resolved";
}

/** "Ended unattended: call back +15555550101", with the best number known. */
export function followUpHeadline(alert: AlertView, callPhone: string | undefined): string {
  const phone = alert.followUp?.phone ?? callPhone;
  return phone === undefined
    ? `${FOLLOW_UP_TITLE_PREFIX} the caller`
    : `${FOLLOW_UP_TITLE_PREFIX} ${phone}`;
}

/** What the call was about: the follow-up title after its call-back part (`… · Critical call: "fire"`). */
export function followUpAbout(alert: AlertView): string | undefined {
  if (!alert.title.startsWith(FOLLOW_UP_TITLE_PREFIX)) return undefined;
  const at = alert.title.indexOf(" · ");
  const about = at === -1 ? "" : alert.title.slice(at + 3).trim();
  return about === "" ? undefined : about;
}

export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

export const OUTCOME_LABELS: Readonly<Record<FollowUpOutcome, string>> = {
  called_back: "Called back",
  reached: "Reached",
  unreachable: "Unreachable",
  false_alarm: "False alarm",
};

const KIND_LABELS: Readonly<Record<AlertView["kind"], string>> = {
  urgency: "Urgency",
  missed_call: "Missed call",
  vitals: "Vital signs",
  unwatched: "Nobody watching",
  escalation: "Escalation",
  hold_lapsed: "Hold lapsed",
};

/** The alert's kind as a supervisor reads it; a follow-up says so whatever raised it. */
export function kindLabel(alert: AlertView): string {
  return isFollowUp(alert) ? "Follow-up" : KIND_LABELS[alert.kind];
}
