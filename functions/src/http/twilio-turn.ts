/**
 * `twilioTurn` (Twilio `<Gather>` action, signed), POST form `{CallSid, From, To, SpeechResult?}`
 * to `twilioTurn?turn=N` → TwiML: the messages a supervisor typed, the reply (the assistant's, or
 * the holding line while a human holds the call and has nothing queued), and the `<Gather>` for
 * turn N+1; on a call a member ended, the goodbye and `<Hangup/>`. The turn is the speech turn itself (`answerTurn`, shared with the JWT gateway), as
 * turn `t{N}` of call `CallSid`: Twilio's retry of a request is the same turn, answered the same,
 * written once. No `SpeechResult` (the caller said nothing) is the turn "…".
 */
import type { Response } from "express";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { z } from "zod";
import { endpoint } from "../http-kit/endpoint.js";
import { callerLimit } from "../http-kit/gateway.js";
import { enforce } from "../http-kit/rate-limit.js";
import {
  callSid,
  NOT_IN_SERVICE,
  parseForm,
  sendTwiml,
  twilioE164,
  twilioLibrary,
  verifiedForm,
} from "../http-kit/twilio.js";
import { invalidArgument, publicIssues } from "../http-kit/body.js";
import { answerTwilioTurn } from "./twilio/turn.js";
import { responderApiKey, twilioAuthToken } from "../params.js";
import { lineTenant } from "../store/directory.js";
import { gatherNext, TURN_FUNCTION } from "./twilio/voice-twiml.js";

/** A call is hours at most; this bounds the counter a signed URL may carry. */
export const MAX_TURNS = 10_000;

const turnQuerySchema = z.object({ turn: z.coerce.number().int().min(1).max(MAX_TURNS) });

const turnFormSchema = z.object({
  CallSid: callSid,
  From: twilioE164,
  To: twilioE164,
  SpeechResult: z.string().optional(),
});

/** What the caller says when the `<Gather>` heard nothing. */
export const SILENCE = "…";

export async function speakTurn(request: Request, response: Response): Promise<void> {
  const arrived = Date.now();
  const form = parseForm(await verifiedForm(request, TURN_FUNCTION), turnFormSchema);
  const query = turnQuerySchema.safeParse(request.query);
  if (!query.success) {
    throw invalidArgument("The turn number is not valid.", publicIssues(query.error.issues));
  }
  const { turn } = query.data;
  enforce(callerLimit(), form.From, "caller number");
  const { VoiceResponse } = await twilioLibrary();
  const twiml = new VoiceResponse();
  const tenantId = await lineTenant(form.To);
  if (tenantId === null) {
    twiml.say(NOT_IN_SERVICE);
    twiml.hangup();
    sendTwiml(response, twiml);
    return;
  }
  const spoken = form.SpeechResult?.trim() ?? "";
  const answer = await answerTwilioTurn({
    tenantId,
    line: form.To,
    request: {
      callRef: form.CallSid,
      from: form.From,
      text: spoken === "" ? SILENCE : spoken,
      medium: "voice",
      turnId: `t${turn}`,
    },
    arrived,
    response,
  });
  const lines = [...answer.say, ...(answer.reply === null ? [] : [answer.reply])];
  if (answer.hangup === true) {
    // A member ended the call: the caller hears the goodbye and the line closes.
    for (const line of lines) twiml.say(line);
    twiml.hangup();
    sendTwiml(response, twiml);
    return;
  }
  sendTwiml(response, gatherNext(twiml, lines, turn + 1));
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleTwilioTurn = endpoint(["POST"], speakTurn);

export const twilioTurn = onRequest(
  { secrets: [twilioAuthToken, responderApiKey] },
  handleTwilioTurn,
);
