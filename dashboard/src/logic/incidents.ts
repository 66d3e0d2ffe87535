/**
 * Alerts grouped into incidents, one per call: the call's urgency alert, its escalations, the
 * "nobody is watching" page about it and the vitals alerts of the same subject are one item with a
 * short timeline, so a critical call is one card, not three. Alerts about no call (a vitals alert
 * with no call of its subject, a missed call) are incidents of their own; a vitals alert and the
 * page about it stay together. Pure: the view renders what this returns.
 */
import { type ACK_STATUSES, type Call, URGENCY_RANK } from "@lifeline/model";
import { type AlertView, isAcknowledged, isOpenFollowUp } from "./alerts.js";
import { formatAgo } from "./format.js";

const ACK_WORDS: Readonly<Record<(typeof ACK_STATUSES)[number], string>> = {
  acknowledged: "Acknowledged",
  responding: "Responding",
  resolved: "Resolved",
  false_alarm: "Marked a false alarm",
  declined: "Declined",
};

/** The suffix of the page raised about an alert nobody who may act was watching. */
const UNWATCHED_SUFFIX = "-unwatched";

/** Kinds that join their call's incident; others (a lapsed hold, a missed call) stand alone. */
const JOINS_CALL: ReadonlySet<AlertView["kind"]> = new Set(["urgency", "unwatched", "escalation"]);

export interface TimelineEntry {
  readonly at: number | undefined;
  readonly text: string;
}

/** Who answered the incident, and how: what a colleague needs to read to leave it alone. */
export interface Handler {
  readonly uid: string;
  readonly how: "acknowledged" | "responding" | "took_over";
  readonly at: number;
  readonly note?: string;
}

export interface Incident {
  /** `call:{callId}`, or `alert:{alertId}` for one about no call. */
  readonly key: string;
  /** The alert the incident's actions apply to: the call's urgency alert when it has one. */
  readonly lead: AlertView;
  readonly alerts: readonly AlertView[];
  readonly callId?: string;
  readonly subjectId?: string;
  readonly severity: AlertView["severity"];
  /** Every alert of it resolved: history. */
  readonly closed: boolean;
  /** Someone acknowledged it or holds the call; a closed incident counts as handled. */
  readonly handled: boolean;
  /** The "nobody is watching" page is out and unanswered. */
  readonly unwatched: boolean;
  readonly handler?: Handler;
  readonly timeline: readonly TimelineEntry[];
  /** The newest moment of the incident. */
  readonly at: number;
}

function sourceOfPage(alert: AlertView): string | undefined {
  return alert.kind === "unwatched" && alert.id.endsWith(UNWATCHED_SUFFIX)
    ? alert.id.slice(0, -UNWATCHED_SUFFIX.length)
    : undefined;
}

function leadOf(alerts: readonly AlertView[]): AlertView {
  const rank = (alert: AlertView) =>
    alert.kind === "urgency" ? 0 : alert.kind === "unwatched" ? 2 : 1;
  const sorted = [...alerts].sort((a, b) => rank(a) - rank(b) || b.at - a.at);
  const lead = sorted[0];
  if (lead === undefined) throw new Error("an incident has at least one alert");
  return lead;
}

/** The latest acknowledgement of any of the incident's alerts, or a human holding the call. */
function handlerOf(alerts: readonly AlertView[], call: Call | undefined): Handler | undefined {
  if (call?.owner.kind === "human") {
    return { uid: call.owner.uid, how: "took_over", at: call.owner.since };
  }
  let latest: Handler | undefined;
  for (const alert of alerts) {
    if (alert.kind === "unwatched") continue;
    for (const [uid, ack] of Object.entries(alert.acks)) {
      // A decline is no answer, nor one from before the alert last (re)opened.
      if (ack.status === "declined" || (alert.status === "open" && ack.at < alert.at)) continue;
      if (latest !== undefined && latest.at >= ack.at) continue;
      latest = {
        uid,
        how: ack.status === "responding" ? "responding" : "acknowledged",
        at: ack.at,
        ...(ack.note === "" ? {} : { note: ack.note }),
      };
    }
  }
  return latest;
}

function timelineOf(
  alerts: readonly AlertView[],
  call: Call | undefined,
  nameOf: (uid: string) => string,
): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const alert of alerts) {
    if (alert.kind === "urgency") {
      entries.push({ at: alert.at, text: `Raised ${alert.severity}` });
      if (alert.level !== undefined && alert.level > 0) {
        entries.push({ at: undefined, text: `Escalated to level ${alert.level}` });
      }
    } else if (alert.kind === "unwatched") {
      entries.push({ at: alert.at, text: "Nobody watching: admins paged" });
    } else {
      entries.push({ at: alert.at, text: alert.title });
    }
    for (const [uid, ack] of Object.entries(alert.acks)) {
      entries.push({
        at: ack.at,
        text: `${ACK_WORDS[ack.status]} by ${nameOf(uid)}${ack.note === "" ? "" : ` — ${ack.note}`}`,
      });
    }
  }
  if (call?.owner.kind === "human") {
    entries.push({ at: call.owner.since, text: `Taken over by ${call.owner.name}` });
  }
  return entries.sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
}

