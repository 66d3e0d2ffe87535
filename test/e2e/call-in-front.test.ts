/**
 * The call in front of the supervisor, end to end: the page opens the most urgent unhandled call
 * by itself, the header carries the next action, the transcript follows the live end, staff-only
 * lines look apart, and the role's controls are the ones it can use. Run inside the emulator suite
 * (see dashboard.test.ts); screenshots land in test-results/screenshots/.
 */
import { expect } from "chai";
import type { Locator } from "playwright-core";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { BEN, CALLS, CHEN_WORK } from "../../scripts/demo/scenarios.js";
import { urgencyAlertId } from "../../functions/src/domain/fanout.js";
import {
  byTestId,
  PHONE,
  screenshot,
  screenshotBoth,
  SCREENSHOT_DIR,
  waitForCount,
} from "./support/browser.js";
import { expectAccessible } from "./support/a11y.js";
import { browserSuite } from "./support/suite.js";
import { testGateway, unknownNumber } from "./support/backend.js";

const DISPATCHER = "dispatcher@demo.lifeline.test";

describe("the call in front of you (browser, end to end)", function () {
  const suite = browserSuite();
  const gateway = testGateway();

  const dashboardFor = (email: string) => suite.dashboardFor(email);

  it("opens the most urgent unhandled call by itself, never over the member's own choice, with the next action in its header", async () => {
    const calm = new GatewayCall(gateway, unknownNumber(), "voice");
    await calm.turn("Hello, I'd like to know if the pharmacy is open on Sunday.");
    const calmId = calm.callId ?? "";

    const { page } = await dashboardFor(DISPATCHER);
    // Nothing chosen: the only unhandled call opens without a click.
    await byTestId(page, "call-detail", { "call-id": calmId }).waitFor();
    expect(await byTestId(page, "call-empty").count()).to.equal(0);
    const detail = byTestId(page, "call-detail");
    await byTestId(detail, "action-take-over").waitFor({ state: "visible" });

    // A more urgent call arrives: the call the page opened gives way to it.
    const chen = new GatewayCall(gateway, CHEN_WORK, "voice");
    for (const text of CALLS.chenLadderFall.turns) await chen.turn(text);
    const chenId = chen.callId ?? "";
    await byTestId(page, "call-detail", { "call-id": chenId }).waitFor();
    // The header: NOT ACKNOWLEDGED with Acknowledge beside it, the assistant with Take over.
    const acknowledge = byTestId(detail, "call-next-acknowledge", {
      "alert-id": urgencyAlertId(chenId),
    });
    await acknowledge.waitFor({ state: "visible" });
    const headline = detail.locator(".headline");
    expect(await headline.textContent()).to.match(/NOT ACKNOWLEDGED\s*Acknowledge/);
    expect(await byTestId(headline, "action-take-over").isVisible()).to.equal(true);
    // Acknowledge and the badge sit on the header's row, not in another column.
    const middle = async (locator: Locator) => {
      const box = await locator.boundingBox();
      return box === null ? -1000 : box.y + box.height / 2;
    };
    const row = await middle(headline.locator("h2"));
    expect(await middle(headline.locator(".badge.unacked")), "badge").to.be.closeTo(row, 12);
    expect(await middle(acknowledge), "Acknowledge").to.be.closeTo(row, 12);
    expect(await middle(byTestId(headline, "action-take-over")), "Take over").to.be.closeTo(
      row,
      12,
    );
    await screenshotBoth(page, "20-auto-open-next-action");

    // Acknowledge in place: the form opens under the header, not under the alerts list.
    await acknowledge.click();
    const form = byTestId(detail, "ack-form", { "alert-id": urgencyAlertId(chenId) });
    await form.waitFor();
    await screenshotBoth(page, "21-acknowledge-in-header");
    await byTestId(form, "ack-submit").click();
    await acknowledge.waitFor({ state: "detached" });
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(chenId),
      status: "acknowledged",
    }).waitFor();
    // Acknowledged is not handled by a person yet: Take over stays; once taken, it goes.
    await byTestId(headline, "action-take-over").click();
    await byTestId(page, "call-row", { "call-id": chenId, owner: "human" }).waitFor();
    await byTestId(headline, "action-take-over").waitFor({ state: "detached" });

    // The member picks the calm call: a new critical call does not take the screen from them.
    await byTestId(page, "call-row", { "call-id": calmId }).click();
    await byTestId(page, "call-detail", { "call-id": calmId }).waitFor();
    const fire = new GatewayCall(gateway, unknownNumber(), "sms");
    for (const text of CALLS.neighbourFireText.turns) await fire.turn(text);
    const fireId = fire.callId ?? "";
    await byTestId(page, "call-row", { "call-id": fireId, urgency: "critical" }).waitFor();
    await byTestId(page, "alert-row", { "alert-id": urgencyAlertId(fireId) }).waitFor();
    expect(await detail.getAttribute("data-call-id")).to.equal(calmId);

    // Ended with nobody answering: the header offers Call back, which opens the outcome dialog.
    await fire.end();
    await byTestId(page, "call-row", { "call-id": fireId }).click();
    const callBack = byTestId(detail, "call-next-call-back", {
      "alert-id": urgencyAlertId(fireId),
    });
    await callBack.waitFor({ state: "visible" });
    expect(await callBack.textContent()).to.contain(fire.from);
    await screenshotBoth(page, "22-call-back-in-header");
    await callBack.click();
    const dialog = byTestId(page, "outcome-dialog", { "alert-id": urgencyAlertId(fireId) });
    await dialog.waitFor();
    await byTestId(dialog, "outcome-option", { outcome: "reached" }).check();
    await byTestId(dialog, "outcome-submit").click();
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(fireId),
      status: "resolved",
    }).waitFor();

    await Promise.all([calm.end(), chen.end()]);
  });

  it("follows the transcript's live end, counts what arrives while the reader is scrolled up, and keeps staff-only lines and sources apart from what the caller heard", async () => {
    const { page } = await dashboardFor(DISPATCHER);
    const call = new GatewayCall(gateway, BEN, "voice");
    for (const text of CALLS.benNurseVisit.turns) await call.turn(text);
    const callId = call.callId ?? "";
    await byTestId(page, "call-row", { "call-id": callId }).click();
    const detail = byTestId(page, "call-detail", { "call-id": callId });
    await detail.waitFor();
    const messages = byTestId(detail, "message");
    await waitForCount(messages, 6);
    const transcript = byTestId(detail, "transcript");
    const atEnd = () =>
      transcript.evaluate(
        (element) => element.scrollHeight - element.scrollTop - element.clientHeight < 40,
      );

    // Take over, say something, hand back: the assistant gets a note, staff see it folded.
    await byTestId(detail, "action-take-over").click();
    await byTestId(page, "call-row", { "call-id": callId, owner: "human" }).waitFor();
    await byTestId(page, "message-input").fill("This is Dana. The nurse comes at ten tomorrow.");
    await byTestId(page, "action-send-message").click();
    await byTestId(page, "outbox-pending").waitFor({ state: "visible" });
    await call.turn("Thank you, Dana. Ten is fine.");
    await byTestId(page, "action-hand-back").click();
    const note = byTestId(detail, "message", { audience: "staff" }).filter({
      has: byTestId(page, "assistant-note"),
    });
    await note.waitFor();
    expect(await note.locator("summary").textContent()).to.contain("Staff only");
    // Folded: the words written for the assistant are not shown as a line of the conversation.
    expect(await note.locator(".text").isVisible()).to.equal(false);
    await note.locator("summary").click();
    expect(await note.locator(".text").textContent()).to.contain("handed the call back to you");

    // Sources are one click away, never printed under the replies.
    await byTestId(detail, "message-why").first().waitFor();
    expect(
      await detail
        .getByText(/^Sources:/)
        .first()
        .isVisible(),
    ).to.equal(false);
    await screenshotBoth(page, "23-staff-only-and-sources");
    await expectAccessible(page, "transcript-staff-lines");

    // Enough lines to scroll; at the live end, a new turn keeps the view there.
    for (let turn = 0; turn < 3; turn++) {
      await call.turn("And could she bring my new prescription with her?");
    }
    await waitForCount(messages, 14);
    expect(await transcript.evaluate((element) => element.scrollHeight > element.clientHeight)).to
      .be.true;
    await page.waitForFunction(() => {
      const element = document.querySelector('[data-testid="transcript"]');
      return (
        element !== null && element.scrollHeight - element.scrollTop - element.clientHeight < 40
      );
    });
    expect(await byTestId(detail, "transcript-new").isVisible()).to.equal(false);

    // Scrolled up: the view stays, and "N new" counts what arrived below.
    await transcript.evaluate((element) => {
      element.scrollTop = 0;
    });
    const before = await messages.count();
    await call.turn("Lovely, thank you. That's all for today.");
    await waitForCount(messages, before + 2);
    const jump = byTestId(detail, "transcript-new", { count: "2" });
    await jump.waitFor({ state: "visible" });
    expect(await jump.textContent()).to.contain("2 new messages");
    expect(await transcript.evaluate((element) => element.scrollTop)).to.equal(0);
    await screenshotBoth(page, "24-transcript-new-messages");
    await jump.click();
    await byTestId(detail, "transcript-new").waitFor({ state: "hidden" });
    expect(await atEnd()).to.equal(true);

    await call.end();
  });

  it("starts the urgency override at the call's level and asks for a new level and a reason", async () => {
    const { page } = await dashboardFor(DISPATCHER);
    const fire = new GatewayCall(gateway, unknownNumber(), "sms");
    for (const text of CALLS.neighbourFireText.turns) await fire.turn(text);
    const fireId = fire.callId ?? "";
    await byTestId(page, "call-row", { "call-id": fireId, urgency: "critical" }).click();
    await byTestId(page, "call-detail", { "call-id": fireId, status: "active" }).waitFor();
    const level = byTestId(page, "override-level");
    const submit = byTestId(page, "action-override");
    expect(await level.inputValue()).to.equal("critical");
    expect(await submit.isDisabled()).to.equal(true);
    await level.selectOption("urgent");
    expect(await submit.isDisabled(), "no reason yet").to.equal(true);
    await byTestId(page, "override-reason").fill("Fire service on scene, family outside");
    expect(await submit.isDisabled()).to.equal(false);
    await screenshotBoth(page, "26-override-starts-at-current");
    await expectAccessible(page, "override");
    await submit.click();
    await byTestId(page, "call-row", { "call-id": fireId, urgency: "urgent" }).waitFor();
    await byTestId(page, "call-urgency-reason")
      .getByText(/set by a supervisor/)
      .waitFor();
    // Acknowledged before it ends, so no call-back is left for the tests after this one.
    await byTestId(page, "call-next-acknowledge").click();
    await byTestId(page, "ack-submit").click();
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(fireId),
      status: "acknowledged",
    }).waitFor();
    await fire.end();
  });

  it("shows lead statuses in the tenant's words: the demo tenant's own word over the defaults, in the select and the call header", async () => {
    const { page } = await dashboardFor(DISPATCHER);
    const calm = new GatewayCall(gateway, unknownNumber(), "voice");
    await calm.turn("Hello, could someone call me back about my prescription tomorrow?");
    const calmId = calm.callId ?? "";
    await byTestId(page, "call-row", { "call-id": calmId }).click();
    const detail = byTestId(page, "call-detail", { "call-id": calmId, status: "active" });
    await detail.waitFor();
    const select = byTestId(detail, "lead-select");
    // The seed gives the demo tenant one word of its own (labels/lead); the others are defaults.
    await select.locator("option", { hasText: "Call back today" }).waitFor({ state: "attached" });
    expect(await select.locator("option").allTextContents()).to.deep.equal([
      "Open",
      "Call back today",
      "Resolved",
      "Referred",
    ]);
    await select.selectOption("callback");
    await byTestId(detail, "action-set-lead").click();
    await detail.locator(".detail-header .meta", { hasText: "· Call back today" }).waitFor();
    await select.scrollIntoViewIfNeeded();
    await screenshotBoth(page, "lead-labels");
    await calm.end();
  });

  it("keeps layouts still: the banner appears without moving the page, a phone shows the call first, large type keeps one header row and 8 calls at 1920×1080", async () => {
    const { page } = await dashboardFor(DISPATCHER);
    // Where an element sits on the page (not in the viewport: the phone page scrolls).
    const top = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((element) => element.getBoundingClientRect().top + window.scrollY);
    const headerRows = async () => {
      const [header, button] = await Promise.all([
        page.locator("header.top").boundingBox(),
        byTestId(page, "view-live").boundingBox(),
      ]);
      return Math.round((header?.height ?? 0) / ((button?.height ?? 1) + 16));
    };
    // Rows the selected call's header takes: its name, badges and next actions, by their middles.
    const callHeaderRows = () =>
      byTestId(page, "call-detail")
        .locator(".headline")
        .evaluate((headline) => {
          const middles = Array.from(headline.querySelectorAll("h2, .badge, button, a.button"))
            .map((part) => part.getBoundingClientRect())
            .filter((box) => box.height > 0)
            .map((box) => box.top + box.height / 2)
            .sort((a, b) => a - b);
          const rows: number[] = [];
          for (const middle of middles) {
            if (rows.every((row) => Math.abs(row - middle) > 10)) rows.push(middle);
          }
          return rows.length;
        });
    await byTestId(page, "banner-calm").waitFor({ state: "visible" });
    const gridBefore = await top("main .grid");

    // A critical call arrives: the banner takes its reserved place; the grid does not move.
    const fire = new GatewayCall(gateway, unknownNumber(), "sms");
    for (const text of CALLS.neighbourFireText.turns) await fire.turn(text);
    const fireId = fire.callId ?? "";
    await byTestId(page, "critical-banner").waitFor({ state: "visible" });
    expect(await top("main .grid")).to.be.closeTo(gridBefore, 1);
    expect(await headerRows()).to.equal(1);
    await screenshotBoth(page, "27-banner-no-shift");

    // A phone: one header row, the call and its next actions before the lists; acknowledging
    // takes the banner away without moving the call.
    await page.setViewportSize(PHONE);
    await byTestId(page, "call-detail", { "call-id": fireId }).waitFor();
    expect(await headerRows()).to.equal(1);
    // Every header control is on screen, none scrolled out: sign-out folds into the menu.
    expect(
      await page.locator("header.top").evaluate((bar) => bar.scrollWidth <= bar.clientWidth),
      "the phone header fits without scrolling",
    ).to.equal(true);
    await byTestId(page, "account-menu").locator("summary").click();
    await byTestId(page, "menu-sign-out").waitFor({ state: "visible" });
    await screenshotBoth(page, "phone-account-menu");
    await page.setViewportSize(PHONE);
    await byTestId(page, "account-menu").locator("summary").click();
    await byTestId(page, "menu-sign-out").waitFor({ state: "hidden" });
    const detailTop = await top(".detail-panel");
    expect(detailTop).to.be.below(await top(".calls-panel"));
    const acknowledge = byTestId(page, "call-next-acknowledge");
    await acknowledge.waitFor({ state: "visible" });
    // The call's own header: who and how urgent, then Acknowledge and Take over; two rows at most.
    expect(await callHeaderRows(), "call header rows at 390 px").to.be.within(1, 2);
    const name = await byTestId(page, "call-detail").locator(".headline h2").boundingBox();
    const box = await acknowledge.boundingBox();
    expect((box?.y ?? 10_000) - ((name?.y ?? 0) + (name?.height ?? 0))).to.be.below(24);
    await screenshotBoth(page, "call-header-390");
    await page.setViewportSize(PHONE);
    expect((box?.y ?? 10_000) + (box?.height ?? 0)).to.be.below(PHONE.height);
    expect(await top('[data-testid="message-input"]')).to.be.below(PHONE.height * 2);
    await screenshot(page, "28-phone-call-first-full");
    await expectAccessible(page, "live-phone");
    await acknowledge.click();
    await byTestId(page, "ack-submit").click();
    await byTestId(page, "critical-banner").waitFor({ state: "hidden" });
    expect(await top(".detail-panel")).to.be.closeTo(detailTop, 1);

    // Browser zoom 150% on a 1440-wide screen leaves 960 CSS pixels: still one header row.
    await page.setViewportSize({ width: 960, height: 600 });
    expect(await headerRows()).to.equal(1);

    // A wall display in large type: one header row and at least 8 calls in view.
    const calls = [fire];
    for (let n = 0; n < 8; n++) {
      const call = new GatewayCall(gateway, unknownNumber(), "voice");
      await call.turn("Hello, I'd like to know if the pharmacy is open on Sunday.");
      calls.push(call);
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await byTestId(page, "wall-mode-toggle").click();
    await byTestId(page, "wall-mode-toggle").and(page.locator('[aria-pressed="true"]')).waitFor();
    await waitForCount(byTestId(page, "call-row", { status: "active" }), 8);
    expect(await headerRows()).to.equal(1);
    expect(await callHeaderRows(), "call header rows in large type").to.equal(1);
    const panel = await page.locator(".calls-panel").boundingBox();
    const panelBottom = (panel?.y ?? 0) + (panel?.height ?? 0);
    let inView = 0;
    for (const row of await byTestId(page, "call-row").all()) {
      const rowBox = await row.boundingBox();
      if (rowBox !== null && rowBox.y + rowBox.height <= panelBottom) inView++;
    }
    expect(inView).to.be.at.least(8);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/29-wall-1920x1080.png` });
    await expectAccessible(page, "wall");
    await byTestId(page, "wall-mode-toggle").click();

    await Promise.all(calls.map((call) => call.end()));
  });
});
