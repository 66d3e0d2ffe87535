/**
 * `twilioStatus` (Twilio call status callback, signed), POST form `{CallSid, CallStatus, From,
 * To, Timestamp?}` → empty TwiML. `completed`: the call ended (`endCallOf`); a completed call
 * with no turn (the caller hung up during the greeting) is recorded as missed, so someone calls
 * back. `busy`, `no-answer`, `failed`, `canceled`: a missed call (`missCallOf`). Other statuses,
 * and calls to a number no tenant has, write nothing. Repeats write nothing new.
 */
import type { Response } from "express";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { callIdFor } from "../domain/turn/index.js";
import { endpoint } from "../http-kit/endpoint.js";
import { HttpError } from "../http-kit/errors.js";
import {
  callSid,
  parseForm,
  sendTwiml,
  TWILIO_GATEWAY,
  twilioE164,
  twilioLibrary,
  verifiedForm,
} from "../http-kit/twilio.js";
import { twilioAuthToken } from "../params.js";
import { directory, lineTenant } from "../store/directory.js";
import { endCallOf } from "./call-ended.js";
import { missCallOf } from "./missed-call.js";

export const MISSED_STATUSES = ["busy", "no-answer", "failed", "canceled"] as const;

const statusFormSchema = z.object({
  CallSid: callSid,
  CallStatus: z.string().min(1).max(32),
  From: twilioE164,
  To: twilioE164,
});

export async function recordCallStatus(request: Request, response: Response): Promise<void> {
  const form = parseForm(await verifiedForm(request, "twilioStatus"), statusFormSchema);
  await applyStatus(form);
  const { VoiceResponse } = await twilioLibrary();
  // Twilio reads nothing from a status callback's answer; an empty Response is its "done".
  sendTwiml(response, new VoiceResponse());
}

async function applyStatus(form: z.infer<typeof statusFormSchema>): Promise<void> {
  const missed = (MISSED_STATUSES as readonly string[]).includes(form.CallStatus);
  if (form.CallStatus !== "completed" && !missed) return;
  const tenantId = await lineTenant(form.To);
  if (tenantId === null) return;
  const callId = callIdFor(TWILIO_GATEWAY, form.CallSid);
  const missCall = async () => {
    const caller = await directory.callerOnLine(tenantId, form.From);
    await missCallOf({ caller, callId, phone: form.From, medium: "voice" });
  };
  if (missed) {
    await missCall().catch(answered);
  } else {
    try {
      await endCallOf(tenantId, callId);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.code === "NOT_FOUND") await missCall();
      else if (error.code !== "FAILED_PRECONDITION") throw error;
    }
  }
  logger.info("twilio call status recorded", { tenantId, callId, status: form.CallStatus });
}

/** A missed status for a call that was answered after all: Twilio's statuses can cross. */
function answered(error: unknown): void {
  if (!(error instanceof HttpError) || error.code !== "FAILED_PRECONDITION") throw error;
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleTwilioStatus = endpoint(["POST"], recordCallStatus);

export const twilioStatus = onRequest({ secrets: [twilioAuthToken] }, handleTwilioStatus);
