import { expect } from "chai";
import { commit } from "../../../src/firestore/commit.js";
import { FirestoreError } from "../../../src/firestore/errors.js";
import { DocumentStore, checkDocumentName } from "../../../src/firestore/store.js";
import { formatTimestamp, parseTimestamp } from "../../../src/firestore/values.js";
import { ROOT, docName, int, pinnedStore } from "./helpers.js";

function put(store: DocumentStore, path: string, n = 1): void {
  commit(store, [{ update: { name: docName(path), fields: { n: int(n) } } }]);
}

describe("DocumentStore.nextCommitTime", function () {
  it("truncates the clock to microseconds and never repeats or goes back", function () {
    const { store, advance } = pinnedStore(1_000_000_123_456_789n);
    const first = store.nextCommitTime();
    expect(first).to.equal(1_000_000_123_456_000n);
    const second = store.nextCommitTime(); // same wall time: one microsecond later
    expect(second).to.equal(first + 1000n);
    advance(-5_000_000n); // a clock stepping back
    expect(store.nextCommitTime()).to.equal(second + 1000n);
  });

  it("uses the wall clock by default", function () {
    const before = BigInt(Date.now()) * 1_000_000n;
    const time = new DocumentStore().nextCommitTime();
    expect(time >= before - 1_000_000n).to.equal(true);
    expect(time % 1000n).to.equal(0n);
  });
});

describe("DocumentStore.getDocument", function () {
  it("returns a written document with RFC 3339 microsecond times", function () {
    const { store } = pinnedStore(1_700_000_000_123_456_000n);
    put(store, "c/d", 7);
    const doc = store.getDocument(docName("c/d"));
    expect(doc).to.deep.include({
      name: docName("c/d"),
      createTime: "2023-11-14T22:13:20.123456Z",
      updateTime: "2023-11-14T22:13:20.123456Z",
    });
    expect(doc?.fields.n).to.deep.equal(int(7));
  });

  it("stores any key it is given, even one the write path refuses, without touching prototypes", function () {
    const { store } = pinnedStore();
    const name = docName("c/__proto__");
    const time = store.nextCommitTime();
    store.apply(
      new Map([[name, { name, fields: { n: int(1) }, createTime: time, updateTime: time }]]),
      time,
    );
    expect(store.getDocument(name)?.fields.n).to.deep.equal(int(1));
    expect(store.listDocuments(ROOT, "c").map((d) => d.name)).to.deep.equal([name]);
  });

  it("returns undefined for a document never written or deleted", function () {
    const { store } = pinnedStore();
    expect(store.getDocument(docName("c/none"))).to.equal(undefined);
    put(store, "c/d");
    commit(store, [{ delete: docName("c/d") }]);
    expect(store.getDocument(docName("c/d"))).to.equal(undefined);
  });

  it("keeps ids such as constructor, prototype and unicode apart", function () {
    const { store } = pinnedStore();
    const ids = ["constructor", "__proto", "hasOwnProperty", "prototype", "é", "😀", "a b", "_"];
    ids.forEach((id, i) => {
      put(store, `c/${id}`, i);
    });
    ids.forEach((id, i) =>
      expect(store.getDocument(docName(`c/${id}`))?.fields.n).to.deep.equal(int(i)),
    );
    expect(store.getDocument(docName("c/toString"))).to.equal(undefined);
  });

  it("reads the state at a past read time and nothing written after it", function () {
    const { store, advance } = pinnedStore();
    put(store, "c/d", 1);
    const between = store.currentReadTime();
    advance(1_000_000n);
    put(store, "c/d", 2);
    put(store, "c/new", 3);
    expect(store.getDocument(docName("c/d"), between)?.fields.n).to.deep.equal(int(1));
    expect(store.getDocument(docName("c/new"), between)).to.equal(undefined);
    expect(store.getDocument(docName("c/d"))?.fields.n).to.deep.equal(int(2));
  });
});

describe("DocumentStore.listDocuments", function () {
  it("lists one collection's documents by id, not its subcollections' or its siblings'", function () {
    const { store } = pinnedStore();
    for (const path of ["c/b", "c/a", "c/é", "c/a/sub/x", "other/z", "cc/y"]) put(store, path);
    const names = store.listDocuments(ROOT, "c").map((d) => d.name);
    expect(names).to.deep.equal([docName("c/a"), docName("c/b"), docName("c/é")]);
  });

  it("adds missing documents that have subcollections only with showMissing", function () {
    const { store } = pinnedStore();
    put(store, "c/real");
    put(store, "c/ghost/sub/x");
    expect(store.listDocuments(ROOT, "c").map((d) => d.name)).to.deep.equal([docName("c/real")]);
    const all = store.listDocuments(ROOT, "c", { showMissing: true });
    expect(all).to.deep.equal([{ name: docName("c/ghost") }, store.getDocument(docName("c/real"))]);
  });

  it("lists a subcollection under a document parent", function () {
    const { store } = pinnedStore();
    put(store, "c/a/sub/x");
    put(store, "c/b/sub/y");
    expect(store.listDocuments(docName("c/a"), "sub").map((d) => d.name)).to.deep.equal([
      docName("c/a/sub/x"),
    ]);
  });

  it("rejects a malformed parent or collection id", function () {
    const { store } = pinnedStore();
    expect(() => store.listDocuments(docName("c"), "x")).to.throw(
      FirestoreError,
      "Invalid document name",
    );
    expect(() => store.listDocuments(ROOT, "a/b")).to.throw(
      FirestoreError,
      "Invalid collection id",
    );
  });
});

