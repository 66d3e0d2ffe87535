/**
 * Fault: the Realtime Database stops applying writes for 10 s in the middle of a five-turn call.
 * Uses the database emulator's fault control (`stallWrites`). Every turn is answered within the
 * answer budget meanwhile; once the writes go through, every turn lands once, in order.
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

/** The answer budget's default is 1,500 ms; the gateway must have its answer well within this. */
const ANSWER_LIMIT_MS = 2_500;
const STALL_MS = 10_000;

describe("fault: the database stalled 10 s during a five-turn call (fault control)", function () {
  this.timeout(180_000);
  usesFaultControl();

  // Pending: a deferred turn can be applied twice at once when the writes go through (two
  // "deferred turn applied" outcomes for one turn id, ~100 ms apart): the second rewrites the
  // turn's messages with new seqs and counts them again in the summary. Measured in 3 of 4 runs:
  // turns 2 and 3 both at seq 5–6 (3–4 skipped), or the summary counting 12 messages for 10.
  // Messages lost 0, doubled 0; answer times 1.41–1.46 s within the budget.
  it("answers every turn within the budget while writes stall; afterwards each lands once, in order", async () => {
    const tenant = await seedFaultTenant(admin);
    const caller = new Caller(tenant);
    await caller.say("Hello, I am calling about my father.");

    await setFaults({ stallWrites: true });
    const stalledAt = Date.now();
    const during = [
      "He collapsed in the garden and is not breathing",
      "I am doing compressions now",
      "He is moving a little",
    ];
    const times: number[] = [];
    for (const text of during) {
      const result = await caller.post(caller.next(text));
      times.push(Math.round(result.ms));
      caller.record(answerOf(result));
    }
    // The stall lasts its full length whatever the turns did: the fault is the time.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, stalledAt + STALL_MS - Date.now())),
    );
    await clearFaults();
    const after = await caller.post(caller.next("I can hear the ambulance now"));
    times.push(Math.round(after.ms));
    caller.record(answerOf(after));
    console.log(`      answer times (ms), turns 2–5: ${times.join(", ")}`);

    const ledger = caller.ledger(urgencyAlerts(tenant, caller.id(), true));
    await settle(admin, ledger, tenant.admin);
    await expectNothingLostOrDoubled(admin, "database stalled 10 s", ledger);
    for (const ms of times)
      expect(ms, `answer times ${times.join(", ")} ms`).to.be.below(ANSWER_LIMIT_MS);
  });
});
