import { expect } from "chai";
import { FirestoreError } from "../../../src/firestore/errors.js";
import {
  normalizedOrderBy,
  runQuery,
  type QueryDocument,
  type StructuredQuery,
} from "../../../src/firestore/query.js";
import {
  and,
  arr,
  asc,
  dbl,
  desc,
  doc,
  from,
  group,
  int,
  map,
  NULL,
  or,
  paths,
  ref,
  ROOT,
  str,
  ts,
  unary,
  where,
} from "./fixtures.js";

function run(documents: QueryDocument[], query: StructuredQuery, parent = ROOT): string[] {
  return paths(runQuery(documents, parent, query));
}

function rejects(documents: QueryDocument[], query: StructuredQuery): FirestoreError {
  try {
    runQuery(documents, ROOT, query);
  } catch (error) {
    if (error instanceof FirestoreError) return error;
    throw error;
  }
  throw new Error("query ran");
}

// One field, many types: each operator's result below is the exact set production returns.
const mixed = [
  doc("c/int1", { v: int(1) }),
  doc("c/dbl2", { v: dbl(2) }),
  doc("c/int3", { v: int(3) }),
  doc("c/str3", { v: str("3") }),
  doc("c/null", { v: NULL }),
  doc("c/nan", { v: dbl(NaN) }),
  doc("c/missing", { other: int(1) }),
  doc("c/arr", { v: arr(int(1), str("x")) }),
];

