/**
 * "While you were away": what changed between the moment the connection dropped and now. The
 * page keeps a snapshot of call and alert states when `.info/connected` turns false and compares
 * it with the live state once the connection is back. Pure.
 */
import type { Call } from "@lifeline/model";
import { isAcknowledged, type AlertView } from "./alerts.js";
import type { CallEntry } from "./calls.js";

export interface AlertState {
  readonly title: string;
  readonly severity: AlertView["severity"];
  readonly acknowledged: boolean;
}

export interface CallState {
  readonly status: Call["status"];
  readonly label: string;
}

export interface StateSnapshot {
  readonly at: number;
  readonly alerts: ReadonlyMap<string, AlertState>;
  readonly calls: ReadonlyMap<string, CallState>;
}

export interface AwayItem {
  readonly id: string;
  readonly text: string;
}

export interface AwaySummary {
  /** How long the page was offline. */
  readonly offlineMs: number;
  readonly raised: readonly AwayItem[];
  readonly acknowledged: readonly AwayItem[];
  readonly ended: readonly AwayItem[];
}

export function snapshotState(
  at: number,
  alerts: Iterable<AlertView>,
  calls: Iterable<CallEntry>,
  callLabel: (entry: CallEntry) => string,
): StateSnapshot {
  return {
    at,
    alerts: new Map(
      [...alerts].map((alert) => [
        alert.id,
        { title: alert.title, severity: alert.severity, acknowledged: isAcknowledged(alert) },
      ]),
    ),
    calls: new Map(
      [...calls].map((entry) => [entry.id, { status: entry.call.status, label: callLabel(entry) }]),
    ),
  };
}

/**
 * Alerts that appeared, alerts that became acknowledged (including ones raised and acknowledged
 * while away), and calls that were live (or unseen) before and are over now.
 */
export function diffAway(before: StateSnapshot, after: StateSnapshot): AwaySummary {
  const raised: AwayItem[] = [];
  const acknowledged: AwayItem[] = [];
  for (const [id, alert] of after.alerts) {
    const earlier = before.alerts.get(id);
    if (earlier === undefined) raised.push({ id, text: alert.title });
    if (alert.acknowledged && earlier?.acknowledged !== true) {
      acknowledged.push({ id, text: alert.title });
    }
  }
  const ended: AwayItem[] = [];
  for (const [id, call] of after.calls) {
    const earlier = before.calls.get(id);
    if (call.status !== "active" && (earlier === undefined || earlier.status === "active")) {
      ended.push({ id, text: `${call.label} (${call.status})` });
    }
  }
  return { offlineMs: Math.max(0, after.at - before.at), raised, acknowledged, ended };
}

export function isEmptySummary(summary: AwaySummary): boolean {
  return (
    summary.raised.length === 0 && summary.acknowledged.length === 0 && summary.ended.length === 0
  );
}
