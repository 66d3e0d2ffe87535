/**
 * A supervisor texting an SMS caller who reached the demo line through Twilio: the Twilio
 * stand-in posts the caller's texts to the Twilio webhooks and serves the Messages API the
 * functions send through; the dashboard shows the text's delivery as Twilio reports it.
 */
import { expect } from "chai";
import { callsPath } from "@lifeline/model";
import { emulatorFunctionsBase } from "../../scripts/demo/gateway-client.js";
import { DEMO_LINE } from "../../scripts/demo/twilio-play.js";
import {
  localMessagesApiPort,
  localStandInOptions,
  TwilioStandIn,
} from "../../scripts/demo/twilio-stand-in.js";
import { byTestId, screenshotBoth, WAIT_MS } from "./support/browser.js";
import { browserSuite } from "./support/suite.js";
import { unknownNumber, waitForValue } from "./support/backend.js";

function callFrom(calls: unknown, phone: string): string | undefined {
  if (typeof calls !== "object" || calls === null) return undefined;
  return Object.entries(calls as Record<string, { phone?: unknown } | null>).find(
    ([, call]) => call?.phone === phone,
  )?.[0];
}

describe("texts to an SMS caller (browser, through the Twilio stand-in)", function () {
  const suite = browserSuite();
  let twilio: TwilioStandIn;

  before(async () => {
    const base = emulatorFunctionsBase();
    twilio = new TwilioStandIn(
      localStandInOptions({
        voiceUrl: `${base}/twilioVoice`,
        messagingUrl: `${base}/twilioMessage`,
        statusCallbackUrl: `${base}/twilioStatus`,
      }),
    );
    await twilio.listen(localMessagesApiPort());
  });

  /** The demo tenant's call from `phone`, once the webhook has written it. */
  async function callOf(phone: string): Promise<string> {
    const calls = await waitForValue(
      suite.backend.database.ref(callsPath("demo")),
      (value) => callFrom(value, phone) !== undefined,
    );
    return callFrom(calls, phone) ?? "";
  }

  after(async () => {
    await twilio.close();
  });

  it("sends a dispatcher's message at once and shows it delivered, or failed with what to do", async () => {
    const dashboard = await suite.dashboardFor("dispatcher@demo.lifeline.test");
    const { page } = dashboard;

    const reached = unknownNumber();
    const unreachable = unknownNumber();
    twilio.unreachable.add(unreachable);
    for (const phone of [reached, unreachable]) {
      const reply = await twilio.text(
        phone,
        DEMO_LINE,
        "someone keeps knocking on my door at night",
      );
      expect(reply.exchange.status, reply.exchange.body).to.equal(200);
    }

    const typed = "This is Dana at Lifeline. Keep the door locked; we are calling you now.";
    for (const phone of [reached, unreachable]) {
      const row = byTestId(page, "call-row", { "call-id": await callOf(phone) });
      await row.waitFor();
      await row.click();
      await byTestId(page, "message-input").fill(typed);
      await byTestId(page, "action-send-message").click();
      const [sent] = await twilio.textsTo(phone, 1, WAIT_MS);
      expect(sent, "texted before the caller writes again").to.include({
        from: DEMO_LINE,
        to: phone,
        body: typed,
      });
      const status = phone === reached ? "delivered" : "failed";
      await byTestId(page, "delivery", { status }).waitFor();
      if (phone === reached) await screenshotBoth(page, "twilio-text-delivered");
    }
    expect(await byTestId(page, "delivery", { status: "failed" }).textContent()).to.contain(
      "Twilio error 30003",
    );
    await screenshotBoth(page, "twilio-text-failed");
  });
});
