/**
 * Fault: the Functions worker running a speech turn is killed (SIGKILL) in the middle of the turn,
 * and the gateway, which got no answer, retries the same turn id. Uses the database emulator's
 * fault control: writes are stalled so that the turn is certainly in flight when its worker dies.
 */
import { expect } from "chai";
import { setFaults, clearFaults } from "../support/faults.js";
import { adminSdk, type Admin } from "../../functions/test/emulator/support/emulators.js";
import { answerOf, Caller, seedFaultTenant, settle, urgencyAlerts } from "./support/call.js";
import { usesFaultControl, writesHeld } from "./support/fault-control.js";
import { expectNothingLostOrDoubled } from "./support/ledger.js";
import { functionWorkers, killAndReap } from "./support/processes.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

describe("fault: the Functions worker killed in the middle of a turn (fault control)", function () {
  this.timeout(180_000);
  usesFaultControl();

  it("kills the speechTurn worker while its turn waits on the database; the retry lands it once", async () => {
    const tenant = await seedFaultTenant(admin);
    const caller = new Caller(tenant);
    await caller.say("Hello, I need some help.");
    await caller.say("My husband fell off the ladder and hit his head");

    const body = caller.next("He is not answering me anymore");
    await setFaults({ stallWrites: true });
    const first = caller.post(body);
    await writesHeld();
    const workers = functionWorkers("speechTurn");
    expect(workers, "speechTurn workers").to.not.be.empty;
    await killAndReap(workers);
    const lost = await first;
    await clearFaults();
    // Whatever the first request got (an error, or an answer given before the worker died), the
    // gateway retries a turn it may not have delivered: the retry must get one answer and land once.
    const retry = await caller.postUntilAnswered(body);
    console.log(
      `      first request: ${lost.status}; the retry answered after ${retry.attempts} attempt(s)`,
    );
    const retried = answerOf(retry);
    if (lost.status === 200) expect(retried).to.deep.equal(lost.body);
    caller.record(retried);

    await caller.say("Okay, he is opening his eyes now");
    await caller.say("Thank you, I can hear the ambulance");
    const ledger = caller.ledger(urgencyAlerts(tenant, caller.id(), true));
    await settle(admin, ledger, tenant.admin);
    await expectNothingLostOrDoubled(admin, "Functions worker killed mid-turn", ledger);
  });

  // The instance dies after answering from the playbook, its task maybe not yet queued (in the
  // emulator the first enqueue waits on a service-account lookup): the turn's Firestore marker
  // holds it, and the call's next turn records it before its own messages.
  it("kills the speechTurn worker right after it answered within the budget, its write still waiting: the write lands once", async () => {
    const tenant = await seedFaultTenant(admin);
    const caller = new Caller(tenant);
    await caller.say("Hello, I need some help.");
    await caller.say("My husband fell off the ladder and hit his head");

    await setFaults({ stallWrites: true });
    // Answered from the playbook within the budget: the gateway has its answer and will not retry,
    // so from here on only the deferred write can put this turn in the transcript.
    const answered = await caller.post(caller.next("He is not answering me anymore"));
    caller.record(answerOf(answered));
    const workers = functionWorkers("speechTurn");
    expect(workers, "speechTurn workers").to.not.be.empty;
    await killAndReap(workers);
    await clearFaults();

    await caller.say("Okay, he is opening his eyes now");
    await caller.say("Thank you, I can hear the ambulance");
    const ledger = caller.ledger(urgencyAlerts(tenant, caller.id(), true));
    await settle(admin, ledger, tenant.admin);
    await expectNothingLostOrDoubled(
      admin,
      "Functions worker killed after a budget answer",
      ledger,
    );
  });
});
