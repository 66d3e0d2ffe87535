/**
 * Which incidents sound the alarm in this browser, and what the alarm control says. Pure: the
 * sound (`app/alarm.ts`) and the header control render what this returns.
 *
 * An incident rings while it is open and unhandled, is critical or has paged admins because
 * nobody was watching, and the member's role may act on it (acknowledge). Acknowledging, taking
 * over or closing it stops it for every dashboard at once; an acknowledgement this page has sent
 * but not yet seen come back stops it here at once, so the sound never outlasts the click.
 */
import { CAPABILITIES, type Role } from "@lifeline/model";
import type { Incident } from "./incidents.js";

/** The browser's mute switch (per browser, not per member: a shared desk is one room). */
export const ALARM_MUTE_KEY = "lifeline.alarm.muted";

export interface AlarmInput {
  readonly incidents: readonly Incident[];
  readonly role: Role;
  readonly muted: boolean;
  /** Alerts this page is acknowledging: the write is in flight, the sound stops at the click. */
  readonly acknowledged: ReadonlySet<string>;
}

/** Incidents that call for the alarm, ignoring the mute switch: muted, they still show as waiting. */
export function alarmingIncidents(input: Omit<AlarmInput, "muted">): Incident[] {
  if (!CAPABILITIES[input.role].acknowledge) return [];
  return input.incidents.filter(
    (incident) =>
      !incident.closed &&
      !incident.handled &&
      (incident.severity === "critical" || incident.unwatched) &&
      !incident.alerts.some((alert) => input.acknowledged.has(alert.id)),
  );
}

/** Incidents that ring now: the alarming ones, unless this browser muted the alarm. */
export function ringingIncidents(input: AlarmInput): Incident[] {
  return input.muted ? [] : alarmingIncidents(input);
}

/**
 * The control's state: `ringing` (sound on, something rings), `on` (sound on, quiet), `muted`
 * (with `waiting` > 0 when something would ring), `blocked` (the browser holds the sound until
 * the member clicks or presses a key on the page).
 */
export type AlarmControlState = "ringing" | "on" | "muted" | "blocked";

export interface AlarmControl {
  readonly state: AlarmControlState;
  readonly label: string;
  /** How many incidents call for the alarm, muted or not. */
  readonly waiting: number;
}

export function alarmControl(input: AlarmInput & { readonly audioBlocked: boolean }): AlarmControl {
  const waiting = alarmingIncidents(input).length;
  if (input.muted) {
    return {
      state: "muted",
      label: waiting > 0 ? `Alarm muted · ${waiting} waiting` : "Alarm muted",
      waiting,
    };
  }
  if (input.audioBlocked) return { state: "blocked", label: "Alarm on", waiting };
  return waiting > 0
    ? { state: "ringing", label: `Alarm ringing · ${waiting}`, waiting }
    : { state: "on", label: "Alarm on", waiting };
}

/**
 * Alarming incidents not yet announced (muted or not: the mute silences the sound only): each gets
 * one desktop notification, once per page (its tag is the incident key, so another tab's copy
 * replaces it instead of adding one).
 */
export function newlyAlarming(
  alarming: readonly Incident[],
  announced: ReadonlySet<string>,
): Incident[] {
  return alarming.filter((incident) => !announced.has(incident.key));
}

/** Reads the stored mute switch; anything but the exact stored "1" is "on". */
export function parseMuted(stored: string | null): boolean {
  return stored === "1";
}
