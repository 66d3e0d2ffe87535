import { expect } from "chai";
import { commit, type Write } from "../../../src/firestore/commit.js";
import { FirestoreError } from "../../../src/firestore/errors.js";
import {
  CONTENTION_MESSAGE,
  EXPIRED_MESSAGE,
  LOCK_TIMEOUT_MESSAGE,
  TransactionManager,
} from "../../../src/firestore/transactions.js";
import type { DocumentStore } from "../../../src/firestore/store.js";
import { formatTimestamp, getField, type Value } from "../../../src/firestore/values.js";
import { docName, int, pinnedStore, failure } from "./helpers.js";

const A = docName("c/a");
const B = docName("c/b");

function setN(name: string, n: number): Write {
  return { update: { name, fields: { n: int(n) } } };
}

function mergeFlag(name: string, flag: string): Write {
  return {
    update: { name, fields: { [flag]: { booleanValue: true } } },
    updateMask: { fieldPaths: [flag] },
  };
}

async function rejection(promise: Promise<unknown>): Promise<FirestoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FirestoreError) return error;
    throw error;
  }
  throw new Error("expected a FirestoreError");
}

function setup(options: { lockTimeoutMs?: number } = {}): {
  store: DocumentStore;
  tx: TransactionManager;
  advance: (n: bigint) => void;
  tick: (ms: number) => void;
} {
  const { store, advance } = pinnedStore();
  let ms = 0;
  const tx = new TransactionManager(store, { now: () => ms, ...options });
  return {
    store,
    tx,
    advance,
    tick: (step) => {
      ms += step;
    },
  };
}

function nOf(store: DocumentStore, name: string): Value | undefined {
  return getField(store.getDocument(name)?.fields, ["n"]);
}

