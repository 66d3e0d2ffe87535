/**
 * The one rule triage never breaks and the one way around it: a call's urgency never goes down on
 * its own (`escalate`); only a supervisor's override, with a reason and an author, may lower it.
 */
import { type Urgency, URGENCY_RANK } from "@lifeline/model";

/** The urgency after a new triage: never below the current one. */
export function escalate(current: Urgency, next: Urgency): Urgency {
  return URGENCY_RANK[next] > URGENCY_RANK[current] ? next : current;
}

export interface UrgencyOverride {
  readonly level: Urgency;
  readonly reason: string;
  /** The member making the change. */
  readonly by: string;
}

export interface OverrideOutcome {
  readonly level: Urgency;
  readonly previous: Urgency;
  readonly changed: boolean;
  readonly lowered: boolean;
  readonly reason: string;
  readonly by: string;
}

export class InvalidOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidOverrideError";
  }
}

/**
 * A supervisor's decision, the only way a call's urgency goes down. The new level then becomes
 * the floor later triage escalates from. Requires a reason and an author.
 */
export function applyOverride(current: Urgency, override: UrgencyOverride): OverrideOutcome {
  const reason = override.reason.trim();
  if (reason === "") throw new InvalidOverrideError("an urgency override needs a reason");
  if (override.by.trim() === "")
    throw new InvalidOverrideError("an urgency override needs its author");
  return {
    level: override.level,
    previous: current,
    changed: override.level !== current,
    lowered: URGENCY_RANK[override.level] < URGENCY_RANK[current],
    reason,
    by: override.by,
  };
}
