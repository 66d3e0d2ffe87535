/**
 * `npm run admin -- tenants move` against the running emulator suite (two instances): its
 * refusals (exit code, message, and nothing written: no mark on the record or the instance, no
 * copy), and a move there and back with the tenant's live data, its members' inboxes and
 * revocations identical on the new instance, only the markers left on the old one, the record and
 * the members' `db` claims switched. What happens to calls during a move is in
 * test/reliability/tenant-move.test.ts.
 */
import { expect } from "chai";
import type { Database } from "firebase-admin/database";
import {
  adminSdk,
  cliTargets,
  call,
  freshId,
  signIn,
  type Admin,
} from "../../functions/test/emulator/support/emulators.js";
import { runCli, runCliJson, type Run } from "./cli.js";
import { closeInstanceDatabases, instanceDatabase } from "../../scripts/admin/operations.js";
import { lateWrites, leaves, moveTenant } from "../../scripts/admin/move.js";
import {
  alertPath,
  firestore,
  inboxItemPath,
  inboxPath,
  revocationPath,
  tenantDocSchema,
  tenantMovedToPath,
  tenantMovingPath,
  tenantPath,
} from "@lifeline/model";

const MAIN = "demo-lifeline-default-rtdb";
const SECOND = "demo-lifeline-shard-2";

let admin: Admin;
let second: Database;

before(() => {
  admin = adminSdk();
  second = instanceDatabase(cliTargets(admin), SECOND);
});

after(async () => {
  closeInstanceDatabases();
  await admin.close();
});

const cli = (...args: string[]): Promise<Run> => runCli(() => admin, ...args);
const json = (...args: string[]): Promise<unknown> => runCliJson(() => admin, ...args);

const dbOf = (instance: string) => (instance === MAIN ? admin.database : second);
const read = async (db: Database, path: string): Promise<unknown> =>
  (await db.ref(path).get()).val();
const record = async (tenantId: string) =>
  tenantDocSchema.parse((await admin.firestore.doc(firestore.tenantDoc(tenantId)).get()).data());

async function newTenant(database?: string): Promise<string> {
  const id = freshId("tenant");
  await json(
    "tenants",
    "create",
    id,
    "--name",
    `Tenant ${id}`,
    ...(database === undefined ? [] : ["--database", database]),
  );
  return id;
}

/** Nothing of a refused move anywhere: no mark on the record or the old instance, no copy. */
async function expectNothingWritten(tenantId: string, on: string, other: string): Promise<void> {
  const stored = await record(tenantId);
  expect(stored.moving, "record marked").to.equal(undefined);
  expect(stored.movedFrom, "record switched").to.equal(undefined);
  expect(await read(dbOf(on), tenantMovingPath(tenantId)), "instance marked").to.equal(null);
  expect(await read(dbOf(other), tenantPath(tenantId)), "copied").to.equal(null);
}

