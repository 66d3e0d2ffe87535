/**
 * A dashboard open while its tenant moves to another database instance (`tenants move`): the
 * `movedTo` marker left on the old instance makes the page refresh its token and reconnect to the
 * new instance on its own, without signing the member out; its calls are there. While the move
 * runs, the page says that actions are paused and that callers are still answered.
 */
import { expect } from "chai";
import { getAuth } from "firebase-admin/auth";
import { getDatabase } from "firebase-admin/database";
import { getFirestore } from "firebase-admin/firestore";
import { deleteApp } from "firebase-admin/app";
import { callPath } from "@lifeline/model";
import { emulatorApp, DEMO_PASSWORD } from "../../scripts/seed.js";
import {
  addMember,
  closeInstanceDatabases,
  createTenant,
  tenantDatabase,
  type AdminTargets,
} from "../../scripts/admin/operations.js";
import { moveTenant } from "../../scripts/admin/move.js";
import { byTestId, screenshot, screenshotBoth } from "./support/browser.js";
import { browserSuite } from "./support/suite.js";

const SECOND = "demo-lifeline-shard-2";

describe("dashboard while its tenant moves (browser, end to end)", function () {
  const suite = browserSuite();

  it("reconnects to the new instance on its own, still signed in, with the tenant's calls", async () => {
    const app = emulatorApp(`e2e-move-${Date.now()}`);
    const targets: AdminTargets = {
      auth: getAuth(app),
      database: getDatabase(app),
      firestore: getFirestore(app),
    };
    try {
      const tenantId = `move-${Date.now().toString(36)}`;
      await createTenant(targets, { id: tenantId, name: "Moving Line" });
      const email = `dispatcher@${tenantId}.lifeline.test`;
      await addMember(targets, tenantId, {
        email,
        name: "Mo Dispatcher",
        role: "dispatcher",
        password: DEMO_PASSWORD,
      });
      await (await tenantDatabase(targets, tenantId)).ref(callPath(tenantId, "call-moving")).set({
        phone: "+15555550199",
        medium: "voice",
        status: "active",
        urgency: "normal",
        owner: { kind: "ai", since: Date.now() },
        startedAt: Date.now(),
        lastMessageAt: Date.now(),
        messageCount: 0,
        lastSnippet: "",
      });

      const sockets: string[] = [];
      const { page } = await suite.dashboardFor(email, (opened) => {
        opened.on("websocket", (socket) => sockets.push(socket.url()));
        return Promise.resolve();
      });
      await byTestId(page, "call-row", { "call-id": "call-moving" }).waitFor();
      const namespaces = () =>
        sockets
          .filter((url) => url.includes("/.ws"))
          .map((url) => new URL(url).searchParams.get("ns"));
      expect(namespaces()).to.not.include(SECOND);

      // A short settle (no function holds this fresh tenant's placement): long enough to see
      // the page say that actions are paused while the move runs.
      const moved = moveTenant(targets, tenantId, SECOND, { settleSeconds: 4, catchUpMs: 500 });
      moved.catch(() => undefined);
      const movingNotice = byTestId(page, "moving-notice");
      await movingNotice.waitFor();
      expect(await movingNotice.textContent()).to.match(/actions are paused/);
      await screenshotBoth(page, "tenant-moving");
      await moved;

      const deadline = Date.now() + 30_000;
      while (!namespaces().includes(SECOND) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(namespaces(), "the page's connections").to.include(SECOND);
      await byTestId(page, "app").waitFor();
      await byTestId(page, "call-row", { "call-id": "call-moving" }).waitFor();
      await byTestId(page, "connection-indicator", { state: "online" }).waitFor();
      expect(await byTestId(page, "signin-form").count()).to.equal(0);
      expect(await byTestId(page, "moving-notice").count(), "notice after the move").to.equal(0);
      await screenshot(page, "tenant-move-reconnected");
    } finally {
      closeInstanceDatabases();
      await deleteApp(app);
    }
  });
});
