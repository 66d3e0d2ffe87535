/**
 * The engine served over gRPC, driven by the Admin SDK's own Firestore client exactly as Lifeline's
 * functions call it. Each behaviour sits next to its failing twin.
 */
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import {
  AggregateField,
  FieldValue,
  Filter,
  Firestore,
  type DocumentData,
  type Query,
} from "@google-cloud/firestore";
import { startFirestoreEmulator } from "../../../src/firestore/index.js";
import { clientFailure as failure, emulatorClient } from "./helpers.js";
import { parseIndexesFile } from "../../../src/firestore/indexes.js";
import { firestoreService } from "../../../src/firestore/wire/grpc.js";
import {
  loadFirestoreProtos,
  type Json,
  firestoreProtoDir,
} from "../../../src/firestore/wire/protojson.js";

const PROJECT = "demo-server";
const ROOT = `projects/${PROJECT}/databases/(default)/documents`;

function client(port: number, settings: { useBigInt?: boolean } = {}): Firestore {
  return emulatorClient(port, { projectId: PROJECT, ...settings });
}

async function ids(query: Query): Promise<string[]> {
  return (await query.get()).docs.map((d) => d.id);
}

const INDEXES = parseIndexesFile({
  indexes: [
    {
      collectionGroup: "calls",
      queryScope: "COLLECTION",
      fields: [
        { fieldPath: "status", order: "ASCENDING" },
        { fieldPath: "at", order: "DESCENDING" },
      ],
    },
  ],
  fieldOverrides: [],
});

