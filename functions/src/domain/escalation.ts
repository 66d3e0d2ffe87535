/**
 * Escalation policy: who an alert reaches at each level, when an unacknowledged critical alert goes
 * up a level, and the deterministic name of the task that does it. Pure: no Firebase imports.
 *
 * Level 0 is everyone allowed to see the alert (tenant-wide roles, and the scoped roles assigned to
 * its subject). Each level above widens the audience: level 1 adds every doctor and nurse of the
 * tenant, whoever they are assigned to (the clinicians on duty), level 2 and up keep that audience
 * and only show the level. Members with the `subject` role never receive alerts: they cannot act.
 */
import { createHash } from "node:crypto";
import type { Role } from "@lifeline/model";

/** One level of the policy: roles reached whatever the subject, and roles reached when assigned to it. */
export interface EscalationLevel {
  readonly tenantWide: readonly Role[];
  readonly assigned: readonly Role[];
}

export interface EscalationPolicy {
  /** Index = level; levels past the end reuse the last entry. */
  readonly levels: readonly EscalationLevel[];
}

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  levels: [
    { tenantWide: ["admin", "dispatcher"], assigned: ["doctor", "nurse", "caregiver"] },
    {
      tenantWide: ["admin", "dispatcher", "doctor", "nurse"],
      assigned: ["doctor", "nurse", "caregiver"],
    },
  ],
};

/** `unwatched` alerts go to the tenant's admins only: they are about the watchers, not the caller. */
export const UNWATCHED_AUDIENCE: EscalationLevel = { tenantWide: ["admin"], assigned: [] };

export function levelAudience(
  level: number,
  policy: EscalationPolicy = DEFAULT_ESCALATION_POLICY,
): EscalationLevel {
  const index = Math.max(0, Math.min(Math.trunc(level), policy.levels.length - 1));
  const entry = policy.levels[index];
  if (entry === undefined) throw new Error("an escalation policy needs at least one level");
  return entry;
}

/** What escalation needs from the tenant's settings. */
export interface EscalationTiming {
  /** How long an open critical alert waits for an acknowledgement before going up a level. */
  readonly delayMs: number;
  /** The highest level; 0 turns escalation off. */
  readonly maxLevel: number;
}

/** The level an open critical alert at `level` should be raised to next, or null at the maximum. */
export function nextLevel(level: number, timing: EscalationTiming): number | null {
  return level < timing.maxLevel ? level + 1 : null;
}

export interface EscalationStep {
  readonly tenantId: string;
  readonly alertId: string;
  /** The alert's `at` when the step was planned: a reopened alert starts a new chain. */
  readonly openedAt: number;
  /** The level this step raises the alert to. */
  readonly toLevel: number;
  /** When the step is due (ms since the epoch). */
  readonly dueAt: number;
}

/** Plans the step after `level` for an alert that is open and critical, or null when none is due. */
export function planEscalation(
  tenantId: string,
  alertId: string,
  alert: { readonly at: number; readonly level: number },
  timing: EscalationTiming,
  now: number,
): EscalationStep | null {
  const toLevel = nextLevel(alert.level, timing);
  if (toLevel === null) return null;
  return { tenantId, alertId, openedAt: alert.at, toLevel, dueAt: now + timing.delayMs };
}

/**
 * The Cloud Tasks task id of a step. Deterministic, so a replayed trigger enqueues nothing new,
 * and hashed, since task ids allow only `[A-Za-z0-9_-]` and tenant or alert ids allow more.
 */
export function escalationTaskId(step: Omit<EscalationStep, "dueAt">): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([step.tenantId, step.alertId, step.openedAt, step.toLevel]))
    .digest("hex");
  return `escalate-${digest.slice(0, 40)}`;
}

/**
 * Whether a step still applies to the alert as it is now: still open, still critical, the same
 * opening, and one level below the step. Anything else (acknowledged, resolved, lowered, already
 * raised by a duplicate delivery) means the step was cancelled or done.
 */
export function stepApplies(
  step: Pick<EscalationStep, "openedAt" | "toLevel">,
  alert: {
    readonly status: string;
    readonly severity: string;
    readonly at: number;
    readonly level: number;
  },
): boolean {
  return (
    alert.status === "open" &&
    alert.severity === "critical" &&
    alert.at === step.openedAt &&
    alert.level === step.toLevel - 1
  );
}

/** The acknowledgement-timeout task of one opening of an alert: one per opening, hashed like steps. */
export function ackTimeoutTaskId(step: {
  readonly tenantId: string;
  readonly alertId: string;
  readonly openedAt: number;
}): string {
  const digest = createHash("sha256")
    .update(JSON.stringify(["ack-timeout", step.tenantId, step.alertId, step.openedAt]))
    .digest("hex");
  return `reopen-${digest.slice(0, 40)}`;
}
