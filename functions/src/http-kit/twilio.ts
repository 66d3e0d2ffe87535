/**
 * What Twilio's webhooks share: the `X-Twilio-Signature` check against the public URL Twilio
 * called, the form parameters held to a schema, and TwiML answers. The `twilio` package does the
 * signing arithmetic and builds the TwiML; its modules load on the first Twilio request, so no
 * other function pays for them at cold start.
 */
import type { Response } from "express";
import type { Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { isWellFormedText } from "@lifeline/model";
import { invalidArgument, publicIssues } from "./body.js";
import { HttpError } from "./errors.js";
import { twilioAuthToken, twilioWebhookBaseUrl } from "../params.js";

export type VoiceResponse = import("twilio/lib/twiml/VoiceResponse.js");
export type MessagingResponse = import("twilio/lib/twiml/MessagingResponse.js");

export interface TwilioLibrary {
  readonly validateRequest: typeof import("twilio/lib/webhooks/webhooks.js").validateRequest;
  readonly VoiceResponse: new () => VoiceResponse;
  readonly MessagingResponse: new () => MessagingResponse;
}

let library: Promise<TwilioLibrary> | undefined;

/**
 * The parts of the `twilio` package the webhooks use, loaded once per instance. The package root
 * also loads every REST resource (about 200 ms); these three modules take about 30 ms.
 */
export function twilioLibrary(): Promise<TwilioLibrary> {
  library ??= Promise.all([
    import("twilio/lib/webhooks/webhooks.js"),
    import("twilio/lib/twiml/VoiceResponse.js"),
    import("twilio/lib/twiml/MessagingResponse.js"),
  ]).then(([webhooks, voice, messaging]) => ({
    validateRequest: webhooks.validateRequest,
    VoiceResponse: voice.default,
    MessagingResponse: messaging.default,
  }));
  return library;
}

/** The URL Twilio called: the configured public base, the function's name, the query it signed. */
export function publicUrl(request: Request, functionName: string): string {
  const queryAt = request.url.indexOf("?");
  const query = queryAt === -1 ? "" : request.url.slice(queryAt);
  return `${twilioWebhookBaseUrl.value()}/${functionName}${query}`;
}

const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
/** Twilio's webhook parameters are a few dozen short fields; an SMS body is at most 1600 characters. */
export const TWILIO_BODY_LIMIT_BYTES = 16 * 1024;

/** The form as posted: flat string fields (the platform's parser nests `a[b]`; Twilio never sends it). */
const formSchema = z.record(z.string(), z.string());

/**
 * The verified form of a Twilio webhook: 415 unless form-encoded, 413 over the limit, 403 when
 * `X-Twilio-Signature` is missing or is not the auth token's signature of this URL and these
 * parameters. Nothing is read or written before this returns.
 */
export async function verifiedForm(
  request: Request,
  functionName: string,
): Promise<Record<string, string>> {
  const contentType = request.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== FORM_CONTENT_TYPE) {
    throw new HttpError("UNSUPPORTED_MEDIA_TYPE", `Send the body as ${FORM_CONTENT_TYPE}.`, {
      headers: { Accept: FORM_CONTENT_TYPE },
    });
  }
  if (request.rawBody.length > TWILIO_BODY_LIMIT_BYTES) {
    throw new HttpError("PAYLOAD_TOO_LARGE", `The limit is ${TWILIO_BODY_LIMIT_BYTES} bytes.`);
  }
  const signature = request.get("x-twilio-signature");
  const form = formSchema.safeParse(request.body);
  const { validateRequest } = await twilioLibrary();
  if (
    signature === undefined ||
    signature === "" ||
    !form.success ||
    !validateRequest(
      twilioAuthToken.value(),
      signature,
      publicUrl(request, functionName),
      form.data,
    )
  ) {
    throw new HttpError("PERMISSION_DENIED", "The request is not signed by Twilio.");
  }
  return form.data;
}

/** Holds verified form fields to `schema` (Twilio sends many fields; only the named ones count). */
export function parseForm<Schema extends z.ZodType>(
  form: Record<string, string>,
  schema: Schema,
): z.output<Schema> {
  if (!Object.values(form).every((value) => isWellFormedText(value))) {
    throw invalidArgument("The request body is not valid.", [
      { path: [], code: "invalid_string", message: "contains a lone UTF-16 surrogate" },
    ]);
  }
  const result = schema.safeParse(form);
  if (!result.success) {
    throw invalidArgument("The request body is not valid.", publicIssues(result.error.issues));
  }
  return result.data;
}

export const twilioE164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");
export const callSid = z.string().regex(/^CA[0-9a-f]{32}$/, "expected a call SID");
export const messageSid = z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, "expected a message SID");

/** Sends TwiML; the endpoint wrapper sends nothing more once headers are out. */
export function sendTwiml(response: Response, twiml: { toString(): string }): void {
  response.status(200).type("text/xml").send(twiml.toString());
}

/** Gateway name of Twilio's calls: call ids are `callIdFor("twilio", CallSid)`. */
export const TWILIO_GATEWAY = "twilio";

/** Said to a caller of a number no tenant has; nothing is recorded for it. */
export const NOT_IN_SERVICE =
  "This number is not connected to a Lifeline service. If you are in danger, hang up and call your local emergency number.";
