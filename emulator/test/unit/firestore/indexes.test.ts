import { expect } from "chai";
import { runAggregationQuery } from "../../../src/firestore/aggregate.js";
import { FirestoreError } from "../../../src/firestore/errors.js";
import {
  compositeIndexUrl,
  IndexEnforcer,
  parseIndexesFile,
  type CompositeIndex,
  type IndexesFile,
} from "../../../src/firestore/indexes.js";
import { runQuery, type StructuredQuery } from "../../../src/firestore/query.js";
import { and, asc, desc, doc, from, group, int, or, ROOT, str, where } from "./fixtures.js";

const LOCATION = { projectId: "demo", databaseId: "(default)" };
const NO_INDEXES: IndexesFile = { indexes: [], fieldOverrides: [] };

function missing(file: IndexesFile, query: StructuredQuery): string | undefined {
  const error = new IndexEnforcer(file).missingIndex(ROOT, query);
  if (error !== undefined) expect(error.code).to.equal("FAILED_PRECONDITION");
  return error?.message;
}

function composite(collectionGroup: string, ...fields: CompositeIndex["fields"]): CompositeIndex {
  return { collectionGroup, queryScope: "COLLECTION", fields };
}

function requiresIndex(index: CompositeIndex): string {
  return `The query requires an index. You can create it here: ${compositeIndexUrl(LOCATION, index)}`;
}

const eqA = where("a", "EQUAL", int(1));
const eqB = where("b", "EQUAL", int(1));

describe("compositeIndexUrl", function () {
  it("encodes the index as production's console link does", function () {
    // A link production returned for a logs query ordered by timestamp and timestamp._seconds, both descending.
    const url = compositeIndexUrl(
      { projectId: "rds-backend-1054f", databaseId: "(default)" },
      {
        collectionGroup: "logs",
        queryScope: "COLLECTION",
        fields: [
          { fieldPath: "timestamp", order: "DESCENDING" },
          { fieldPath: "timestamp._seconds", order: "DESCENDING" },
          { fieldPath: "__name__", order: "DESCENDING" },
        ],
      },
    );
    expect(url).to.equal(
      "https://console.firebase.google.com/v1/r/project/rds-backend-1054f/firestore/indexes?create_composite=" +
        "Ck5wcm9qZWN0cy9yZHMtYmFja2VuZC0xMDU0Zi9kYXRhYmFzZXMvKGRlZmF1bHQpL2NvbGxlY3Rpb25Hcm91cHMvbG9ncy9pbmRleGVzL18QARoNCgl0aW1lc3RhbXAQAhoWChJ0aW1lc3RhbXAuX3NlY29uZHMQAhoMCghfX25hbWVfXxAC",
    );
  });
});

