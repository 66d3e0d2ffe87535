/**
 * `twilioVoice` (Twilio voice webhook, signed), POST form `{CallSid, From, To, …}` → TwiML: the
 * greeting inside a speech `<Gather>` whose action is `twilioTurn` (turn 1). Writes nothing: the
 * call is recorded by its first turn. A number no tenant has (`lines/{To}` absent) hears that it
 * is not in service, and the call is hung up.
 */
import type { Response } from "express";
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { endpoint } from "../http-kit/endpoint.js";
import {
  callSid,
  NOT_IN_SERVICE,
  parseForm,
  sendTwiml,
  twilioE164,
  twilioLibrary,
  verifiedForm,
} from "../http-kit/twilio.js";
import { twilioAuthToken } from "../params.js";
import { lineTenant } from "../store/directory.js";
import { GREETING, gatherNext } from "./twilio/voice-twiml.js";

const voiceFormSchema = z.object({ CallSid: callSid, From: twilioE164, To: twilioE164 });

export async function answerCall(request: Request, response: Response): Promise<void> {
  const form = parseForm(await verifiedForm(request, "twilioVoice"), voiceFormSchema);
  const { VoiceResponse } = await twilioLibrary();
  const twiml = new VoiceResponse();
  const tenantId = await lineTenant(form.To);
  if (tenantId === null) {
    logger.warn("call to a number no tenant has", { callSid: form.CallSid });
    twiml.say(NOT_IN_SERVICE);
    twiml.hangup();
    sendTwiml(response, twiml);
    return;
  }
  sendTwiml(response, gatherNext(twiml, [GREETING], 1));
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleTwilioVoice = endpoint(["POST"], answerCall);

export const twilioVoice = onRequest({ secrets: [twilioAuthToken] }, handleTwilioVoice);
