/**
 * Alerts as incidents, in the browser: a critical call nobody watches is one item (its urgency
 * alert and the page to the admins together) with a timeline, unhandled in strong red; an
 * acknowledgement makes it handled at once, names who handles it, and the page to the admins
 * resolves itself; a vitals alert names the patient and opens. Screenshots `incident-*`.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { abnormalVitals, ADA, CALLS, DEVICE } from "../../scripts/demo/scenarios.js";
import { urgencyAlertId, unwatchedAlertId } from "../../functions/src/domain/fanout.js";
import { vitalsAlertId } from "../../functions/src/domain/vitals.js";
import { alertPath, presenceListPath } from "@lifeline/model";
import { byTestId, DESK, PHONE, SCREENSHOT_DIR } from "./support/browser.js";
import { expectAccessible } from "./support/a11y.js";
import { browserSuite } from "./support/suite.js";
import { testGateway, unknownNumber, waitForValue } from "./support/backend.js";

const ADMIN = "admin@demo.lifeline.test";
const ADMIN_NAME = "Alex Admin";
const NURSE = "nurse@demo.lifeline.test";

function levelOf(value: unknown): unknown {
  return typeof value === "object" && value !== null && "level" in value ? value.level : undefined;
}

function statusOf(value: unknown): unknown {
  return typeof value === "object" && value !== null && "status" in value
    ? value.status
    : undefined;
}

/** The incident holding `alertId`, whichever alert leads it. */
function incidentWith(page: Page, alertId: string): Locator {
  return page.locator(`[data-testid="alert-row"][data-alert-ids~="${alertId}"]`);
}

