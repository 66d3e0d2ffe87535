import { expect } from "chai";
import {
  decode,
  encode,
  loadFirestoreProtos,
  stringToTimestamp,
  timestampToString,
  type Json,
  firestoreProtoDir,
} from "../../../src/firestore/wire/protojson.js";

const PROTOS = firestoreProtoDir();
const root = loadFirestoreProtos(PROTOS);
const type = (name: string) => root.lookupType(`google.firestore.v1.${name}`);

const EVERY_VALUE: Json = {
  fields: {
    nothing: { nullValue: null },
    yes: { booleanValue: true },
    big: { integerValue: "9223372036854775807" },
    small: { integerValue: "-9223372036854775808" },
    ratio: { doubleValue: 0.25 },
    when: { timestampValue: "2026-12-06T03:40:24.123456789Z" },
    name: { stringValue: "Ana ☎ 😀" },
    raw: { bytesValue: "AAEC/w==" },
    ref: { referenceValue: "projects/p/databases/(default)/documents/calls/constructor" },
    where: { geoPointValue: { latitude: 51.5, longitude: -0.12 } },
    list: { arrayValue: { values: [{ integerValue: "1" }, { stringValue: "two" }] } },
    map: {
      mapValue: { fields: { constructor: { booleanValue: false }, inner: { nullValue: null } } },
    },
  },
};

describe("protobuf-JSON wire form", () => {
  it("round-trips every value type, exact 64-bit integers and nanoseconds included", () => {
    const document = {
      name: "projects/p/databases/(default)/documents/a/b",
      ...EVERY_VALUE,
    } as Json;
    const bytes = encode(type("Document"), document);
    expect(decode(type("Document"), bytes)).to.deep.equal(document);
  });

  it("reads what a protobuf client sends: Timestamp messages, wrapped limits, the null enum", () => {
    const Query = type("RunQueryRequest");
    const sent = Query.encode(
      Query.fromObject({
        parent: "projects/p/databases/(default)/documents",
        structuredQuery: {
          from: [{ collectionId: "calls", allDescendants: true }],
          where: {
            fieldFilter: {
              field: { fieldPath: "archivedAt" },
              op: "LESS_THAN_OR_EQUAL",
              value: { timestampValue: { seconds: 1_780_000_000, nanos: 500_000 } },
            },
          },
          limit: { value: 20 },
        },
        readTime: { seconds: 1_780_000_001, nanos: 0 },
      }),
    ).finish();
    expect(decode(Query, sent)).to.deep.equal({
      parent: "projects/p/databases/(default)/documents",
      structuredQuery: {
        from: [{ collectionId: "calls", allDescendants: true }],
        where: {
          fieldFilter: {
            field: { fieldPath: "archivedAt" },
            op: "LESS_THAN_OR_EQUAL",
            value: { timestampValue: "2026-05-28T20:26:40.000500Z" },
          },
        },
        limit: 20,
      },
      readTime: "2026-05-28T20:26:41Z",
    });
    const nullOnly = type("Value");
    expect(
      decode(nullOnly, nullOnly.encode(nullOnly.fromObject({ nullValue: 0 })).finish()),
    ).to.deep.equal({
      nullValue: null,
    });
  });

  it("writes what a protobuf client reads back", () => {
    const Response = type("CommitResponse");
    const bytes = encode(Response, {
      writeResults: [
        { updateTime: "2026-12-06T03:40:24.000001Z", transformResults: [{ integerValue: "3" }] },
      ],
      commitTime: "2026-12-06T03:40:24.000001Z",
    });
    const read = Response.toObject(Response.decode(bytes), { longs: String });
    expect(read).to.deep.equal({
      writeResults: [
        {
          updateTime: { seconds: "1796528424", nanos: 1000 },
          transformResults: [{ integerValue: "3" }],
        },
      ],
      commitTime: { seconds: "1796528424", nanos: 1000 },
    });
  });

  it("writes enums given by name as their numbers, and refuses a name the enum lacks", () => {
    const Response = type("ListenResponse");
    const bytes = encode(Response, {
      targetChange: { targetChangeType: "CURRENT", targetIds: [1] },
    });
    const read = Response.toObject(Response.decode(bytes), { enums: String });
    expect(read).to.deep.equal({ targetChange: { targetChangeType: "CURRENT", targetIds: [1] } });
    expect(() => encode(Response, { targetChange: { targetChangeType: "LATER" } })).to.throw(
      /targetChangeType: enum value expected/,
    );
  });

  it("refuses fields the message does not have and values its types cannot hold", () => {
    expect(() => encode(type("Value"), { integerValue: "1", colour: "red" })).to.throw(
      /unknown field "colour"/,
    );
    expect(() => encode(type("Document"), { createTime: "yesterday" })).to.throw(
      /not an RFC 3339 timestamp/,
    );
    expect(() => encode(type("Value"), { booleanValue: "yes" })).to.throw(
      /booleanValue: boolean expected/,
    );
  });
});

