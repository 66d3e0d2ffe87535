/**
 * Members and History, end to end: an admin manages members over the members endpoint from the
 * Members view (errors shown as the endpoint gives them); a dispatcher searches the archive by
 * phone, urgency and outcome, pages, opens one call, and downloads and prints its record with the
 * transcript and the audit trail. Run inside the emulator suite (see dashboard.test.ts);
 * screenshots land in test-results/screenshots/, axe results in test-results/a11y/.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { deleteApp } from "firebase-admin/app";
import type { Locator, Page } from "playwright-core";
import { type Call, callOwnerPath, callPath, firestore } from "@lifeline/model";
import { GatewayCall } from "../../scripts/demo/gateway-client.js";
import { emulatorApp } from "../../scripts/seed.js";
import { archiveRecord } from "../../functions/src/domain/archive.js";
import {
  byTestId,
  DESK,
  PHONE,
  SCREENSHOT_DIR,
  screenshotBoth,
  waitForCount,
} from "./support/browser.js";
import { browserSuite } from "./support/suite.js";
import { A11Y_DIR, expectAccessible } from "./support/a11y.js";
import { testGateway, waitForValue } from "./support/backend.js";

const ADMIN = "admin@demo.lifeline.test";
const DISPATCHER = "dispatcher@demo.lifeline.test";

/** "+1556" and six random digits: numbers in no directory, so each run searches its own calls. */
function freshPrefix(): string {
  return `+1556${(randomBytes(4).readUInt32BE(0) % 1_000_000).toString().padStart(6, "0")}`;
}

