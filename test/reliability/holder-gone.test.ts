/**
 * Fault: the browser of the supervisor holding a call dies (its process is killed) without handing
 * the call back. Once the tenant's grace has passed, the caller's next turn is answered by the
 * assistant, and the lapse raises one `hold_lapsed` alert. Needs no fault control.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { callOwnerPath, type Owner, presencePath } from "@lifeline/model";
import { adminSdk, type Admin } from "../../functions/test/emulator/support/emulators.js";
import { waitFor } from "../../functions/test/emulator/support/triggers-env.js";
import { Caller, seedFaultTenant, settle } from "./support/call.js";
import { expectNothingLostOrDoubled, transcript } from "./support/ledger.js";

let admin: Admin;
let holder: ChildProcess | undefined;

before(() => {
  admin = adminSdk();
});

afterEach(() => {
  holder?.kill("SIGKILL");
  holder = undefined;
});

after(async () => {
  await admin.close();
});

const GRACE_SECONDS = 2;

/** Starts the holder's "browser" and resolves once it holds the call. */
function startHolder(args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./support/holder.ts", import.meta.url)), ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("holding")) resolve(child);
    });
    child.on("exit", (code) => {
      reject(new Error(`holder exited (${String(code)}): ${errors}`));
    });
  });
}

describe("fault: the holder's browser gone", function () {
  this.timeout(180_000);

  it("gives the call back to the assistant after the grace, raising hold_lapsed once", async () => {
    // Lapsing after caller turns is a separate rule; a high count keeps it out of this test.
    const tenant = await seedFaultTenant(
      admin,
      { holdGraceSeconds: GRACE_SECONDS, holdLapseTurns: 10 },
      { withAccounts: true },
    );
    const account = tenant.dispatcherAccount;
    if (account === undefined) throw new Error("the tenant was seeded without accounts");
    const caller = new Caller(tenant);
    await caller.say("Hello, I would like to ask about my prescription");
    const callId = caller.id();

    holder = await startHolder([
      account.email,
      account.password,
      account.uid,
      tenant.tenantId,
      callId,
      account.name,
    ]);
    const held = await waitFor<Owner>(
      admin.database,
      callOwnerPath(tenant.tenantId, callId),
      (owner) => owner?.kind === "human",
    );
    if (held?.kind !== "human") throw new Error("the call was not taken over");
    const holding = await caller.say("It is the blue pills");
    expect(holding.owner).to.deep.equal({ kind: "human", name: account.name });

    holder.kill("SIGKILL");
    holder = undefined;
    const gone = await waitFor<{ state: string; lastSeen: number }>(
      admin.database,
      presencePath(tenant.tenantId, account.uid),
      (presence) => presence?.state === "offline",
    );
    // The grace is the fault's length: the hold may lapse only once it has passed.
    const lapseAt = (gone?.lastSeen ?? Date.now()) + GRACE_SECONDS * 1000 + 250;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lapseAt - Date.now())));

    const answered = await caller.say("Is anyone still there?");
    expect(answered.owner).to.deep.equal({ kind: "ai" });
    const owner: unknown = (
      await admin.database.ref(callOwnerPath(tenant.tenantId, callId)).get()
    ).val();
    expect(owner).to.deep.include({ kind: "ai" });
    expect((owner as { lapsed?: unknown }).lapsed).to.deep.equal({
      uid: account.uid,
      name: account.name,
      reason: "offline",
    });
    await caller.say("Thanks, that helps");

    const lapseId = `hold-${callId}-${held.since}`;
    const ledger = caller.ledger([
      { id: lapseId, kind: "hold_lapsed", recipients: [tenant.admin, tenant.dispatcher] },
    ]);
    await settle(admin, ledger, tenant.admin);
    const messages = await transcript(admin, tenant.tenantId, callId);
    const systemLines = messages.filter((m) => m.role === "system").map((m) => m.text);
    expect(systemLines, "a system line for the lapse").to.not.be.empty;
    expect(new Set(systemLines).size, "no system line twice").to.equal(systemLines.length);
    const heldTurn = caller.turns[1]?.turnId;
    expect(
      messages.find((m) => m.turnId === heldTurn && m.role === "assistant")?.sources,
      "the holding line",
    ).to.deep.equal(["holding"]);
    await expectNothingLostOrDoubled(admin, "holder's browser gone", ledger);
  });
});