describe("runQuery", function () {
  describe("scope", function () {
    const docs = [
      doc("rooms/a", { n: int(1) }),
      doc("rooms/a/messages/m1", { n: int(1) }),
      doc("rooms/b/messages/m2", { n: int(1) }),
      doc("other/x/messages/m3", { n: int(1) }),
      doc("messages/m0", { n: int(1) }),
      doc("roomsx/z", { n: int(1) }),
    ];

    it("reads only the named collection's direct children", function () {
      expect(run(docs, from("rooms"))).to.deep.equal(["rooms/a"]);
      expect(run(docs, from("messages"), `${ROOT}/rooms/a`)).to.deep.equal(["rooms/a/messages/m1"]);
    });

    it("reads every same-named collection under the parent for a collection group", function () {
      expect(run(docs, group("messages"))).to.deep.equal([
        "messages/m0",
        "other/x/messages/m3",
        "rooms/a/messages/m1",
        "rooms/b/messages/m2",
      ]);
      expect(run(docs, group("messages"), `${ROOT}/rooms`)).to.deep.equal([]);
      expect(run(docs, group("messages"), `${ROOT}/rooms/b`)).to.deep.equal([
        "rooms/b/messages/m2",
      ]);
    });
  });

  describe("collection groups by document name", function () {
    const docs = [
      "a/a/bcg/cg-doc1",
      "a/b/a/b/bcg/cg-doc2",
      "a/b/bcg/cg-doc3",
      "a/b/c/d/bcg/cg-doc4",
      "a/c/bcg/cg-doc5",
      "bcg/cg-doc6",
      "a/b/nope/nope",
    ].map((path) => doc(path, { x: int(1) }));
    const ids = (query: StructuredQuery): string[] =>
      run(docs, query).map((path) => path.split("/").at(-1) ?? "");

    it("bounds a collection group by arbitrary document names with cursors", function () {
      const between = group("bcg", {
        orderBy: [asc("__name__")],
        startAt: { values: [ref("a/b")], before: true },
        endAt: { values: [ref("a/b0")] },
      });
      expect(ids(between)).to.deep.equal(["cg-doc2", "cg-doc3", "cg-doc4"]);
      const exclusive = group("bcg", {
        orderBy: [asc("__name__")],
        startAt: { values: [ref("a/b")] },
        endAt: { values: [ref("a/b/bcg/cg-doc3")], before: true },
      });
      expect(ids(exclusive)).to.deep.equal(["cg-doc2"]);
    });

    it("bounds a collection group by arbitrary document names with filters", function () {
      const query = group("bcg", {
        where: and(
          where("__name__", "GREATER_THAN_OR_EQUAL", ref("a/b")),
          where("__name__", "LESS_THAN", ref("a/b0")),
        ),
      });
      expect(ids(query)).to.deep.equal(["cg-doc2", "cg-doc3", "cg-doc4"]);
    });
  });

  describe("field filters", function () {
    // Inequalities order by their field first, so those results come in value order.
    const cases: Array<[string, StructuredQuery, string[]]> = [
      [
        "< compares numbers only and never matches NaN",
        from("c", { where: where("v", "LESS_THAN", int(3)) }),
        ["c/int1", "c/dbl2"],
      ],
      [
        "<= includes the bound",
        from("c", { where: where("v", "LESS_THAN_OR_EQUAL", dbl(2)) }),
        ["c/int1", "c/dbl2"],
      ],
      [
        "> never matches strings or null",
        from("c", { where: where("v", "GREATER_THAN", int(1)) }),
        ["c/dbl2", "c/int3"],
      ],
      [
        ">= on strings matches strings only",
        from("c", { where: where("v", "GREATER_THAN_OR_EQUAL", str("")) }),
        ["c/str3"],
      ],
      [
        "== treats 2 and 2.0 as equal",
        from("c", { where: where("v", "EQUAL", int(2)) }),
        ["c/dbl2"],
      ],
      ["== on a string", from("c", { where: where("v", "EQUAL", str("3")) }), ["c/str3"]],
      [
        "!= skips missing fields and nulls, keeps other types",
        from("c", { where: where("v", "NOT_EQUAL", int(1)) }),
        ["c/nan", "c/dbl2", "c/int3", "c/str3", "c/arr"],
      ],
      ["in", from("c", { where: where("v", "IN", arr(int(1), str("3"))) }), ["c/int1", "c/str3"]],
      [
        "not-in skips missing fields and nulls",
        from("c", { where: where("v", "NOT_IN", arr(int(1), str("3"))) }),
        ["c/nan", "c/dbl2", "c/int3", "c/arr"],
      ],
      [
        "not-in with null in its list matches nothing",
        from("c", { where: where("v", "NOT_IN", arr(NULL)) }),
        [],
      ],
      ["array-contains", from("c", { where: where("v", "ARRAY_CONTAINS", str("x")) }), ["c/arr"]],
      [
        "array-contains-any",
        from("c", { where: where("v", "ARRAY_CONTAINS_ANY", arr(str("y"), int(1))) }),
        ["c/arr"],
      ],
      [
        "array-contains-any misses when no element matches",
        from("c", { where: where("v", "ARRAY_CONTAINS_ANY", arr(int(3))) }),
        [],
      ],
      ["IS_NAN", from("c", { where: unary("v", "IS_NAN") }), ["c/nan"]],
      ["IS_NULL", from("c", { where: unary("v", "IS_NULL") }), ["c/null"]],
      [
        "IS_NOT_NAN skips NaN, null and missing",
        from("c", { where: unary("v", "IS_NOT_NAN") }),
        ["c/int1", "c/dbl2", "c/int3", "c/str3", "c/arr"],
      ],
      [
        "IS_NOT_NULL skips null and missing",
        from("c", { where: unary("v", "IS_NOT_NULL") }),
        ["c/nan", "c/int1", "c/dbl2", "c/int3", "c/str3", "c/arr"],
      ],
      [
        "== NaN matches nothing (NaN only through IS_NAN)",
        from("c", { where: where("v", "EQUAL", dbl(NaN)) }),
        [],
      ],
    ];
    for (const [title, query, expected] of cases) {
      it(title, function () {
        expect(run(mixed, query)).to.deep.equal(expected);
      });
    }

    it("compares 64-bit integers exactly", function () {
      const docs = [
        doc("c/a", { v: int("9007199254740993") }),
        doc("c/b", { v: int("9007199254740992") }),
      ];
      expect(
        run(docs, from("c", { where: where("v", "GREATER_THAN", int("9007199254740992")) })),
      ).to.deep.equal(["c/a"]);
      expect(
        run(docs, from("c", { where: where("v", "EQUAL", int("9007199254740992")) })),
      ).to.deep.equal(["c/b"]);
    });

    it("filters on nested and quoted field paths", function () {
      const docs = [
        doc("c/a", { m: map({ "x.y": int(1) }) }),
        doc("c/b", { m: map({ x: map({ y: int(1) }) }) }),
      ];
      expect(run(docs, from("c", { where: where("m.`x.y`", "EQUAL", int(1)) }))).to.deep.equal([
        "c/a",
      ]);
      expect(run(docs, from("c", { where: where("m.x.y", "EQUAL", int(1)) }))).to.deep.equal([
        "c/b",
      ]);
    });
  });

  describe("operators from the wire", function () {
    it("refuses an operator it does not know instead of reading it as another", function () {
      const unknown = JSON.parse(
        '{"fieldFilter":{"field":{"fieldPath":"v"},"op":"GREATER_THAN_OR_EQUALS","value":{"integerValue":"1"}}}',
      ) as unknown;
      const query = { from: [{ collectionId: "c" }], where: unknown } as StructuredQuery;
      expect(rejects(mixed, query).message).to.equal(
        "Unknown field filter operator: GREATER_THAN_OR_EQUALS",
      );
      expect(
        run(mixed, from("c", { where: where("v", "GREATER_THAN_OR_EQUAL", int(3)) })),
      ).to.deep.equal(["c/int3"]);
    });
  });

  describe("composite filters", function () {
    const docs = [
      doc("c/a", { x: int(1), y: int(1) }),
      doc("c/b", { x: int(1), y: int(2) }),
      doc("c/c", { x: int(2), y: int(1) }),
      doc("c/d", { x: int(3), y: int(3) }),
    ];

    it("AND needs every filter", function () {
      expect(
        run(
          docs,
          from("c", { where: and(where("x", "EQUAL", int(1)), where("y", "EQUAL", int(2))) }),
        ),
      ).to.deep.equal(["c/b"]);
      expect(
        run(
          docs,
          from("c", { where: and(where("x", "EQUAL", int(2)), where("y", "EQUAL", int(2))) }),
        ),
      ).to.deep.equal([]);
    });

    it("OR needs any filter, nested under AND", function () {
      const query = from("c", {
        where: or(
          and(where("x", "EQUAL", int(1)), where("y", "EQUAL", int(2))),
          where("x", "GREATER_THAN", int(2)),
        ),
      });
      expect(run(docs, query)).to.deep.equal(["c/b", "c/d"]);
      expect(
        run(
          docs,
          from("c", { where: or(where("x", "EQUAL", int(9)), where("y", "EQUAL", int(9))) }),
        ),
      ).to.deep.equal([]);
    });
  });

  describe("__name__ filters", function () {
    const docs = [doc("c/a"), doc("c/b"), doc("c/c")];

    it("compares document references", function () {
      expect(
        run(docs, from("c", { where: where("__name__", "GREATER_THAN", ref("c/a")) })),
      ).to.deep.equal(["c/b", "c/c"]);
      expect(
        run(docs, from("c", { where: where("__name__", "IN", arr(ref("c/c"), ref("c/x"))) })),
      ).to.deep.equal(["c/c"]);
    });

    it("rejects a __name__ filter whose value is not a reference", function () {
      expect(
        rejects(docs, from("c", { where: where("__name__", "EQUAL", str("a")) })).code,
      ).to.equal("INVALID_ARGUMENT");
    });
  });

  describe("orderBy", function () {
    it("orders across types by Firestore's type order and skips documents without the field", function () {
      const docs = [
        doc("c/str", { v: str("a") }),
        doc("c/map", { v: map({}) }),
        doc("c/ts", { v: ts("2026-01-01T00:00:00Z") }),
        doc("c/num", { v: int(-5) }),
        doc("c/bool", { v: { booleanValue: false } }),
        doc("c/null", { v: NULL }),
        doc("c/none"),
      ];
      expect(run(docs, from("c", { orderBy: [asc("v")] }))).to.deep.equal([
        "c/null",
        "c/bool",
        "c/num",
        "c/ts",
        "c/str",
        "c/map",
      ]);
      expect(run(docs, from("c", { orderBy: [desc("v")] }))).to.deep.equal([
        "c/map",
        "c/str",
        "c/ts",
        "c/num",
        "c/bool",
        "c/null",
      ]);
    });

    // The history endpoint pages over archived calls with equal timestamps: ties must come newest id first.
    const archived = [
      doc("calls/a1", { archivedAt: ts("2026-01-01T10:00:00.000000000Z") }),
      doc("calls/a2", { archivedAt: ts("2026-01-01T10:00:00.000000000Z") }),
      doc("calls/a3", { archivedAt: ts("2026-01-01T10:00:00.000000000Z") }),
      doc("calls/b", { archivedAt: ts("2026-01-01T09:00:00.000000000Z") }),
      doc("calls/later", { archivedAt: ts("2026-01-01T11:00:00.000000000Z") }),
    ];

    it("breaks ties by __name__ in the last orderBy's direction (desc + <= + limit)", function () {
      const query = from("calls", {
        where: where("archivedAt", "LESS_THAN_OR_EQUAL", ts("2026-01-01T10:00:00Z")),
        orderBy: [desc("archivedAt")],
        limit: { value: 2 },
      });
      expect(run(archived, query)).to.deep.equal(["calls/a3", "calls/a2"]);
    });

    it("breaks ties by __name__ ascending when the last orderBy is ascending", function () {
      const query = from("calls", {
        where: where("archivedAt", "LESS_THAN_OR_EQUAL", ts("2026-01-01T10:00:00Z")),
        orderBy: [asc("archivedAt")],
        limit: 3,
      });
      expect(run(archived, query)).to.deep.equal(["calls/b", "calls/a1", "calls/a2"]);
    });

    it("orders by inequality fields after the explicit orderBy, then __name__", function () {
      const query = from("c", {
        where: and(where("b", "GREATER_THAN", int(0)), where("a", "NOT_EQUAL", int(0))),
        orderBy: [desc("z")],
      });
      expect(normalizedOrderBy(query).map((o) => `${o.fieldPath} ${o.direction}`)).to.deep.equal([
        "z DESCENDING",
        "a DESCENDING",
        "b DESCENDING",
        "__name__ DESCENDING",
      ]);
      const docs = [
        doc("c/x", { z: int(1), a: int(1), b: int(2) }),
        doc("c/y", { z: int(1), a: int(2), b: int(1) }),
        doc("c/noz", { a: int(2), b: int(1) }),
      ];
      expect(run(docs, query)).to.deep.equal(["c/y", "c/x"]);
    });

    it("keeps an explicit __name__ order where it is given", function () {
      const docs = [doc("c/a", { v: int(1) }), doc("c/b", { v: int(1) })];
      expect(run(docs, from("c", { orderBy: [asc("v"), desc("__name__")] }))).to.deep.equal([
        "c/b",
        "c/a",
      ]);
      expect(run(docs, from("c", { orderBy: [asc("v"), asc("__name__")] }))).to.deep.equal([
        "c/a",
        "c/b",
      ]);
    });
  });

  describe("cursors, offset and limit", function () {
    const docs = [1, 2, 3, 4, 5, 6].map((n) =>
      doc(`c/d${n}`, { n: int(n), even: { booleanValue: n % 2 === 0 } }),
    );

    it("startAt includes the cursor and startAfter skips it", function () {
      expect(
        run(docs, from("c", { orderBy: [asc("n")], startAt: { values: [int(3)], before: true } })),
      ).to.deep.equal(["c/d3", "c/d4", "c/d5", "c/d6"]);
      expect(
        run(docs, from("c", { orderBy: [asc("n")], startAt: { values: [int(3)] } })),
      ).to.deep.equal(["c/d4", "c/d5", "c/d6"]);
    });

    it("endAt includes the cursor and endBefore skips it", function () {
      expect(
        run(docs, from("c", { orderBy: [asc("n")], endAt: { values: [int(2)] } })),
      ).to.deep.equal(["c/d1", "c/d2"]);
      expect(
        run(docs, from("c", { orderBy: [asc("n")], endAt: { values: [int(2)], before: true } })),
      ).to.deep.equal(["c/d1"]);
    });

    it("pages over ties with a __name__ cursor value", function () {
      const query = from("c", {
        orderBy: [desc("even")],
        startAt: { values: [{ booleanValue: true }, ref("c/d4")] },
      });
      expect(run(docs, query)).to.deep.equal(["c/d2", "c/d5", "c/d3", "c/d1"]);
      const inclusive = {
        ...query,
        startAt: { values: [{ booleanValue: true }, ref("c/d4")], before: true },
      };
      expect(run(docs, inclusive)).to.deep.equal(["c/d4", "c/d2", "c/d5", "c/d3", "c/d1"]);
    });

    it("serves limitToLast as the client sends it: reversed order, swapped cursors", function () {
      // limitToLast(2) on orderBy(n) endBefore(5): the client asks for orderBy(n desc) startAfter(5) limit 2.
      const query = from("c", {
        orderBy: [desc("n")],
        startAt: { values: [int(5)], before: false },
        limit: 2,
      });
      expect(run(docs, query).reverse()).to.deep.equal(["c/d3", "c/d4"]);
      const endAt = from("c", {
        orderBy: [desc("n")],
        startAt: { values: [int(5)], before: true },
        limit: 2,
      });
      expect(run(docs, endAt).reverse()).to.deep.equal(["c/d4", "c/d5"]);
    });

    it("applies offset before limit, after cursors", function () {
      expect(
        run(
          docs,
          from("c", {
            orderBy: [asc("n")],
            startAt: { values: [int(2)] },
            offset: 1,
            limit: { value: 2 },
          }),
        ),
      ).to.deep.equal(["c/d4", "c/d5"]);
      expect(run(docs, from("c", { offset: 10 }))).to.deep.equal([]);
      expect(run(docs, from("c", { limit: 0 }))).to.deep.equal([]);
    });

    it("rejects more cursor values than orderBy fields", function () {
      const error = rejects(
        docs,
        from("c", { orderBy: [asc("n")], startAt: { values: [int(1), ref("c/d1"), int(2)] } }),
      );
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.match(/Too many cursor values/);
    });
  });

  describe("select", function () {
    const docs = [doc("c/a", { x: int(1), m: map({ p: int(2), q: int(3) }), y: int(4) })];

    it("keeps only the selected fields, nested ones inside their maps", function () {
      const [only] = runQuery(
        docs,
        ROOT,
        from("c", { select: { fields: [{ fieldPath: "x" }, { fieldPath: "m.q" }] } }),
      );
      expect(only?.fields).to.deep.equal({ x: int(1), m: map({ q: int(3) }) });
    });

    it("returns documents with no fields when no field is selected", function () {
      for (const select of [{ fields: [] }, {}, { fields: [{ fieldPath: "__name__" }] }]) {
        const results = runQuery(docs, ROOT, from("c", { select }));
        expect(paths(results)).to.deep.equal(["c/a"]);
        expect(results[0]?.fields).to.deep.equal({});
      }
    });

    it("returns whole documents without a select", function () {
      expect(runQuery(docs, ROOT, from("c"))[0]?.fields).to.have.keys("x", "m", "y");
    });
  });

  describe("prototype names", function () {
    const docs = [
      doc("c/constructor", {
        constructor: int(1),
        ["__proto__"]: map({ polluted: { booleanValue: true } }),
      }),
      doc("c/__proto__", { toString: str("t") }),
      doc("c/plain", { v: int(1) }),
    ];

    it("matches fields named constructor and __proto__ only where documents have them", function () {
      expect(run(docs, from("c", { where: where("constructor", "EQUAL", int(1)) }))).to.deep.equal([
        "c/constructor",
      ]);
      expect(run(docs, from("c", { where: unary("constructor", "IS_NOT_NULL") }))).to.deep.equal([
        "c/constructor",
      ]);
      expect(
        run(
          docs,
          from("c", { where: where("__proto__.polluted", "EQUAL", { booleanValue: true }) }),
        ),
      ).to.deep.equal(["c/constructor"]);
      expect(run(docs, from("c", { orderBy: [asc("toString")] }))).to.deep.equal(["c/__proto__"]);
    });

    it("projects a __proto__ field as an own field without touching prototypes", function () {
      const [projected] = runQuery(
        docs,
        ROOT,
        from("c", {
          where: unary("constructor", "IS_NOT_NULL"),
          select: { fields: [{ fieldPath: "__proto__" }] },
        }),
      );
      expect(Object.keys(projected?.fields ?? {})).to.deep.equal(["__proto__"]);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });
});
