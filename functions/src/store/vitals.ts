/**
 * The subject's vitals alert `vitals-{subjectId}`, raised or upgraded in a transaction (the next
 * state comes from `nextVitalsAlert` in domain/vitals.ts, null for "nothing to do"), so that
 * concurrent batches of one subject never lower or duplicate it.
 */
import { tenantDatabase } from "./instances.js";
import { type Alert, alertSchema } from "@lifeline/model";
import {
  nextVitalsAlert,
  vitalsAlertId,
  vitalsAlertPath,
  type ClassifiedReading,
} from "../domain/vitals.js";

export interface VitalsAlertChange {
  readonly id: string;
  readonly severity: Alert["severity"];
  readonly change: "raised" | "upgraded" | "unchanged";
}

export async function raiseVitalsAlert(
  tenantId: string,
  subjectId: string,
  worst: ClassifiedReading,
): Promise<VitalsAlertChange> {
  let before: unknown = null;
  const { committed, snapshot } = await (
    await tenantDatabase(tenantId)
  )
    .ref(vitalsAlertPath(tenantId, subjectId))
    .transaction(
      (current: unknown) => {
        before = current;
        return nextVitalsAlert(current, subjectId, worst, Date.now());
      },
      undefined,
      false,
    );
  const stored = alertSchema.safeParse(snapshot.val());
  const previous = alertSchema.safeParse(before);
  return {
    id: vitalsAlertId(subjectId),
    severity: stored.success ? stored.data.severity : "normal",
    change: !committed
      ? "unchanged"
      : previous.success && previous.data.status !== "resolved"
        ? "upgraded"
        : "raised",
  };
}
