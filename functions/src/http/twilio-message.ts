/**
 * `twilioMessage` (Twilio messaging webhook, signed), POST form `{MessageSid, From, To, Body}` →
 * TwiML `<Message>`s: the messages a supervisor typed, then the reply. The text is the speech turn
 * itself (`answerTurn`, medium `sms`) with `MessageSid` as its turn id, so Twilio's retry is
 * answered the same and written once. A conversation is one call per line, number and UTC day
 * (SMS has no call to end; a new day starts a new call once the sweeper has closed the old one).
 * A message with no text (a picture alone) is answered with nothing and recorded nowhere.
 */
import type { Response } from "express";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { endpoint } from "../http-kit/endpoint.js";
import { callerLimit } from "../http-kit/gateway.js";
import { enforce } from "../http-kit/rate-limit.js";
import {
  messageSid,
  NOT_IN_SERVICE,
  parseForm,
  sendTwiml,
  twilioE164,
  twilioLibrary,
  verifiedForm,
} from "../http-kit/twilio.js";
import { responderApiKey, twilioAuthToken } from "../params.js";
import { lineTenant } from "../store/directory.js";
import { answerTwilioTurn } from "./twilio/turn.js";

const messageFormSchema = z.object({
  MessageSid: messageSid,
  From: twilioE164,
  To: twilioE164,
  Body: z.string().default(""),
});

/** The gateway call reference of the SMS conversation between `from` and the line `to` on `day`. */
export function smsCallRef(to: string, from: string, at: number): string {
  const day = new Date(at).toISOString().slice(0, 10);
  return `sms_${to}_${from}_${day}`;
}

export async function answerMessage(request: Request, response: Response): Promise<void> {
  const arrived = Date.now();
  const form = parseForm(await verifiedForm(request, "twilioMessage"), messageFormSchema);
  enforce(callerLimit(), form.From, "caller number");
  const { MessagingResponse } = await twilioLibrary();
  const twiml = new MessagingResponse();
  const tenantId = await lineTenant(form.To);
  const text = form.Body.trim();
  if (tenantId === null) {
    twiml.message(NOT_IN_SERVICE);
    sendTwiml(response, twiml);
    return;
  }
  if (text === "") {
    sendTwiml(response, twiml);
    return;
  }
  const answer = await answerTwilioTurn({
    tenantId,
    line: form.To,
    request: {
      callRef: smsCallRef(form.To, form.From, arrived),
      from: form.From,
      text,
      medium: "sms",
      turnId: form.MessageSid,
    },
    arrived,
    response,
  });
  for (const said of answer.say) twiml.message(said);
  if (answer.reply !== null) twiml.message(answer.reply);
  sendTwiml(response, twiml);
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleTwilioMessage = endpoint(["POST"], answerMessage);

export const twilioMessage = onRequest(
  { secrets: [twilioAuthToken, responderApiKey] },
  handleTwilioMessage,
);
