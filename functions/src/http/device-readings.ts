/**
 * `deviceReadings` (gateway JWT, POST JSON) `{tenantId, subjectId, deviceId?, readings[]}` →
 * `{subjectId, readings, alert}`: stores the latest vitals of a subject and raises or upgrades
 * `vitals-{subjectId}` when a value is out of the tenant's thresholds.
 */
import { getDatabase } from "firebase-admin/database";
import { logger } from "firebase-functions";
import { onRequest, type Request } from "firebase-functions/v2/https";
import {
  nextVitalsAlert,
  normalizeReadings,
  planReadings,
  UnitMismatchError,
  vitalsAlertId,
  vitalsAlertPath,
} from "../domain/vitals.js";
import { invalidArgument, parseJsonBody } from "../lib/body.js";
import { HttpError } from "../lib/errors.js";
import { deviceReadingsRequestSchema } from "../lib/gateway-schemas.js";
import { endpoint } from "../lib/http.js";
import { alertSchema, type Alert } from "../lib/model.js";
import { subjectPath } from "../lib/paths.js";
import { enforce } from "../lib/rate-limit.js";
import { gatewayJwtKey } from "../params.js";
import { authenticate, callerLimit, directory } from "./gateway-common.js";

export const READINGS_BODY_LIMIT_BYTES = 32 * 1024;
/** Device clocks drift; a reading further ahead than this is a broken clock, not a measurement. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

async function recordReadings(request: Request) {
  await authenticate(request);
  const body = parseJsonBody(request, deviceReadingsRequestSchema, READINGS_BODY_LIMIT_BYTES);
  const now = Date.now();
  let readings;
  try {
    readings = normalizeReadings(body.readings, now);
  } catch (error) {
    if (!(error instanceof UnitMismatchError)) throw error;
    throw invalidArgument("The request body is not valid.", [
      { path: ["readings", error.index, "unit"], code: "custom", message: error.message },
    ]);
  }
  const ahead = readings.findIndex((reading) => reading.at > now + MAX_CLOCK_SKEW_MS);
  if (ahead >= 0) {
    throw invalidArgument("The request body is not valid.", [
      { path: ["readings", ahead, "at"], code: "custom", message: "in the future" },
    ]);
  }
  enforce(callerLimit(), `subject:${body.tenantId}/${body.subjectId}`, "subject");

  const db = getDatabase();
  const [settings, subject] = await Promise.all([
    directory.tenantSettings(body.tenantId),
    db.ref(subjectPath(body.tenantId, body.subjectId)).get(),
  ]);
  if (settings === null || !subject.exists()) {
    throw new HttpError("NOT_FOUND", "No such subject in this tenant.");
  }
  const plan = planReadings({
    tenantId: body.tenantId,
    subjectId: body.subjectId,
    readings,
    thresholds: settings.vitalThresholds,
    currentVitals: subject.child("vitals").val(),
  });
  if (Object.keys(plan.update).length > 0) await db.ref().update(plan.update);

  let alert: {
    id: string;
    severity: Alert["severity"];
    change: "raised" | "upgraded" | "unchanged";
  } | null = null;
  const worst = plan.worst;
  if (worst !== undefined) {
    let before: unknown = null;
    const { committed, snapshot } = await db
      .ref(vitalsAlertPath(body.tenantId, body.subjectId))
      .transaction(
        (current: unknown) => {
          before = current;
          return nextVitalsAlert(current, body.subjectId, worst, Date.now());
        },
        undefined,
        false,
      );
    const stored = alertSchema.safeParse(snapshot.val());
    const previous = alertSchema.safeParse(before);
    alert = {
      id: vitalsAlertId(body.subjectId),
      severity: stored.success ? stored.data.severity : "normal",
      change: !committed
        ? "unchanged"
        : previous.success && previous.data.status !== "resolved"
          ? "upgraded"
          : "raised",
    };
  }
  logger.info("readings recorded", {
    tenantId: body.tenantId,
    subjectId: body.subjectId,
    count: readings.length,
    alert: alert?.change ?? "none",
  });
  return {
    subjectId: body.subjectId,
    readings: plan.readings.map((reading) => ({
      kind: reading.kind,
      value: reading.value,
      at: reading.at,
      status: reading.status,
    })),
    alert,
  };
}

export const deviceReadings = onRequest(
  { secrets: [gatewayJwtKey] },
  endpoint(["POST"], recordReadings),
);
