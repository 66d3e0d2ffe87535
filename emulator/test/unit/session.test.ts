/**
 * createSession driven by the real SDKs (firebase@12 modular and firebase-admin@13) against an
 * in-process server: the behaviours a session owns, end to end.
 */
import { expect } from "chai";
import { deleteApp, initializeApp, setLogLevel, type FirebaseApp } from "firebase/app";
import {
  connectDatabaseEmulator,
  get,
  getDatabase,
  goOffline,
  increment,
  limitToLast,
  onDisconnect,
  onValue,
  orderByChild,
  query,
  ref,
  runTransaction,
  serverTimestamp,
  set,
  update,
  type Database as ClientDatabase,
  type EmulatorMockTokenOptions,
} from "firebase/database";
import * as admin from "firebase-admin/app";
import { getDatabase as getAdminDatabase } from "firebase-admin/database";
import {
  startEmulator,
  uniqueNamespace,
  withTimeout,
  type TestEmulator,
} from "../helpers/emulator.js";

setLogLevel("silent");

describe("createSession", () => {
  let emulator: TestEmulator;
  const apps: FirebaseApp[] = [];
  const adminApps: admin.App[] = [];

  function client(namespace: string, mockUserToken?: EmulatorMockTokenOptions): ClientDatabase {
    const app = initializeApp(
      { projectId: "demo-session", databaseURL: emulator.databaseUrl(namespace) },
      uniqueNamespace("app"),
    );
    apps.push(app);
    const db = getDatabase(app);
    connectDatabaseEmulator(
      db,
      emulator.host,
      emulator.port,
      mockUserToken ? { mockUserToken } : {},
    );
    return db;
  }

  function adminDatabase(namespace: string) {
    // Admin reads the variable when the database is created; other suites set their own.
    const previous = process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
    process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = emulator.hostPort;
    try {
      const app = admin.initializeApp(
        { projectId: "demo-session", databaseURL: `https://${namespace}.firebaseio.com` },
        uniqueNamespace("admin"),
      );
      adminApps.push(app);
      return getAdminDatabase(app);
    } finally {
      if (previous === undefined) delete process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
      else process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = previous;
    }
  }

  /** Resolves with the first value seen at `path` that satisfies `accept`. */
  function valueWhere(
    db: ClientDatabase,
    path: string,
    accept: (value: unknown) => boolean,
  ): Promise<unknown> {
    return withTimeout(
      new Promise<unknown>((resolve, reject) => {
        const unsubscribe = onValue(
          ref(db, path),
          (snapshot) => {
            if (!accept(snapshot.val())) return;
            unsubscribe();
            resolve(snapshot.val());
          },
          reject,
        );
      }),
      10_000,
      `a matching value at ${path}`,
    );
  }

  function writerOf(dbs: ClientDatabase[]): ClientDatabase {
    const first = dbs[0];
    if (first === undefined) throw new Error("no client");
    return first;
  }

  before(async () => {
    emulator = await startEmulator();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
    await Promise.all(adminApps.splice(0).map((app) => admin.deleteApp(app)));
  });

  after(async () => {
    await emulator.stop();
  });

  it("delivers set, update and server values to another client's listener", async () => {
    const namespace = uniqueNamespace();
    const writer = client(namespace);
    const reader = client(namespace);
    await set(ref(writer, "room"), { a: 1, b: 2, n: 5 });
    await update(ref(writer, "room"), {
      a: null,
      "c/d": 3,
      n: increment(2),
      at: serverTimestamp(),
    });
    const value = (await valueWhere(
      reader,
      "room",
      (v) => v !== null && (v as { n: number }).n === 7,
    )) as Record<string, unknown>;
    expect(value).to.deep.include({ b: 2, c: { d: 3 }, n: 7 });
    expect(value["at"]).to.be.a("number");
    expect(value).not.to.have.property("a");
  });

  it("answers get with query-filtered data", async () => {
    const namespace = uniqueNamespace();
    const db = client(namespace);
    await set(ref(db, "scores"), { a: { n: 3 }, b: { n: 1 }, c: { n: 2 } });
    const other = client(namespace);
    const snapshot = await get(query(ref(other, "scores"), orderByChild("n"), limitToLast(2)));
    expect(snapshot.val()).to.deep.equal({ a: { n: 3 }, c: { n: 2 } });
  });

  it("commits concurrent transactions from several clients exactly", async () => {
    const namespace = uniqueNamespace();
    const dbs = [client(namespace), client(namespace), client(namespace)];
    await Promise.all(
      Array.from({ length: 15 }, (_, index) =>
        runTransaction(
          ref(dbs[index % 3] ?? writerOf(dbs), "counter"),
          (current: number | null) => (current ?? 0) + 1,
        ),
      ),
    );
    expect((await get(ref(client(namespace), "counter"))).val()).to.equal(15);
  });

  it("applies onDisconnect operations when the client goes offline, with the time of execution", async () => {
    const namespace = uniqueNamespace();
    const leaving = client(namespace);
    const observer = client(namespace);
    await onDisconnect(ref(leaving, "presence/alice")).set({
      online: false,
      at: serverTimestamp(),
    });
    await onDisconnect(ref(leaving, "presence/bob")).update({ online: false });
    await onDisconnect(ref(leaving, "presence/carol")).set(false);
    await onDisconnect(ref(leaving, "presence/carol")).cancel();
    const wentOffline = Date.now();
    goOffline(leaving);
    const value = (await valueWhere(observer, "presence", (v) => v !== null)) as Record<
      string,
      { at?: number }
    >;
    expect(value["alice"]?.at).to.be.at.least(wentOffline);
    expect(value["bob"]).to.deep.equal({ online: false });
    expect(value).not.to.have.property("carol");
  });

  it("counts a namespace's client connections open now, at most at once and in all", async () => {
    const engine = emulator.database;
    if (engine === undefined) throw new Error("the in-process emulator has no engine");
    const namespace = uniqueNamespace();
    const other = uniqueNamespace();
    const first = client(namespace);
    const second = client(namespace);
    await Promise.all([get(ref(first, "a")), get(ref(second, "a")), get(ref(client(other), "a"))]);
    expect(engine.connectionStats(namespace)).to.deep.equal({ open: 2, peak: 2, opened: 2 });
    goOffline(first);
    await withTimeout(
      (async () => {
        while (engine.connectionStats(namespace).open !== 1) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })(),
      5_000,
      "the closed connection was never counted",
    );
    expect(engine.connectionStats(namespace)).to.deep.equal({ open: 1, peak: 2, opened: 2 });
    expect(engine.connectionStats(other)).to.deep.equal({ open: 1, peak: 1, opened: 1 });
  });

  it("evaluates rules as the mock user, denies others, and lets admin bypass them", async () => {
    const namespace = uniqueNamespace();
    emulator.database?.setRules(
      namespace,
      '{"rules":{"users":{"$uid":{".read":"auth.uid == $uid",".write":"auth.uid == $uid"}}}}',
    );
    const alice = client(namespace, { user_id: "alice" });
    await set(ref(alice, "users/alice"), { name: "Alice" });
    const denied = await set(ref(alice, "users/bob"), { name: "x" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(denied).to.have.property("code", "PERMISSION_DENIED");
    const anonymousRead = await get(ref(client(namespace), "users/alice")).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(anonymousRead)).to.match(/Permission denied/);
    const db = adminDatabase(namespace);
    await db.ref("users/bob").set({ name: "Bob" });
    expect((await db.ref("users").once("value")).val()).to.deep.equal({
      alice: { name: "Alice" },
      bob: { name: "Bob" },
    });
  });

  it("cancels a listener whose read the new rules deny", async () => {
    const namespace = uniqueNamespace();
    const db = client(namespace);
    const cancelled = withTimeout(
      new Promise<unknown>((resolve) => {
        onValue(ref(db, "feed"), () => undefined, resolve);
      }),
      10_000,
      "the listener to be cancelled",
    );
    await set(ref(db, "feed/x"), 1);
    emulator.database?.setRules(namespace, '{"rules":{".read":false,".write":true}}');
    expect(await cancelled).to.have.property("code", "PERMISSION_DENIED");
  });
});
