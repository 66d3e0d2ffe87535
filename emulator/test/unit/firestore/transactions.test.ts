import { expect } from "chai";
import { commit, type Write } from "../../../src/firestore/commit.js";
import { FirestoreError } from "../../../src/firestore/errors.js";
import {
  CONTENTION_MESSAGE,
  EXPIRED_MESSAGE,
  TransactionManager,
} from "../../../src/firestore/transactions.js";
import type { DocumentStore } from "../../../src/firestore/store.js";
import { formatTimestamp, getField, type Value } from "../../../src/firestore/values.js";
import { docName, int, pinnedStore } from "./helpers.js";

const A = docName("c/a");
const B = docName("c/b");

function setN(name: string, n: number): Write {
  return { update: { name, fields: { n: int(n) } } };
}

function failure(run: () => unknown): FirestoreError {
  try {
    run();
  } catch (error) {
    if (error instanceof FirestoreError) return error;
    throw error;
  }
  throw new Error("expected a FirestoreError");
}

function setup(): {
  store: DocumentStore;
  tx: TransactionManager;
  advance: (n: bigint) => void;
  tick: (ms: number) => void;
} {
  const { store, advance } = pinnedStore();
  let ms = 0;
  const tx = new TransactionManager(store, { now: () => ms });
  return { store, tx, advance, tick: (step) => (ms += step) };
}

function nOf(store: DocumentStore, name: string): Value | undefined {
  return getField(store.getDocument(name)?.fields, ["n"]);
}

/** The Admin SDK's loop: run the body in a fresh transaction until the commit is not ABORTED. */
function runTransaction(
  tx: TransactionManager,
  body: (id: string) => Write[],
  interleave: () => void,
): number {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const id = tx.begin({ readWrite: {} });
    const writes = body(id);
    if (attempt === 1) interleave();
    try {
      tx.commit(id, writes);
      return attempt;
    } catch (error) {
      if (!(error instanceof FirestoreError) || error.code !== "ABORTED") throw error;
    }
  }
  throw new Error("never committed");
}

describe("TransactionManager", function () {
  describe("read-write commit", function () {
    it("commits when nothing it read changed", function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      const response = tx.commit(id, [setN(A, 2)]);
      expect(nOf(store, A)).to.deep.equal(int(2));
      expect(store.getDocument(A)?.updateTime).to.equal(response.commitTime);
    });

    it("aborts with production's contention message when a read document changed, writing nothing", function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      tx.get(id, A);
      commit(store, [setN(A, 5)]);
      const error = failure(() => tx.commit(id, [setN(A, 2), setN(B, 2)]));
      expect(error.code).to.equal("ABORTED");
      expect(error.message).to.equal(CONTENTION_MESSAGE);
      expect(nOf(store, A)).to.deep.equal(int(5));
      expect(store.getDocument(B)).to.equal(undefined);
    });

    it("aborts when a document read as missing was created, and when one read was deleted", function () {
      const { store, tx } = setup();
      commit(store, [setN(B, 1)]);
      const id = tx.begin();
      tx.get(id, A);
      commit(store, [setN(A, 1)]);
      expect(failure(() => tx.commit(id, [])).code).to.equal("ABORTED");
      const second = tx.begin();
      tx.get(second, B);
      commit(store, [{ delete: B }]);
      expect(failure(() => tx.commit(second, [setN(B, 2)])).code).to.equal("ABORTED");
    });

    it("does not abort for writes to documents it never read", function () {
      const { store, tx } = setup();
      const id = tx.begin();
      tx.get(id, A);
      commit(store, [setN(B, 9)]);
      tx.commit(id, [setN(A, 1)]);
      expect(nOf(store, A)).to.deep.equal(int(1));
    });

    it("tracks query results recorded with recordReads", function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      tx.recordReads(id, [{ name: A, doc: store.get(A) }]);
      commit(store, [setN(A, 2)]);
      expect(failure(() => tx.commit(id, [])).code).to.equal("ABORTED");
    });

    it("lets two transactions that read the same counter both land, one after a retry", function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 0)]);
      const increment = (id: string): Write[] => {
        const current = tx.get(id, A)?.fields.n;
        if (current === undefined || !("integerValue" in current)) throw new Error("no counter");
        return [setN(A, Number(current.integerValue) + 1)];
      };
      const attempts = runTransaction(tx, increment, () => {
        expect(runTransaction(tx, increment, () => undefined)).to.equal(1);
      });
      expect(attempts).to.equal(2);
      expect(nOf(store, A)).to.deep.equal(int(2));
    });

    it("keeps preconditions: a failed create inside a transaction applies nothing", function () {
      const { store, tx } = setup();
      commit(store, [setN(A, 1)]);
      const id = tx.begin();
      const error = failure(() =>
        tx.commit(id, [setN(B, 1), { ...setN(A, 2), currentDocument: { exists: false } }]),
      );
      expect(error.code).to.equal("ALREADY_EXISTS");
      expect(store.getDocument(B)).to.equal(undefined);
    });
  });

  describe("lifecycle", function () {
    it("refuses to commit or roll back a transaction twice or an unknown id", function () {
      const { tx } = setup();
      const id = tx.begin();
      tx.commit(id, []);
      expect(failure(() => tx.commit(id, [])).message).to.equal(EXPIRED_MESSAGE);
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

    it("ends a transaction whose commit was aborted: the retry is a new one", function () {
      const { store, tx } = setup();
      const id = tx.begin();
      tx.get(id, A);
      commit(store, [setN(A, 1)]);
      expect(failure(() => tx.commit(id, [])).code).to.equal("ABORTED");
      expect(failure(() => tx.commit(id, [])).message).to.equal(EXPIRED_MESSAGE);
      const retry = tx.begin({ readWrite: { retryTransaction: id } });
      expect(retry).not.to.equal(id);
    });

    it("expires a transaction left idle past the timeout, not one in use", function () {
      const { tx, tick } = setup();
      const idle = tx.begin();
      const busy = tx.begin();
      for (let i = 0; i < 3; i++) {
        tick(40_000);
        tx.get(busy, A);
      }
      expect(failure(() => tx.commit(idle, [])).message).to.equal(EXPIRED_MESSAGE);
      tx.commit(busy, []);
    });
  });

  describe("read-only", function () {
    it("reads at its snapshot, ignoring later commits, and never aborts", function () {
      const { store, tx, advance } = setup();
      commit(store, [setN(A, 1)]);
      advance(1_000_000n);
      const id = tx.begin({ readOnly: {} });
      advance(1_000_000n);
      commit(store, [setN(A, 2)]);
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      tx.commit(id, []);
    });

    it("reads at a given past readTime", function () {
      const { store, tx, advance } = setup();
      const first = commit(store, [setN(A, 1)]);
      advance(1_000_000n);
      commit(store, [setN(A, 2)]);
      const id = tx.begin({ readOnly: { readTime: first.commitTime } });
      expect(tx.get(id, A)?.fields.n).to.deep.equal(int(1));
      expect(formatTimestamp(tx.readTimeOf(id))).to.equal(first.commitTime);
    });

    it("refuses writes", function () {
      const { store, tx } = setup();
      const id = tx.begin({ readOnly: {} });
      expect(failure(() => tx.commit(id, [setN(A, 1)])).code).to.equal("INVALID_ARGUMENT");
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