/** Whether a promise has settled, after letting every queued callback run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/** The Admin SDK's loop: run the body in a fresh transaction until the commit is not ABORTED. */
async function runTransaction(
  tx: TransactionManager,
  body: (id: string) => Promise<Write[]>,
): Promise<number> {
  let previous: string | undefined;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const id = tx.begin(
      previous === undefined ? {} : { readWrite: { retryTransaction: previous } },
    );
    previous = id;
    try {
      await tx.commit(id, await body(id));
      return attempt;
    } catch (error) {
      if (!(error instanceof FirestoreError) || error.code !== "ABORTED") throw error;
    }
  }
  throw new Error("never committed");
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("TransactionManager", function () {
  describe("commit", function () {
    it("commits a read-write transaction's writes at one commit time", async function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      const response = await tx.commit(id, [setN(A, 2), setN(B, 2)]);
      expect(nOf(store, A)).to.deep.equal(int(2));
      expect(store.getDocument(B)?.updateTime).to.equal(response.commitTime);
    });

    it("keeps preconditions: a failed create inside a transaction applies nothing", async function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      const error = await rejection(
        tx.commit(id, [setN(B, 1), { ...setN(A, 2), currentDocument: { exists: false } }]),
      );
      expect(error.code).to.equal("ALREADY_EXISTS");
      expect(store.getDocument(B)).to.equal(undefined);
    });
  });

  describe("locks", function () {
    it("makes a plain write to a document a transaction read wait until the transaction commits", async function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      tx.get(id, A);
      const write = tx.write([setN(A, 5)]);
      expect(await settled(write)).to.equal(false);
      await tx.commit(id, [setN(A, 2)]); // not aborted: the writer waited
      await write;
      expect(nOf(store, A)).to.deep.equal(int(5));
    });

    it("lets a plain write to a document no transaction read through at once", async function () {
      const { store, tx } = setup();
      const id = tx.begin();
      tx.get(id, A);
      const write = tx.write([setN(B, 9)]);
      expect(await settled(write)).to.equal(true);
      expect(nOf(store, B)).to.deep.equal(int(9));
      await tx.commit(id, [setN(A, 1)]);
    });

    it("releases a lock on rollback", async function () {
      const { store, tx } = setup();
      const id = tx.begin();
      tx.get(id, A);
      const write = tx.write([setN(A, 5)]);
      expect(await settled(write)).to.equal(false);
      tx.rollback(id);
      await write;
      expect(nOf(store, A)).to.deep.equal(int(5));
    });

    it("releases the locks of a transaction left idle past the timeout", async function () {
      const { store, tx, tick } = setup();
      const id = tx.begin();
      tx.get(id, A);
      const write = tx.write([setN(A, 5)]);
      expect(await settled(write)).to.equal(false);
      tick(61_000);
      tx.sweep();
      await write;
      expect(nOf(store, A)).to.deep.equal(int(5));
      expect(failure(() => tx.get(id, A)).message).to.equal(EXPIRED_MESSAGE);
    });

    it("fails a write that waits past the lock timeout with ABORTED", async function () {
      const { store } = pinnedStore();
      const tx = new TransactionManager(store, { lockTimeoutMs: 20 });
      const id = tx.begin();
      tx.get(id, A);
      const error = await rejection(tx.write([setN(A, 5)]));
      expect(error.code).to.equal("ABORTED");
      expect(error.message).to.equal(LOCK_TIMEOUT_MESSAGE);
      expect(store.getDocument(A)).to.equal(undefined);
      await tx.commit(id, [setN(A, 1)]);
    });

    it("makes BatchWrite wait for a lock too", async function () {
      const { store, tx } = setup();
      const id = tx.begin();
      tx.get(id, A);
      const batch = tx.batchWrite([setN(A, 5), setN(B, 5)]);
      expect(await settled(batch)).to.equal(false);
      await tx.commit(id, []);
      expect((await batch).status.map((s) => s.code)).to.deep.equal([0, 0]);
      expect(nOf(store, A)).to.deep.equal(int(5));
    });

    it("locks query results recorded with recordReads", async function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      tx.recordReads(id, [{ name: A, doc: store.get(A) }]);
      const write = tx.write([setN(A, 2)]);
      expect(await settled(write)).to.equal(false);
      await tx.commit(id, []);
      await write;
    });
  });

  describe("contention between transactions", function () {
    it("lets an older transaction wound a younger one that read the same document", async function () {
      const { store, tx } = setup();
      const older = tx.begin();
      const younger = tx.begin();
      tx.get(older, A);
      tx.get(younger, A);
      await tx.commit(older, [setN(A, 1)]);
      const error = await rejection(tx.commit(younger, [setN(A, 2)]));
      expect(error.code).to.equal("ABORTED");
      expect(error.message).to.equal(CONTENTION_MESSAGE);
      expect(nOf(store, A)).to.deep.equal(int(1));
    });

    it("makes a younger transaction wait for an older one, then aborts it", async function () {
      const { store, tx } = setup();
      const older = tx.begin();
      const younger = tx.begin();
      tx.get(older, A);
      tx.get(younger, A);
      const waiting = tx.commit(younger, [setN(A, 2)]);
      expect(await settled(waiting)).to.equal(false);
      await tx.commit(older, [setN(A, 1)]);
      expect((await rejection(waiting)).code).to.equal("ABORTED");
      expect(nOf(store, A)).to.deep.equal(int(1));
    });

    it("does not abort transactions that read different documents", async function () {
      const { store, tx } = setup();
      const first = tx.begin();
      const second = tx.begin();
      tx.get(first, A);
      tx.get(second, B);
      await tx.commit(second, [setN(B, 2)]);
      await tx.commit(first, [setN(A, 1)]);
      expect([nOf(store, A), nOf(store, B)]).to.deep.equal([int(1), int(2)]);
    });

    it("runs two racing read-modify-write transactions in three attempts, losing no update", async function () {
      const { store, tx } = setup();
      let attempts = 0;
      const both = [deferred(), deferred()];
      const racer = (mine: 0 | 1, flag: string) =>
        runTransaction(tx, async (id) => {
          attempts++;
          tx.get(id, A);
          both[mine]?.resolve();
          await both[mine === 0 ? 1 : 0]?.promise;
          return [mergeFlag(A, flag)];
        });
      await Promise.all([racer(0, "first"), racer(1, "second")]);
      expect(attempts).to.equal(3);
      expect(store.getDocument(A)?.fields).to.deep.equal({
        first: { booleanValue: true },
        second: { booleanValue: true },
      });
    });

    it("counts every increment of concurrent counter transactions", async function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 0)]);
      const increment = async (id: string): Promise<Write[]> => {
        const current = tx.get(id, A)?.fields.n;
        await new Promise((resolve) => setImmediate(resolve));
        if (current === undefined || !("integerValue" in current)) throw new Error("no counter");
        return [setN(A, Number(current.integerValue) + 1)];
      };
      await Promise.all(Array.from({ length: 4 }, () => runTransaction(tx, increment)));
      expect(nOf(store, A)).to.deep.equal(int(4));
    });
  });

  describe("lifecycle", function () {
    it("refuses to commit or roll back a transaction twice or an unknown id", async function () {
      const { tx } = setup();
      const id = tx.begin();
      await tx.commit(id, []);
      expect((await rejection(tx.commit(id, []))).message).to.equal(EXPIRED_MESSAGE);
      const other = tx.begin();
      tx.rollback(other);
      expect(
        failure(() => {
          tx.rollback(other);
        }).code,
      ).to.equal("INVALID_ARGUMENT");
      expect(failure(() => tx.get("bm9wZQ==", A)).code).to.equal("INVALID_ARGUMENT");
      expect(tx.openCount).to.equal(0);
    });

    it("ends a wounded transaction on its next call", async function () {
      const { tx } = setup();
      const older = tx.begin();
      const younger = tx.begin();
      tx.get(older, A);
      tx.get(younger, A);
      await tx.commit(older, [setN(A, 1)]);
      expect(failure(() => tx.get(younger, B)).code).to.equal("ABORTED");
      expect(failure(() => tx.get(younger, B)).message).to.equal(EXPIRED_MESSAGE);
    });

    it("expires a transaction left idle past the timeout, not one in use", async function () {
      const { tx, tick } = setup();
      const idle = tx.begin();
      const busy = tx.begin();
      for (let i = 0; i < 3; i++) {
        tick(40_000);
        tx.get(busy, A);
      }
      expect((await rejection(tx.commit(idle, []))).message).to.equal(EXPIRED_MESSAGE);
      await tx.commit(busy, []);
    });
  });

  describe("read-only", function () {
    it("reads at its snapshot, ignoring later commits, and locks nothing", async function () {
      const { store, tx, advance } = setup();
      commit(store, [setN(A, 1)]);
      advance(1_000_000n);
      const id = tx.begin({ readOnly: {} });
      advance(1_000_000n);
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      await tx.write([setN(A, 2)]);
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      await tx.commit(id, []);
    });

    it("reads at a given past readTime", async function () {
      const { store, tx, advance } = setup();
      const first = commit(store, [setN(A, 1)]);
      advance(1_000_000n);
      commit(store, [setN(A, 2)]);
      const id = tx.begin({ readOnly: { readTime: first.commitTime } });
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      expect(formatTimestamp(tx.readTimeOf(id))).to.equal(first.commitTime);
      await tx.commit(id, []);
    });

    it("refuses writes", async function () {
      const { store, tx } = setup();
      const id = tx.begin({ readOnly: {} });
      expect((await rejection(tx.commit(id, [setN(A, 1)]))).code).to.equal("INVALID_ARGUMENT");
      expect(store.getDocument(A)).to.equal(undefined);
    });

    it("refuses a read time older than the store keeps", function () {
      const { tx } = setup();
      expect(
        failure(() => tx.begin({ readOnly: { readTime: "2000-01-01T00:00:00Z" } })).code,
      ).to.equal("FAILED_PRECONDITION");
    });
  });
});

