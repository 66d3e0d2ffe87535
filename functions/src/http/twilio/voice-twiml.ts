/**
 * The TwiML of a voice call: what the caller hears, and the `<Gather>` that sends the next thing
 * they say to `twilioTurn`. The turn number rides in the action URL, which Twilio signs, so a
 * retried request names the same turn and gets the same answer.
 */
import { twilioWebhookBaseUrl } from "../../params.js";
import type { VoiceResponse } from "../../http-kit/twilio.js";

export const TURN_FUNCTION = "twilioTurn";

/** The first thing every caller of a line hears. */
export const GREETING =
  "Lifeline. You are speaking with an automated assistant, and a member of our team is following this call. Tell me what is happening.";

export function turnUrl(turn: number): string {
  return `${twilioWebhookBaseUrl.value()}/${TURN_FUNCTION}?turn=${turn}`;
}

/**
 * Speaks `lines` inside a speech `<Gather>` whose answer is turn `nextTurn`; when the caller says
 * nothing, the `<Redirect>` posts that same turn without `SpeechResult`, which the turn reads as
 * silence (a caller who may be unable to talk).
 */
export function gatherNext(
  twiml: VoiceResponse,
  lines: readonly string[],
  nextTurn: number,
): VoiceResponse {
  const action = turnUrl(nextTurn);
  const gather = twiml.gather({
    input: ["speech"],
    action,
    method: "POST",
    speechTimeout: "auto",
  });
  for (const line of lines) gather.say(line);
  twiml.redirect({ method: "POST" }, action);
  return twiml;
}
