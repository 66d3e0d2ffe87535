/**
 * Query Explain through the Admin SDK's own client: the plan (the indexes production would read)
 * and, with `analyze`, the results and execution statistics billed by production's rules.
 */
import { expect } from "chai";
import { Firestore, type CollectionReference, type ExplainMetrics } from "@google-cloud/firestore";
import { startFirestoreEmulator } from "../../../src/firestore/index.js";
import { emulatorClient } from "./helpers.js";
import { parseIndexesFile } from "../../../src/firestore/indexes.js";

const PROJECT = "demo-explain";

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

function client(port: number): Firestore {
  return emulatorClient(port, { projectId: PROJECT });
}

describe("Query Explain", () => {
  let emulator: { port: number; close(): Promise<void> };
  let db: Firestore;
  let tenant = 0;
  /** Collections under a fresh parent document, so tests never see each other's documents. */
  const fresh = (collection: string): CollectionReference =>
    db.collection(`tenants/t${++tenant}/${collection}`);

  async function seed(col: CollectionReference, docs: Record<string, Record<string, unknown>>) {
    await Promise.all(Object.entries(docs).map(([id, data]) => col.doc(id).set(data)));
  }

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

  describe("plan (analyze off)", () => {
    it("names the single-field index of a range filter and returns no results or statistics", async () => {
      const col = fresh("calls");
      await seed(col, { a: { foo: 1 }, b: { foo: 2 }, c: { foo: 3 } });
      for (const options of [undefined, { analyze: false }]) {
        const { metrics, snapshot } = await col.where("foo", ">", 1).explain(options);
        expect(metrics.planSummary.indexesUsed).to.deep.equal([
          { query_scope: "Collection", properties: "(foo ASC, __name__ ASC)" },
        ]);
        expect(metrics.executionStats).to.equal(null);
        expect(snapshot).to.equal(null);
      }
    });

    it("names the composite index a query reads, with its implicit __name__ in the last field's direction", async () => {
      const col = fresh("calls");
      const { metrics } = await col.where("status", "==", "open").orderBy("at", "desc").explain();
      expect(metrics.planSummary.indexesUsed).to.deep.equal([
        { query_scope: "Collection", properties: "(status ASC, at DESC, __name__ DESC)" },
      ]);
    });

    it("names one single-field index per equality merged, and the name index when nothing filters", async () => {
      const col = fresh("calls");
      const merged = await col
        .where("status", "==", "open")
        .where("tags", "array-contains", "x")
        .explain();
      expect(merged.metrics.planSummary.indexesUsed).to.deep.equal([
        { query_scope: "Collection", properties: "(status ASC, __name__ ASC)" },
        { query_scope: "Collection", properties: "(tags CONTAINS, __name__ ASC)" },
      ]);
      const all = await col.explain();
      expect(all.metrics.planSummary.indexesUsed).to.deep.equal([
        { query_scope: "Collection", properties: "(__name__ ASC)" },
      ]);
      const group = await db.collectionGroup("calls").explain();
      expect(group.metrics.planSummary.indexesUsed).to.deep.equal([
        { query_scope: "Collection Group", properties: "(__name__ ASC)" },
      ]);
    });

    it("fails a query whose composite index is missing, as running it would", async () => {
      const col = fresh("calls");
      const error = await col
        .where("status", "==", "open")
        .orderBy("priority")
        .explain()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.an("error").with.property("code", 9);
      expect((error as Error).message).to.contain("The query requires an index.");
    });
  });

  describe("profile (analyze on)", () => {
    it("returns the results with their count, billed reads and scan statistics", async () => {
      const col = fresh("calls");
      await seed(col, { a: { foo: 1 }, b: { foo: 2 }, c: { foo: 1 }, d: { foo: 3 } });
      const { metrics, snapshot } = await col.where("foo", "==", 1).explain({ analyze: true });
      expect(snapshot?.docs.map((d) => d.id)).to.deep.equal(["a", "c"]);
      expect(metrics.planSummary.indexesUsed).to.deep.equal([
        { query_scope: "Collection", properties: "(foo ASC, __name__ ASC)" },
      ]);
      const stats = metrics.executionStats;
      expect(stats).to.not.equal(null);
      expect(stats?.resultsReturned).to.equal(2);
      expect(stats?.readOperations).to.equal(2);
      expect(stats?.debugStats).to.deep.equal({
        documents_scanned: "2",
        index_entries_scanned: "2",
        billing_details: {
          documents_billable: "2",
          index_entries_billable: "0",
          min_query_cost: "0",
        },
      });
      const duration = stats?.executionDuration;
      expect((duration?.seconds ?? 0) * 1e9 + (duration?.nanoseconds ?? 0)).to.be.greaterThan(0);
    });

    it("bills one read for a query that matches nothing, and the documents an offset skips", async () => {
      const col = fresh("calls");
      await seed(col, { a: { foo: 1 }, b: { foo: 2 }, c: { foo: 3 } });
      const none = await col.where("foo", "==", 99).explain({ analyze: true });
      expect(none.snapshot?.size).to.equal(0);
      expect(none.metrics.executionStats?.resultsReturned).to.equal(0);
      expect(none.metrics.executionStats?.readOperations).to.equal(1);
      expect(none.metrics.executionStats?.debugStats).to.deep.include({
        billing_details: {
          documents_billable: "0",
          index_entries_billable: "0",
          min_query_cost: "1",
        },
      });
      const skipped = await col.orderBy("foo").offset(2).explain({ analyze: true });
      expect(skipped.snapshot?.docs.map((d) => d.id)).to.deep.equal(["c"]);
      expect(skipped.metrics.executionStats?.resultsReturned).to.equal(1);
      expect(skipped.metrics.executionStats?.readOperations).to.equal(3);
    });

    it("streams each document, the statistics arriving with the last one", async () => {
      const col = fresh("calls");
      await seed(col, { a: { foo: 1 }, b: { foo: 1 }, c: { foo: 2 } });
      const chunks: Array<{ id?: string; metrics?: ExplainMetrics }> = [];
      await new Promise<void>((resolve, reject) => {
        col
          .where("foo", "==", 1)
          .explainStream({ analyze: true })
          .on("data", (chunk: { document?: { id: string }; metrics?: ExplainMetrics }) => {
            chunks.push({
              ...(chunk.document === undefined ? {} : { id: chunk.document.id }),
              ...(chunk.metrics === undefined ? {} : { metrics: chunk.metrics }),
            });
          })
          .on("end", resolve)
          .on("error", reject);
      });
      expect(chunks.map((c) => c.id)).to.deep.equal(["a", "b"]);
      expect(chunks[0]?.metrics).to.equal(undefined);
      expect(chunks[1]?.metrics?.executionStats?.resultsReturned).to.equal(2);
    });
  });

  describe("aggregations", () => {
    it("plans an aggregation over its query's index without running it", async () => {
      const col = fresh("calls");
      await seed(col, { a: { foo: 1 } });
      const { metrics, snapshot } = await col.where("foo", ">", 0).count().explain();
      expect(metrics.planSummary.indexesUsed).to.deep.equal([
        { query_scope: "Collection", properties: "(foo ASC, __name__ ASC)" },
      ]);
      expect(metrics.executionStats).to.equal(null);
      expect(snapshot).to.equal(null);
    });

    it("bills one read per batch of up to 1,000 index entries and reads no documents", async () => {
      const col = fresh("calls");
      for (let start = 0; start < 1001; start += 500) {
        const batch = db.batch();
        for (let i = start; i < Math.min(start + 500, 1001); i++)
          batch.set(col.doc(`d${i}`), { n: i });
        await batch.commit();
      }
      const all = await col.count().explain({ analyze: true });
      expect(all.snapshot?.data().count).to.equal(1001);
      expect(all.metrics.executionStats?.resultsReturned).to.equal(1);
      expect(all.metrics.executionStats?.readOperations).to.equal(2);
      expect(all.metrics.executionStats?.debugStats).to.deep.include({
        documents_scanned: "0",
        index_entries_scanned: "1001",
      });
      const thousand = await col.where("n", "<", 1000).count().explain({ analyze: true });
      expect(thousand.snapshot?.data().count).to.equal(1000);
      expect(thousand.metrics.executionStats?.readOperations).to.equal(1);
      const none = await col.where("n", "<", 0).count().explain({ analyze: true });
      expect(none.snapshot?.data().count).to.equal(0);
      expect(none.metrics.executionStats?.readOperations).to.equal(1);
    });
  });
});