describe("Firestore emulator over gRPC (Admin SDK)", () => {
  let emulator: { port: number; close(): Promise<void> };
  let db: Firestore;
  let collectionCount = 0;
  /** A fresh collection per test, so tests never see each other's documents. */
  const fresh = (prefix: string) => db.collection(`${prefix}${++collectionCount}`);

  before(async () => {
    emulator = await startFirestoreEmulator({
      host: "127.0.0.1",
      port: 0,
      projectId: PROJECT,
      indexes: INDEXES,
    });
    db = client(emulator.port);
  });

  after(async () => {
    await db.terminate();
    await emulator.close();
  });

  describe("writes", () => {
    it("set() replaces the document; set(merge) keeps the fields it does not name", async () => {
      const ref = fresh("w").doc("a");
      await ref.set({ a: 1, b: 2, m: { x: 1, y: 2 } });
      await ref.set({ a: 3 });
      expect((await ref.get()).data()).to.deep.equal({ a: 3 });
      await ref.set({ b: 4, m: { x: 9 } }, { merge: true });
      expect((await ref.get()).data()).to.deep.equal({ a: 3, b: 4, m: { x: 9 } });
    });

    it("update() changes only the named paths and transforms; update of a missing document is NOT_FOUND", async () => {
      const col = fresh("w");
      const ref = col.doc("a");
      await ref.set({ a: 1, m: { x: 1, y: 2 }, n: 5, tags: ["x"] });
      await ref.update({
        "m.x": 7,
        n: FieldValue.increment(2),
        tags: FieldValue.arrayUnion("y"),
        at: FieldValue.serverTimestamp(),
      });
      const data = (await ref.get()).data() ?? {};
      expect(data).to.deep.include({ a: 1, m: { x: 7, y: 2 }, n: 7, tags: ["x", "y"] });
      expect(data.at).to.have.property("toMillis");

      const missing = await failure(col.doc("absent").update({ a: 1 }));
      expect(missing.code).to.equal(grpc.status.NOT_FOUND);
      expect(missing.message).to.contain(`No document to update: ${ROOT}/${col.id}/absent`);
      expect((await col.doc("absent").get()).exists).to.equal(false);
    });

    it("create() writes once; a second create is ALREADY_EXISTS and leaves the first", async () => {
      const ref = fresh("w").doc("once");
      await ref.create({ v: 1 });
      const again = await failure(ref.create({ v: 2 }));
      expect(again.code).to.equal(grpc.status.ALREADY_EXISTS);
      expect(again.message).to.contain(`Document already exists: ${ROOT}/${ref.path}`);
      expect((await ref.get()).get("v")).to.equal(1);
    });

    it("a batch whose create fails applies none of its writes; without it, all land", async () => {
      const col = fresh("w");
      await col.doc("taken").set({ v: 0 });
      const failing = db.batch();
      failing.set(col.doc("first"), { v: 1 });
      failing.create(col.doc("taken"), { v: 1 });
      failing.delete(col.doc("taken"));
      const error = await failure(failing.commit());
      expect(error.code).to.equal(grpc.status.ALREADY_EXISTS);
      expect((await col.doc("first").get()).exists).to.equal(false);
      expect((await col.doc("taken").get()).get("v")).to.equal(0);

      const passing = db.batch();
      passing.set(col.doc("first"), { v: 1 });
      passing.create(col.doc("second"), { v: 2 });
      await passing.commit();
      expect(await ids(col.orderBy("v"))).to.deep.equal(["taken", "first", "second"]);
    });

    it("delete() with a stale update time fails; with the current one it deletes", async () => {
      const ref = fresh("w").doc("a");
      const first = await ref.set({ v: 1 });
      const second = await ref.set({ v: 2 });
      const stale = await failure(ref.delete({ lastUpdateTime: first.writeTime }));
      expect(stale.code).to.equal(grpc.status.FAILED_PRECONDITION);
      expect((await ref.get()).exists).to.equal(true);
      await ref.delete({ lastUpdateTime: second.writeTime });
      expect((await ref.get()).exists).to.equal(false);
    });

    it("keeps an id and a field named `constructor` as data; a reserved id is refused", async () => {
      const col = fresh("w");
      await col.doc("constructor").set({ constructor: "x", toString: 1 });
      const read = await col.doc("constructor").get();
      expect(read.data()).to.deep.equal({ constructor: "x", toString: 1 });
      expect(await ids(col)).to.deep.equal(["constructor"]);
      expect((await col.listDocuments()).map((d) => d.id)).to.deep.equal(["constructor"]);

      const reserved = await failure(col.doc("__proto__").set({ v: 1 }));
      expect(reserved.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(await ids(col)).to.deep.equal(["constructor"]);
    });

    it("round-trips 64-bit integers exactly as BigInt; without useBigInt they come back as numbers", async () => {
      const big = client(emulator.port, { useBigInt: true });
      try {
        const ref = big.collection(fresh("w").id).doc("n");
        await ref.set({
          max: 9223372036854775807n,
          min: -9223372036854775808n,
          odd: 9007199254740993n,
        });
        const read = await ref.get();
        expect(read.get("max")).to.equal(9223372036854775807n);
        expect(read.get("min")).to.equal(-9223372036854775808n);
        expect(read.get("odd")).to.equal(9007199254740993n);
        const sum = await ref.parent.aggregate({ s: AggregateField.sum("odd") }).get();
        expect(sum.data().s).to.equal(9007199254740993n);
        const plain = await db.doc(ref.path).get();
        expect(plain.get("odd")).to.be.a("number");
      } finally {
        await big.terminate();
      }
    });

    it("BulkWriter applies each write on its own: one failing write leaves the others applied", async () => {
      const col = fresh("w");
      await col.doc("taken").set({ v: 0 });
      const writer = db.bulkWriter();
      writer.onWriteError(() => false);
      const writes = Promise.allSettled([
        writer.set(col.doc("a"), { v: 1 }),
        writer.create(col.doc("taken"), { v: 1 }),
        writer.update(col.doc("taken"), { w: 2 }),
        writer.create(col.doc("b"), { v: 3 }),
      ]);
      // BulkWriter sends what it holds when flushed or closed.
      await writer.close();
      const results = await writes;
      expect(results.map((r) => r.status)).to.deep.equal([
        "fulfilled",
        "rejected",
        "fulfilled",
        "fulfilled",
      ]);
      const rejected = results[1];
      expect(rejected.status === "rejected" ? String(rejected.reason) : "").to.contain(
        "Document already exists",
      );
      expect(await ids(col.orderBy("v"))).to.deep.equal(["taken", "a", "b"]);
      expect((await col.doc("taken").get()).data()).to.deep.equal({ v: 0, w: 2 });
    });
  });

  describe("transactions", () => {
    it("runs a read-modify-write; a transaction that throws writes nothing", async () => {
      const ref = fresh("t").doc("counter");
      await ref.set({ n: 1 });
      await db.runTransaction(async (t) => {
        const snap = await t.get(ref);
        t.update(ref, { n: Number(snap.get("n")) + 1 });
      });
      expect((await ref.get()).get("n")).to.equal(2);

      const thrown = await failure(
        db.runTransaction(async (t) => {
          const snap = await t.get(ref);
          t.update(ref, { n: Number(snap.get("n")) + 1 });
          throw new Error("changed my mind");
        }),
      );
      expect(thrown.message).to.equal("changed my mind");
      expect((await ref.get()).get("n")).to.equal(2);
    });

    it("two racing transactions both succeed, one after a retry, with no lost update", async () => {
      const ref = fresh("t").doc("counter");
      await ref.set({ n: 0 });
      let attempts = 0;
      let arrived = 0;
      let releaseBoth: () => void = () => undefined;
      const bothRead = new Promise<void>((resolve) => {
        releaseBoth = resolve;
      });
      const increment = () =>
        db.runTransaction(async (t) => {
          attempts++;
          const snap = await t.get(ref);
          // The first attempts both read 0 before either commits: a real conflict.
          if (attempts <= 2) {
            arrived++;
            if (arrived === 2) releaseBoth();
            await bothRead;
          }
          t.update(ref, { n: Number(snap.get("n")) + 1 });
        });
      await Promise.all([increment(), increment()]);
      expect((await ref.get()).get("n")).to.equal(2);
      expect(attempts).to.be.greaterThan(2);
    });

    it("reads a document at a past readTime in a read-only transaction", async () => {
      const ref = fresh("t").doc("a");
      const first = await ref.set({ v: 1 });
      await ref.set({ v: 2 });
      const past = await db.runTransaction((t) => t.get(ref), {
        readOnly: true,
        readTime: first.writeTime,
      });
      expect(past.get("v")).to.equal(1);
      const now = await db.runTransaction((t) => t.get(ref), { readOnly: true });
      expect(now.get("v")).to.equal(2);
    });

    it("queries inside a transaction and writes what they found", async () => {
      const col = fresh("t");
      await col.doc("a").set({ open: true });
      await col.doc("b").set({ open: false });
      await db.runTransaction(async (t) => {
        const open = await t.get(col.where("open", "==", true));
        for (const d of open.docs) t.update(d.ref, { closed: true });
      });
      expect((await col.doc("a").get()).get("closed")).to.equal(true);
      expect((await col.doc("b").get()).get("closed")).to.equal(undefined);
    });

    it("getAll returns found and missing documents in the order asked, with a field mask", async () => {
      const col = fresh("t");
      await col.doc("a").set({ x: 1, y: 2 });
      const [missing, found] = await db.getAll(col.doc("zz"), col.doc("a"), { fieldMask: ["y"] });
      expect(missing?.exists).to.equal(false);
      expect(found?.data()).to.deep.equal({ y: 2 });
    });
  });

  describe("queries", () => {
    async function numbers(): Promise<ReturnType<typeof fresh>> {
      const col = fresh("q");
      const rows: Array<[string, DocumentData]> = [
        ["a", { n: 1, s: "x", tags: ["red"] }],
        ["b", { n: 2, s: "y", tags: ["blue", "red"] }],
        ["c", { n: 3, s: "z", tags: [] }],
        ["d", { n: 4, s: "x" }],
        ["e", { n: 5, s: null }],
        ["f", { s: "y" }],
      ];
      await Promise.all(rows.map(([id, data]) => col.doc(id).set(data)));
      return col;
    }

    it("filters with every operator, and OR", async () => {
      const col = await numbers();
      expect(await ids(col.where("n", "<", 2))).to.deep.equal(["a"]);
      expect(await ids(col.where("n", "<=", 2))).to.deep.equal(["a", "b"]);
      expect(await ids(col.where("n", ">", 4))).to.deep.equal(["e"]);
      expect(await ids(col.where("n", ">=", 4))).to.deep.equal(["d", "e"]);
      expect(await ids(col.where("n", "==", 3))).to.deep.equal(["c"]);
      expect(await ids(col.where("s", "!=", "x"))).to.deep.equal(["b", "f", "c"]);
      expect(await ids(col.where("n", "in", [2, 4, 9]))).to.deep.equal(["b", "d"]);
      expect(await ids(col.where("s", "not-in", ["x", "y"]))).to.deep.equal(["c"]);
      expect(await ids(col.where("tags", "array-contains", "red"))).to.deep.equal(["a", "b"]);
      expect(await ids(col.where("tags", "array-contains-any", ["blue", "green"]))).to.deep.equal([
        "b",
      ]);
      expect(
        await ids(col.where(Filter.or(Filter.where("n", "==", 1), Filter.where("s", "==", "z")))),
      ).to.deep.equal(["a", "c"]);
      expect(await ids(col.where("n", "==", 99))).to.deep.equal([]);
    });

    it("orders ties under orderBy desc + where <= + limit by descending id", async () => {
      const col = fresh("q");
      const at = new Date(Date.UTC(2026, 0, 1));
      const later = new Date(Date.UTC(2026, 0, 2));
      await Promise.all([
        col.doc("a").set({ archivedAt: at }),
        col.doc("b").set({ archivedAt: at }),
        col.doc("c").set({ archivedAt: at }),
        col.doc("d").set({ archivedAt: later }),
      ]);
      const page = col.orderBy("archivedAt", "desc").where("archivedAt", "<=", at).limit(2);
      expect(await ids(page)).to.deep.equal(["c", "b"]);
      expect(await ids(col.orderBy("archivedAt", "asc").limit(2))).to.deep.equal(["a", "b"]);
    });

    it("pages with startAfter/endBefore/startAt/endAt cursors, offset and limitToLast", async () => {
      const col = await numbers();
      const byN = col.orderBy("n");
      expect(await ids(byN.startAfter(2).endBefore(5))).to.deep.equal(["c", "d"]);
      expect(await ids(byN.startAt(2).endAt(4))).to.deep.equal(["b", "c", "d"]);
      const b = await col.doc("b").get();
      expect(await ids(byN.startAfter(b).limit(2))).to.deep.equal(["c", "d"]);
      expect(await ids(byN.offset(2).limit(2))).to.deep.equal(["c", "d"]);
      expect(await ids(byN.offset(10))).to.deep.equal([]);
      expect(await ids(byN.limitToLast(2))).to.deep.equal(["d", "e"]);
      expect(await ids(byN.limit(2))).to.deep.equal(["a", "b"]);
    });

    it("select() with no fields returns names only; select(field) that field only", async () => {
      const col = await numbers();
      const none = await col.where("n", "==", 1).select().get();
      expect(none.docs.map((d) => [d.id, d.data()])).to.deep.equal([["a", {}]]);
      const some = await col.where("n", "==", 1).select("s").get();
      expect(some.docs.map((d) => d.data())).to.deep.equal([{ s: "x" }]);
    });

    it("a collection group spans every collection of that id; a collection query only its own", async () => {
      const name = fresh("g").id;
      await db.doc(`${name}/top`).set({ v: 1 });
      await db.doc(`calls/x/${name}/deep`).set({ v: 2 });
      await db.doc(`other/y/z/w/${name}/deeper`).set({ v: 3 });
      await db.doc(`calls/x/${name}x/not`).set({ v: 4 });
      // By full name: calls/x/… < <name>/top < other/….
      expect(await ids(db.collectionGroup(name))).to.deep.equal(["deep", "top", "deeper"]);
      expect(await ids(db.collection(name))).to.deep.equal(["top"]);
    });

    it("counts, sums and averages; over no documents count and sum are 0, average null", async () => {
      const col = await numbers();
      // As production answers from an index over `n`: the document without `n` is left out of
      // every aggregation in the request, count included; a count alone sees it.
      const all = await col
        .aggregate({
          count: AggregateField.count(),
          total: AggregateField.sum("n"),
          mean: AggregateField.average("n"),
        })
        .get();
      expect(all.data()).to.deep.equal({ count: 5, total: 15, mean: 3 });
      expect((await col.count().get()).data().count).to.equal(6);
      expect((await col.where("n", ">", 3).count().get()).data().count).to.equal(2);
      const none = await col
        .where("n", ">", 100)
        .aggregate({
          count: AggregateField.count(),
          total: AggregateField.sum("n"),
          mean: AggregateField.average("n"),
        })
        .get();
      expect(none.data()).to.deep.equal({ count: 0, total: 0, mean: null });
    });
  });

  describe("listing", () => {
    it("listDocuments includes documents that only have subcollections; an empty collection lists none", async () => {
      const col = fresh("l");
      await col.doc("b").set({ v: 1 });
      await col.doc("a").collection("sub").doc("x").set({ v: 2 });
      expect((await col.listDocuments()).map((d) => d.id)).to.deep.equal(["a", "b"]);
      expect(await fresh("l").listDocuments()).to.deep.equal([]);
    });

    it("listDocuments pages through more documents than one page holds", async () => {
      const col = fresh("l");
      const many = Array.from({ length: 305 }, (_, i) => `d${String(i).padStart(3, "0")}`);
      const writer = db.bulkWriter();
      for (const id of many) void writer.set(col.doc(id), { v: 1 });
      await writer.close();
      expect((await col.listDocuments()).map((d) => d.id)).to.deep.equal(many);
    });

    it("listCollections lists a document's subcollections and the root's collections", async () => {
      const parent = fresh("l").doc("p");
      await parent.collection("b").doc("x").set({ v: 1 });
      await parent.collection("a").doc("x").set({ v: 1 });
      await parent.collection("a").doc("y").collection("deep").doc("z").set({ v: 1 });
      expect((await parent.listCollections()).map((c) => c.id)).to.deep.equal(["a", "b"]);
      expect(await fresh("l").doc("nothing").listCollections()).to.deep.equal([]);
      expect((await db.listCollections()).map((c) => c.id)).to.include(parent.parent.id);
    });
  });

  describe("composite indexes", () => {
    it("a query the indexes file serves runs; one it lacks fails FAILED_PRECONDITION with the link", async () => {
      const calls = db.collection("calls");
      await calls.doc("1").set({ status: "open", at: 1, priority: 2 });
      await calls.doc("2").set({ status: "open", at: 2, priority: 1 });
      expect(await ids(calls.where("status", "==", "open").orderBy("at", "desc"))).to.deep.equal([
        "2",
        "1",
      ]);
      const missing = await failure(calls.where("status", "==", "open").orderBy("priority").get());
      expect(missing.code).to.equal(grpc.status.FAILED_PRECONDITION);
      expect(missing.message).to.contain(
        `The query requires an index. You can create it here: https://console.firebase.google.com/v1/r/project/${PROJECT}/firestore/indexes?create_composite=`,
      );
    });

    it("with enforceIndexes: false the same query runs", async () => {
      const open = await startFirestoreEmulator({
        host: "127.0.0.1",
        port: 0,
        indexes: INDEXES,
        enforceIndexes: false,
      });
      const loose = client(open.port);
      try {
        const calls = loose.collection("calls");
        await calls.doc("1").set({ status: "open", priority: 2 });
        await calls.doc("2").set({ status: "open", priority: 1 });
        expect(await ids(calls.where("status", "==", "open").orderBy("priority"))).to.deep.equal([
          "2",
          "1",
        ]);
      } finally {
        await loose.terminate();
        await open.close();
      }
    });
  });

  describe("methods the Admin SDK does not call (raw gRPC)", () => {
    type Call = (method: string, request: Json) => Promise<Json>;
    let call: Call;
    let stream: (method: string, request: Json) => Promise<Json[]>;
    let raw: grpc.Client;
    const DATABASE = `projects/${PROJECT}/databases/(default)`;

    before(() => {
      const { definition } = firestoreService(loadFirestoreProtos(firestoreProtoDir()), {});
      const Client = grpc.makeClientConstructor(definition, "Firestore");
      raw = new Client(`127.0.0.1:${emulator.port}`, grpc.credentials.createInsecure());
      const client = raw as unknown as Record<
        string,
        (
          request: Json,
          callback?: (error: grpc.ServiceError | null, response: Json) => void,
        ) => grpc.ClientReadableStream<Json>
      >;
      const method = (name: string) => {
        const fn = client[name];
        if (fn === undefined) throw new Error(`no method ${name}`);
        return fn.bind(client);
      };
      call = (name, request) =>
        new Promise((resolve, reject) => {
          method(name)(request, (error, response) => {
            if (error === null) resolve(response);
            else reject(error);
          });
        });
      stream = (name, request) =>
        new Promise((resolve, reject) => {
          const out: Json[] = [];
          method(name)(request)
            .on("data", (message: Json) => out.push(message))
            .on("error", reject)
            .on("end", () => {
              resolve(out);
            });
        });
    });

    after(() => {
      raw.close();
    });

    const name = (value: Json): string => {
      const found = field(value, "name");
      return typeof found === "string" ? found : "";
    };
    const field = (value: Json, key: string): Json =>
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value[key] ?? null)
        : null;

    it("CreateDocument, GetDocument (mask), UpdateDocument (mask, precondition), DeleteDocument", async () => {
      const parent = `${ROOT}/raw${++collectionCount}`;
      const created = await call("CreateDocument", {
        parent: ROOT,
        collectionId: parent.slice(ROOT.length + 1),
        documentId: "a",
        document: { fields: { x: { integerValue: "1" }, y: { stringValue: "keep" } } },
      });
      expect(field(created, "name")).to.equal(`${parent}/a`);
      const again = await failure(
        call("CreateDocument", {
          parent: ROOT,
          collectionId: parent.slice(ROOT.length + 1),
          documentId: "a",
          document: { fields: {} },
        }),
      );
      expect(again.code).to.equal(grpc.status.ALREADY_EXISTS);

      const auto = await call("CreateDocument", {
        parent: ROOT,
        collectionId: parent.slice(ROOT.length + 1),
        document: { fields: {} },
      });
      const autoName = name(auto);
      expect(autoName.startsWith(`${parent}/`)).to.equal(true);
      expect(autoName.slice(parent.length + 1)).to.match(/^[A-Za-z0-9]{20}$/);

      const got = await call("GetDocument", { name: `${parent}/a`, mask: { fieldPaths: ["y"] } });
      expect(field(got, "fields")).to.deep.equal({ y: { stringValue: "keep" } });
      const absent = await failure(call("GetDocument", { name: `${parent}/zz` }));
      expect(absent.code).to.equal(grpc.status.NOT_FOUND);

      const updated = await call("UpdateDocument", {
        document: { name: `${parent}/a`, fields: { x: { integerValue: "2" } } },
        updateMask: { fieldPaths: ["x"] },
        currentDocument: { exists: true },
      });
      expect(field(updated, "fields")).to.deep.equal({
        x: { integerValue: "2" },
        y: { stringValue: "keep" },
      });
      const stale = await failure(
        call("UpdateDocument", {
          document: { name: `${parent}/zz`, fields: {} },
          currentDocument: { exists: true },
        }),
      );
      expect(stale.code).to.equal(grpc.status.NOT_FOUND);

      await call("DeleteDocument", { name: `${parent}/a`, currentDocument: { exists: true } });
      const gone = await failure(call("GetDocument", { name: `${parent}/a` }));
      expect(gone.code).to.equal(grpc.status.NOT_FOUND);
      const twice = await failure(
        call("DeleteDocument", { name: `${parent}/a`, currentDocument: { exists: true } }),
      );
      expect(twice.code).to.equal(grpc.status.NOT_FOUND);
    });

    it("ListDocuments and ListCollectionIds page with pageSize and pageToken", async () => {
      const id = `raw${++collectionCount}`;
      await Promise.all(["a", "b", "c"].map((d) => db.doc(`${id}/${d}/s${d}/x`).set({ v: 1 })));
      await db.doc(`${id}/b`).set({ v: 1 });
      const first = await call("ListDocuments", { parent: ROOT, collectionId: id, pageSize: 2 });
      // Without showMissing only b exists: one page.
      expect(field(first, "documents")).to.have.length(1);
      expect(field(first, "nextPageToken") ?? "").to.equal("");
      const missing = await call("ListDocuments", {
        parent: ROOT,
        collectionId: id,
        showMissing: true,
        pageSize: 2,
      });
      const names = (page: Json) => ((field(page, "documents") ?? []) as Json[]).map(name);
      expect(names(missing)).to.deep.equal([`${ROOT}/${id}/a`, `${ROOT}/${id}/b`]);
      const rest = await call("ListDocuments", {
        parent: ROOT,
        collectionId: id,
        showMissing: true,
        pageSize: 2,
        pageToken: field(missing, "nextPageToken"),
      });
      expect(names(rest)).to.deep.equal([`${ROOT}/${id}/c`]);
      expect(field(rest, "nextPageToken") ?? "").to.equal("");

      await Promise.all(["q", "p", "r"].map((c) => db.doc(`${id}/b/${c}/x`).set({ v: 1 })));
      const ids1 = await call("ListCollectionIds", { parent: `${ROOT}/${id}/b`, pageSize: 2 });
      expect(field(ids1, "collectionIds")).to.deep.equal(["p", "q"]);
      const ids2 = await call("ListCollectionIds", {
        parent: `${ROOT}/${id}/b`,
        pageSize: 2,
        pageToken: field(ids1, "nextPageToken"),
      });
      expect(field(ids2, "collectionIds")).to.deep.equal(["r", "sb"]);
    });

    it("RunQuery reports skipped results, answers once with no results, and returns a new transaction first", async () => {
      const id = `raw${++collectionCount}`;
      await Promise.all([1, 2, 3].map((n) => db.doc(`${id}/d${n}`).set({ n })));
      const query = { from: [{ collectionId: id }], orderBy: [{ field: { fieldPath: "n" } }] };
      const skipped = await stream("RunQuery", {
        parent: ROOT,
        structuredQuery: { ...query, offset: 2 },
      });
      expect(skipped.map((r) => field(field(r, "document"), "name"))).to.deep.equal([
        `${ROOT}/${id}/d3`,
      ]);
      expect(field(skipped[0] ?? null, "skippedResults")).to.equal(2);

      const none = await stream("RunQuery", {
        parent: ROOT,
        structuredQuery: { ...query, offset: 5 },
      });
      expect(none).to.have.length(1);
      expect(field(none[0] ?? null, "document")).to.equal(null);
      expect(field(none[0] ?? null, "readTime")).to.be.a("string");
      expect(field(none[0] ?? null, "skippedResults")).to.equal(3);

      const begun = await stream("RunQuery", {
        parent: ROOT,
        structuredQuery: query,
        newTransaction: { readWrite: {} },
      });
      expect(begun).to.have.length(3);
      const transaction = field(begun[0] ?? null, "transaction");
      expect(transaction).to.be.a("string").and.not.equal("");
      expect(field(begun[1] ?? null, "transaction")).to.equal(null);
      await call("Rollback", { database: DATABASE, transaction });
      const over = await failure(call("Rollback", { database: DATABASE, transaction }));
      expect(over.code).to.equal(grpc.status.INVALID_ARGUMENT);
    });

    it("BatchGetDocuments with newTransaction returns the transaction with the first response; Commit uses it", async () => {
      const id = `raw${++collectionCount}`;
      await db.doc(`${id}/a`).set({ v: 1 });
      const responses = await stream("BatchGetDocuments", {
        database: DATABASE,
        documents: [`${ROOT}/${id}/a`, `${ROOT}/${id}/b`],
        newTransaction: { readWrite: {} },
      });
      expect(responses.map((r) => Boolean(field(r, "found")))).to.deep.equal([true, false]);
      expect(field(responses[1] ?? null, "missing")).to.equal(`${ROOT}/${id}/b`);
      const transaction = field(responses[0] ?? null, "transaction");
      expect(transaction).to.be.a("string").and.not.equal("");
      const committed = await call("Commit", {
        database: DATABASE,
        transaction,
        writes: [{ update: { name: `${ROOT}/${id}/b`, fields: { v: { integerValue: "2" } } } }],
      });
      expect(field(committed, "commitTime")).to.be.a("string");
      expect((await db.doc(`${id}/b`).get()).get("v")).to.equal(2);
      const reused = await failure(call("Commit", { database: DATABASE, transaction, writes: [] }));
      expect(reused.code).to.equal(grpc.status.INVALID_ARGUMENT);
    });

    it("BeginTransaction read-only refuses writes at commit", async () => {
      const begun = await call("BeginTransaction", {
        database: DATABASE,
        options: { readOnly: {} },
      });
      const transaction = field(begun, "transaction");
      const refused = await failure(
        call("Commit", {
          database: DATABASE,
          transaction,
          writes: [{ delete: `${ROOT}/anything/x` }],
        }),
      );
      expect(refused.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(refused.message).to.contain("Cannot modify entities in a read-only transaction.");
    });
  });
});
