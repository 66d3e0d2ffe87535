/**
 * Fan-out planning: which members receive an alert in their inbox, what their copy holds, and the
 * deterministic ids that make every trigger's writes repeatable. Pure: no Firebase imports.
 */
import { type Alert, type InboxItem, type MemberMirror, PRESENCE } from "@lifeline/model";
import {
  DEFAULT_ESCALATION_POLICY,
  levelAudience,
  UNWATCHED_AUDIENCE,
  type EscalationLevel,
  type EscalationPolicy,
} from "./escalation.js";

/** The one urgency alert of a call: upgraded in place, never duplicated. */
export function urgencyAlertId(callId: string): string {
  return `${callId}-urgency`;
}

/** The "nobody is watching" alert raised about another alert. */
export function unwatchedAlertId(alertId: string): string {
  return `${alertId}-unwatched`;
}

/** The members who may see (and so receive) an alert about `subjectId` at `audience`. */
export function audienceMembers(
  members: Readonly<Record<string, MemberMirror>>,
  subjectId: string | undefined,
  audience: EscalationLevel,
): string[] {
  const uids: string[] = [];
  for (const [uid, member] of Object.entries(members)) {
    if (member.role === "subject") continue;
    const assigned = subjectId !== undefined && member.subjects?.[subjectId] === true;
    if (
      audience.tenantWide.includes(member.role) ||
      (assigned && audience.assigned.includes(member.role))
    ) {
      uids.push(uid);
    }
  }
  return uids.sort();
}

/**
 * Every member whose inbox holds `alert`: the audience of its level, and of every level below it
 * (an escalation only ever adds readers; a copy once delivered is kept up to date, never taken away).
 */
export function alertRecipients(
  members: Readonly<Record<string, MemberMirror>>,
  alert: Pick<Alert, "kind" | "subjectId" | "level">,
  policy: EscalationPolicy = DEFAULT_ESCALATION_POLICY,
): string[] {
  if (alert.kind === "unwatched")
    return audienceMembers(members, alert.subjectId, UNWATCHED_AUDIENCE);
  const uids = new Set<string>();
  for (let level = 0; level <= alert.level; level++) {
    for (const uid of audienceMembers(members, alert.subjectId, levelAudience(level, policy))) {
      uids.add(uid);
    }
  }
  return [...uids].sort();
}

/** A member's copy of an alert. */
export function inboxItem(tenantId: string, alert: Alert): InboxItem {
  return {
    tenantId,
    kind: alert.kind,
    severity: alert.severity,
    title: alert.title,
    at: alert.at,
    status: alert.status,
    ...(alert.callId === undefined ? {} : { callId: alert.callId }),
    ...(alert.subjectId === undefined ? {} : { subjectId: alert.subjectId }),
  };
}

/**
 * The fields of an alert its inbox copies and audience depend on: when equal, fan-out has nothing
 * to do. Members' own writes (`acks`, a follow-up's `outcome`) are left out: the triggers that
 * apply them change the status, and that change is what fans out.
 */
export function fanOutKey(alert: Alert | null): string {
  if (alert === null) return "";
  return JSON.stringify(
    Object.entries(alert)
      .filter(([key]) => key !== "acks" && key !== "outcome")
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Root-relative update that writes the copy of `alert` into each recipient's inbox. */
export function inboxUpdate(
  tenantId: string,
  alertId: string,
  alert: Alert,
  recipients: readonly string[],
  inboxItemPath: (uid: string, alertId: string) => string,
): Record<string, InboxItem> {
  const item = inboxItem(tenantId, alert);
  const update: Record<string, InboxItem> = {};
  for (const uid of recipients) update[inboxItemPath(uid, alertId)] = item;
  return update;
}

/** What the watching check reads of a presence record. */
export interface PresenceSeen {
  readonly state: string;
  readonly lastSeen: number;
}

/**
 * Whether a presence record shows its member at the dashboard at `now`: `online` (not `away`, not
 * `offline`) and heard from within `PRESENCE.freshMs`. The state alone is not enough: a browser
 * that died without its onDisconnect firing (a sleeping laptop) leaves "online" behind for good.
 */
export function isWatching(presence: PresenceSeen | undefined, now: number): boolean {
  return (
    presence !== undefined &&
    presence.state === "online" &&
    now - presence.lastSeen <= PRESENCE.freshMs
  );
}

/**
 * Members allowed to act on an alert (its recipients: every one of them may acknowledge it) who are
 * watching at `now`. Empty means nobody is watching.
 */
export function watchers(
  recipients: readonly string[],
  presence: Readonly<Record<string, PresenceSeen>>,
  now: number = Date.now(),
): string[] {
  return recipients.filter((uid) => isWatching(presence[uid], now));
}