describe("admin tenants move: refusals", () => {
  it("refuses an unknown tenant and the instance the tenant is on with exit 1, writing nothing", async () => {
    const unknown = await cli("tenants", "move", freshId("nobody"), "--to", SECOND);
    expect(unknown.code, unknown.stderr).to.equal(1);
    expect(unknown.stderr).to.match(/no tenant/);

    const id = await newTenant();
    const same = await cli("tenants", "move", id, "--to", MAIN);
    expect(same.code, same.stderr).to.equal(1);
    expect(same.stderr).to.match(/already lives on demo-lifeline-default-rtdb/);
    await expectNothingWritten(id, MAIN, SECOND);
  });

  it("refuses a malformed instance name, an instance outside the project and no --to with exit 2", async () => {
    const id = await newTenant();
    for (const [to, message] of [
      ["Bad/Name", /not a database instance name/],
      ["other-project-db", /not a Lifeline instance/],
    ] as const) {
      const run = await cli("tenants", "move", id, "--to", to);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.match(message);
    }
    const missing = await cli("tenants", "move", id);
    expect(missing.code, missing.stderr).to.equal(2);
    expect(missing.stderr).to.match(/--to is required/);
    await expectNothingWritten(id, MAIN, SECOND);
  });

  it("refuses a target that already holds the tenant's data with exit 1, writing nothing", async () => {
    const id = await newTenant();
    await second.ref(`${tenantPath(id)}/calls/stale`).set({ status: "ended" });
    const run = await cli("tenants", "move", id, "--to", SECOND);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(/already holds data under tenants\/.* \(calls\)/);
    const stored = await record(id);
    expect(stored.moving).to.equal(undefined);
    expect(await read(admin.database, tenantMovingPath(id))).to.equal(null);
    expect(await read(second, tenantPath(id))).to.deep.equal({
      calls: { stale: { status: "ended" } },
    });
  });

  it("refuses a second move while one is marked, and undoes a marked move with --abort", async () => {
    const id = await newTenant();
    const move = { to: "demo-lifeline-shard-3", since: Date.now() };
    await admin.firestore.doc(firestore.tenantDoc(id)).update({ moving: move });
    await admin.database.ref(tenantMovingPath(id)).set(move);
    const run = await cli("tenants", "move", id, "--to", SECOND);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(/already moving to demo-lifeline-shard-3/);
    expect((await record(id)).moving).to.deep.equal(move);
    expect(await read(second, tenantPath(id))).to.equal(null);

    const undone = (await json("tenants", "move", id, "--abort")) as { to: string; from: string };
    expect(undone).to.deep.include({ from: MAIN, to: "demo-lifeline-shard-3" });
    await expectNothingWritten(id, MAIN, SECOND);
    const again = await cli("tenants", "move", id, "--abort");
    expect(again.code, again.stderr).to.equal(1);
    expect(again.stderr).to.match(/is not moving/);
  });
});

describe("admin tenants move", () => {
  it("copies everything to the new instance, leaves only the markers, and switches the record and claims; and back", async function () {
    this.timeout(60_000);
    const id = await newTenant();
    await json("subjects", "add", id, "subject-a", "--name", "Ada", "--phone", "+15550109001");
    const email = `${freshId("dispatcher")}@${id}.test`;
    const member = (await json(
      "members",
      "add",
      id,
      "--email",
      email,
      "--name",
      "Dee",
      "--role",
      "dispatcher",
      "--password",
      "correct-horse-battery",
    )) as { uid: string };
    // Live data no trigger acts on by itself, so the copy is compared with a still picture.
    await admin.database.ref().update({
      [`${tenantPath(id)}/calls/call-1`]: {
        subjectId: "subject-a",
        phone: "+15550109001",
        medium: "voice",
        status: "active",
        urgency: "urgent",
        owner: { kind: "ai", since: 1 },
        startedAt: 1,
        lastMessageAt: 2,
        messageCount: 2,
        lastSnippet: "help",
      },
      [`${tenantPath(id)}/turns/call-1/turn-1`]: { status: "done", fingerprint: "f", at: 2 },
      [`${tenantPath(id)}/presence/${member.uid}`]: { state: "online", lastSeen: 3, name: "Dee" },
      [inboxItemPath(member.uid, "call-1-urgency")]: {
        tenantId: id,
        severity: "urgent",
        title: "Urgent call",
        at: 2,
        status: "open",
        callId: "call-1",
      },
      [revocationPath(member.uid)]: 5,
    });
    const before = await read(admin.database, tenantPath(id));
    const inbox = await read(admin.database, inboxPath(member.uid));

    const report = (await json("tenants", "move", id, "--to", SECOND, "--settle-seconds", "0")) as {
      from: string;
      to: string;
      copied: { tenant: Record<string, number>; inboxItems: number; revocations: number };
      members: { claimsSet: number };
      timings: Record<string, number>;
    };
    expect(report).to.deep.include({ from: MAIN, to: SECOND });
    expect(report.copied).to.deep.include({ inboxItems: 1, revocations: 1 });
    expect(report.copied.tenant).to.deep.include({
      calls: 1,
      turns: 1,
      presence: 1,
      subjects: 1,
      members: 1,
    });
    expect(report.members.claimsSet).to.equal(1);
    expect(report.timings).to.have.keys([
      "mark",
      "settle",
      "copy",
      "switch",
      "claims",
      "catch up",
      "clean up",
    ]);

    expect(await read(second, tenantPath(id))).to.deep.equal(before);
    expect(await read(second, inboxPath(member.uid))).to.deep.equal(inbox);
    expect(await read(second, revocationPath(member.uid))).to.equal(5);
    const left = (await read(admin.database, tenantPath(id))) as Record<string, unknown>;
    expect(Object.keys(left)).to.have.members(["moving", "movedTo"]);
    expect(await read(admin.database, tenantMovedToPath(id))).to.deep.include({ to: SECOND });
    expect(await read(admin.database, inboxPath(member.uid))).to.equal(null);
    expect(await read(admin.database, revocationPath(member.uid))).to.equal(null);
    const switched = await record(id);
    expect(switched.database).to.equal(SECOND);
    expect(switched.moving).to.equal(undefined);
    expect(switched.movedFrom).to.equal(undefined);
    expect((await admin.auth.getUser(member.uid)).customClaims).to.deep.equal({
      tenant: id,
      role: "dispatcher",
      db: SECOND,
    });

    // Back to the default instance, where only the markers were left: no `database`, no `db`.
    await json("tenants", "move", id, "--to", MAIN, "--settle-seconds", "0");
    expect(await read(admin.database, tenantPath(id))).to.deep.equal(before);
    expect(Object.keys((await read(second, tenantPath(id))) as object)).to.have.members([
      "moving",
      "movedTo",
    ]);
    expect((await record(id)).database).to.equal(undefined);
    expect((await admin.auth.getUser(member.uid)).customClaims).to.deep.equal({
      tenant: id,
      role: "dispatcher",
    });
  });
});

