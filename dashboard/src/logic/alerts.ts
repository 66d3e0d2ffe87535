/**
 * Alerts as the page shows them, whichever way they arrived: the tenant feed (admins and
 * dispatchers read `alerts/` directly) or a member's inbox (scoped roles), optionally completed
 * with the alert record itself (escalation level, acknowledgements) where the rules let them read it.
 */
import type { Alert, InboxItem } from "../../../functions/src/lib/model.js";
import { URGENCY_RANK } from "../../../functions/src/lib/model.js";

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

/** Open alerts first, then by severity, then the newest first. */
export function compareAlerts(a: AlertView, b: AlertView): number {
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

/** True once anyone acknowledged the alert, even before a function moved its status. */
export function isAcknowledged(alert: AlertView): boolean {
  return alert.status !== "open" || Object.keys(alert.acks).length > 0;
}

/** The escalation level as words: level 0 is the first notification. */
export function escalationLabel(level: number | undefined): string | undefined {
  if (level === undefined || level === 0) return undefined;
  return `Escalated · level ${level}`;
}
