/**
 * The dashboard end to end: Chromium on the page Hosting serves, the simulated gateway of
 * `npm start` posting to the real endpoints, the triggers fanning out, the rules judging every
 * read. Run inside the emulator suite:
 *
 *   node scripts/emulators.mjs exec "mocha --config .mocharc.e2e.yaml"
 *
 * Screenshots of the main views land in test-results/screenshots/.
 */
import { execFileSync } from "node:child_process";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { ADA, BEN, CHEN_WORK, CALLS } from "../../scripts/demo/scenarios.js";
import { urgencyAlertId } from "../../functions/src/domain/fanout.js";
import { alertAckPath, inboxItemPath } from "../../functions/src/lib/paths.js";
import {
  byTestId,
  DatabaseLink,
  launchChromium,
  screenshot,
  signIn,
  waitForCount,
  type Dashboard,
} from "./support/browser.js";
import {
  seededBackend,
  testGateway,
  unknownNumber,
  waitForValue,
  type Backend,
} from "./support/backend.js";

const DISPATCHER = "dispatcher@demo.lifeline.test";
const CAREGIVER = "caregiver@demo.lifeline.test";
const HARBOR_DISPATCHER = "dispatcher@harbor.lifeline.test";
const HARBOR_SUBJECT_PHONE = "+15555550121";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

