/**
 * Spec §16 items 29–31 through the real firebase-tools: trigger registration, delivery of every
 * database event type to v1 and v2 functions, rules from firebase.json, exported hosts, trigger
 * re-registration and imports that must not fire. Run with emulator/test/firebase-tools/run.mjs.
 */
import { expect } from "chai";
import { deleteApp, initializeApp, setLogLevel, type FirebaseApp } from "firebase/app";
import { connectDatabaseEmulator, getDatabase, ref, set } from "firebase/database";
import {
  initializeTestEnvironment,
  withFunctionTriggersDisabled,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  Admin,
  exportedVariable,
  NAMESPACE,
  param,
  PROJECT,
  splitHost,
  uniqueId,
  withId,
  type Seen,
} from "./support.js";

// The client SDK logs each expected permission_denied as a warning; the tests assert them instead.
setLogLevel("silent");

const FIXTURE_FUNCTIONS = [
  "v2written",
  "v2created",
  "v2updated",
  "v2deleted",
  "v2deep",
  "v2authed",
  "v1write",
  "v1create",
  "v1update",
  "v1delete",
  "v1authed",
];

const V2_TYPE = "google.firebase.database.ref.v1";
// firebase-functions presents the legacy providers/google.firebase.database/eventTypes/ref.<x> this way.
const V1_TYPE = "google.firebase.database.ref";

interface BackendsResponse {
  backends?: { functionTriggers?: { id?: string; name?: string }[] }[];
}

interface HubEmulators {
  functions?: { host: string; port: number };
}