describe("admin tenants move: resuming", () => {
  it("continues a move stopped before its switch, and finishes one stopped after it", async function () {
    this.timeout(60_000);
    // Stopped after the mark (the instance's marker never written): the re-run marks, copies, switches.
    const id = await newTenant();
    await admin.database.ref(`${tenantPath(id)}/calls/call-1`).set({ status: "ended" });
    const move = { to: SECOND, since: Date.now() - 60_000 };
    await admin.firestore.doc(firestore.tenantDoc(id)).update({ moving: move });
    const continued = (await json("tenants", "move", id, "--to", SECOND)) as {
      resumed: unknown;
      timings: Record<string, number>;
    };
    expect(continued.resumed).to.equal("copy");
    // The settle ran from the first run's mark, long past.
    expect(continued.timings.settle).to.be.below(1_000);
    expect(await read(second, `${tenantPath(id)}/calls/call-1`)).to.deep.equal({ status: "ended" });
    expect((await record(id)).database).to.equal(SECOND);

    // Stopped after the switch (claims, catch-up and clean-up not done): the re-run finishes, and
    // adds what only the old copy holds (its snapshot of the copy is gone: nothing is overwritten).
    const other = await newTenant();
    await admin.database.ref().update({
      [`${tenantPath(other)}/calls/call-1`]: { status: "ended" },
      [`${tenantPath(other)}/calls/call-2`]: { status: "active" },
      [tenantMovingPath(other)]: move,
    });
    await second.ref(`${tenantPath(other)}/calls/call-1`).set({ status: "ended" });
    await admin.firestore
      .doc(firestore.tenantDoc(other))
      .update({ database: SECOND, movedFrom: { from: MAIN, at: Date.now() } });
    const finished = (await json("tenants", "move", other, "--to", SECOND)) as {
      resumed: unknown;
      lateWrites: unknown;
    };
    expect(finished).to.deep.include({
      resumed: "finish",
      lateWrites: { carried: 1, conflicts: 0 },
    });
    expect(await read(second, `${tenantPath(other)}/calls`)).to.deep.equal({
      "call-1": { status: "ended" },
      "call-2": { status: "active" },
    });
    expect(Object.keys((await read(admin.database, tenantPath(other))) as object)).to.have.members([
      "moving",
      "movedTo",
    ]);
    expect((await record(other)).movedFrom).to.equal(undefined);
    const done = await cli("tenants", "move", other, "--to", SECOND);
    expect(done.code, done.stderr).to.equal(1);
    expect(done.stderr).to.match(/already lives on demo-lifeline-shard-2/);
  });
});

