/**
 * The dashboard end to end: Chromium on the page Hosting serves, the simulated gateway of
 * `npm start` posting to the real endpoints, the triggers fanning out, the rules judging every
 * read. Run inside the emulator suite:
 *
 *   node scripts/emulators.mjs exec "mocha --config .mocharc.e2e.yaml"
 *
 * Screenshots of the main views land in test-results/screenshots/.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { ADA, BEN, CHEN_WORK, CALLS } from "../../scripts/demo/scenarios.js";
import { urgencyAlertId } from "../../functions/src/domain/fanout.js";
import { alertAckPath, alertOutcomePath, callOwnerPath, inboxItemPath } from "@lifeline/model";
import { DEMO_PASSWORD } from "../../scripts/seed.js";
import { ACCESS_CHANGED_NOTICE } from "../../dashboard/src/logic/session.js";
import {
  byTestId,
  DatabaseLink,
  screenshot,
  screenshotBoth,
  waitForCount,
} from "./support/browser.js";
import { expectAccessible } from "./support/a11y.js";
import { browserSuite } from "./support/suite.js";
import {
  idTokenOf,
  membersRequest,
  testGateway,
  unknownNumber,
  waitForValue,
} from "./support/backend.js";

const DISPATCHER = "dispatcher@demo.lifeline.test";
const ADMIN = "admin@demo.lifeline.test";
const CAREGIVER = "caregiver@demo.lifeline.test";
const HARBOR_DISPATCHER = "dispatcher@harbor.lifeline.test";
const HARBOR_SUBJECT_PHONE = "+15555550121";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

describe("dashboard (browser, end to end)", function () {
  const suite = browserSuite();
  const gateway = testGateway();

  function dashboardFor(email: string, link?: (link: DatabaseLink) => void) {
    return suite.dashboardFor(email, async (page) => {
      if (link !== undefined) link(await DatabaseLink.install(page));
    });
  }

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
    await expectAccessible(page, "live-dispatcher");

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
    await expectAccessible(page, "call-critical");

    await byTestId(alertRow, "alert-ack-open").click();
    const ackForm = byTestId(page, "ack-form", { "alert-id": urgencyAlertId(callId) });
    await ackForm.waitFor();
    await byTestId(ackForm, "ack-status").selectOption("responding");
    await byTestId(ackForm, "ack-note").fill("Ambulance dispatched to the north site, gate four.");
    await screenshot(page, "03-dispatcher-acknowledge-form");
    await expectAccessible(page, "ack-form");
    await byTestId(ackForm, "ack-submit").click();
    await byTestId(page, "alert-row", {
      "alert-id": urgencyAlertId(callId),
      status: "acknowledged",
    }).waitFor();
    await byTestId(page, "call-row", { "call-id": callId, unacknowledged: "false" }).waitFor();
    const ack = await waitForValue(
      suite.backend.database.ref(alertAckPath("demo", urgencyAlertId(callId), "demo-dispatcher")),
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
    await expectAccessible(page, "call-taken-over");
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
    const archived = byTestId(page, "history-detail", { "call-id": callId });
    await archived.getByText(typed, { exact: true }).waitFor();
    // The note the assistant got at the hand-back is staff-only there too: folded, not a line said.
    const staffLine = archived.locator('[data-audience="staff"]').first();
    await staffLine.waitFor();
    expect(await staffLine.locator(".text").isVisible()).to.equal(false);
    await screenshot(page, "06-dispatcher-history");
    await expectAccessible(page, "history");
  });

  it("shows a caregiver only the assigned subject's calls and alerts, and another tenant's dispatcher nothing of them", async () => {
    // Ben is not the caregiver's: his critical call goes first and is fully fanned out (the
    // dispatcher's inbox has it) before Ada's, so by the time Ada's shows, Ben's would have too.
    const ben = new GatewayCall(gateway, BEN, "sms");
    await ben.turn("my neighbour collapsed and he is not breathing");
    const benCallId = ben.callId ?? "";
    await waitForValue(
      suite.backend.database.ref(inboxItemPath("demo-dispatcher", urgencyAlertId(benCallId))),
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
    // A caregiver may acknowledge but not take over: the header offers Acknowledge, not Take over.
    await byTestId(page, "call-next-acknowledge", {
      "alert-id": urgencyAlertId(adaCallId),
    }).waitFor();
    expect(await byTestId(page, "action-take-over").count()).to.equal(0);
    // Controls a caregiver can never use are not shown: one line says what a caregiver may do.
    expect(await byTestId(page, "role-summary").textContent()).to.equal(
      "Caregivers can follow calls and acknowledge alerts in their inbox.",
    );
    for (const control of [
      "action-hand-back",
      "action-take-over-from",
      "message-input",
      "lead-select",
      "override-level",
    ]) {
      expect(await byTestId(page, control).count(), control).to.equal(0);
    }
    expect(await page.locator(".reason:visible").count()).to.equal(0);
    await screenshotBoth(page, "25-caregiver-role-summary");
    await screenshot(page, "07-caregiver-assigned-subject");
    await expectAccessible(page, "caregiver");
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
    // Harbor lives on the second database instance: its page connects there and nowhere else.
    const sockets: string[] = [];
    const harbor = await suite.dashboardFor(HARBOR_DISPATCHER, (page) => {
      page.on("websocket", (socket) => sockets.push(socket.url()));
      return Promise.resolve();
    });
    expect(await byTestId(harbor.page, "app").getAttribute("data-tenant")).to.equal("harbor");
    await byTestId(harbor.page, "call-row", { "call-id": harborCall.callId ?? "" }).waitFor();
    expect(await byTestId(harbor.page, "call-row").count()).to.equal(1);
    for (const id of [adaCallId, benCallId]) {
      expect(await byTestId(harbor.page, "call-row", { "call-id": id }).count()).to.equal(0);
      expect(await byTestId(harbor.page, "alert-row", { "call-id": id }).count()).to.equal(0);
    }
    expect(await byTestId(harbor.page, "alert-row").count()).to.equal(0);
    await screenshot(harbor.page, "08-other-tenant-dispatcher");
    const namespaces = sockets
      .filter((url) => url.includes("/.ws"))
      .map((url) => new URL(url).searchParams.get("ns"));
    expect(namespaces).to.include("demo-lifeline-shard-2");
    expect(new Set(namespaces)).to.deep.equal(new Set(["demo-lifeline-shard-2"]));

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
      suite.backend.database.ref(inboxItemPath("demo-dispatcher", urgencyAlertId(fireCallId))),
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

  it("signs a member's page out at once when an admin removes the member or changes its role, or its sessions are revoked elsewhere, and says why", async () => {
    const adminToken = await idTokenOf(ADMIN, DEMO_PASSWORD);
    const suffix = randomBytes(4).toString("hex");
    async function newMember(label: "dispatcher" | "dispatcher2" | "nurse") {
      const role = label === "nurse" ? "nurse" : "dispatcher";
      const email = `relief-${label}-${suffix}@demo.lifeline.test`;
      const reply = await membersRequest("POST", "/demo", adminToken, {
        email,
        password: DEMO_PASSWORD,
        name: `Relief ${label}`,
        role,
        subjects: label === "nurse" ? ["subject-ada"] : [],
      });
      expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
      if (!isRecord(reply.body) || typeof reply.body.uid !== "string") {
        throw new Error("the members endpoint answered no uid");
      }
      return { email, uid: reply.body.uid };
    }
    const removed = await newMember("dispatcher");
    const demoted = await newMember("nurse");
    const removedPage = (await dashboardFor(removed.email)).page;
    const demotedPage = (await dashboardFor(demoted.email)).page;

    const removal = await membersRequest("DELETE", `/demo/${removed.uid}`, adminToken);
    expect(removal.status, JSON.stringify(removal.body)).to.be.within(200, 204);
    const notice = byTestId(removedPage, "signin-notice");
    await notice.waitFor();
    expect(await notice.textContent()).to.equal(ACCESS_CHANGED_NOTICE);
    expect(await byTestId(removedPage, "app").count()).to.equal(0);
    await screenshotBoth(removedPage, "16-signed-out-notice");
    await expectAccessible(removedPage, "signin");

    // A role change revokes the sessions and rewrites the record: the nurse's page goes too.
    expect(await byTestId(demotedPage, "app").getAttribute("data-role")).to.equal("nurse");
    const change = await membersRequest("PATCH", `/demo/${demoted.uid}`, adminToken, {
      role: "caregiver",
    });
    expect(change.status, JSON.stringify(change.body)).to.equal(200);
    await byTestId(demotedPage, "signin-notice").waitFor();
    expect(await byTestId(demotedPage, "signin-notice").textContent()).to.equal(
      ACCESS_CHANGED_NOTICE,
    );
    expect(await byTestId(demotedPage, "app").count()).to.equal(0);

    // "Sign out everywhere" on one device writes revocations/{uid}: the other device goes at once.
    const revoked = await newMember("dispatcher2");
    const here = (await dashboardFor(revoked.email)).page;
    const elsewhere = (await dashboardFor(revoked.email)).page;
    await byTestId(here, "sign-out-everywhere").click();
    await byTestId(elsewhere, "signin-notice").waitFor();
    expect(await byTestId(elsewhere, "signin-notice").textContent()).to.equal(
      ACCESS_CHANGED_NOTICE,
    );
    expect(await byTestId(elsewhere, "app").count()).to.equal(0);
    // The device that asked for it is signed out without being told its access changed.
    await byTestId(here, "signin-form").waitFor();
    expect(await byTestId(here, "signin-notice").count()).to.equal(0);
  });

  it("lets an admin take a call over from a dispatcher with a reason; the dispatcher sees who and why; the caller hears the holding line until the hold lapses", async () => {
    const dana = (await dashboardFor(DISPATCHER)).page;
    const alex = (await dashboardFor(ADMIN)).page;
    const call = new GatewayCall(gateway, unknownNumber(), "voice");
    await call.turn("Hello, my father fell in the bathroom and cannot get up.");
    const callId = call.callId ?? "";

    await byTestId(dana, "call-row", { "call-id": callId }).click();
    await byTestId(dana, "action-take-over").click();
    await byTestId(dana, "call-row", { "call-id": callId, owner: "human" }).waitFor();

    await byTestId(alex, "call-row", { "call-id": callId, owner: "human" }).click();
    const takeOverFrom = byTestId(alex, "action-take-over-from");
    await takeOverFrom.waitFor({ state: "visible" });
    expect(await takeOverFrom.textContent()).to.equal("Take over from Dana Dispatcher");
    expect(await byTestId(alex, "action-take-over").isHidden()).to.equal(true);
    // Dana's console beats: Alex sees her as there.
    await byTestId(alex, "call-holder", { liveness: "online" }).waitFor();

    await takeOverFrom.click();
    const dialog = byTestId(alex, "takeover-dialog", { "call-id": callId });
    await dialog.waitFor();
    // No reason, no take-over: the dialog says so and nothing is written.
    await byTestId(dialog, "takeover-confirm").click();
    await byTestId(dialog, "takeover-error").waitFor({ state: "visible" });
    const reason = "Dana is on the other line with the fire service";
    await byTestId(dialog, "takeover-reason").fill(reason);
    await screenshotBoth(alex, "11-take-over-from-dialog");
    await expectAccessible(alex, "dialog-take-over");
    await byTestId(dialog, "takeover-confirm").click();
    await dialog.waitFor({ state: "detached" });
    const owner = await waitForValue(
      suite.backend.database.ref(callOwnerPath("demo", callId)),
      (value) => isRecord(value) && value.uid === "demo-admin",
    );
    expect(owner).to.include({
      kind: "human",
      uid: "demo-admin",
      name: "Alex Admin",
      takenFrom: "demo-dispatcher",
      reason,
    });

    // Dana sees it at the top of her console and on the call, and may no longer hand back.
    const notice = byTestId(dana, "takeover-notice", { "call-id": callId });
    await notice.waitFor();
    expect(await notice.textContent()).to.contain(
      `Alex Admin took over this call from you: ${reason}`,
    );
    expect(await byTestId(dana, "call-taken-from").textContent()).to.equal(
      `Alex Admin took over this call from you: ${reason}`,
    );
    // Only the holder hands back: the control is gone from Dana's page.
    await byTestId(dana, "action-hand-back").waitFor({ state: "detached" });
    await screenshotBoth(dana, "12-colleague-sees-take-over");

    // Alex says nothing to the caller: the next turn gets the holding line, the one after that
    // ends the hold (two caller turns in a row unanswered) and the assistant answers again.
    const held = await call.turn("Hello? Is anyone still there?");
    expect(held.owner.kind).to.equal("human");
    expect(held.reply).to.be.a("string").and.not.equal("");
    const holding = byTestId(dana, "message", { holding: "true" });
    await holding.waitFor();
    expect(await holding.textContent()).to.contain("Holding line · heard by the caller");
    const lapsed = await call.turn("Please, he is not answering me any more.");
    expect(lapsed.owner.kind).to.equal("ai");
    expect(lapsed.reply).to.be.a("string").and.not.equal("");

    await byTestId(dana, "call-hold-lapsed").waitFor({ state: "visible" });
    expect(await byTestId(dana, "call-hold-lapsed").textContent()).to.equal(
      "Hold lapsed: Alex Admin left the caller unanswered. The AI assistant is answering again.",
    );
    await byTestId(dana, "message", { role: "system" }).first().waitFor();
    await byTestId(dana, "takeover-notice").waitFor({ state: "detached" });
    await byTestId(dana, "call-row", { "call-id": callId, owner: "ai" }).waitFor();
    // The hold_lapsed alert in the feed opens the call.
    const lapseAlert = byTestId(alex, "alert-row", { kind: "hold_lapsed", "call-id": callId });
    await lapseAlert.waitFor();
    expect(await lapseAlert.textContent()).to.contain("Hold lapsed");
    await byTestId(alex, "view-live").click();
    await byTestId(lapseAlert, "alert-open-call").click();
    await byTestId(alex, "call-detail", { "call-id": callId }).waitFor();
    await byTestId(alex, "call-hold-lapsed").waitFor({ state: "visible" });
    await screenshotBoth(dana, "13-hold-lapsed");

    await call.end();
  });

  it("keeps a critical call that ended unattended in the banner as a call-back until a member closes it with an outcome", async () => {
    const { page } = await dashboardFor(DISPATCHER);
    const phone = unknownNumber();
    const fire = new GatewayCall(gateway, phone, "sms");
    for (const text of CALLS.neighbourFireText.turns) await fire.turn(text);
    const callId = fire.callId ?? "";
    const alertId = urgencyAlertId(callId);
    await byTestId(page, "alert-row", { "alert-id": alertId, status: "open" }).waitFor();
    await fire.end();

    const item = byTestId(page, "banner-follow-up", { "alert-id": alertId });
    await item.waitFor();
    expect(await item.textContent()).to.contain(`Ended unattended: call back ${phone}`);
    await byTestId(page, "alert-row", {
      "alert-id": alertId,
      "follow-up": "true",
      status: "open",
    }).waitFor();
    await screenshotBoth(page, "14-follow-up-banner");

    await byTestId(item, "banner-follow-up-close").click();
    const dialog = byTestId(page, "outcome-dialog", { "alert-id": alertId });
    await dialog.waitFor();
    await byTestId(dialog, "outcome-submit").click();
    await byTestId(dialog, "outcome-error").waitFor({ state: "visible" });
    await byTestId(dialog, "outcome-option", { outcome: "reached" }).check();
    const note = "Reached the texter: fire service on scene, everyone is out.";
    await byTestId(dialog, "outcome-note").fill(note);
    await screenshotBoth(page, "15-follow-up-outcome-dialog");
    await expectAccessible(page, "dialog-outcome");
    await byTestId(dialog, "outcome-submit").click();
    await dialog.waitFor({ state: "detached" });
    const outcome = await waitForValue(
      suite.backend.database.ref(alertOutcomePath("demo", alertId)),
      isRecord,
    );
    expect(outcome).to.include({ outcome: "reached", note, by: "demo-dispatcher" });

    // Resolved by the trigger: out of the banner, the outcome shown on the alert.
    await byTestId(page, "alert-row", { "alert-id": alertId, status: "resolved" }).waitFor();
    await item.waitFor({ state: "detached" });
    expect(
      await byTestId(
        byTestId(page, "alert-row", { "alert-id": alertId }),
        "alert-outcome",
      ).textContent(),
    ).to.contain("Reached");
  });
});