describe("DocumentStore.listCollectionIds", function () {
  it("lists the collections directly under a parent, sorted, including through missing documents", function () {
    const { store } = pinnedStore();
    for (const path of ["b/1", "a/1", "a/1/sub/x", "a/2/other/y", "a/2/other/y/deep/z"])
      put(store, path);
    expect(store.listCollectionIds(ROOT)).to.deep.equal(["a", "b"]);
    expect(store.listCollectionIds(docName("a/1"))).to.deep.equal(["sub"]);
    expect(store.listCollectionIds(docName("a/2"))).to.deep.equal(["other"]);
    expect(store.listCollectionIds(docName("b/1"))).to.deep.equal([]);
  });

  it("forgets a collection once its last document is deleted", function () {
    const { store } = pinnedStore();
    put(store, "gone/1");
    commit(store, [{ delete: docName("gone/1") }]);
    expect(store.listCollectionIds(ROOT)).to.deep.equal([]);
  });
});

describe("checkDocumentName", function () {
  it("accepts documents at any depth", function () {
    expect(() => {
      checkDocumentName(docName("a/b/c/d"));
    }).not.to.throw();
  });

  for (const bad of [
    ROOT,
    docName("a"),
    docName("a//b"),
    docName("a/b/"),
    "databases/x/documents/a/b",
    docName("c/__proto__"),
    docName("__c__/d"),
    docName("c/.."),
  ]) {
    it(`rejects ${bad}`, function () {
      expect(() => {
        checkDocumentName(bad);
      })
        .to.throw(FirestoreError)
        .with.property("code", "INVALID_ARGUMENT");
    });
  }
});

describe("DocumentStore.apply retention", function () {
  it("drops versions older than the retention but keeps the one a read at the horizon sees", function () {
    let now = parseTimestamp("2024-01-01T00:00:00Z");
    const store = new DocumentStore({ now: () => now, retentionNanos: 10_000_000_000n });
    put(store, "c/d", 1);
    const early = store.currentReadTime();
    now += 5_000_000_000n;
    put(store, "c/d", 2);
    const middle = store.currentReadTime();
    now += 20_000_000_000n;
    put(store, "c/d", 3);
    expect(store.getDocument(docName("c/d"), middle)?.fields.n).to.deep.equal(int(2));
    expect(store.getDocument(docName("c/d"), early)).to.equal(undefined);
    expect(store.getDocument(docName("c/d"))?.fields.n).to.deep.equal(int(3));
  });
});

describe("DocumentStore.onChange", function () {
  it("reports each commit once, with its time and only the documents it changed", function () {
    const { store } = pinnedStore();
    put(store, "c/same", 1);
    const seen: Array<[bigint, string[]]> = [];
    const stop = store.onChange((time, names) => seen.push([time, [...names].sort()]));
    const { commitTime } = commit(store, [
      { update: { name: docName("c/a"), fields: { n: int(1) } } },
      { update: { name: docName("c/same"), fields: { n: int(1) } } },
      { delete: docName("c/b") },
    ]);
    commit(store, [{ delete: docName("c/a") }]);
    stop();
    put(store, "c/after");
    expect(seen).to.have.length(2);
    expect(formatTime(seen[0]?.[0])).to.equal(commitTime);
    expect(seen[0]?.[1]).to.deep.equal([docName("c/a")]);
    expect(seen[1]?.[1]).to.deep.equal([docName("c/a")]);
  });

  it("does not fail a commit whose listener throws", function () {
    const { store } = pinnedStore();
    store.onChange(() => {
      throw new Error("listener broke");
    });
    put(store, "c/d", 5);
    expect(store.getDocument(docName("c/d"))?.fields.n).to.deep.equal(int(5));
  });

  it("reports what clear() removed and forgets the history before it", function () {
    const { store, advance } = pinnedStore();
    put(store, "c/d");
    const before = store.currentReadTime();
    const seen: string[] = [];
    store.onChange((_time, names) => seen.push(...names));
    advance(1_000_000n);
    store.clear();
    expect(seen).to.deep.equal([docName("c/d")]);
    expect(store.historyStart() > before).to.equal(true);
  });

  it("never gives a later commit the time of a read already handed out", function () {
    const { store } = pinnedStore();
    const read = store.currentReadTime();
    put(store, "c/d");
    expect(store.getDocument(docName("c/d"), read)).to.equal(undefined);
  });
});

function formatTime(time: bigint | undefined): string {
  return time === undefined ? "" : formatTimestamp(time);
}