describe("TransactionManager.writeStats", () => {
  const DB = "projects/p/databases/(default)";

  it("counts every applied write of commits, transactions and batch writes as Firestore bills them", async () => {
    const { tx } = setup();
    await tx.write([setN(A, 1), setN(docName("c/a/audit/x"), 1)]);
    await tx.write([setN(A, 1)]);
    const id = tx.begin();
    tx.get(id, A);
    await tx.commit(id, [setN(A, 2), { delete: docName("c/missing") }]);
    const batch = await tx.batchWrite([
      setN(B, 1),
      { ...setN(docName("c/new"), 1), currentDocument: { exists: true } },
    ]);
    expect(batch.status.map((s) => s.code)).to.deep.equal([0, 5]);
    expect(tx.writeStats.of(DB)).to.deep.equal({
      commits: 4,
      writes: 6,
      unchanged: 2,
      byCollection: { c: 5, audit: 1 },
    });
  });

  it("counts nothing for a refused commit, an empty commit or another database", async () => {
    const { tx } = setup();
    const refused = await rejection(
      tx.write([setN(A, 1), { ...setN(B, 1), currentDocument: { exists: true } }]),
    );
    expect(refused.code).to.equal("NOT_FOUND");
    const id = tx.begin();
    await tx.commit(id, []);
    expect(tx.writeStats.of(DB)).to.deep.equal({
      commits: 0,
      writes: 0,
      unchanged: 0,
      byCollection: {},
    });
    await tx.write([setN("projects/p/databases/other/documents/c/a", 1)]);
    expect(tx.writeStats.of(DB).writes).to.equal(0);
    expect(tx.writeStats.of("projects/p/databases/other").writes).to.equal(1);
  });

  it("returns copies: counts read earlier do not move", async () => {
    const { tx } = setup();
    const before = tx.writeStats.of(DB);
    await tx.write([setN(A, 1)]);
    expect(before.writes).to.equal(0);
    expect(before.byCollection).to.deep.equal({});
    expect(tx.writeStats.of(DB).writes).to.equal(1);
  });
});