describe("dashboard (browser, end to end)", function () {
  let browser: Browser;
  let backend: Backend;
  const gateway = testGateway();
  const open: Dashboard[] = [];

  async function dashboardFor(email: string, link?: (link: DatabaseLink) => void) {
    const dashboard = await signIn(browser, email, async (page) => {
      if (link !== undefined) link(await DatabaseLink.install(page));
    });
    open.push(dashboard);
    return dashboard;
  }

  before(async function () {
    this.timeout(180_000);
    // Hosting serves dashboard/dist from disk: building it now is soon enough.
    execFileSync(process.execPath, ["scripts/demo/dashboard-build.mjs"], { stdio: "inherit" });
    execFileSync(process.execPath, ["scripts/ensure-chromium.mjs"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    backend = await seededBackend();
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const dashboard of open.splice(0)) {
      expect(dashboard.errors, "uncaught errors in the page").to.deep.equal([]);
      await dashboard.context.close();
    }
  });

  after(async () => {
    await browser.close();
    await backend.close();
  });

  it("shows a dispatcher a call live, through the critical alert, acknowledgement, take-over, a message to the caller and hand-back", async () => {
    const { page } = await dashboardFor(DISPATCHER);
    expect(await byTestId(page, "app").getAttribute("data-role")).to.equal("dispatcher");

    const script = CALLS.chenLadderFall;
    const call = new GatewayCall(gateway, CHEN_WORK, "voice");
    await call.turn(script.turns[0]);
    const callId = call.callId ?? "";
    const row = byTestId(page, "call-row", { "call-id": callId });
    await row.waitFor();
    await row.click();
    await byTestId(page, "call-detail", { "call-id": callId }).waitFor();
    const messages = byTestId(page, "message");
    await waitForCount(messages, 2);
    await screenshot(page, "01-dispatcher-live-call");

    // The transcript grows with every turn, without a reload.
    await call.turn(script.turns[1]);
    await waitForCount(messages, 4);
    await byTestId(page, "call-row", { "call-id": callId, urgency: "urgent" }).waitFor();
    await call.turn(script.turns[2]);
    await waitForCount(messages, 6);
    expect(await messages.nth(4).textContent()).to.contain("won't stop bleeding");

    // Critical: the row, the banner and the alert say so until someone acknowledges.
    await byTestId(page, "call-row", {
      "call-id": callId,
      urgency: "critical",
      unacknowledged: "true",
    }).waitFor();
    await byTestId(page, "critical-banner").waitFor({ state: "visible" });
    await byTestId(page, "message", { triage: "true" }).waitFor();
    const alertRow = byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(callId),
      severity: "critical",
      status: "open",
    });
    await alertRow.waitFor();
    await screenshot(page, "02-dispatcher-critical-alert");

    await byTestId(alertRow, "alert-ack-open").click();
    const ackForm = byTestId(page, "ack-form", { "alert-id": urgencyAlertId(callId) });
    await ackForm.waitFor();
    await byTestId(ackForm, "ack-status").selectOption("responding");
    await byTestId(ackForm, "ack-note").fill("Ambulance dispatched to the north site, gate four.");
    await screenshot(page, "03-dispatcher-acknowledge-form");
    await byTestId(ackForm, "ack-submit").click();
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(callId),
      status: "acknowledged",
    }).waitFor();
    await byTestId(page, "call-row", { "call-id": callId, unacknowledged: "false" }).waitFor();
    const ack = await waitForValue(
      backend.database.ref(alertAckPath("demo", urgencyAlertId(callId), "demo-dispatcher")),
      (value) => isRecord(value),
    );
    expect(ack).to.include({
      status: "responding",
      note: "Ambulance dispatched to the north site, gate four.",
    });

    // Take over: the AI stops replying; what the dispatcher types reaches the caller's next turn.
    await byTestId(page, "action-take-over").click();
    await byTestId(page, "call-row", { "call-id": callId, owner: "human" }).waitFor();
    const typed = "This is Dana from dispatch. An ambulance is on its way; keep pressing on it.";
    await byTestId(page, "message-input").fill(typed);
    await byTestId(page, "action-send-message").click();
    await byTestId(page, "outbox-pending").getByText(typed, { exact: true }).waitFor();
    await screenshot(page, "04-dispatcher-took-over");
    const held = await call.turn(script.hold[0]);
    expect(held.say).to.deep.equal([typed]);
    expect(held.reply).to.equal(null);
    expect(held.owner.kind).to.equal("human");
    await byTestId(page, "message", { role: "agent" }).getByText(typed, { exact: true }).waitFor();

    // Hand back: the AI answers again.
    await byTestId(page, "action-hand-back").click();
    await byTestId(page, "call-row", { "call-id": callId, owner: "ai" }).waitFor();
    const after = await call.turn(script.hold[1]);
    expect(after.owner.kind).to.equal("ai");
    expect(after.reply).to.be.a("string").and.not.equal("");
    expect(after.say).to.deep.equal([]);
    await screenshot(page, "05-dispatcher-handed-back");

    // The call ends: shown as ended, archived, and listed in history.
    await call.end();
    await byTestId(page, "call-ended-state").waitFor({ state: "visible" });
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(callId),
      status: "resolved",
    }).waitFor();
    await byTestId(page, "view-history").click();
    await byTestId(page, "history-row", { "call-id": callId }).click();
    // The archived transcript has everything, the dispatcher's message to the caller included.
    await byTestId(page, "history-detail", { "call-id": callId })
      .getByText(typed, { exact: true })
      .waitFor();
    await screenshot(page, "06-dispatcher-history");
  });

  it("shows a caregiver only the assigned subject's calls and alerts, and another tenant's dispatcher nothing of them", async () => {
    // Ben is not the caregiver's: his critical call goes first and is fully fanned out (the
    // dispatcher's inbox has it) before Ada's, so by the time Ada's shows, Ben's would have too.
    const ben = new GatewayCall(gateway, BEN, "sms");
    await ben.turn("my neighbour collapsed and he is not breathing");
    const benCallId = ben.callId ?? "";
    await waitForValue(
      backend.database.ref(inboxItemPath("demo-dispatcher", urgencyAlertId(benCallId))),
      (value) => isRecord(value) && value.severity === "critical",
    );
    const ada = new GatewayCall(gateway, ADA, "voice");
    for (const text of CALLS.adaChestPain.turns) await ada.turn(text);
    const adaCallId = ada.callId ?? "";

    const caregiver = await dashboardFor(CAREGIVER);
    const page = caregiver.page;
    expect(await byTestId(page, "app").getAttribute("data-role")).to.equal("caregiver");
    expect(await byTestId(page, "alerts-list").getAttribute("data-source")).to.equal("inbox");
    await byTestId(page, "call-row", { "call-id": adaCallId, urgency: "critical" }).waitFor();
    await byTestId(page, "alert-row", { "alert-id": urgencyAlertId(adaCallId) }).waitFor();
    await byTestId(page, "call-row", { "call-id": adaCallId }).click();
    await waitForCount(byTestId(page, "message"), 6);
    // A caregiver may acknowledge but not take over, and is told why.
    expect(await byTestId(page, "action-take-over").isDisabled()).to.equal(true);
    expect(await byTestId(page, "action-take-over-reason").textContent()).to.not.equal("");
    await screenshot(page, "07-caregiver-assigned-subject");
    expect(await byTestId(page, "call-row", { "call-id": benCallId }).count()).to.equal(0);
    expect(
      await byTestId(page, "alert-row", { "alert-id": urgencyAlertId(benCallId) }).count(),
    ).to.equal(0);
    // Every call the caregiver sees is Ada's.
    for (const row of await byTestId(page, "call-row").all()) {
      const id = await row.getAttribute("data-call-id");
      expect(await row.textContent(), `call ${id ?? ""}`).to.contain("Ada Okafor");
    }

    // Harbor's dispatcher sees Harbor's calls, and nothing of Demo's.
    const harborCall = new GatewayCall(gateway, HARBOR_SUBJECT_PHONE, "voice");
    await harborCall.turn("Hi, it's Hana. Just checking in before my shift.");
    const harbor = await dashboardFor(HARBOR_DISPATCHER);
    expect(await byTestId(harbor.page, "app").getAttribute("data-tenant")).to.equal("harbor");
    await byTestId(harbor.page, "call-row", { "call-id": harborCall.callId ?? "" }).waitFor();
    expect(await byTestId(harbor.page, "call-row").count()).to.equal(1);
    for (const id of [adaCallId, benCallId]) {
      expect(await byTestId(harbor.page, "call-row", { "call-id": id }).count()).to.equal(0);
      expect(await byTestId(harbor.page, "alert-row", { "call-id": id }).count()).to.equal(0);
    }
    expect(await byTestId(harbor.page, "alert-row").count()).to.equal(0);
    await screenshot(harbor.page, "08-other-tenant-dispatcher");

    await Promise.all([ada.end(), ben.end(), harborCall.end()]);
  });

  it("shows the connection dropping and, after the database is reachable again, what happened meanwhile", async () => {
    let link: DatabaseLink | undefined;
    const { page } = await dashboardFor(DISPATCHER, (installed) => {
      link = installed;
    });
    if (link === undefined) throw new Error("the database link was not installed");

    const calm = new GatewayCall(gateway, unknownNumber(), "voice");
    await calm.turn("Hello, I'd like to know if the pharmacy is open on Sunday.");
    await byTestId(page, "call-row", { "call-id": calm.callId ?? "" }).waitFor();

    await link.sever();
    await byTestId(page, "connection-indicator", { state: "offline" }).waitFor();
    await screenshot(page, "09-connection-offline");

    // Meanwhile: one call ends, another turns critical and raises an alert.
    await calm.end();
    const fire = new GatewayCall(gateway, unknownNumber(), "sms");
    for (const text of CALLS.neighbourFireText.turns) await fire.turn(text);
    const fireCallId = fire.callId ?? "";
    await waitForValue(
      backend.database.ref(inboxItemPath("demo-dispatcher", urgencyAlertId(fireCallId))),
      (value) => isRecord(value) && value.severity === "critical",
    );
    expect(await byTestId(page, "connection-indicator", { state: "offline" }).count()).to.equal(1);
    expect(await byTestId(page, "call-row", { "call-id": fireCallId }).count()).to.equal(0);

    link.restore();
    await byTestId(page, "connection-indicator", { state: "online" }).waitFor();
    const away = byTestId(page, "away-summary");
    await away.waitFor({ state: "visible" });
    await page
      .locator('[data-testid="away-summary"]:not([data-raised="0"]):not([data-ended="0"])')
      .waitFor();
    expect(Number(await away.getAttribute("data-raised"))).to.be.at.least(1);
    expect(Number(await away.getAttribute("data-ended"))).to.be.at.least(1);
    expect(Number(await away.getAttribute("data-offline-ms"))).to.be.above(0);
    await byTestId(page, "call-row", { "call-id": fireCallId, urgency: "critical" }).waitFor();
    await screenshot(page, "10-while-you-were-away");
    await byTestId(page, "away-dismiss").click();
    await away.waitFor({ state: "hidden" });

    await fire.end();
  });
});
