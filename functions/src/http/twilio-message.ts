/**
 * `twilioMessage` (Twilio messaging webhook, signed), POST form `{MessageSid, From, To, Body}` →
 * TwiML `<Message>`s: the messages a supervisor typed, then the reply. The text is the speech turn
 * itself (`answerTurn`, medium `sms`) with `MessageSid` as its turn id, so Twilio's retry is
 * answered the same and written once. A conversation is one call per line, number and UTC day
 * (SMS has no call to end; a new day starts a new call once the sweeper has closed the old one),
 * and a text after that day's conversation is over (a member ended it, the sweeper closed it)
 * starts the day's next conversation rather than being answered with a goodbye.
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
  TWILIO_GATEWAY,
  twilioLibrary,
  verifiedForm,
} from "../http-kit/twilio.js";
import { callIdFor, textJoins } from "../domain/turn/index.js";
import { hasTurn, readCall } from "../store/live-store.js";
import { responderApiKey, twilioAuthToken } from "../params.js";
import { lineTenant } from "../store/directory.js";
import { answerTwilioTurn } from "./twilio/turn.js";

const messageFormSchema = z.object({
  MessageSid: messageSid,
  From: twilioE164,
  To: twilioE164,
  Body: z.string().default(""),
});

/** Conversations a number may start with a line in one UTC day; later texts go to the last one. */
export const SMS_CONVERSATIONS_PER_DAY = 20;

/**
 * The gateway call reference of the `conversation`th SMS conversation (from 1) between `from` and
 * the line `to` on the UTC day of `at`.
 */
export function smsCallRef(to: string, from: string, at: number, conversation = 1): string {
  const day = new Date(at).toISOString().slice(0, 10);
  return `sms_${to}_${from}_${day}${conversation === 1 ? "" : `_${conversation}`}`;
}

/** The reference of the day's conversation this text belongs to: the first one not over. */
async function conversationRef(
  tenantId: string,
  form: { readonly To: string; readonly From: string; readonly MessageSid: string },
  at: number,
): Promise<string> {
  let ref = smsCallRef(form.To, form.From, at);
  for (let conversation = 1; conversation <= SMS_CONVERSATIONS_PER_DAY; conversation++) {
    ref = smsCallRef(form.To, form.From, at, conversation);
    const callId = callIdFor(TWILIO_GATEWAY, ref);
    const [call, holds] = await Promise.all([
      readCall(tenantId, callId),
      hasTurn(tenantId, callId, form.MessageSid),
    ]);
    if (textJoins(call, holds)) return ref;
  }
  return ref;
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
      callRef: await conversationRef(tenantId, form, arrived),
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