/**
 * Groups `alerts` into incidents. `calls` resolves a call's owner (a take-over handles the incident)
 * and which call a vitals alert belongs to: the latest call of its subject in the list.
 */
export function groupIncidents(
  alerts: readonly AlertView[],
  calls: ReadonlyMap<string, Call>,
  nameOf: (uid: string) => string,
): Incident[] {
  const latestCallOfSubject = new Map<string, { id: string; at: number }>();
  for (const [id, call] of calls) {
    if (call.subjectId === undefined) continue;
    const seen = latestCallOfSubject.get(call.subjectId);
    if (seen === undefined || call.startedAt > seen.at) {
      latestCallOfSubject.set(call.subjectId, { id, at: call.startedAt });
    }
  }
  const byId = new Map(alerts.map((alert) => [alert.id, alert]));
  const keyOf = (alert: AlertView, depth = 0): string => {
    const source = sourceOfPage(alert);
    const sourceAlert = source === undefined ? undefined : byId.get(source);
    if (sourceAlert !== undefined && depth === 0) return keyOf(sourceAlert, 1);
    if (alert.callId !== undefined && JOINS_CALL.has(alert.kind)) return `call:${alert.callId}`;
    if (alert.kind === "vitals" && alert.subjectId !== undefined) {
      const call = latestCallOfSubject.get(alert.subjectId);
      if (call !== undefined) return `call:${call.id}`;
    }
    return `alert:${source ?? alert.id}`;
  };
  const groups = new Map<string, AlertView[]>();
  for (const alert of alerts) {
    const key = keyOf(alert);
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  return [...groups].map(([key, members]) => {
    const lead = leadOf(members);
    const callId = key.startsWith("call:") ? key.slice("call:".length) : lead.callId;
    const call = callId === undefined ? undefined : calls.get(callId);
    const live = members.filter((alert) => alert.status !== "resolved");
    const closed = live.length === 0;
    const handler = handlerOf(members, call);
    const answered = (alert: AlertView) => alert.kind === "unwatched" || isAcknowledged(alert);
    const handled =
      closed || call?.owner.kind === "human" || (live.every(answered) && handler !== undefined);
    const severity = (live.length > 0 ? live : members)
      .filter((alert) => alert.kind !== "unwatched" || members.length === 1)
      .reduce<AlertView["severity"]>(
        (worst, alert) =>
          URGENCY_RANK[alert.severity] > URGENCY_RANK[worst] ? alert.severity : worst,
        "normal",
      );
    const subjectId = members.find((alert) => alert.subjectId !== undefined)?.subjectId;
    return {
      key,
      lead,
      alerts: members,
      ...(callId === undefined ? {} : { callId }),
      ...(subjectId === undefined ? {} : { subjectId }),
      severity,
      closed,
      handled,
      unwatched: members.some((alert) => alert.kind === "unwatched" && alert.status === "open"),
      ...(handler === undefined ? {} : { handler }),
      timeline: timelineOf(members, call, nameOf),
      at: Math.max(...members.map((alert) => alert.at)),
    };
  });
}

/**
 * Unhandled incidents first (open follow-ups, which ask for a call back, before them), then the
 * handled ones still open, then history; within each, the most severe and then the newest first.
 */
export function compareIncidents(a: Incident, b: Incident): number {
  const group = (incident: Incident) =>
    incident.closed ? 3 : isOpenFollowUp(incident.lead) ? 0 : incident.handled ? 2 : 1;
  const byGroup = group(a) - group(b);
  if (byGroup !== 0) return byGroup;
  const severity = URGENCY_RANK[b.severity] - URGENCY_RANK[a.severity];
  if (severity !== 0) return severity;
  if (a.at !== b.at) return b.at - a.at;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function sortIncidents(incidents: Iterable<Incident>): Incident[] {
  return [...incidents].sort(compareIncidents);
}

/** The incident's state in words a person reads at a glance. */
export function incidentStatus(
  incident: Incident,
  now: number,
  nameOf: (uid: string) => string,
): string {
  const handler = incident.handler;
  if (incident.closed) {
    return handler === undefined ? "Closed" : `Closed · handled by ${nameOf(handler.uid)}`;
  }
  if (handler !== undefined && handler.how === "took_over") {
    return `${nameOf(handler.uid)} is on the call`;
  }
  if (handler !== undefined && handler.how === "responding" && incident.handled) {
    return `${nameOf(handler.uid)} is responding · ${formatAgo(handler.at, now)}`;
  }
  if (handler !== undefined && incident.handled) {
    return `Acknowledged by ${nameOf(handler.uid)} ${formatAgo(handler.at, now)}`;
  }
  // A critical call that ended with nobody responding: what it waits for is a call back.
  if (isOpenFollowUp(incident.lead)) return "Call back needed";
  return incident.unwatched ? "Waiting for someone · nobody watching" : "Waiting for someone";
}
