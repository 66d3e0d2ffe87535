/**
 * `deviceReadings` (gateway JWT, POST JSON) `{deviceId, readings[]}` → `{subjectId, readings,
 * alert}`: attributes the batch through the device registry (`devices/{deviceId}` → tenant and
 * subject; an unregistered device is a 404 with nothing written), stores the subject's latest
 * vitals with the device that measured them and the device's `lastSeen`, and raises or upgrades
 * `vitals-{subjectId}` when a value is out of the tenant's thresholds. The body never names a
 * tenant: a gateway token alone must not be enough to write into any tenant.
 */
import { tenantDatabase } from "../store/instances.js";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { normalizeReadings, planReadings, UnitMismatchError } from "../domain/vitals.js";
import { invalidArgument, parseJsonBody } from "../http-kit/body.js";
import { HttpError } from "../http-kit/errors.js";
import { deviceReadingsRequestSchema } from "../requests.js";
import { endpoint } from "../http-kit/endpoint.js";
import { subjectPath } from "@lifeline/model";
import { enforce } from "../http-kit/rate-limit.js";
import { gatewayJwtKey } from "../params.js";
import { authenticate, callerLimit } from "../http-kit/gateway.js";
import { directory } from "../store/directory.js";
import { raiseVitalsAlert } from "../store/vitals.js";

export const READINGS_BODY_LIMIT_BYTES = 32 * 1024;
/** Device clocks drift; a reading further ahead than this is a broken clock, not a measurement. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export async function recordReadings(request: Request) {
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
  enforce(callerLimit(), `device:${body.deviceId}`, "device");

  const owner = await directory.deviceOwner(body.deviceId);
  if (owner === null) throw new HttpError("NOT_FOUND", "No such device is registered.");
  const { tenantId, subjectId } = owner;
  const db = await tenantDatabase(tenantId);
  const [settings, subject] = await Promise.all([
    directory.tenantSettings(tenantId),
    db.ref(subjectPath(tenantId, subjectId)).get(),
  ]);
  if (settings === null || !subject.exists()) {
    // The registry points at a subject that is gone: nothing to attribute the readings to.
    logger.warn("device registered to a missing subject", {
      deviceId: body.deviceId,
      tenantId,
      subjectId,
    });
    throw new HttpError("NOT_FOUND", "The device's subject does not exist.");
  }
  const plan = planReadings({
    tenantId,
    subjectId,
    deviceId: body.deviceId,
    receivedAt: now,
    readings,
    thresholds: settings.vitalThresholds,
    currentVitals: subject.child("vitals").val(),
  });
  await db.ref().update(plan.update);

  const alert =
    plan.worst === undefined ? null : await raiseVitalsAlert(tenantId, subjectId, plan.worst);
  logger.info("readings recorded", {
    tenantId,
    subjectId,
    deviceId: body.deviceId,
    count: readings.length,
    alert: alert?.change ?? "none",
  });
  return {
    subjectId,
    readings: plan.readings.map((reading) => ({
      kind: reading.kind,
      value: reading.value,
      at: reading.at,
      status: reading.status,
    })),
    alert,
  };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleDeviceReadings = endpoint(["POST"], recordReadings);

export const deviceReadings = onRequest({ secrets: [gatewayJwtKey] }, handleDeviceReadings);