describe("timestamps", () => {
  it("writes only the fraction digits the value needs, in threes", () => {
    expect(timestampToString({ seconds: "0", nanos: 0 })).to.equal("1970-01-01T00:00:00Z");
    expect(timestampToString({ seconds: "0", nanos: 120_000_000 })).to.equal(
      "1970-01-01T00:00:00.120Z",
    );
    expect(timestampToString({ seconds: "0", nanos: 1_000 })).to.equal(
      "1970-01-01T00:00:00.000001Z",
    );
    expect(timestampToString({ seconds: "0", nanos: 7 })).to.equal(
      "1970-01-01T00:00:00.000000007Z",
    );
  });

  it("reads any offset and up to nine fraction digits, and nothing else", () => {
    expect(stringToTimestamp("2026-01-01T13:00:00.5+01:00")).to.deep.equal({
      seconds: String(Date.UTC(2026, 0, 1, 12) / 1000),
      nanos: 500_000_000,
    });
    expect(() => stringToTimestamp("2026-01-01 12:00:00")).to.throw(TypeError);
    expect(() => stringToTimestamp("2026-01-01T12:00:00.1234567891Z")).to.throw(TypeError);
  });
});

describe("protobuf-JSON well-known types of Query Explain", () => {
  const Metrics = () => type("ExplainMetrics");

  it("writes Struct as plain JSON and Duration as seconds, and reads them back the same", () => {
    const executionStats = {
      resultsReturned: "2",
      executionDuration: "0.000123400s",
      readOperations: "2",
      debugStats: { documents_scanned: "2", billing_details: { min_query_cost: "0" }, n: 1.5 },
    };
    const metrics: Json = {
      planSummary: {
        indexesUsed: [{ query_scope: "Collection", properties: "(foo ASC, __name__ ASC)" }],
      },
      executionStats,
    };
    const bytes = encode(Metrics(), metrics);
    // What a protobuf client decodes: a Duration message and Struct fields of google.protobuf.Value.
    const decoded = Metrics().toObject(Metrics().decode(bytes), { longs: String }) as {
      executionStats?: { executionDuration?: unknown };
      planSummary?: { indexesUsed?: Array<{ fields?: Record<string, unknown> }> };
    };
    expect(decoded.executionStats?.executionDuration).to.deep.equal({
      seconds: "0",
      nanos: 123400,
    });
    expect(decoded.planSummary?.indexesUsed?.[0]?.fields?.properties).to.deep.equal({
      stringValue: "(foo ASC, __name__ ASC)",
    });
    expect(decode(Metrics(), bytes)).to.deep.equal(metrics);
  });

  it("writes whole seconds without a fraction and refuses a duration without its unit", () => {
    const stats = type("ExecutionStats");
    expect(decode(stats, encode(stats, { executionDuration: "3s" }))).to.deep.equal({
      executionDuration: "3s",
    });
    expect(() => encode(stats, { executionDuration: "3" })).to.throw(/duration/);
  });
});