describe("members and history (browser, end to end)", function () {
  const suite = browserSuite();
  const gateway = testGateway();
  const app = emulatorApp(`records-e2e-${randomBytes(3).toString("hex")}`);
  let store: Firestore;

  before(() => {
    store = getFirestore(app);
  });

  after(async () => {
    await store.terminate();
    await deleteApp(app);
  });

  /** A cold first turn may be written a moment after it was answered: end the call once it is there. */
  async function endWhenWritten(call: GatewayCall): Promise<void> {
    await waitForValue(
      suite.backend.database.ref(callPath("demo", call.callId ?? "")),
      (value) => value !== null,
    );
    await call.end();
  }

  /** Axe results are all taken and judged at the end, so one view's finding hides no later step. */
  const a11yFindings: string[] = [];
  async function checkAccessible(page: Page, view: string): Promise<void> {
    try {
      await expectAccessible(page, view);
    } catch {
      const summary = JSON.parse(await readFile(join(A11Y_DIR, `${view}.json`), "utf8")) as {
        violations: { id: string; impact: string; targets: string[] }[];
      };
      for (const v of summary.violations) {
        if (v.impact === "serious" || v.impact === "critical") {
          a11yFindings.push(`${view}: ${v.id} (${v.impact}) ${v.targets.join(", ")}`);
        }
      }
    }
  }

  /** Every serious or critical axe finding of the test, judged once its steps all ran. */
  function expectNoA11yFindings(): void {
    const findings = a11yFindings.splice(0);
    expect(findings, "serious or critical accessibility violations").to.deep.equal([]);
  }

  it("lets an admin add a member, change its role, assign a subject and remove it, with the endpoint's errors shown", async () => {
    const { page } = await suite.dashboardFor(ADMIN);
    await byTestId(page, "view-members").click();
    const view = byTestId(page, "members-view");
    await view.waitFor({ state: "visible" });
    await waitForCount(byTestId(page, "member-row"), 4);
    // The admin's own row offers no removal, as the endpoint refuses it.
    const self = byTestId(page, "member-row", { uid: "demo-admin" });
    expect(await byTestId(self, "member-remove").count()).to.equal(0);
    await byTestId(page, "member-row", { uid: "demo-dispatcher" }).waitFor();
    await screenshotBoth(page, "members-list");
    await checkAccessible(page, "members");

    const name = `Robin Reyes ${randomBytes(2).toString("hex")}`;
    const email = `robin-${randomBytes(4).toString("hex")}@demo.lifeline.test`;
    await byTestId(page, "member-create-name").fill(name);
    await byTestId(page, "member-create-email").fill(email);
    await byTestId(page, "member-create-password").fill("short");
    await byTestId(page, "member-create-role").selectOption("caregiver");
    await byTestId(page, "member-create-submit").click();
    // The endpoint's own message and its issue under the password field.
    const error = byTestId(page, "member-create-error");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).to.equal("The request body is not valid.");
    const passwordIssue = byTestId(page, "member-field-error", { field: "password" });
    expect(await passwordIssue.textContent()).to.match(/8/);
    expect(await byTestId(page, "member-create-password").getAttribute("aria-invalid")).to.equal(
      "true",
    );
    await screenshotBothAt(page, "members-error", byTestId(page, "member-create-form"));
    await checkAccessible(page, "members-error");

    await byTestId(page, "member-create-password").fill("a-long-enough-password");
    await byTestId(page, "member-create-submit").click();
    const row = page.locator('[data-testid="member-row"]', { hasText: name });
    await row.waitFor();
    expect(await row.getAttribute("data-role")).to.equal("caregiver");
    expect(await row.getAttribute("data-presence")).to.equal("offline");
    await error.waitFor({ state: "hidden" });

    // Change the role.
    await byTestId(row, "member-edit").click();
    await byTestId(row, "member-edit-role").selectOption("nurse");
    await byTestId(row, "member-edit-save").click();
    await page
      .locator('[data-testid="member-row"][data-role="nurse"]', { hasText: name })
      .waitFor();

    // Assign a subject (names, not ids).
    await byTestId(row, "member-edit").click();
    await byTestId(row, "member-edit-subject", { "subject-id": "subject-ada" }).check();
    await byTestId(row, "member-edit-save").click();
    await row.locator(".subjects", { hasText: "Ada Okafor" }).waitFor();

    // Remove, after a confirmation.
    await byTestId(row, "member-remove").click();
    await byTestId(row, "member-remove-confirm").click();
    await row.waitFor({ state: "detached" });
    expectNoA11yFindings();
  });

  it("lets a dispatcher search history by phone, urgency and outcome, page, open a call and export it with its transcript and audit", async () => {
    // Three real calls through the gateway, from one fresh number range.
    const prefix = freshPrefix();
    const bleeding = new GatewayCall(gateway, `${prefix}01`, "voice");
    await bleeding.turn("I fell and my arm is bleeding");
    await endWhenWritten(bleeding);
    const question = new GatewayCall(gateway, `${prefix}02`, "voice");
    await question.turn("Hello, is the pharmacy open on Sunday?");
    await endWhenWritten(question);
    const held = new GatewayCall(gateway, `${prefix}03`, "voice");
    await held.turn("I fell and my arm is bleeding");
    const heldId = held.callId ?? "";
    await suite.backend.database
      .ref(callOwnerPath("demo", heldId))
      .set({ kind: "human", uid: "demo-dispatcher", name: "Dana Dispatcher", since: Date.now() });
    await endWhenWritten(held);
    for (const call of [bleeding, question, held]) {
      await waitForArchive(store, call.callId ?? "");
    }

    // 23 older archived calls from another range, for paging (20 a page).
    const pagePrefix = freshPrefix();
    const base = Date.now() - 30 * 24 * 3600 * 1000;
    for (let i = 0; i < 23; i++) {
      const at = base - i * 60_000;
      const call: Call = {
        phone: `${pagePrefix}${String(i).padStart(2, "0")}`,
        medium: "sms",
        status: "ended",
        urgency: "normal",
        owner: { kind: "ai", since: at - 60_000 },
        startedAt: at - 60_000,
        lastMessageAt: at,
        endedAt: at,
        messageCount: 1,
        lastSnippet: "Thanks, that is all.",
      };
      const record = archiveRecord({
        call,
        transcript: [{ id: "m1", message: { seq: 1, role: "caller", text: "Thanks", at } }],
        alerts: [],
        audit: [],
        memberNames: new Map(),
      });
      await store
        .doc(firestore.archivedCallDoc("demo", `paged-${pagePrefix.slice(5)}-${i}`))
        .set(record);
    }

    const { page } = await suite.dashboardFor(DISPATCHER);
    await byTestId(page, "view-history").click();
    await byTestId(page, "history-view").waitFor({ state: "visible" });
    const rows = byTestId(page, "history-row");

    // By phone: the three calls, newest first, each with the caller's name and its outcome.
    await byTestId(page, "history-filter-phone").fill(`${prefix.slice(0, 2)} ${prefix.slice(2)}`);
    await byTestId(page, "history-search").click();
    await byTestId(page, "history-row", { "call-id": bleeding.callId ?? "" }).waitFor();
    await waitForCount(rows, 3);
    expect(await rows.count()).to.equal(3);
    expect(
      await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-call-id"))),
    ).to.deep.equal([heldId, question.callId, bleeding.callId]);
    expect(
      await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-outcome"))),
    ).to.deep.equal(["taken_over", "completed", "ended_unattended"]);
    expect(await rows.first().textContent())
      .to.include("Unknown caller")
      .and.include("Dana Dispatcher");

    // Urgency and outcome narrow it on the server.
    await byTestId(page, "history-filter-urgency").selectOption("urgent");
    await byTestId(page, "history-filter-outcome").selectOption("ended_unattended");
    await byTestId(page, "history-search").click();
    await byTestId(page, "history-row", { "call-id": heldId }).waitFor({ state: "detached" });
    await waitForCount(rows, 1);
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().getAttribute("data-call-id")).to.equal(bleeding.callId);
    await screenshotBoth(page, "history-filtered");
    await checkAccessible(page, "history");

    // Paging: 20, then the rest with "More".
    await byTestId(page, "history-clear").click();
    await byTestId(page, "history-filter-phone").fill(pagePrefix);
    await byTestId(page, "history-search").click();
    await waitForCount(rows, 20);
    expect(await rows.count()).to.equal(20);
    await byTestId(page, "history-more").click();
    await waitForCount(rows, 23);
    const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-call-id")));
    expect(new Set(ids).size).to.equal(23);

    // One call: transcript, audit trail, the text download and the print form.
    await byTestId(page, "history-filter-phone").fill(`${prefix}03`);
    await byTestId(page, "history-search").click();
    await byTestId(page, "history-row", { "call-id": heldId }).click();
    const detail = byTestId(page, "history-detail", { "call-id": heldId });
    await detail.waitFor();
    await byTestId(detail, "history-audit-row", { action: "take_over" }).waitFor();
    expect(await byTestId(detail, "history-outcome").textContent()).to.equal("Taken over");
    await checkAccessible(page, "history-call");
    await screenshotBoth(page, "history-call-export");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      byTestId(detail, "history-download").click(),
    ]);
    expect(download.suggestedFilename()).to.equal(`lifeline-call-${heldId}.txt`);
    const text = await readFile(await download.path(), "utf8");
    expect(text).to.include("Caller: I fell and my arm is bleeding");
    expect(text).to.include("Transcript").and.include("Audit trail");
    expect(text).to.match(/Dana Dispatcher took over the call/);
    expect(text).to.include("Outcome: Taken over");

    await page.emulateMedia({ media: "print" });
    expect(await byTestId(page, "history-filters").isVisible()).to.equal(false);
    expect(await page.locator("header.top").isVisible()).to.equal(false);
    expect(await byTestId(detail, "history-audit").isVisible()).to.equal(true);
    await page.setViewportSize(DESK);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "history-call-print.png"), fullPage: true });
    await page.emulateMedia({ media: "screen" });
    expectNoA11yFindings();
  });
});

/** `screenshotBoth`, with `target` scrolled into view at each width. */
async function screenshotBothAt(page: Page, name: string, target: Locator): Promise<void> {
  for (const [suffix, size] of [
    ["desk", DESK],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await target.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${suffix}.png`) });
  }
  await page.setViewportSize(DESK);
}

/** Waits until the archive trigger wrote the call's record. */
async function waitForArchive(store: Firestore, callId: string): Promise<void> {
  const ref = store.doc(firestore.archivedCallDoc("demo", callId));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`call ${callId} was not archived`));
    }, 30_000);
    const unsubscribe = ref.onSnapshot((snapshot) => {
      if (!snapshot.exists || snapshot.get("outcome") === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }, reject);
  });
}
