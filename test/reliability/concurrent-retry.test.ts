/**
 * Fault: the gateway retries a turn while the first request for it is still running (a timeout on
 * its side, not on ours), so the same turn id arrives several times at once. Needs no fault control.
 */
import { expect } from "chai";
import { adminSdk, type Admin } from "../../functions/test/emulator/support/emulators.js";
import { gatewayToken } from "../../functions/test/emulator/support/gateway-client.js";
import { answerOf, Caller, seedFaultTenant, settle, urgencyAlerts } from "./support/call.js";
import { expectNothingLostOrDoubled } from "./support/ledger.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

const CONVERSATION = [
  "Hello, is someone there?",
  "My neighbour collapsed and is not breathing",
  "I am doing compressions now",
  "She is moving a little",
  "I can hear the ambulance",
];
/** How many copies of each turn are in flight together. */
const COPIES = 3;

describe("fault: a turn retried while the first is still running", function () {
  this.timeout(180_000);

  // Pending: in 2 of 7 runs a copy got a 500 because the speechTurn worker crashed: the speech
  // turn's `waitForTurn` (functions/src/store/turn-claims.ts) reads `listener` inside `finish()`, and
  // `ref.on("value")` calls back synchronously when the turn record is already in the local cache,
  // before `const listener` is initialised ("Cannot access 'listener' before initialization",
  // thrown from the SDK's callback, so the worker dies with every request on it). When no copy hit
  // it: turns 5, messages lost 0 doubled 0, alerts lost 0 doubled 0, inbox lost 0 doubled 0.
  it(`sends each of five turns ${COPIES} times at once: one answer per turn, nothing lost, nothing doubled`, async () => {
    const tenant = await seedFaultTenant(admin);
    const caller = new Caller(tenant);
    const token = await gatewayToken();
    // As many warm speechTurn workers as copies in flight, from calls of their own. A copy that
    // lands on a worker still starting (seconds on a loaded machine) can run out of the answer
    // budget before it reads anything and is answered without the caller's name, by design (the
    // caller is answered whatever the stores do): a cold start, not the retry this test is about.
    await Promise.all(
      Array.from({ length: COPIES }, async () => {
        const other = new Caller(tenant);
        answerOf(await other.post(other.next("Hello, just checking in."), token));
      }),
    );
    for (const text of CONVERSATION) {
      const body = caller.next(text);
      const results = await Promise.all(
        Array.from({ length: COPIES }, () => caller.post(body, token)),
      );
      const answers = results.map(answerOf);
      for (const answer of answers.slice(1)) expect(answer).to.deep.equal(answers[0]);
      const [first] = answers;
      if (first !== undefined) caller.record(first);
    }
    const ledger = caller.ledger(urgencyAlerts(tenant, caller.id(), true));
    await settle(admin, ledger, tenant.admin);
    await expectNothingLostOrDoubled(admin, "turn retried while running", ledger);
  });
});