describe("IndexEnforcer", function () {
  describe("queries single-field indexes serve", function () {
    it("serves equalities on several fields without a composite index", function () {
      expect(
        missing(
          NO_INDEXES,
          from("c", { where: and(eqA, eqB, where("t", "ARRAY_CONTAINS", str("x"))) }),
        ),
      ).to.equal(undefined);
    });

    it("serves one inequality or one orderBy, either direction", function () {
      expect(
        missing(
          NO_INDEXES,
          from("c", {
            where: and(where("a", "GREATER_THAN", int(1)), where("a", "LESS_THAN", int(5))),
          }),
        ),
      ).to.equal(undefined);
      expect(missing(NO_INDEXES, from("c", { orderBy: [desc("a")] }))).to.equal(undefined);
      expect(
        missing(
          NO_INDEXES,
          from("c", { where: where("a", "NOT_IN", int(1)), orderBy: [desc("a")] }),
        ),
      ).to.equal(undefined);
    });

    it("serves an orderBy on a field an equality already pins", function () {
      expect(
        missing(NO_INDEXES, from("c", { where: and(eqA, eqB), orderBy: [desc("a")] })),
      ).to.equal(undefined);
    });

    it("serves each branch of an OR on its own", function () {
      expect(missing(NO_INDEXES, from("c", { where: or(eqA, eqB) }))).to.equal(undefined);
    });
  });

  describe("Lifeline's own queries", function () {
    it("serves the history page, the deferred-turn lookups and their count with no indexes file", function () {
      const history = from("archive", {
        where: where("archivedAt", "LESS_THAN_OR_EQUAL", int(5)),
        orderBy: [desc("archivedAt")],
        limit: 20,
      });
      expect(missing(NO_INDEXES, history)).to.equal(undefined);
      expect(
        missing(NO_INDEXES, from("deferredTurns", { where: where("callId", "EQUAL", str("c")) })),
      ).to.equal(undefined);
      expect(
        missing(
          NO_INDEXES,
          from("deferredTurns", {
            where: where("deferredAt", "LESS_THAN_OR_EQUAL", int(1)),
            limit: 50,
          }),
        ),
      ).to.equal(undefined);
      expect(
        missing(
          NO_INDEXES,
          from("deferredTurns", { where: where("tenantId", "EQUAL", str("t")), limit: 50 }),
        ),
      ).to.equal(undefined);
    });

    it("refuses the history page with an equality on another field until the file has its index", function () {
      const scoped = from("archive", {
        where: and(
          where("tenantId", "EQUAL", str("t")),
          where("archivedAt", "LESS_THAN_OR_EQUAL", int(5)),
        ),
        orderBy: [desc("archivedAt")],
      });
      expect(missing(NO_INDEXES, scoped)).to.match(/^The query requires an index\./);
      const file = parseIndexesFile({
        indexes: [
          {
            collectionGroup: "archive",
            queryScope: "COLLECTION",
            fields: [
              { fieldPath: "tenantId", order: "ASCENDING" },
              { fieldPath: "archivedAt", order: "DESCENDING" },
            ],
          },
        ],
      });
      expect(missing(file, scoped)).to.equal(undefined);
    });
  });

  describe("queries that need a composite index", function () {
    it("requires one for an equality with an orderBy on another field", function () {
      const query = from("c", { where: eqA, orderBy: [desc("t")] });
      expect(missing(NO_INDEXES, query)).to.equal(
        requiresIndex(
          composite(
            "c",
            { fieldPath: "a", order: "ASCENDING" },
            { fieldPath: "t", order: "DESCENDING" },
            { fieldPath: "__name__", order: "DESCENDING" },
          ),
        ),
      );
    });

    it("requires one for inequalities on two fields", function () {
      const query = from("c", {
        where: and(where("b", "GREATER_THAN", int(1)), where("a", "LESS_THAN", int(1))),
      });
      expect(missing(NO_INDEXES, query)).to.equal(
        requiresIndex(
          composite(
            "c",
            { fieldPath: "a", order: "ASCENDING" },
            { fieldPath: "b", order: "ASCENDING" },
            { fieldPath: "__name__", order: "ASCENDING" },
          ),
        ),
      );
    });

    it("requires one when __name__ runs against the single ordered field", function () {
      expect(missing(NO_INDEXES, from("c", { orderBy: [asc("a"), desc("__name__")] }))).to.match(
        /^The query requires an index\./,
      );
    });

    it("requires one for array-contains with an orderBy", function () {
      const query = from("c", {
        where: where("tags", "ARRAY_CONTAINS", str("x")),
        orderBy: [asc("t")],
      });
      expect(missing(NO_INDEXES, query)).to.equal(
        requiresIndex(
          composite(
            "c",
            { fieldPath: "tags", arrayConfig: "CONTAINS" },
            { fieldPath: "t", order: "ASCENDING" },
            { fieldPath: "__name__", order: "ASCENDING" },
          ),
        ),
      );
    });

    it("requires one for the OR branch that needs it", function () {
      const query = from("c", { where: or(eqA, eqB), orderBy: [asc("t")] });
      expect(missing(NO_INDEXES, query)).to.equal(
        requiresIndex(
          composite(
            "c",
            { fieldPath: "a", order: "ASCENDING" },
            { fieldPath: "t", order: "ASCENDING" },
            { fieldPath: "__name__", order: "ASCENDING" },
          ),
        ),
      );
    });
  });

  describe("indexes from the file", function () {
    const file = parseIndexesFile({
      indexes: [
        {
          collectionGroup: "calls",
          queryScope: "COLLECTION",
          fields: [
            { fieldPath: "tenantId", order: "ASCENDING" },
            { fieldPath: "archivedAt", order: "DESCENDING" },
          ],
        },
        {
          collectionGroup: "c",
          queryScope: "COLLECTION",
          fields: [
            { fieldPath: "tags", arrayConfig: "CONTAINS" },
            { fieldPath: "t", order: "ASCENDING" },
          ],
        },
        {
          collectionGroup: "m",
          fields: [
            { fieldPath: "a", order: "ASCENDING" },
            { fieldPath: "t", order: "ASCENDING" },
          ],
        },
        {
          collectionGroup: "m",
          fields: [
            { fieldPath: "b", order: "ASCENDING" },
            { fieldPath: "t", order: "ASCENDING" },
          ],
        },
      ],
      fieldOverrides: [],
    });
    const history = (
      direction: "ASCENDING" | "DESCENDING",
      tie: "ASCENDING" | "DESCENDING" = direction,
    ): StructuredQuery =>
      from("calls", {
        where: and(
          where("tenantId", "EQUAL", str("t1")),
          where("archivedAt", "LESS_THAN_OR_EQUAL", int(5)),
        ),
        orderBy: [
          { field: { fieldPath: "archivedAt" }, direction },
          { field: { fieldPath: "__name__" }, direction: tie },
        ],
      });

    it("serves a query with the index's order, or all of it reversed", function () {
      expect(missing(file, history("DESCENDING"))).to.equal(undefined);
      expect(missing(file, history("ASCENDING"))).to.equal(undefined);
    });

    it("refuses a query whose __name__ order runs against the index", function () {
      expect(missing(file, history("DESCENDING", "ASCENDING"))).to.match(
        /^The query requires an index\./,
      );
    });

    it("serves array-contains through an arrayConfig field, but not in another collection", function () {
      const query = (collectionId: string): StructuredQuery =>
        from(collectionId, {
          where: where("tags", "ARRAY_CONTAINS", str("x")),
          orderBy: [asc("t")],
        });
      expect(missing(file, query("c"))).to.equal(undefined);
      expect(missing(file, query("other"))).to.match(/^The query requires an index\./);
    });

    it("merges indexes that end in the same order to serve several equalities", function () {
      expect(missing(file, from("m", { where: and(eqA, eqB), orderBy: [asc("t")] }))).to.equal(
        undefined,
      );
      expect(
        missing(
          file,
          from("m", { where: and(eqA, where("z", "EQUAL", int(1))), orderBy: [asc("t")] }),
        ),
      ).to.match(/requires an index/);
    });

    it("does not let a COLLECTION index serve a collection group query", function () {
      const groupQuery = {
        ...history("DESCENDING"),
        from: [{ collectionId: "calls", allDescendants: true }],
      };
      expect(missing(file, groupQuery)).to.match(/requires/);
      expect(missing(file, history("DESCENDING"))).to.equal(undefined);
    });
  });

  describe("collection groups and field overrides", function () {
    it("serves a collection group query with no filter or order", function () {
      expect(missing(NO_INDEXES, group("messages"))).to.equal(undefined);
    });

    it("requires a collection-group single-field index for a filtered collection group query", function () {
      const message = missing(
        NO_INDEXES,
        group("messages", { where: where("callId", "EQUAL", str("x")) }),
      );
      expect(message).to.match(
        /^The query requires a COLLECTION_GROUP_ASC index for collection messages and field callId\. You can create it here: https:\/\/console\.firebase\.google\.com\/v1\/r\/project\/demo\/firestore\/indexes\?create_exemption=/,
      );
      const descending = missing(NO_INDEXES, group("messages", { orderBy: [desc("at")] }));
      expect(descending).to.match(
        /^The query requires a COLLECTION_GROUP_DESC index for collection messages and field at\./,
      );
    });

    it("serves it once fieldOverrides add the collection-group index", function () {
      const file = parseIndexesFile({
        fieldOverrides: [
          {
            collectionGroup: "messages",
            fieldPath: "callId",
            indexes: [
              { order: "ASCENDING", queryScope: "COLLECTION" },
              { order: "ASCENDING", queryScope: "COLLECTION_GROUP" },
            ],
          },
        ],
      });
      expect(
        missing(file, group("messages", { where: where("callId", "EQUAL", str("x")) })),
      ).to.equal(undefined);
      expect(
        missing(file, from("messages", { where: where("callId", "EQUAL", str("x")) })),
      ).to.equal(undefined);
    });

    it("refuses a field whose automatic indexes an override removed, but not its neighbours", function () {
      const file = parseIndexesFile({
        fieldOverrides: [{ collectionGroup: "c", fieldPath: "blob", indexes: [] }],
      });
      expect(missing(file, from("c", { where: where("blob.part", "EQUAL", int(1)) }))).to.match(
        /^The query requires a COLLECTION_ASC index for collection c and field blob\.part\./,
      );
      expect(missing(file, from("c", { where: where("other", "EQUAL", int(1)) }))).to.equal(
        undefined,
      );
    });
  });

  describe("enforcement", function () {
    const docs = [doc("c/a", { a: int(1), t: int(1) })];
    const query = from("c", { where: eqA, orderBy: [asc("t")] });

    it("fails runQuery and aggregations with FAILED_PRECONDITION when enforced", function () {
      const gate = new IndexEnforcer(NO_INDEXES);
      expect(() => runQuery(docs, ROOT, query, { gate })).to.throw(
        FirestoreError,
        /requires an index/,
      );
      expect(() =>
        runAggregationQuery(
          docs,
          ROOT,
          { structuredQuery: query, aggregations: [{ alias: "n", count: {} }] },
          { gate },
        ),
      ).to.throw(FirestoreError, /requires an index/);
    });

    it("runs the same query when enforcement is off", function () {
      const gate = new IndexEnforcer(NO_INDEXES, { enforce: false });
      expect(runQuery(docs, ROOT, query, { gate })).to.have.length(1);
    });
  });

  describe("parseIndexesFile", function () {
    it("reads an empty file and rejects a bad scope or mode", function () {
      expect(parseIndexesFile({})).to.deep.equal(NO_INDEXES);
      expect(() =>
        parseIndexesFile({
          indexes: [{ collectionGroup: "c", queryScope: "DATABASE", fields: [] }],
        }),
      ).to.throw(/queryScope/);
      expect(() =>
        parseIndexesFile({
          indexes: [{ collectionGroup: "c", fields: [{ fieldPath: "a", order: "UP" }] }],
        }),
      ).to.throw(/order/);
    });
  });
});
