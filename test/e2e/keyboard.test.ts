/**
 * The live page by keyboard alone: the shortcuts (dashboard/src/logic/keys.ts) move through calls
 * and incidents, open, acknowledge, take over, hand back and reach the message box; `?` lists
 * them; nothing fires while typing; every control is reached by Tab with a visible focus ring.
 * Screenshots `keyboard-help`, `focus-visible`.
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { CALLS, CHEN_WORK } from "../../scripts/demo/scenarios.js";
import { urgencyAlertId } from "../../functions/src/domain/fanout.js";
import { expectAccessible } from "./support/a11y.js";
import { byTestId, screenshotBoth } from "./support/browser.js";
import { browserSuite } from "./support/suite.js";
import { testGateway, unknownNumber } from "./support/backend.js";

const DISPATCHER = "dispatcher@demo.lifeline.test";

/** The focused element's test id (or its tag), and whether a focus ring is drawn around it. */
function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || element === document.body) {
      return { testId: "", ring: false, callId: "" };
    }
    const style = getComputedStyle(element);
    const width = Number.parseFloat(style.outlineWidth);
    return {
      testId: element.dataset.testid ?? element.tagName.toLowerCase(),
      ring: element.matches(":focus-visible") && style.outlineStyle !== "none" && width >= 2,
      callId: element.dataset.callId ?? "",
    };
  });
}

