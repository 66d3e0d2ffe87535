/**
 * Request bodies of the gateway endpoints, one strict zod schema each: unknown fields, wrong types
 * and out-of-range values are a 400 before anything is read or written.
 */
import { z } from "zod";
import { LIMITS, MEDIA, VITAL_KINDS } from "./model.js";

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");

/**
 * The gateway's own reference for a call (a call SID). Any printable text: it is hashed into the
 * call id, so it never has to be a valid database key itself.
 */
const callRef = z
  .string()
  .min(1)
  .max(256)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, "must not contain control characters");

/** Used verbatim in database keys (`turns/{callId}/{turnId}`, message ids), hence the narrow alphabet. */
export const TURN_ID_PATTERN = /^[A-Za-z0-9_~:-]{1,128}$/;

/** A millisecond timestamp a gateway or device may send; not before 2020, not absurdly far ahead. */
const sentAt = z
  .number()
  .int()
  .min(Date.UTC(2020, 0, 1))
  .max(Date.UTC(2100, 0, 1));

export const speechTurnRequestSchema = z.strictObject({
  callRef,
  from: e164,
  /** What the caller said (speech-to-text) or texted; surrounding whitespace is not part of it. */
  text: z.string().trim().min(1).max(LIMITS.messageText),
  medium: z.enum(MEDIA),
  turnId: z.string().regex(TURN_ID_PATTERN, "1–128 of A–Z a–z 0–9 _ ~ : -"),
});
export type SpeechTurnRequest = z.infer<typeof speechTurnRequestSchema>;

export const callEndedRequestSchema = z.strictObject({
  callRef,
  from: e164,
  at: sentAt.optional(),
});
export type CallEndedRequest = z.infer<typeof callEndedRequestSchema>;

export const missedCallRequestSchema = z.strictObject({
  callRef,
  from: e164,
  medium: z.enum(MEDIA).default("voice"),
  at: sentAt.optional(),
});
export type MissedCallRequest = z.infer<typeof missedCallRequestSchema>;

const idSchema = z
  .string()
  .min(1)
  .max(128)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^.$#[\]/\u0000-\u001f\u007f]+$/, "not a valid id")
  .refine((value) => !/^__.*__$/.test(value), "not a valid id");

export const MAX_READINGS_PER_BATCH = 100;

export const readingSchema = z.strictObject({
  kind: z.enum(VITAL_KINDS),
  value: z.number(),
  /** Optional; when given it must be the kind's unit (see `VITAL_UNITS`). */
  unit: z.string().min(1).max(16).optional(),
  /** When the device measured it; the time of arrival when absent. */
  at: sentAt.optional(),
});
export type ReadingRequest = z.infer<typeof readingSchema>;

export const deviceReadingsRequestSchema = z.strictObject({
  tenantId: idSchema,
  subjectId: idSchema,
  deviceId: z.string().min(1).max(128).optional(),
  readings: z.array(readingSchema).min(1).max(MAX_READINGS_PER_BATCH),
});
export type DeviceReadingsRequest = z.infer<typeof deviceReadingsRequestSchema>;
