/**
 * Fault: the Realtime Database goes away mid-call as if restarted: every open connection is
 * dropped and new ones are refused for a few seconds, then it is back. Uses the database
 * emulator's fault control (`dropSockets` + `refuseConnections`). The call goes on: the turn made
 * while it is down is answered within the budget, and every turn lands once, in order.
 */
import { expect } from "chai";
import { clearFaults, setFaults } from "../support/faults.js";
import { adminSdk, type Admin } from "../../functions/test/emulator/support/emulators.js";
import { answerOf, Caller, seedFaultTenant, settle, urgencyAlerts } from "./support/call.js";
import { usesFaultControl } from "./support/fault-control.js";
import { expectNothingLostOrDoubled } from "./support/ledger.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

const ANSWER_LIMIT_MS = 2_500;
const DOWN_MS = 4_000;

describe("fault: the database restarted mid-call (fault control)", function () {
  this.timeout(180_000);
  usesFaultControl();

  it("drops every connection and refuses new ones for 4 s; the call goes on, nothing lost or doubled", async () => {
    const tenant = await seedFaultTenant(admin);
    const caller = new Caller(tenant);
    await caller.say("Hello, I am on the night shift at the plant");
    await caller.say("I smell gas in the hallway");

    await setFaults({ dropSockets: true, refuseConnections: true });
    const downAt = Date.now();
    const during = await caller.post(caller.next("The smell is getting stronger"));
    caller.record(answerOf(during));
    console.log(`      answer time with the database down: ${Math.round(during.ms)} ms`);
    // The outage lasts its full length whatever the turn did: the fault is the time.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + DOWN_MS - Date.now())));
    await clearFaults();

    await caller.say("I opened the windows and went outside");
    await caller.say("The gas company is here now");
    const ledger = caller.ledger(urgencyAlerts(tenant, caller.id(), true));
    await settle(admin, ledger, tenant.admin);
    await expectNothingLostOrDoubled(admin, "database restarted mid-call", ledger);
    expect(during.ms, "answer time with the database down").to.be.below(ANSWER_LIMIT_MS);
  });
});