describe("lateWrites (the move's catch-up)", () => {
  const base = leaves({ a: { status: "open", level: 0 }, b: 1 }, "t");

  it("carries over what changed on the old instance where the new one still holds the copy", () => {
    const theirs = leaves({ a: { status: "acknowledged", level: 0 }, b: 1, c: { x: true } }, "t");
    expect(lateWrites(base, theirs, base)).to.deep.equal({
      update: { "t/a/status": "acknowledged", "t/c/x": true },
      conflicts: 0,
    });
  });

  it("removes what the old instance removed, and keeps the new instance's own change as a conflict", () => {
    const theirs = leaves({ a: { status: "resolved" } }, "t");
    const ours = leaves({ a: { status: "acknowledged", level: 0 }, b: 1 }, "t");
    expect(lateWrites(base, theirs, ours)).to.deep.equal({
      update: { "t/a/level": null, "t/b": null },
      conflicts: 1,
    });
  });

  it("only adds what the new instance lacks when there is no copy to compare with (a resumed finish)", () => {
    const theirs = leaves({ a: { status: "resolved" }, d: 4 }, "t");
    expect(lateWrites(undefined, theirs, base)).to.deep.equal({
      update: { "t/d": 4 },
      conflicts: 0,
    });
  });
});

describe("admin tenants move: while it runs", () => {
  it("answers a member's request with 503 and a machine-readable reason while the tenant is marked", async function () {
    this.timeout(60_000);
    const id = await newTenant();
    const email = `${freshId("admin")}@${id}.test`;
    await json(
      "members",
      "add",
      id,
      "--email",
      email,
      "--name",
      "Ari",
      "--role",
      "admin",
      "--password",
      "correct-horse-battery",
    );
    const { idToken } = await signIn(email, "correct-horse-battery");
    const before = await call("history", "GET", `/${id}`, { token: idToken });
    expect(before.status, JSON.stringify(before.body)).to.equal(200);

    const move = { to: SECOND, since: Date.now() };
    await admin.firestore.doc(firestore.tenantDoc(id)).update({ moving: move });
    // A warm function instance keeps an ordinary placement up to SETTINGS_CACHE_SECONDS: that is
    // what the move's settle waits out. Here the answer changes once the cache has expired.
    const deadline = Date.now() + 45_000;
    let reply = await call("history", "GET", `/${id}`, { token: idToken });
    while (reply.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      reply = await call("history", "GET", `/${id}`, { token: idToken });
    }
    expect(reply.status, JSON.stringify(reply.body)).to.equal(503);
    expect(reply.headers.get("retry-after")).to.equal("5");
    expect(reply.body).to.deep.nested.include({
      "error.status": "UNAVAILABLE",
      "error.details.reason": "tenant_moving",
      "error.details.to": SECOND,
    });
    await json("tenants", "move", id, "--abort");
  });

  it("carries over a write made on the old instance after the copy, and keeps the new instance's own change", async function () {
    this.timeout(60_000);
    const id = await newTenant();
    const alert = {
      kind: "urgency",
      severity: "urgent",
      callId: "call-1",
      title: "Urgent call",
      at: 1,
      status: "open",
      level: 0,
    };
    await admin.database.ref(alertPath(id, "call-1-urgency")).set(alert);
    const report = await moveTenant(cliTargets(admin), id, SECOND, {
      settleSeconds: 0,
      catchUpMs: 500,
      progress: (line) => {
        // Between the switch and the catch-up: a trigger that still saw "moving" wrote on the
        // old instance, and the new instance changed the same alert's level on its own.
        if (!line.startsWith("carrying over")) return;
        void admin.database
          .ref(alertPath(id, "call-1-urgency"))
          .update({ status: "acknowledged", level: 1 });
        void second.ref(`${alertPath(id, "call-1-urgency")}/level`).set(2);
      },
    });
    expect(report.lateWrites).to.deep.equal({ carried: 1, conflicts: 1 });
    expect(await read(second, alertPath(id, "call-1-urgency"))).to.deep.include({
      status: "acknowledged",
      level: 2,
    });
  });
});
