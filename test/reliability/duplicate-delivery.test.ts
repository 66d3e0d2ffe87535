/**
 * Fault: every database event of a call delivered again — twice more, both at once — to the
 * triggers, as the at-least-once delivery of production may do. Needs no fault control.
 */
import { expect } from "chai";
import { alertAckPath, alertPath, inboxPath, messagesPath, tenantPath } from "@lifeline/model";
import { unwatchedAlertId } from "../../functions/src/domain/fanout.js";
import { adminSdk, type Admin } from "../../functions/test/emulator/support/emulators.js";
import {
  replayDatabaseEvent,
  waitFor,
} from "../../functions/test/emulator/support/triggers-env.js";
import { Caller, quiesce, seedFaultTenant, settle, urgencyAlerts } from "./support/call.js";
import { expectNothingLostOrDoubled } from "./support/ledger.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

function entries(value: unknown): [string, Record<string, unknown>][] {
  return Object.entries(
    typeof value === "object" && value !== null
      ? (value as Record<string, Record<string, unknown>>)
      : {},
  );
}

describe("fault: duplicate trigger delivery", function () {
  this.timeout(180_000);

  it("replays every message, alert and acknowledgement event twice at once: nothing lost, nothing doubled", async () => {
    const tenant = await seedFaultTenant(admin);
    const caller = new Caller(tenant);
    await caller.say("Hello, I am just checking in.");
    await caller.say("There is a fire in the kitchen and smoke everywhere");
    await caller.say("I am outside now, on the street.");
    const callId = caller.id();
    const ledger = caller.ledger(urgencyAlerts(tenant, callId, true));
    await settle(admin, ledger, tenant.admin);

    const urgencyId = `${callId}-urgency`;
    const ack = { status: "acknowledged", note: "on my way", at: Date.now() };
    await admin.database.ref(alertAckPath(tenant.tenantId, urgencyId, tenant.dispatcher)).set(ack);
    await waitFor<{ status: string }>(
      admin.database,
      `${inboxPath(tenant.dispatcher)}/${urgencyId}`,
      (item) => item?.status === "acknowledged",
    );
    // The acknowledgement answers the page to the admins, if the call raised one: the snapshot
    // below is the settled state only once that has run (triggers run side by side, so the
    // sentinels of `quiesce` can pass a slower run).
    const pagePath = alertPath(tenant.tenantId, unwatchedAlertId(urgencyId));
    if ((await admin.database.ref(pagePath).get()).exists()) {
      await waitFor<{ status: string }>(
        admin.database,
        pagePath,
        (page) => page?.status === "resolved",
      );
    }
    await quiesce(admin, tenant.tenantId, tenant.admin);
    const snapshot = async () => ({
      tenant: (await admin.database.ref(tenantPath(tenant.tenantId)).get()).val() as unknown,
      inboxes: await Promise.all(
        [tenant.admin, tenant.dispatcher].map(
          async (uid) => (await admin.database.ref(inboxPath(uid)).get()).val() as unknown,
        ),
      ),
    });
    const settled = await snapshot();

    const twice = (deliver: () => Promise<void>) => Promise.all([deliver(), deliver()]);
    const messages: unknown = (
      await admin.database.ref(messagesPath(tenant.tenantId, callId)).get()
    ).val();
    for (const [messageId, message] of entries(messages)) {
      const path = `${messagesPath(tenant.tenantId, callId)}/${messageId}`;
      await twice(() => replayDatabaseEvent("fanOutMessage", "created", path, null, message));
    }
    for (const { id } of ledger.alerts) {
      const path = alertPath(tenant.tenantId, id);
      const current = (await admin.database.ref(path).get()).val() as Record<string, unknown>;
      // The event that opened the alert, as first delivered: open, nobody's acknowledgement yet.
      const opened: Record<string, unknown> = { ...current, status: "open" };
      delete opened.acks;
      await twice(() => replayDatabaseEvent("fanOutAlert", "written", path, null, opened));
    }
    const ackPath = alertAckPath(tenant.tenantId, urgencyId, tenant.dispatcher);
    await twice(() => replayDatabaseEvent("applyAcknowledgement", "written", ackPath, null, ack));

    await quiesce(admin, tenant.tenantId, tenant.admin);
    await expectNothingLostOrDoubled(admin, "duplicate trigger delivery", ledger);
    // Stronger than the counts: apart from the sentinels, not one byte changed.
    const after = await snapshot();
    expect(withoutSentinels(after)).to.deep.equal(withoutSentinels(settled));
  });
});

/** The state without the records `quiesce` writes (their ids start with "sentinel-"). */
function withoutSentinels(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutSentinels);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith("sentinel-"))
      .map(([key, child]) => [key, withoutSentinels(child)]),
  );
}
