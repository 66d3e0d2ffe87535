/**
 * Vector values and vector search (`findNearest`), driven by the Admin SDK's Firestore client
 * against a started emulator: what production stores, how it orders vectors, the distance each
 * measure reports, and the queries it refuses.
 */
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import {
  FieldValue,
  Firestore,
  VectorValue,
  type CollectionReference,
  type Query,
  type VectorQuery,
} from "@google-cloud/firestore";
import { startFirestoreEmulator } from "../../../src/firestore/index.js";
import { runQuery } from "../../../src/firestore/query.js";
import {
  ROOT,
  dbl,
  failure as engineFailure,
  str,
  clientFailure as failure,
  emulatorClient,
} from "./helpers.js";

const PROJECT = "demo-vectors";

function client(port: number): Firestore {
  return emulatorClient(port, { projectId: PROJECT });
}

/** Each result as its id and the distance the query wrote into `d`. */
async function ranked(query: VectorQuery): Promise<Array<[string, unknown]>> {
  return (await query.get()).docs.map((doc) => [doc.id, doc.get("d")]);
}

describe("vector values and findNearest (Admin SDK)", () => {
  let emulator: { port: number; close(): Promise<void> };
  let db: Firestore;
  let collectionCount = 0;
  const fresh = (): CollectionReference => db.collection(`vectors${++collectionCount}`);

  before(async () => {
    emulator = await startFirestoreEmulator({ host: "127.0.0.1", port: 0, projectId: PROJECT });
    db = client(emulator.port);
  });

  after(async () => {
    await db.terminate();
    await emulator.close();
  });

  /** A fresh collection holding `embeddings` by id, each as a vector in `v`. */
  async function seed(embeddings: Record<string, number[]>): Promise<CollectionReference> {
    const col = fresh();
    const batch = db.batch();
    for (const [id, values] of Object.entries(embeddings))
      batch.set(col.doc(id), { v: FieldValue.vector(values) });
    await batch.commit();
    return col;
  }

  describe("values", () => {
    it("stores a vector and reads it back as a vector", async () => {
      const ref = fresh().doc("a");
      await ref.set({ v: FieldValue.vector([1, 2.5, -3]), m: { inner: FieldValue.vector([0]) } });
      const snap = await ref.get();
      const v: unknown = snap.get("v");
      expect(v).to.be.instanceOf(VectorValue);
      expect((v as VectorValue).toArray()).to.deep.equal([1, 2.5, -3]);
      expect((snap.get("m.inner") as VectorValue).toArray()).to.deep.equal([0]);
    });

    it("refuses every other reserved field name, and a vector map that is not exactly a vector", async () => {
      const col = fresh();
      for (const data of [
        { m: { __type__: "other" } },
        { m: { __other__: 1 } },
        { m: { __type__: "__vector__", value: "not an array" } },
        { m: { __type__: "__vector__", value: [1.5], extra: true } },
        { m: { __type__: "__vector__", value: ["x"] } },
      ]) {
        const error = await failure(col.doc("bad").set(data));
        expect(error.code, JSON.stringify(data)).to.equal(grpc.status.INVALID_ARGUMENT);
      }
      expect((await col.doc("bad").get()).exists).to.equal(false);
    });

    it("orders vectors after arrays and before maps, by dimension first, then element by element", async () => {
      const col = fresh();
      const inOrder: Array<[string, unknown]> = [
        ["arr", [1, 2, 3]],
        ["v1", FieldValue.vector([100])],
        ["v2a", FieldValue.vector([1, 2])],
        ["v2b", FieldValue.vector([2, 1])],
        ["v3", FieldValue.vector([0, 0, 0])],
        ["map", { a: 1 }],
      ];
      const batch = db.batch();
      for (const [id, v] of [...inOrder].reverse()) batch.set(col.doc(id), { v });
      await batch.commit();
      const ids = async (direction: "asc" | "desc") =>
        (await col.orderBy("v", direction).get()).docs.map((d) => d.id);
      expect(await ids("asc")).to.deep.equal(inOrder.map(([id]) => id));
      expect(await ids("desc")).to.deep.equal(inOrder.map(([id]) => id).reverse());
      const vectorsOnly = await col
        .where("v", ">", FieldValue.vector([5]))
        .where("v", "<", FieldValue.vector([0, 0, 1]))
        .get();
      expect(vectorsOnly.docs.map((d) => d.id)).to.deep.equal(["v1", "v2a", "v2b", "v3"]);
    });
  });

  describe("findNearest", () => {
    const search = (
      col: CollectionReference,
      distanceMeasure: "EUCLIDEAN" | "COSINE" | "DOT_PRODUCT",
      extra: { limit?: number; distanceThreshold?: number } = {},
    ) =>
      col.findNearest({
        vectorField: "v",
        queryVector: [1, 0],
        limit: extra.limit ?? 10,
        distanceMeasure,
        distanceResultField: "d",
        ...(extra.distanceThreshold === undefined
          ? {}
          : { distanceThreshold: extra.distanceThreshold }),
      });
    const embeddings = { a: [2, 0], b: [0, 3], c: [-1, 0], d: [3, 4] };

    it("ranks by EUCLIDEAN distance, nearest first, and reports it", async () => {
      const col = await seed(embeddings);
      expect(await ranked(search(col, "EUCLIDEAN"))).to.deep.equal([
        ["a", 1],
        ["c", 2],
        ["b", Math.sqrt(10)],
        ["d", Math.sqrt(20)],
      ]);
    });

    it("ranks by COSINE distance (1 − cos θ), smallest first", async () => {
      const col = await seed(embeddings);
      expect(await ranked(search(col, "COSINE"))).to.deep.equal([
        ["a", 0],
        ["d", 1 - 3 / 5],
        ["b", 1],
        ["c", 2],
      ]);
    });

    it("ranks by DOT_PRODUCT, largest first", async () => {
      const col = await seed(embeddings);
      expect(await ranked(search(col, "DOT_PRODUCT"))).to.deep.equal([
        ["d", 3],
        ["a", 2],
        ["b", 0],
        ["c", -1],
      ]);
    });

    it("keeps distances within the threshold: at most for EUCLIDEAN and COSINE, at least for DOT_PRODUCT", async () => {
      const col = await seed(embeddings);
      const ids = async (query: VectorQuery) => (await ranked(query)).map(([id]) => id);
      expect(await ids(search(col, "EUCLIDEAN", { distanceThreshold: 2 }))).to.deep.equal([
        "a",
        "c",
      ]);
      expect(await ids(search(col, "COSINE", { distanceThreshold: 1 }))).to.deep.equal([
        "a",
        "d",
        "b",
      ]);
      expect(await ids(search(col, "DOT_PRODUCT", { distanceThreshold: 2 }))).to.deep.equal([
        "d",
        "a",
      ]);
    });

    it("returns at most `limit` neighbours, found among the documents the filters keep", async () => {
      const col = await seed(embeddings);
      const nearestTwo = async (query: Query) =>
        (
          await query
            .findNearest({
              vectorField: "v",
              queryVector: [1, 0],
              limit: 2,
              distanceMeasure: "EUCLIDEAN",
            })
            .get()
        ).docs.map((d) => d.id);
      expect(await nearestTwo(col)).to.deep.equal(["a", "c"]);
      await Promise.all(
        Object.keys(embeddings).map((id) => col.doc(id).update({ hidden: id === "a" })),
      );
      // Filtered first, then ranked: the limit is not spent on a document the filter drops.
      expect(await nearestTwo(col.where("hidden", "==", false))).to.deep.equal(["c", "b"]);
    });

    it("skips documents whose field is missing, not a vector, or of another dimension", async () => {
      const col = await seed({ match: [1, 1], short: [1], long: [1, 0, 0] });
      await col.doc("array").set({ v: [1, 0] });
      await col.doc("text").set({ v: "vector" });
      await col.doc("none").set({ other: FieldValue.vector([1, 0]) });
      const found = await ranked(search(col, "EUCLIDEAN"));
      expect(found).to.deep.equal([["match", 1]]);
    });

    it("writes the distance over a stored field of that name, in the results only", async () => {
      const col = await seed({ a: [1, 0] });
      await col.doc("a").update({ d: "stored" });
      expect(await ranked(search(col, "EUCLIDEAN"))).to.deep.equal([["a", 0]]);
      expect((await col.doc("a").get()).get("d")).to.equal("stored");
    });

    it("refuses a limit over 1,000 and a query vector over 2,048 dimensions with INVALID_ARGUMENT", async () => {
      const col = await seed({ a: [1, 0] });
      const tooMany = await failure(search(col, "EUCLIDEAN", { limit: 1001 }).get());
      expect(tooMany.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(tooMany.message).to.contain("limit");
      expect((await search(col, "EUCLIDEAN", { limit: 1000 }).get()).size).to.equal(1);

      const wide = (n: number) =>
        col
          .findNearest({
            vectorField: "v",
            queryVector: new Array<number>(n).fill(1),
            limit: 1,
            distanceMeasure: "EUCLIDEAN",
          })
          .get();
      const tooWide = await failure(wide(2049));
      expect(tooWide.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(tooWide.message).to.contain("2048");
      expect((await wide(2048)).size).to.equal(0);
    });
  });

  describe("findNearest in the engine", () => {
    const vector = (...values: number[]) => ({
      mapValue: {
        fields: { __type__: str("__vector__"), value: { arrayValue: { values: values.map(dbl) } } },
      },
    });
    const findNearest = {
      vectorField: { fieldPath: "v" },
      queryVector: vector(1),
      distanceMeasure: "EUCLIDEAN",
      limit: 1,
    };

    it("refuses cursors, an unknown measure and a query vector that is not a vector", function () {
      const from = [{ collectionId: "c" }];
      const run = (query: object) => () => runQuery([], ROOT, { from, ...query });
      expect(run({ findNearest })).not.to.throw();
      for (const query of [
        { findNearest, startAt: { values: [dbl(1)] }, orderBy: [{ field: { fieldPath: "v" } }] },
        { findNearest: { ...findNearest, distanceMeasure: "MANHATTAN" } },
        { findNearest: { ...findNearest, queryVector: { arrayValue: { values: [dbl(1)] } } } },
        { findNearest: { ...findNearest, queryVector: vector() } },
        { findNearest: { ...findNearest, limit: 0 } },
      ]) {
        expect(engineFailure(run(query)).code, JSON.stringify(query)).to.equal("INVALID_ARGUMENT");
      }
    });
  });
});
