/**
 * The demo's calls through the Twilio stand-in (`npm start -- --twilio`): the same scripts as the
 * gateway demo, placed to the demo tenant's Twilio line, so every turn goes through the Twilio
 * webhooks, signed, and the terminal shows what the caller heard.
 */
import { emulatorFunctionsBase } from "./gateway-client.js";
import type { CallScript, PlayOptions } from "./scenarios.js";
import {
  localMessagesApiPort,
  localStandInOptions,
  type SentText,
  TwilioStandIn,
} from "./twilio-stand-in.js";

/** The demo tenant's Twilio number: a line the seed creates (scripts/seed.ts), in no phone index. */
export const DEMO_LINE = "+15555550100";

/**
 * A stand-in wired to the Functions emulator's Twilio webhooks with the local account, serving
 * the Messages API where the functions send a supervisor's texts; `onText` hears of each one.
 */
export async function demoStandIn(onText: (text: SentText) => void): Promise<TwilioStandIn> {
  const base = emulatorFunctionsBase();
  const twilio = new TwilioStandIn({
    ...localStandInOptions({
      voiceUrl: `${base}/twilioVoice`,
      messagingUrl: `${base}/twilioMessage`,
      statusCallbackUrl: `${base}/twilioStatus`,
    }),
    onText,
  });
  await twilio.listen(localMessagesApiPort());
  return twilio;
}

/** Plays `script` through the stand-in: a voice call to the line, or texts to it. */
export async function playTwilioCall(
  twilio: TwilioStandIn,
  script: CallScript,
  options: PlayOptions,
): Promise<void> {
  const tag = `${script.caller} (${script.medium === "sms" ? "SMS via Twilio" : "call via Twilio"})`;
  if (script.medium === "sms") {
    for (const text of script.turns) {
      if (options.isStopped()) return;
      options.log(`${tag} caller: ${text}`);
      const reply = await twilio.text(script.from, DEMO_LINE, text);
      if (reply.exchange.status !== 200) {
        throw new Error(`twilioMessage answered ${reply.exchange.status}: ${reply.exchange.body}`);
      }
      for (const message of reply.messages) options.log(`${tag} ← ${message}`);
      await options.wait(options.pauseMs);
    }
    return;
  }
  const call = await twilio.dial(script.from, DEMO_LINE);
  for (const line of call.heard()) options.log(`${tag} hears: ${line}`);
  for (const text of [...script.turns, ...(script.hold ?? [])]) {
    if (options.isStopped() || call.isOver) break;
    options.log(`${tag} caller: ${text}`);
    const heard = await call.say(text);
    for (const line of heard) options.log(`${tag} hears: ${line}`);
    await options.wait(options.pauseMs);
  }
  if (options.isStopped() || call.isOver) return;
  await call.hangUp();
  options.log(`${tag}: hung up`);
}
