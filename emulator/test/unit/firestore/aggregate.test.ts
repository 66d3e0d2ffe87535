import { expect } from "chai";
import { runAggregationQuery, type Aggregation } from "../../../src/firestore/aggregate.js";
import { FirestoreError } from "../../../src/firestore/errors.js";
import type { StructuredQuery } from "../../../src/firestore/query.js";
import type { Value } from "../../../src/firestore/values.js";
import { asc, dbl, doc, from, int, NULL, ROOT, str, where } from "./fixtures.js";

const docs = [
  doc("c/a", { n: int(1), d: dbl(1.5), s: str("x") }),
  doc("c/b", { n: int(2), d: int(2), s: int(4) }),
  doc("c/c", { n: int(3), s: NULL }),
  doc("c/d", { other: int(1) }),
];

function aggregate(
  aggregations: Aggregation[],
  query: StructuredQuery = from("c"),
): Record<string, Value> {
  return runAggregationQuery(docs, ROOT, { structuredQuery: query, aggregations }).aggregateFields;
}

function rejects(aggregations: Aggregation[]): FirestoreError {
  try {
    aggregate(aggregations);
  } catch (error) {
    if (error instanceof FirestoreError) return error;
    throw error;
  }
  throw new Error("aggregation ran");
}

const sumOf = (fieldPath: string, alias = "total"): Aggregation => ({
  alias,
  sum: { field: { fieldPath } },
});
const avgOf = (fieldPath: string, alias = "mean"): Aggregation => ({
  alias,
  avg: { field: { fieldPath } },
});

