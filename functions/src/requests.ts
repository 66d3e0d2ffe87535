/**
 * Request bodies of the gateway endpoints, one strict zod schema each: unknown fields, wrong types
 * and out-of-range values are a 400 before anything is read or written.
 */
import { z } from "zod";
import {
  idProblem,
  isWellFormedText,
  LIMITS,
  MAX_REQUEST_ID_BYTES,
  MEDIA,
  VITAL_KINDS,
} from "@lifeline/model";

/**
 * The one rule for every id or key a request carries (turn ids, call refs, device ids; route
 * segments use the same rule through `isRequestId`): a valid key in both databases (non-empty,
 * well-formed UTF-16, none of the Realtime Database's forbidden characters, not reserved like
 * `__proto__`), at most `MAX_REQUEST_ID_BYTES` of UTF-8 so that ids derived from it still fit the
 * stores' limits. Whatever passes never makes a path helper throw.
 */
export const requestIdSchema = z.string().superRefine((value, context) => {
  const problem = idProblem(value, MAX_REQUEST_ID_BYTES);
  if (problem !== undefined)
    context.addIssue({ code: "custom", message: `not a valid id: ${problem}` });
});

/** Free text that goes into the stores: no lone surrogates (they have no UTF-8 form). */
const wellFormed = (text: string) => isWellFormedText(text);

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");

/**
 * The gateway's own reference for a call (a call SID). Hashed into the call id, and held to the
 * request-id rule all the same: it names the call to the gateway in logs and answers.
 */
const callRef = requestIdSchema;

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
  text: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.messageText)
    .refine(wellFormed, "contains a lone UTF-16 surrogate"),
  medium: z.enum(MEDIA),
  /** The gateway's id of this utterance: the turn record's key and the stem of its message ids. */
  turnId: requestIdSchema,
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

export const MAX_READINGS_PER_BATCH = 100;

export const readingSchema = z.strictObject({
  kind: z.enum(VITAL_KINDS),
  value: z.number(),
  /** Optional; when given it must be the kind's unit (see `VITAL_UNITS`). */
  unit: z.string().min(1).max(16).refine(wellFormed, "contains a lone UTF-16 surrogate").optional(),
  /** When the device measured it; the time of arrival when absent. */
  at: sentAt.optional(),
});
export type ReadingRequest = z.infer<typeof readingSchema>;

/**
 * A batch from one registered device. No tenant or subject: both come from the device registry
 * (`devices/{deviceId}`), so a gateway cannot write vitals into a tenant by naming it.
 */
export const deviceReadingsRequestSchema = z.strictObject({
  deviceId: requestIdSchema,
  readings: z.array(readingSchema).min(1).max(MAX_READINGS_PER_BATCH),
});
export type DeviceReadingsRequest = z.infer<typeof deviceReadingsRequestSchema>;