/** `<name>-desk.png` and `<name>-phone.png` with `item` scrolled into view: what a person sees. */
async function screenshotItem(page: Page, item: Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [suffix, size] of [
    ["desk", DESK],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${suffix}.png`) });
  }
  await page.setViewportSize(DESK);
}

describe("incidents (browser, end to end)", function () {
  const suite = browserSuite();
  const gateway = testGateway();

  it("shows a critical call nobody watched as one unhandled incident, handled at once when acknowledged", async () => {
    // Nobody's dashboard is open: the critical call pages the admins. Made so here rather than
    // left to the suites before this one: a page an earlier suite closed may still be counted
    // present until its connection's disconnect lands.
    const before = await suite.backend.database.ref(presenceListPath("demo")).get();
    const offline: Record<string, unknown> = {};
    before.forEach((child) => {
      offline[`${child.key}/state`] = "offline";
    });
    if (Object.keys(offline).length > 0) {
      await suite.backend.database.ref(presenceListPath("demo")).update(offline);
    }
    const call = new GatewayCall(gateway, unknownNumber(), "sms");
    for (const text of CALLS.neighbourFireText.turns) await call.turn(text);
    const callId = call.callId ?? "";
    const alertId = urgencyAlertId(callId);
    const pageId = unwatchedAlertId(alertId);
    await waitForValue(
      suite.backend.database.ref(alertPath("demo", pageId)),
      (value) => statusOf(value) === "open",
    );

    const dashboard = await suite.dashboardFor(ADMIN);
    const { page } = dashboard;
    const incident = byTestId(page, "alert-row", { "alert-id": alertId, handled: "false" });
    await incident.waitFor();
    // One item for the call: the page to the admins is inside it, not a card of its own.
    expect(await byTestId(page, "alert-row", { "call-id": callId }).count()).to.equal(1);
    expect(await incidentWith(page, pageId).getAttribute("data-alert-id")).to.equal(alertId);
    expect(await byTestId(incident, "incident-status").textContent()).to.contain(
      "Waiting for someone · nobody watching",
    );
    const timeline = await byTestId(incident, "incident-timeline").textContent();
    expect(timeline).to.contain("Raised critical").and.to.contain("Nobody watching");
    expect(await byTestId(incident, "alert-ack-open").textContent()).to.contain("Acknowledge…");
    await screenshotItem(page, incident, "incident-unhandled");
    await expectAccessible(page, "incidents");

    await byTestId(incident, "alert-ack-open").click();
    const ackForm = byTestId(page, "ack-form", { "alert-id": alertId });
    await ackForm.waitFor();
    await byTestId(ackForm, "ack-note").fill("Fire service called");
    await byTestId(ackForm, "ack-submit").click();

    const handled = byTestId(page, "alert-row", { "alert-id": alertId, handled: "true" });
    await handled.waitFor();
    expect(await byTestId(handled, "incident-status").textContent()).to.contain(
      `Acknowledged by ${ADMIN_NAME}`,
    );
    expect(await byTestId(handled, "alert-ack-open").textContent()).to.contain("Update status…");
    // The page to the admins resolved itself: the function saw the acknowledgement.
    await waitForValue(
      suite.backend.database.ref(alertPath("demo", pageId)),
      (value) => statusOf(value) === "resolved",
    );
    await byTestId(page, "alert-row", { "alert-id": alertId, status: "acknowledged" }).waitFor();
    expect(await byTestId(handled, "incident-timeline").textContent()).to.contain(
      `Acknowledged by ${ADMIN_NAME} — Fire service called`,
    );
    // Unhandled first: the handled incident is no longer at the top of an otherwise empty queue
    // of unhandled ones, and it looks muted.
    expect(await handled.getAttribute("class")).to.contain("incident-handled");
    await screenshotItem(page, handled, "incident-acknowledged");
    await call.end();
  });

  it("lets a nurse decline with a reason at 390 px: the alert goes up a level and still waits for someone", async () => {
    const dashboard = await suite.dashboardFor(NURSE);
    const { page } = dashboard;
    await page.setViewportSize(PHONE);
    const call = new GatewayCall(gateway, ADA, "voice");
    await call.turn("there is a fire, we are trapped");
    const callId = call.callId ?? "";
    const alertId = urgencyAlertId(callId);
    const incident = byTestId(page, "alert-row", { "alert-id": alertId });
    await incident.waitFor();

    await byTestId(incident, "alert-ack-open").click();
    const ackForm = byTestId(page, "ack-form", { "alert-id": alertId });
    await ackForm.waitFor();
    await byTestId(ackForm, "ack-status").selectOption("declined");
    expect(await byTestId(ackForm, "ack-submit").textContent()).to.contain("Decline");
    await byTestId(ackForm, "ack-note").fill("In surgery");
    await byTestId(ackForm, "ack-submit").click();

    await waitForValue(
      suite.backend.database.ref(alertPath("demo", alertId)),
      (v) => levelOf(v) === 1,
    );
    await page
      .locator(`[data-testid="alert-row"][data-alert-id="${alertId}"][data-level="1"]`)
      .waitFor();
    const row = byTestId(page, "alert-row", { "alert-id": alertId, handled: "false" });
    expect(await byTestId(row, "incident-timeline").textContent()).to.contain(
      "Declined by Noor Nurse — In surgery",
    );
    expect(await byTestId(row, "incident-status").textContent()).to.contain("Waiting for someone");
    await screenshotItem(page, row, "incident-declined");
    await expectAccessible(page, "incidents-phone");
    await call.end();
  });

  it("names the patient of a vitals alert and opens it", async () => {
    const answer = await gateway.deviceReadings({ ...DEVICE, readings: abnormalVitals() });
    const alertId = answer.alert?.id ?? vitalsAlertId(answer.subjectId);
    const dashboard = await suite.dashboardFor(ADMIN);
    const { page } = dashboard;
    const incident = incidentWith(page, alertId);
    await incident.waitFor();
    expect(await byTestId(incident, "incident-who").textContent()).to.contain("Ben Lindqvist");
    expect(await byTestId(incident, "incident-timeline").textContent()).to.contain("SpO2 89");
    // Opening it: Ben's latest call when the list has one, else his vitals in place.
    if ((await byTestId(incident, "alert-open-call").count()) > 0) {
      await byTestId(incident, "alert-open-call").click();
      expect(await byTestId(page, "call-detail").textContent()).to.contain("Ben Lindqvist");
    } else {
      expect(await byTestId(incident, "incident-vitals").textContent()).to.contain("spo2 89");
    }
    await screenshotItem(page, incident, "incident-vitals");
  });
});
