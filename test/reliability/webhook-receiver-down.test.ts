/**
 * Fault: the tenant's webhook receiver is down when a critical call goes unwatched — first it
 * drops connections, then it answers 503 — and only later accepts. The "nobody watching" page
 * still arrives, exactly once by `webhook-id`. Needs no fault control.
 */
import { expect } from "chai";
import { adminSdk, freshId, type Admin } from "../../functions/test/emulator/support/emulators.js";
import {
  startWebhookStandIn,
  type WebhookCall,
  type WebhookStandIn,
} from "../../functions/test/emulator/support/triggers-webhook.js";
import { Caller, seedFaultTenant, settle, urgencyAlerts } from "./support/call.js";
import { expectNothingLostOrDoubled } from "./support/ledger.js";

let admin: Admin;
let receiver: WebhookStandIn;

before(async () => {
  admin = adminSdk();
  receiver = await startWebhookStandIn();
});

after(async () => {
  await receiver.close();
  await admin.close();
});

function webhookId(call: WebhookCall): string {
  const id = call.headers["webhook-id"];
  return typeof id === "string" ? id : "";
}

describe("fault: the webhook receiver down", function () {
  this.timeout(180_000);

  it("delivers the nobody-watching page once the receiver is back, exactly once by webhook-id", async () => {
    const hook = `/${freshId("hook")}`;
    const tenant = await seedFaultTenant(admin, { unwatchedWebhookUrl: `${receiver.url}${hook}` });
    const accepted = new Map<string, number>();
    let refusals = 0;
    // Down: the first attempt finds no one (connection dropped), the next one a 503; then back.
    receiver.dropConnections = true;
    receiver.respond = (call) => {
      if (call.path !== hook) return 204;
      if (refusals === 0) {
        refusals++;
        return 503;
      }
      accepted.set(webhookId(call), (accepted.get(webhookId(call)) ?? 0) + 1);
      return 204;
    };

    const caller = new Caller(tenant);
    await caller.say("Hello, I work alone in the warehouse tonight");
    await caller.say("There is a fire in the loading bay and smoke everywhere");
    await receiver.waitForDropped(1, 60_000);
    receiver.dropConnections = false;
    const delivered = await receiver.waitForCalls(hook, 2, 60_000);
    await caller.say("I am outside at the gate now");

    const ledger = caller.ledger(urgencyAlerts(tenant, caller.id(), true));
    await settle(admin, ledger, tenant.admin);
    const attempts = receiver.calls.filter((call) => call.path === hook);
    const ids = new Set(attempts.map(webhookId));
    console.log(
      `      webhook: ${receiver.dropped} dropped, ${attempts.length} answered (${refusals} with 503), ` +
        `accepted ${[...accepted.values()].reduce((a, b) => a + b, 0)} for ${accepted.size} webhook-id`,
    );
    expect(ids.size, "one webhook-id on every attempt").to.equal(1);
    expect([...ids][0], "webhook-id").to.match(/^msg_/);
    expect([...accepted.values()], "accepted once").to.deep.equal([1]);
    expect(delivered[1]?.body).to.deep.include({
      event: "alert.unwatched",
      tenantId: tenant.tenantId,
      callId: caller.id(),
    });
    await expectNothingLostOrDoubled(admin, "webhook receiver down", ledger);
  });
});
