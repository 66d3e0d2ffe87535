/**
 * Device readings: each value classified against the tenant's thresholds (normal inside them,
 * abnormal outside), or critical beyond fixed clinical limits whatever the tenant set; the latest
 * value per kind kept on the subject; and one `vitals` alert per subject, opened by an abnormal
 * batch and upgraded in place by a worse one — never duplicated, never silently lowered.
 */
import { z } from "zod";
import type { ReadingRequest } from "../requests.js";
import {
  type Alert,
  alertPath,
  alertSchema,
  checkId,
  subjectDevicePath,
  tenantSettingsSchema,
  type Urgency,
  URGENCY_RANK,
  VITAL_KINDS,
  vitalPath,
  vitalSchema,
} from "@lifeline/model";

export type VitalKind = (typeof VITAL_KINDS)[number];
export type VitalStatus = "normal" | "abnormal" | "critical";
export type Thresholds = NonNullable<z.infer<typeof tenantSettingsSchema>["vitalThresholds"]>;
type Range = { readonly min: number; readonly max: number };

export const VITAL_UNITS: Readonly<Record<VitalKind, string>> = {
  heart_rate: "bpm",
  spo2: "%",
  bp_systolic: "mmHg",
  bp_diastolic: "mmHg",
  temperature: "°C",
  respiratory_rate: "/min",
  glucose: "mg/dL",
};

const LABELS: Readonly<Record<VitalKind, string>> = {
  heart_rate: "Heart rate",
  spo2: "SpO2",
  bp_systolic: "Systolic blood pressure",
  bp_diastolic: "Diastolic blood pressure",
  temperature: "Temperature",
  respiratory_rate: "Respiratory rate",
  glucose: "Blood glucose",
};

/** Adult ranges used for a kind the tenant set no threshold for. */
export const DEFAULT_THRESHOLDS: Readonly<Record<VitalKind, Range>> = {
  heart_rate: { min: 50, max: 120 },
  spo2: { min: 92, max: 100 },
  bp_systolic: { min: 90, max: 160 },
  bp_diastolic: { min: 50, max: 100 },
  temperature: { min: 35.5, max: 38.3 },
  respiratory_rate: { min: 10, max: 24 },
  glucose: { min: 70, max: 250 },
};

/**
 * Beyond these a reading is critical whatever the tenant's thresholds: a tenant may widen what it
 * calls abnormal for its population, but an SpO2 of 80 % always needs a person now.
 */
export const CRITICAL_LIMITS: Readonly<Record<VitalKind, Range>> = {
  heart_rate: { min: 35, max: 160 },
  spo2: { min: 85, max: 100 },
  bp_systolic: { min: 75, max: 200 },
  bp_diastolic: { min: 35, max: 120 },
  temperature: { min: 34, max: 40.5 },
  respiratory_rate: { min: 6, max: 32 },
  glucose: { min: 45, max: 450 },
};

export function classifyReading(
  kind: VitalKind,
  value: number,
  thresholds: Thresholds | undefined,
): VitalStatus {
  const critical = CRITICAL_LIMITS[kind];
  if (value < critical.min || value > critical.max) return "critical";
  const range = thresholds?.[kind] ?? DEFAULT_THRESHOLDS[kind];
  if (value < range.min || value > range.max) return "abnormal";
  return "normal";
}

export const SEVERITY_OF: Readonly<Record<VitalStatus, Urgency>> = {
  normal: "normal",
  abnormal: "urgent",
  critical: "critical",
};

/** One live `vitals` alert per subject: the id is the subject's, so a second batch finds it. */
export function vitalsAlertId(subjectId: string): string {
  return `vitals-${checkId("subject id", subjectId)}`;
}

export interface Reading {
  readonly kind: VitalKind;
  readonly value: number;
  readonly unit: string;
  readonly at: number;
}

export class UnitMismatchError extends Error {
  constructor(
    readonly index: number,
    readonly kind: VitalKind,
    readonly unit: string,
  ) {
    super(`${kind} is measured in ${VITAL_UNITS[kind]}, not ${unit}`);
    this.name = "UnitMismatchError";
  }
}

/** Fills in units and times; a unit other than the kind's is refused rather than guessed at. */
export function normalizeReadings(readings: readonly ReadingRequest[], now: number): Reading[] {
  return readings.map((reading, index) => {
    const unit = VITAL_UNITS[reading.kind];
    if (reading.unit !== undefined && reading.unit !== unit) {
      throw new UnitMismatchError(index, reading.kind, reading.unit);
    }
    return { kind: reading.kind, value: reading.value, unit, at: reading.at ?? now };
  });
}