describe("runAggregationQuery", function () {
  it("counts the documents the query returns, after filters and limit", function () {
    expect(aggregate([{ alias: "n", count: {} }])).to.deep.equal({ n: int(4) });
    expect(
      aggregate(
        [{ alias: "n", count: {} }],
        from("c", { where: where("n", "GREATER_THAN", int(1)) }),
      ),
    ).to.deep.equal({ n: int(2) });
    expect(
      aggregate([{ alias: "n", count: {} }], from("c", { orderBy: [asc("n")], limit: 1 })),
    ).to.deep.equal({ n: int(1) });
  });

  it("stops counting at upTo, and only there", function () {
    expect(aggregate([{ alias: "n", count: { upTo: { value: 2 } } }])).to.deep.equal({ n: int(2) });
    expect(aggregate([{ alias: "n", count: { upTo: "10" } }])).to.deep.equal({ n: int(4) });
    expect(rejects([{ alias: "n", count: { upTo: 0 } }]).code).to.equal("INVALID_ARGUMENT");
  });

  it("sums integers as an integer and skips non-numbers", function () {
    expect(aggregate([sumOf("n")])).to.deep.equal({ total: int(6) });
    expect(aggregate([sumOf("s")])).to.deep.equal({ total: int(4) });
  });

  it("sums to a double once a double is involved", function () {
    expect(aggregate([sumOf("d")])).to.deep.equal({ total: dbl(3.5) });
  });

  it("keeps 64-bit sums exact and turns an overflow into a double", function () {
    const big = [doc("c/x", { n: int("9007199254740993") }), doc("c/y", { n: int(1) })];
    const exact = runAggregationQuery(big, ROOT, {
      structuredQuery: from("c"),
      aggregations: [sumOf("n")],
    });
    expect(exact.aggregateFields).to.deep.equal({ total: int("9007199254740994") });
    const huge = [doc("c/x", { n: int("9223372036854775807") }), doc("c/y", { n: int(1) })];
    const overflow = runAggregationQuery(huge, ROOT, {
      structuredQuery: from("c"),
      aggregations: [sumOf("n")],
    });
    expect(overflow.aggregateFields).to.deep.equal({ total: dbl(9223372036854775808) });
  });

  describe("doubles", function () {
    const MAX = Number.MAX_VALUE;
    const over = (...values: number[]) => values.map((v, i) => doc(`c/d${i}`, { r: dbl(v) }));
    const sumOver = (values: number[]): Value | undefined =>
      runAggregationQuery(over(...values), ROOT, {
        structuredQuery: from("c"),
        aggregations: [sumOf("r")],
      }).aggregateFields.total;
    const avgOver = (values: number[]): Value | undefined =>
      runAggregationQuery(over(...values), ROOT, {
        structuredQuery: from("c"),
        aggregations: [avgOf("r")],
      }).aggregateFields.mean;

    it("sums a set that only overflows on the way to a finite result", function () {
      expect(sumOver([MAX, MAX, -MAX, -MAX, MAX, -MAX, -MAX, MAX])).to.deep.equal(dbl(0));
    });

    it("sums past the largest double to Infinity, either sign", function () {
      expect(sumOver([MAX, MAX])).to.deep.equal(dbl(Infinity));
      expect(sumOver([MAX, 1e293])).to.deep.equal(dbl(Infinity));
      expect(sumOver([-MAX, -MAX])).to.deep.equal(dbl(-Infinity));
    });

    it("rounds the exact sum once", function () {
      expect(sumOver([0.1, 0.2, 0.3])).to.deep.equal(dbl(0.6));
      expect(sumOver([Number.MIN_VALUE])).to.deep.equal(dbl(Number.MIN_VALUE));
      expect(sumOver([1e308, 1, -1e308])).to.deep.equal(dbl(1));
    });

    it("propagates NaN and opposite infinities as NaN", function () {
      expect(sumOver([5, NaN, 0])).to.deep.equal(dbl(NaN));
      expect(sumOver([Infinity, -Infinity])).to.deep.equal(dbl(NaN));
      expect(sumOver([Infinity, 1])).to.deep.equal(dbl(Infinity));
      expect(avgOver([5, NaN])).to.deep.equal(dbl(NaN));
    });

    it("averages in doubles: overflow reaches Infinity and the smallest double underflows", function () {
      expect(avgOver([MAX, MAX])).to.deep.equal(dbl(Infinity));
      expect(avgOver([Number.MIN_VALUE, 0])).to.deep.equal(dbl(0));
      expect(avgOver([10.5, 9.5])).to.deep.equal(dbl(10));
    });
  });

  it("sums nothing to integer 0 and averages nothing to null", function () {
    expect(aggregate([sumOf("missing"), avgOf("missing")])).to.deep.equal({
      total: int(0),
      mean: NULL,
    });
  });

  it("averages as a double over numeric values only", function () {
    expect(aggregate([avgOf("n")])).to.deep.equal({ mean: dbl(2) });
    expect(aggregate([avgOf("s")])).to.deep.equal({ mean: dbl(4) });
  });

  it("names unaliased aggregations field_1, field_2… and keeps odd aliases as own keys", function () {
    const result = aggregate([
      { count: {} },
      { sum: { field: { fieldPath: "n" } } },
      { alias: "__proto__", count: {} },
    ]);
    expect(Object.keys(result)).to.deep.equal(["field_1", "field_2", "__proto__"]);
    expect(result.field_2).to.deep.equal(int(6));
  });

  it("refuses more than five aggregations in one request, as production does", function () {
    const five = [1, 2, 3, 4, 5].map((i) => ({ alias: `c${i}`, count: {} }));
    expect(Object.keys(aggregate(five))).to.have.length(5);
    const error = rejects([...five, { alias: "c6", count: {} }]);
    expect(error.code).to.equal("INVALID_ARGUMENT");
    expect(error.message).to.include("maximum number of aggregations");
  });

  it("rejects duplicate aliases and an empty aggregation list", function () {
    expect(rejects([sumOf("n", "x"), avgOf("n", "x")]).code).to.equal("INVALID_ARGUMENT");
    expect(rejects([]).code).to.equal("INVALID_ARGUMENT");
  });
});