describe("keyboard (browser, end to end)", function () {
  const suite = browserSuite();
  const gateway = testGateway();

  it("moves through calls and incidents, opens, acknowledges, takes over, hands back and reaches the message box by keys; ? lists them; typing fires nothing", async () => {
    const calm = new GatewayCall(gateway, unknownNumber(), "voice");
    await calm.turn("Hello, I'd like to know if the pharmacy is open on Sunday.");
    const calmId = calm.callId ?? "";
    const chen = new GatewayCall(gateway, CHEN_WORK, "voice");
    for (const text of CALLS.chenLadderFall.turns) await chen.turn(text);
    const chenId = chen.callId ?? "";

    const { page } = await suite.dashboardFor(DISPATCHER);
    const detail = byTestId(page, "call-detail");
    await byTestId(page, "call-row", { "call-id": chenId, urgency: "critical" }).waitFor();
    await byTestId(page, "call-row", { "call-id": calmId }).waitFor();

    // ? lists every shortcut; Escape closes the list.
    await page.keyboard.press("?");
    const help = byTestId(page, "keyboard-help");
    await help.waitFor({ state: "visible" });
    const listed = (await help.textContent()) ?? "";
    for (const words of ["Acknowledge", "Take over", "Hand the open call back", "message box"]) {
      expect(listed).to.contain(words);
    }
    await screenshotBoth(page, "keyboard-help");
    await expectAccessible(page, "keyboard-help");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "detached" });

    // c goes to the calls list (at the open call, if any); j, k and the arrows move; Enter opens.
    await page.keyboard.press("c");
    const first = await focused(page);
    expect(first).to.include({ testId: "call-row", ring: true });
    const rows = await byTestId(page, "call-row").evaluateAll((elements) =>
      elements.map((element) => (element instanceof HTMLElement ? element.dataset.callId : "")),
    );
    const at = rows.indexOf(first.callId);
    const opened = await detail.getAttribute("data-call-id");
    await page.keyboard.press(at === rows.length - 1 ? "k" : "j");
    const moved = await focused(page);
    expect(moved.callId).to.equal(rows[at === rows.length - 1 ? at - 1 : at + 1]);
    await page.keyboard.press(at === rows.length - 1 ? "ArrowDown" : "ArrowUp");
    expect((await focused(page)).callId).to.equal(first.callId);
    // Moving is not opening: the open call stays until Enter.
    expect(await detail.getAttribute("data-call-id")).to.equal(opened);
    async function walkTo(callId: string, key: "j" | "k"): Promise<void> {
      for (let step = 0; step < rows.length && (await focused(page)).callId !== callId; step++) {
        await page.keyboard.press(key);
      }
      expect((await focused(page)).callId).to.equal(callId);
    }
    await page.keyboard.press("c");
    const from = rows.indexOf((await focused(page)).callId);
    await walkTo(calmId, rows.indexOf(calmId) > from ? "j" : "k");
    await page.keyboard.press("Enter");
    await byTestId(page, "call-detail", { "call-id": calmId }).waitFor();

    // i goes to the incidents; j moves among them; Enter opens the incident's call.
    await page.keyboard.press("i");
    expect(await focused(page)).to.include({ testId: "alert-row", ring: true });
    for (let step = 0; step < 30 && (await focused(page)).callId !== chenId; step++) {
      await page.keyboard.press("j");
    }
    expect((await focused(page)).callId).to.equal(chenId);
    await page.keyboard.press("Enter");
    await byTestId(page, "call-detail", { "call-id": chenId }).waitFor();
    await byTestId(detail, "call-next-acknowledge").waitFor({ state: "visible" });

    // a acknowledges the open call through its header's form.
    await page.keyboard.press("a");
    const form = byTestId(detail, "ack-form", { "alert-id": urgencyAlertId(chenId) });
    await form.waitFor();
    await byTestId(form, "ack-submit").click();
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(chenId),
      status: "acknowledged",
    }).waitFor();

    // t takes over; m reaches the message box, where letters are text, not shortcuts.
    await page.keyboard.press("t");
    await byTestId(page, "call-row", { "call-id": chenId, owner: "human" }).waitFor();
    await page.keyboard.press("m");
    expect((await focused(page)).testId).to.equal("message-input");
    await page.keyboard.type("hat");
    expect(await byTestId(page, "message-input").inputValue()).to.equal("hat");
    expect(
      await byTestId(page, "call-row", { "call-id": chenId }).getAttribute("data-owner"),
    ).to.equal("human");
    // With a modifier the letter is the browser's: Ctrl+A selects the text, nothing else.
    await page.keyboard.press("Control+a");
    expect(await byTestId(page, "ack-form").count()).to.equal(0);

    // Out of the field, h hands back; g reaches the guidance field.
    await page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    });
    await page.keyboard.press("h");
    await byTestId(page, "call-row", { "call-id": chenId, owner: "ai" }).waitFor();
    await page.keyboard.press("g");
    expect((await focused(page)).testId).to.equal("guide-input");

    await Promise.all([calm.end(), chen.end()]);
  });

  it("reaches every control of the open call, the lists and the header by Tab, each with a visible focus ring", async () => {
    const fire = new GatewayCall(gateway, unknownNumber(), "sms");
    for (const text of CALLS.neighbourFireText.turns) await fire.turn(text);
    const fireId = fire.callId ?? "";
    const { page } = await suite.dashboardFor(DISPATCHER);
    await byTestId(page, "call-row", { "call-id": fireId, urgency: "critical" }).click();
    await byTestId(page, "call-detail", { "call-id": fireId }).waitFor();
    await byTestId(page, "call-next-acknowledge").waitFor({ state: "visible" });

    const reached = new Set<string>();
    const withoutRing: string[] = [];
    let screenshotTaken = false;
    for (let step = 0; step < 120; step++) {
      await page.keyboard.press("Tab");
      const now = await focused(page);
      if (now.testId === "") continue;
      reached.add(now.testId);
      if (!now.ring) withoutRing.push(now.testId);
      if (now.testId === "call-next-acknowledge" && !screenshotTaken) {
        await screenshotBoth(page, "focus-visible");
        screenshotTaken = true;
      }
    }
    for (const testId of [
      "view-live",
      "keyboard-help-open",
      "call-next-acknowledge",
      "action-take-over",
      "transcript",
      "message-input",
      "action-end-call",
      "override-level",
      "call-row",
      "alert-ack-open",
      "alert-open-call",
    ]) {
      expect(reached, testId).to.include(testId);
    }
    expect(withoutRing, "focused without a visible ring").to.deep.equal([]);
    expect(screenshotTaken).to.equal(true);
    await fire.end();
  });
});
