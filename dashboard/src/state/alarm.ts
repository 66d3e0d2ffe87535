/**
 * The alarm's inputs taken from the page state: the incidents as the alerts list groups them, the
 * member's role, this browser's mute switch and the acknowledgements in flight.
 */
import {
  alarmControl,
  ringingIncidents,
  alarmingIncidents,
  type AlarmControl,
} from "../logic/alarm.js";
import { groupIncidents, type Incident } from "../logic/incidents.js";
import type { AppState } from "./app-state.js";
import type { Derived } from "./selectors.js";

export function incidentsOf(derived: Derived): Incident[] {
  const calls = new Map(derived.calls.map((entry) => [entry.id, entry.call]));
  return groupIncidents(derived.alerts, calls, (uid) => derived.names.get(uid) ?? "a colleague");
}

export interface AlarmView {
  readonly control: AlarmControl;
  /** What rings now (empty while muted). */
  readonly ringing: readonly Incident[];
  /** What calls for the alarm, muted or not: each gets one desktop notification. */
  readonly alarming: readonly Incident[];
}

export function alarmView(state: AppState, derived: Derived): AlarmView {
  const input = {
    incidents: incidentsOf(derived),
    role: state.session.role,
    muted: state.alarm.muted,
    acknowledged: state.alarm.acknowledging,
  };
  return {
    control: alarmControl({ ...input, audioBlocked: state.alarm.audioBlocked }),
    ringing: ringingIncidents(input),
    alarming: alarmingIncidents(input),
  };
}