function clientApp(options: { mockUserToken?: { sub: string } } = {}): FirebaseApp {
  const app = initializeApp(
    { projectId: PROJECT, databaseURL: `https://${NAMESPACE}.firebaseio.com` },
    uniqueId("client"),
  );
  const { host, port } = splitHost(exportedVariable("FIREBASE_DATABASE_EMULATOR_HOST"));
  connectDatabaseEmulator(getDatabase(app), host, port, options);
  return app;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

describe("firebase-tools integration (spec §16 items 29–31)", function () {
  this.timeout(60_000);
  let admin: Admin;

  before(async function () {
    // The Functions emulator starts one worker process per function on its first event, which takes
    // seconds on a small machine. Start them all here, once, so each test below waits only on delivery.
    this.timeout(180_000);
    admin = new Admin();
    const id = uniqueId("warm");
    await admin.database.ref().update({
      [`v2/written/${id}`]: 1,
      [`v2/created/${id}`]: 1,
      [`v2/updated/${id}`]: 1,
      [`v2/deleted/${id}`]: 1,
      [`v2/deep/${id}`]: 1,
      [`v1/write/${id}`]: 1,
      [`v1/create/${id}`]: 1,
      [`v1/update/${id}`]: 1,
      [`v1/delete/${id}`]: 1,
    });
    await admin.database.ref().update({
      [`v2/updated/${id}`]: 2,
      [`v2/deleted/${id}`]: null,
      [`v1/update/${id}`]: 2,
      [`v1/delete/${id}`]: null,
    });
    const isWarmUp = (seen: Seen): boolean =>
      param(seen, "id") === id || param(seen, "rest") === id;
    const app = clientApp({ mockUserToken: { sub: "warm-up" } });
    try {
      await set(ref(getDatabase(app), `authed/${id}`), 1);
    } finally {
      await deleteApp(app);
    }
    await Promise.all(
      FIXTURE_FUNCTIONS.map((name) => admin.waitForRecords(name, isWarmUp, 1, 170_000)),
    );
  });

  after(async () => {
    await admin.close();
  });

  /**
   * Writes one sentinel for a v2 and a v1 function and waits for both: deliveries caused by earlier
   * writes are sent no later than these, so once they have run, a late duplicate would be visible.
   */
  async function barrier(): Promise<void> {
    const id = uniqueId("barrier");
    await admin.database.ref().update({ [`v2/written/${id}`]: true, [`v1/write/${id}`]: true });
    await Promise.all([
      admin.waitForRecords("v2written", withId(id)),
      admin.waitForRecords("v1write", withId(id)),
    ]);
  }

  describe("the script environment", () => {
    it("exports FIREBASE_DATABASE_EMULATOR_HOST pointing at the fixture's database port", () => {
      expect(exportedVariable("FIREBASE_DATABASE_EMULATOR_HOST")).to.match(/:9410$/);
    });

    it("exports the Emulator Hub, which lists our database emulator", async () => {
      const hub = exportedVariable("FIREBASE_EMULATOR_HUB");
      const response = await fetch(`http://${hub}/emulators`);
      const emulators = (await response.json()) as Record<string, { port?: number }>;
      expect(emulators["database"]?.port).to.equal(9410);
    });

    it("reaches our database emulator with RTDB_EMULATOR_FAULTS=1 from emulators.mjs --faults", async function () {
      if (process.env["LIFELINE_OFFICIAL"] === "1") this.skip();
      const host = exportedVariable("FIREBASE_DATABASE_EMULATOR_HOST");
      const response = await fetch(`http://${host}/.faults`);
      expect(response.status, await response.text()).to.equal(200);
    });
  });

  describe("trigger registration (item 29)", () => {
    it("loads every fixture function into the Functions emulator", async () => {
      const hub = exportedVariable("FIREBASE_EMULATOR_HUB");
      const emulators = (await (await fetch(`http://${hub}/emulators`)).json()) as HubEmulators;
      const functions = emulators.functions;
      if (functions === undefined) throw new Error("the Hub lists no Functions emulator");
      const response = await fetch(`http://${functions.host}:${functions.port}/backends`);
      const body = (await response.json()) as BackendsResponse;
      const ids = (body.backends ?? []).flatMap((backend) =>
        (backend.functionTriggers ?? []).map((trigger) => trigger.id ?? trigger.name),
      );
      expect(ids).to.include.members(FIXTURE_FUNCTIONS.map((name) => `us-central1-${name}`));
    });
  });

  describe("rules from firebase.json (item 31)", () => {
    it("loads the fixture's rules file into <project>-default-rtdb", async () => {
      const host = exportedVariable("FIREBASE_DATABASE_EMULATOR_HOST");
      const response = await fetch(`http://${host}/.settings/rules.json?ns=${NAMESPACE}`, {
        headers: { Authorization: "Bearer owner" },
      });
      expect(response.status).to.equal(200);
      expect(await response.text()).to.contain("conformance-fixture-rules");
    });

    it("denies an unauthenticated client write in <project>-default-rtdb", async () => {
      const app = clientApp();
      try {
        const error = await rejectionOf(set(ref(getDatabase(app), `locked/${uniqueId("w")}`), 1));
        expect(errorCode(error)).to.equal("PERMISSION_DENIED");
      } finally {
        await deleteApp(app);
      }
    });

    it("leaves ns=<projectId> (rules-unit-testing's default) on the open default rules", async () => {
      const host = exportedVariable("FIREBASE_DATABASE_EMULATOR_HOST");
      const response = await fetch(`http://${host}/${uniqueId("open")}.json?ns=${PROJECT}`, {
        method: "PUT",
        body: "1",
      });
      expect(response.status).to.equal(200);
    });
  });

  describe("v2 delivery (item 30)", () => {
    it("fires onValueWritten for a create, an update and a delete with before/after and {id}", async () => {
      const id = uniqueId("w");
      const node = admin.database.ref(`v2/written/${id}`);
      await node.set({ a: 1, b: 2 });
      await admin.waitForRecords("v2written", withId(id), 1);
      await node.set({ a: 1 });
      await admin.waitForRecords("v2written", withId(id), 2);
      await node.remove();
      const seen = await admin.waitForRecords("v2written", withId(id), 3);
      expect(seen.map((s) => [s["before"], s["after"]])).to.deep.equal([
        [null, { a: 1, b: 2 }],
        [{ a: 1, b: 2 }, { a: 1 }],
        [{ a: 1 }, null],
      ]);
      for (const s of seen) {
        expect(s["type"]).to.equal(`${V2_TYPE}.written`);
        expect(s["ref"]).to.match(new RegExp(`^/?v2/written/${id}$`));
        expect(s["instance"]).to.equal(NAMESPACE);
        expect(s["authType"]).to.equal("admin");
      }
    });

    it("fires onValueCreated once for a new node and not for its later update", async () => {
      const id = uniqueId("c");
      await admin.database.ref(`v2/created/${id}`).set({ x: "new" });
      const [seen] = await admin.waitForRecords("v2created", withId(id));
      expect(seen?.["after"]).to.deep.equal({ x: "new" });
      expect(seen?.["type"]).to.equal(`${V2_TYPE}.created`);
      await admin.database.ref(`v2/created/${id}/x`).set("changed");
      await barrier();
      expect(await admin.records("v2created", withId(id))).to.have.length(1);
    });

    it("fires onValueUpdated with a key removed by set() absent from after", async () => {
      const id = uniqueId("u");
      const node = admin.database.ref(`v2/updated/${id}`);
      await node.set({ keep: 1, drop: 2 });
      await node.set({ keep: 1, add: 3 });
      const [seen] = await admin.waitForRecords("v2updated", withId(id));
      expect(seen?.["before"]).to.deep.equal({ keep: 1, drop: 2 });
      expect(seen?.["after"]).to.deep.equal({ keep: 1, add: 3 });
      expect(seen?.["type"]).to.equal(`${V2_TYPE}.updated`);
      await barrier();
      expect(await admin.records("v2updated", withId(id))).to.have.length(1);
    });

    it("fires onValueDeleted with the deleted value", async () => {
      const id = uniqueId("d");
      const node = admin.database.ref(`v2/deleted/${id}`);
      await node.set({ gone: true });
      await node.remove();
      const [seen] = await admin.waitForRecords("v2deleted", withId(id));
      expect(seen?.["before"]).to.deep.equal({ gone: true });
      expect(seen?.["type"]).to.equal(`${V2_TYPE}.deleted`);
    });

    it("captures several segments in a {rest=**} parameter", async () => {
      const id = uniqueId("deep");
      await admin.database.ref(`v2/deep/${id}/y/z`).set("leaf");
      const match = (s: Seen): boolean => param(s, "rest") === `${id}/y/z`;
      const [seen] = await admin.waitForRecords("v2deep", match);
      expect(seen?.["after"]).to.equal("leaf");
    });

    it("fires one event per child for one write to the parent", async () => {
      const ids = [uniqueId("n"), uniqueId("n"), uniqueId("n")];
      await admin.database
        .ref("v2/written")
        .update(Object.fromEntries(ids.map((id, index) => [id, index])));
      const seen = await admin.waitForRecords(
        "v2written",
        (s) => ids.includes(String(param(s, "id"))),
        3,
      );
      expect(seen.map((s) => [param(s, "id"), s["after"]]).sort()).to.deep.equal(
        ids.map((id, index) => [id, index]).sort(),
      );
      await barrier();
      const all = await admin.records("v2written", (s) => ids.includes(String(param(s, "id"))));
      expect(all).to.have.length(3);
    });

    it("reports an authenticated client write as app_user with its uid", async () => {
      const id = uniqueId("a");
      const app = clientApp({ mockUserToken: { sub: "alice" } });
      try {
        await set(ref(getDatabase(app), `authed/${id}`), "hi");
      } finally {
        await deleteApp(app);
      }
      const [seen] = await admin.waitForRecords("v2authed", withId(id));
      expect(seen?.["authType"]).to.equal("app_user");
      expect(seen?.["authId"]).to.equal("alice");
    });
  });

  describe("v1 delivery (item 30)", () => {
    it("fires ref().onWrite with the change, params, resource and ADMIN auth", async () => {
      const id = uniqueId("w1");
      const node = admin.database.ref(`v1/write/${id}`);
      await node.set({ a: 1, b: 2 });
      await admin.waitForRecords("v1write", withId(id), 1);
      await node.set({ a: 1 });
      const seen = await admin.waitForRecords("v1write", withId(id), 2);
      expect(seen.map((s) => [s["before"], s["after"]])).to.deep.equal([
        [null, { a: 1, b: 2 }],
        [{ a: 1, b: 2 }, { a: 1 }],
      ]);
      for (const s of seen) {
        expect(s["eventType"]).to.equal(`${V1_TYPE}.write`);
        expect(s["resource"]).to.equal(`projects/_/instances/${NAMESPACE}/refs/v1/write/${id}`);
        expect(s["authType"]).to.equal("ADMIN");
      }
    });

    it("fires ref().onCreate, onUpdate and onDelete for their events only", async () => {
      const id = uniqueId("cud");
      await admin.database.ref().update({
        [`v1/create/${id}`]: "c",
        [`v1/update/${id}`]: "u0",
        [`v1/delete/${id}`]: "d",
      });
      const [created] = await admin.waitForRecords("v1create", withId(id));
      expect(created?.["after"]).to.equal("c");
      expect(created?.["eventType"]).to.equal(`${V1_TYPE}.create`);

      await admin.database.ref().update({ [`v1/update/${id}`]: "u1", [`v1/delete/${id}`]: null });
      const [updated] = await admin.waitForRecords("v1update", withId(id));
      expect([updated?.["before"], updated?.["after"]]).to.deep.equal(["u0", "u1"]);
      expect(updated?.["eventType"]).to.equal(`${V1_TYPE}.update`);
      const [deleted] = await admin.waitForRecords("v1delete", withId(id));
      expect(deleted?.["before"]).to.equal("d");
      expect(deleted?.["eventType"]).to.equal(`${V1_TYPE}.delete`);

      await barrier();
      expect(await admin.records("v1create", withId(id))).to.have.length(1);
      expect(await admin.records("v1update", withId(id))).to.have.length(1);
      expect(await admin.records("v1delete", withId(id))).to.have.length(1);
    });

    it("reports an authenticated client write as USER with its uid", async () => {
      const id = uniqueId("a1");
      const app = clientApp({ mockUserToken: { sub: "bob" } });
      try {
        await set(ref(getDatabase(app), `authed/${id}`), "hi");
      } finally {
        await deleteApp(app);
      }
      const [seen] = await admin.waitForRecords("v1authed", withId(id));
      expect(seen?.["authType"]).to.equal("USER");
      expect(seen?.["authUid"]).to.equal("bob");
    });
  });

  describe("re-registration and imports (items 29, 30)", () => {
    let testEnv: RulesTestEnvironment;

    before(async () => {
      // Discovers the database emulator and the Hub from the variables emulators:exec exported.
      testEnv = await initializeTestEnvironment({ projectId: PROJECT });
    });

    after(async () => {
      await testEnv.cleanup();
    });

    it("fires nothing while triggers are disabled and exactly once after re-registration", async function () {
      // Re-enabling reloads the functions: their workers start cold again.
      this.timeout(180_000);
      const coldStart = 150_000;
      const during = uniqueId("off");
      const afterwards = uniqueId("on");
      await withFunctionTriggersDisabled(async () => {
        await admin.database.ref().update({
          [`v2/written/${during}`]: 1,
          [`v1/write/${during}`]: 1,
        });
      });
      await admin.database.ref().update({
        [`v2/written/${afterwards}`]: 2,
        [`v1/write/${afterwards}`]: 2,
      });
      await Promise.all([
        admin.waitForRecords("v2written", withId(afterwards), 1, coldStart),
        admin.waitForRecords("v1write", withId(afterwards), 1, coldStart),
      ]);
      await barrier();
      expect(await admin.records("v2written", withId(afterwards))).to.have.length(1);
      expect(await admin.records("v1write", withId(afterwards))).to.have.length(1);
      expect(await admin.records("v2written", withId(during))).to.have.length(0);
      expect(await admin.records("v1write", withId(during))).to.have.length(0);
    });

    it("fires nothing for an import with disableTriggers=true", async () => {
      const host = exportedVariable("FIREBASE_DATABASE_EMULATOR_HOST");
      const namespace = uniqueId(`${PROJECT}-import`);
      const imported = uniqueId("imp");
      const sentinel = uniqueId("sentinel");
      const owner = { Authorization: "Bearer owner", "Content-Type": "application/json" };
      const load = await fetch(
        `http://${host}/.json?ns=${namespace}&disableTriggers=true&writeSizeLimit=unlimited`,
        {
          method: "PUT",
          headers: owner,
          body: JSON.stringify({ v2: { written: { [imported]: 1 }, created: { [imported]: 1 } } }),
        },
      );
      expect(load.status).to.equal(200);
      // A normal write to the same namespace does fire: once it has, the import would have too.
      const write = await fetch(`http://${host}/v2/written/${sentinel}.json?ns=${namespace}`, {
        method: "PUT",
        headers: owner,
        body: "2",
      });
      expect(write.status).to.equal(200);
      const [seen] = await admin.waitForRecords("v2written", withId(sentinel));
      expect(seen?.["instance"]).to.equal(namespace);
      await barrier();
      expect(await admin.records("v2written", withId(imported))).to.have.length(0);
      expect(await admin.records("v2created", withId(imported))).to.have.length(0);
    });
  });
});
