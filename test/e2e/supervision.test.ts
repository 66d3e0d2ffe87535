/**
 * Supervising a call from the dashboard, end to end in Chromium: who is watching a call (every
 * dashboard with it open, on the call and in the list). Run inside the emulator suite like
 * dashboard.test.ts; screenshots land in test-results/screenshots/.
 */
import { expect } from "chai";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { ADA, CALLS, CHEN_WORK } from "../../scripts/demo/scenarios.js";
import { callEndRequestPath, callViewersPath } from "@lifeline/model";
import { expectAccessible } from "./support/a11y.js";
import { byTestId, screenshot, screenshotBoth } from "./support/browser.js";
import { browserSuite } from "./support/suite.js";
import { testGateway, waitForValue } from "./support/backend.js";

const DISPATCHER = "dispatcher@demo.lifeline.test";
const ADMIN = "admin@demo.lifeline.test";
const CAREGIVER = "caregiver@demo.lifeline.test";

const keysOf = (value: unknown): string[] =>
  typeof value === "object" && value !== null ? Object.keys(value).sort() : [];

describe("dashboard supervision (browser, end to end)", function () {
  const suite = browserSuite();
  const gateway = testGateway();

  const dashboardFor = (email: string) => suite.dashboardFor(email);

  it("shows who has a call open, on the call and in the list, and drops a viewer who switches away or closes the page", async () => {
    const call = new GatewayCall(gateway, ADA, "voice");
    await call.turn(CALLS.adaChestPain.turns[0]);
    const callId = call.callId ?? "";
    const viewersRef = suite.backend.database.ref(callViewersPath("demo", callId));

    const dispatcher = await dashboardFor(DISPATCHER);
    const admin = await dashboardFor(ADMIN);
    const caregiver = await dashboardFor(CAREGIVER);
    for (const { page } of [dispatcher, admin, caregiver]) {
      await byTestId(page, "call-row", { "call-id": callId }).click();
      await byTestId(page, "call-detail", { "call-id": callId }).waitFor();
    }
    await waitForValue(viewersRef, (value) => keysOf(value).length === 3);
    expect(keysOf(await viewersRef.get().then((s) => s.val() as unknown))).to.deep.equal([
      "demo-admin",
      "demo-caregiver",
      "demo-dispatcher",
    ]);

    // Each dashboard names everyone, itself as "you"; the caregiver (scoped) sees them too.
    const line = byTestId(dispatcher.page, "call-viewers", { count: "3" });
    await line.waitFor();
    expect(await line.textContent()).to.match(/Watching:.*Alex Admin/s);
    expect(await line.textContent()).to.contain("Dana Dispatcher (you)");
    expect(await line.textContent()).to.contain("Casey Caregiver");
    await byTestId(caregiver.page, "call-viewers", { count: "3" }).waitFor();
    const rowViewers = byTestId(
      byTestId(dispatcher.page, "call-row", { "call-id": callId }),
      "call-row-viewers",
      { count: "3" },
    );
    await rowViewers.waitFor();
    expect(await rowViewers.getAttribute("title")).to.contain("Alex Admin");
    await screenshotBoth(dispatcher.page, "viewers-call-open");

    // The admin opens another call: it no longer counts as watching this one.
    const other = new GatewayCall(gateway, ADA, "sms");
    await other.turn("Just checking in, all fine here.");
    await byTestId(admin.page, "call-row", { "call-id": other.callId ?? "" }).click();
    await byTestId(dispatcher.page, "call-viewers", { count: "2" }).waitFor();
    expect(await byTestId(dispatcher.page, "call-viewers").textContent()).to.not.contain(
      "Alex Admin",
    );
    await byTestId(
      byTestId(dispatcher.page, "call-row", { "call-id": other.callId ?? "" }),
      "call-row-viewers",
      { count: "1" },
    ).waitFor();

    // The caregiver's page goes away without signing out: the server removes its mark.
    await suite.close(caregiver);
    await byTestId(dispatcher.page, "call-viewers", { count: "1" }).waitFor();
    expect(keysOf(await viewersRef.get().then((s) => s.val() as unknown))).to.deep.equal([
      "demo-dispatcher",
    ]);
    await call.end();
    await other.end();
  });

  it("lets a dispatcher end a call after confirming; the caller's next turn is told to hang up; a caregiver is not offered it", async () => {
    const call = new GatewayCall(gateway, CHEN_WORK, "voice");
    await call.turn(CALLS.chenLadderFall.turns[0]);
    const callId = call.callId ?? "";
    const ada = new GatewayCall(gateway, ADA, "voice");
    await ada.turn(CALLS.adaChestPain.turns[0]);

    const caregiver = await dashboardFor(CAREGIVER);
    await byTestId(caregiver.page, "call-row", { "call-id": ada.callId ?? "" }).click();
    await byTestId(caregiver.page, "call-detail", { "call-id": ada.callId ?? "" }).waitFor();
    expect(await byTestId(caregiver.page, "action-end-call").count()).to.equal(0);

    const { page } = await dashboardFor(DISPATCHER);
    await byTestId(page, "call-row", { "call-id": callId }).click();
    await byTestId(page, "call-detail", { "call-id": callId }).waitFor();
    // Ending is two steps: the first press only asks, and "Keep the call" takes it back.
    await byTestId(page, "action-end-call").click();
    await byTestId(page, "end-call-confirm").waitFor();
    await byTestId(page, "action-end-call-cancel").click();
    await byTestId(page, "action-end-call").waitFor();
    expect(
      (await suite.backend.database.ref(callEndRequestPath("demo", callId)).get()).exists(),
    ).to.equal(false);
    await byTestId(page, "action-end-call").click();
    await screenshot(page, "end-call-confirm");
    await expectAccessible(page, "dialog-end-call");
    await byTestId(page, "action-end-call-confirm").click();

    await byTestId(page, "call-detail", { "call-id": callId, status: "ended" }).waitFor();
    const endedBy = byTestId(page, "call-ended-by");
    await endedBy.waitFor({ state: "visible" });
    expect(await endedBy.textContent()).to.contain("Ended by a supervisor (Dana Dispatcher)");
    expect(await byTestId(page, "action-end-call").count()).to.equal(0);
    await screenshot(page, "end-call-ended");

    const answer = await call.turn("Hello? Is anyone there?");
    expect(answer.hangup).to.equal(true);
    expect(answer.say).to.deep.equal([]);
    await ada.end();
  });

  it("lets a dispatcher guide the assistant privately: the next reply follows it, the caller never hears it, staff see it marked staff only", async () => {
    const call = new GatewayCall(gateway, ADA, "voice");
    await call.turn("I slipped in the kitchen and my hip hurts, I can't get up.");
    const callId = call.callId ?? "";
    const guidance = "Ask her to unlock the front door so the paramedics can get in.";

    const { page } = await dashboardFor(DISPATCHER);
    await byTestId(page, "call-row", { "call-id": callId }).click();
    await byTestId(page, "call-detail", { "call-id": callId }).waitFor();
    await byTestId(page, "guide-input").fill(guidance);
    await byTestId(page, "action-guide").click();
    const item = byTestId(page, "guidance-item", { by: "demo-dispatcher" });
    await item.waitFor();
    expect(await item.textContent()).to.contain("Staff only · guidance");
    expect(await item.textContent()).to.contain(guidance);
    expect(await byTestId(page, "guide-input").inputValue()).to.equal("");

    const answer = await call.turn("It really hurts when I try to move.");
    expect(answer.reply).to.contain("unlock your front door");
    expect(answer.reply).to.not.contain("paramedics");
    expect(answer.say).to.deep.equal([]);
    await byTestId(page, "message", { role: "assistant" })
      .getByText("unlock your front door", { exact: false })
      .waitFor();
    // Woven into the transcript where it was given: after the line it answered, before the reply
    // that followed it, as a staff-only line.
    const lines = await byTestId(page, "transcript")
      .locator('[data-testid="message"], [data-testid="guidance-item"]')
      .evaluateAll((elements) =>
        elements.map((element) =>
          element instanceof HTMLElement
            ? `${element.dataset.testid ?? ""}|${element.dataset.audience ?? ""}|${element.textContent}`
            : "",
        ),
      );
    const given = lines.findIndex((line) => line.startsWith("guidance-item|staff|"));
    const asked = lines.findIndex((line) => line.includes("I slipped in the kitchen"));
    const followed = lines.findIndex((line) => line.includes("unlock your front door"));
    expect(asked, "the caller's first line").to.be.at.least(0);
    expect(given, "guidance after the caller's first line").to.be.above(asked);
    expect(followed, "the reply after the guidance").to.be.above(given);
    await screenshot(page, "guide-assistant");
    await expectAccessible(page, "call-guided");

    // A caregiver sees the guidance (staff) but is not offered to give any.
    const caregiver = await dashboardFor(CAREGIVER);
    await byTestId(caregiver.page, "call-row", { "call-id": callId }).click();
    await byTestId(caregiver.page, "guidance-item").waitFor();
    expect(await byTestId(caregiver.page, "guide-input").count()).to.equal(0);
    await call.end();
  });
});