export interface ClassifiedReading extends Reading {
  readonly status: VitalStatus;
}

export interface ReadingsPlan {
  /**
   * Multi-path update relative to the root: the latest vitals per kind (only kinds that got newer),
   * each with the device that measured it, and the device's `lastSeen` on the subject.
   */
  readonly update: Record<string, unknown>;
  readonly readings: readonly ClassifiedReading[];
  /** The worst reading of the batch, when any is outside the thresholds. */
  readonly worst: ClassifiedReading | undefined;
}

/** Only the kinds we know are looked at; anything else stored there is left alone. */
const storedVitalsSchema = z.looseObject({});

/**
 * Every reading is classified (an abnormal value earlier in the batch still counts); the subject's
 * latest value per kind moves only forward in time, so a late, older batch never replaces it. The
 * device is seen whenever it sends, even a batch that changes no latest value.
 */
export function planReadings(input: {
  readonly tenantId: string;
  readonly subjectId: string;
  /** The registered device that sent the batch, and when it arrived. */
  readonly deviceId: string;
  readonly receivedAt: number;
  readonly readings: readonly Reading[];
  readonly thresholds: Thresholds | undefined;
  /** `subjects/{s}/vitals` as read. */
  readonly currentVitals: unknown;
}): ReadingsPlan {
  const classified = input.readings.map((reading) => ({
    ...reading,
    status: classifyReading(reading.kind, reading.value, input.thresholds),
  }));
  const stored = storedVitalsSchema.safeParse(input.currentVitals);
  const latestAt = new Map<VitalKind, number>();
  for (const kind of VITAL_KINDS) {
    const vital = vitalSchema.safeParse(stored.success ? stored.data[kind] : undefined);
    if (vital.success) latestAt.set(kind, vital.data.at);
  }
  const latest = new Map<VitalKind, ClassifiedReading>();
  for (const reading of classified) {
    const best = latest.get(reading.kind);
    if (best === undefined || reading.at >= best.at) latest.set(reading.kind, reading);
  }
  const update: Record<string, unknown> = {
    [subjectDevicePath(input.tenantId, input.subjectId, input.deviceId)]: {
      lastSeen: input.receivedAt,
    },
  };
  for (const [kind, reading] of latest) {
    if (reading.at < (latestAt.get(kind) ?? -Infinity)) continue;
    update[vitalPath(input.tenantId, input.subjectId, kind)] = {
      value: reading.value,
      unit: reading.unit,
      at: reading.at,
      status: reading.status,
      deviceId: input.deviceId,
    };
  }
  let worst: ClassifiedReading | undefined;
  for (const reading of classified) {
    if (reading.status === "normal") continue;
    if (worst === undefined || statusRank(reading.status) > statusRank(worst.status)) {
      worst = reading;
    }
  }
  return { update, readings: classified, worst };
}

function statusRank(status: VitalStatus): number {
  return URGENCY_RANK[SEVERITY_OF[status]];
}

export function vitalsAlertTitle(reading: ClassifiedReading): string {
  return `${LABELS[reading.kind]} ${reading.value} ${reading.unit} (${reading.status})`;
}

/**
 * The transaction update function of the subject's `vitals` alert for a batch whose worst reading
 * is `worst`: a new alert when there is none (or the last one was resolved, which starts a new
 * episode with no acknowledgements), the same alert with a higher severity and a fresh title when
 * this batch is worse, and `undefined` (leave it) when it is not.
 */
export function nextVitalsAlert(
  current: unknown,
  subjectId: string,
  worst: ClassifiedReading,
  now: number,
): Alert | undefined {
  const severity = SEVERITY_OF[worst.status];
  const fresh: Alert = {
    kind: "vitals",
    severity,
    subjectId,
    title: vitalsAlertTitle(worst),
    at: now,
    status: "open",
    level: 0,
  };
  const parsed = alertSchema.safeParse(current);
  if (!parsed.success || parsed.data.status === "resolved") return fresh;
  const existing = parsed.data;
  if (URGENCY_RANK[severity] <= URGENCY_RANK[existing.severity]) return undefined;
  // Worse than what was acknowledged: it needs eyes again, so it reopens; acks stay as history.
  return { ...existing, severity, title: fresh.title, at: now, status: "open" };
}

export function vitalsAlertPath(tenantId: string, subjectId: string): string {
  return alertPath(tenantId, vitalsAlertId(subjectId));
}
