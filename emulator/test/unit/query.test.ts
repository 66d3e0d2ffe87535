import { expect } from "chai";
import {
  InvalidQueryError,
  applyQuery,
  loadsAllData,
  parseRestQuery,
  parseWireQuery,
  queryKey,
  queryVariables,
  wireQueryObject,
} from "../../src/query.js";
import type { Node } from "../../src/tree.js";
import type { QuerySpec } from "../../src/types.js";

/** Children ordered by `n`: e (no n) < g (a leaf) < b=1 < c=2 < d=2 < a=3 < f="x" < h={…}. */
const ITEMS: Node = {
  a: { n: 3 },
  b: { n: 1 },
  c: { n: 2 },
  d: { n: 2 },
  e: { m: 1 },
  f: { n: "x" },
  g: 5,
  h: { n: { deep: true } },
  ".priority": "parent",
};

function windowKeys(node: Node, q: unknown): string[] {
  const result = applyQuery(node, parseWireQuery(q));
  return result === null
    ? []
    : Object.keys(result)
        .filter((key) => key !== ".priority")
        .sort();
}

function rest(query: string): QuerySpec {
  const spec = parseRestQuery(new URLSearchParams(query));
  if (spec === null) throw new Error(`no query in ${query}`);
  return spec;
}

describe("parseWireQuery", function () {
  it("returns the priority index when i is omitted", function () {
    expect(parseWireQuery({})).to.deep.equal({ index: { kind: "priority" }, viewFrom: "left" });
  });

  it("parses every index kind", function () {
    expect(parseWireQuery({ i: ".key" }).index).to.deep.equal({ kind: "key" });
    expect(parseWireQuery({ i: ".value" }).index).to.deep.equal({ kind: "value" });
    expect(parseWireQuery({ i: ".priority" }).index).to.deep.equal({ kind: "priority" });
    expect(parseWireQuery({ i: "deep/path" }).index).to.deep.equal({
      kind: "child",
      path: ["deep", "path"],
    });
  });

  it("parses the shapes the client sends", function () {
    expect(parseWireQuery({ l: 2, vf: "l", i: "n" })).to.deep.equal({
      index: { kind: "child", path: ["n"] },
      limit: 2,
      viewFrom: "left",
    });
    expect(parseWireQuery({ sp: "a", sin: false, ep: "c", ein: true, i: ".key" })).to.deep.equal({
      index: { kind: "key" },
      start: { value: "a", inclusive: false },
      end: { value: "c", inclusive: true },
      viewFrom: "left",
    });
    expect(parseWireQuery({ ep: 3, en: "[MIN_NAME]", ein: false, i: "n" }).end).to.deep.equal({
      value: 3,
      name: "[MIN_NAME]",
      inclusive: false,
    });
    expect(parseWireQuery({ sp: null, sin: true, l: 1, vf: "r" })).to.deep.equal({
      index: { kind: "priority" },
      start: { value: null, inclusive: true },
      limit: 1,
      viewFrom: "right",
    });
  });

  it("anchors a limit without vf to the bound given, as the client does", function () {
    expect(parseWireQuery({ l: 1 }).viewFrom).to.equal("right");
    expect(parseWireQuery({ l: 1, sp: 1 }).viewFrom).to.equal("left");
  });

  it("rejects malformed queries", function () {
    const malformed: unknown[] = [
      null,
      "q",
      [1],
      { i: 5 },
      { i: "" },
      { i: "a.b" },
      { l: -1 },
      { l: 1.5 },
      { l: "2" },
      { l: 2, vf: "x" },
      { sp: { a: 1 } },
      { sp: [1] },
      { sp: 1, sn: 5 },
      { sp: 1, sin: "yes" },
      { i: ".key", sp: 1 },
      { i: ".key", ep: null },
      { sp: true },
    ];
    for (const q of malformed) {
      expect(() => parseWireQuery(q), JSON.stringify(q)).to.throw(InvalidQueryError);
    }
  });
});

describe("parseRestQuery", function () {
  it("returns null without query parameters", function () {
    expect(parseRestQuery(new URLSearchParams(""))).to.equal(null);
    expect(parseRestQuery(new URLSearchParams("print=pretty&format=export"))).to.equal(null);
  });

  it("parses orderBy with ranges and limits", function () {
    expect(rest('orderBy="$key"&startAt="b"&limitToFirst=2')).to.deep.equal({
      index: { kind: "key" },
      start: { value: "b", inclusive: true },
      limit: 2,
      viewFrom: "left",
    });
    expect(rest('orderBy="n/deep"&startAfter=3&endBefore=9&limitToLast=1')).to.deep.equal({
      index: { kind: "child", path: ["n", "deep"] },
      start: { value: 3, inclusive: false },
      end: { value: 9, inclusive: false },
      limit: 1,
      viewFrom: "right",
    });
    expect(rest('orderBy="$value"').index).to.deep.equal({ kind: "value" });
    expect(rest('orderBy="$priority"&endAt="z"').end).to.deep.equal({
      value: "z",
      inclusive: true,
    });
  });

  it("parses equalTo and bounds with a key name, commas in strings included", function () {
    expect(rest('orderBy="$value"&equalTo=5,"k"')).to.deep.include({
      start: { value: 5, name: "k", inclusive: true },
      end: { value: 5, name: "k", inclusive: true },
    });
    expect(rest('orderBy="n"&startAt="a,b","c,d"').start).to.deep.equal({
      value: "a,b",
      name: "c,d",
      inclusive: true,
    });
    expect(rest('orderBy="n"&startAt="a,b"').start).to.deep.equal({
      value: "a,b",
      inclusive: true,
    });
    expect(rest('orderBy="n"&endAt=null').end).to.deep.equal({ value: null, inclusive: true });
  });

  it("rejects filters without orderBy with production's message", function () {
    expect(() => rest("limitToFirst=1")).to.throw(
      InvalidQueryError,
      /orderBy must be defined when other query parameters are defined/,
    );
  });

  it("rejects malformed parameters", function () {
    const malformed = [
      "orderBy=$key",
      "orderBy=5",
      'orderBy=""',
      'orderBy="a.b"',
      'orderBy="$key"&startAt=1',
      'orderBy="n"&startAt={"a":1}',
      'orderBy="n"&startAt=oops',
      'orderBy="n"&startAt=1,2',
      'orderBy="n"&equalTo=1&startAt=0',
      'orderBy="n"&startAt=1&startAfter=0',
      'orderBy="n"&limitToFirst=1&limitToLast=1',
      'orderBy="n"&limitToFirst=-1',
      'orderBy="n"&limitToFirst=x',
      'orderBy="n"&limitToFirst=1&limitToFirst=2',
    ];
    for (const query of malformed) {
      expect(() => rest(query), query).to.throw(InvalidQueryError);
    }
  });
});

describe("applyQuery", function () {
  it("returns the first children of a limitToFirst, without the parent's priority", function () {
    const result = applyQuery(ITEMS, parseWireQuery({ l: 3, vf: "l", i: "n" }));
    expect(result).to.deep.equal({ e: { m: 1 }, g: 5, b: { n: 1 } });
  });

  it("returns the last children of a limitToLast", function () {
    expect(windowKeys(ITEMS, { l: 2, vf: "r", i: "n" })).to.deep.equal(["f", "h"]);
    expect(windowKeys(ITEMS, { l: 3, vf: "r", i: "n", ep: 2, ein: true })).to.deep.equal([
      "b",
      "c",
      "d",
    ]);
  });

  it("returns an inclusive startAt/endAt range", function () {
    expect(windowKeys(ITEMS, { sp: 2, sin: true, ep: 3, ein: true, i: "n" })).to.deep.equal([
      "a",
      "c",
      "d",
    ]);
  });

  it("returns children after a value for startAfter (MAX_NAME) and before it for endBefore (MIN_NAME)", function () {
    expect(windowKeys(ITEMS, { sp: 2, sn: "[MAX_NAME]", sin: false, i: "n" })).to.deep.equal([
      "a",
      "f",
      "h",
    ]);
    expect(windowKeys(ITEMS, { ep: 2, en: "[MIN_NAME]", ein: false, i: "n" })).to.deep.equal([
      "b",
      "e",
      "g",
    ]);
  });

  it("applies the natural key default to exclusive bounds without a name", function () {
    expect(windowKeys(ITEMS, { sp: 2, sin: false, i: "n" })).to.deep.equal(["a", "f", "h"]);
    expect(windowKeys(ITEMS, { ep: 2, ein: false, i: "n" })).to.deep.equal(["b", "e", "g"]);
  });

  it("returns one child for equalTo with a key and all ties without one", function () {
    expect(
      windowKeys(ITEMS, { sp: 2, sn: "d", sin: true, ep: 2, en: "d", ein: true, i: "n" }),
    ).to.deep.equal(["d"]);
    expect(windowKeys(ITEMS, { sp: 2, sin: true, ep: 2, ein: true, i: "n" })).to.deep.equal([
      "c",
      "d",
    ]);
  });

  it("uses the key to continue a page after a tie (startAt with a name)", function () {
    expect(windowKeys(ITEMS, { sp: 2, sn: "c", sin: false, l: 2, vf: "l", i: "n" })).to.deep.equal([
      "a",
      "d",
    ]);
  });

  it("orders an equalTo(null) window before every leaf", function () {
    expect(windowKeys(ITEMS, { sp: null, sin: true, ep: null, ein: true, i: "n" })).to.deep.equal([
      "e",
      "g",
    ]);
  });

  it("filters by key with nameCompare", function () {
    const node: Node = { a: 1, b: 2, c: 3, d: 4, 1: 0, 10: 0, 9: 0 };
    expect(windowKeys(node, { sp: "a", sin: false, ep: "c", ein: true, i: ".key" })).to.deep.equal([
      "b",
      "c",
    ]);
    expect(windowKeys(node, { ep: "a", ein: false, i: ".key" })).to.deep.equal(["1", "10", "9"]);
    expect(windowKeys(node, { sp: "9", sin: true, l: 2, vf: "l", i: ".key" })).to.deep.equal([
      "10",
      "9",
    ]);
  });

  it("orders by value and by priority", function () {
    const node: Node = {
      a: { ".value": 3, ".priority": "x" },
      b: { ".value": "s", ".priority": 1 },
      c: { ".value": true, ".priority": 2 },
      d: 1,
    };
    expect(applyQuery(node, parseWireQuery({ l: 2, vf: "l", i: ".value" }))).to.deep.equal({
      c: { ".value": true, ".priority": 2 },
      d: 1,
    });
    expect(windowKeys(node, { sp: 2, sin: true, l: 2, vf: "l" })).to.deep.equal(["a", "c"]);
    expect(windowKeys(node, { ep: null, ein: true })).to.deep.equal(["d"]);
  });

  it("orders by a deep child path", function () {
    const node: Node = { a: { x: { y: 2 } }, b: { x: { y: 1 } }, c: { x: 5 }, d: { x: { y: 3 } } };
    expect(windowKeys(node, { sp: 2, sin: true, i: "x/y" })).to.deep.equal(["a", "d"]);
    expect(windowKeys(node, { l: 1, vf: "l", i: "x/y" })).to.deep.equal(["c"]);
  });

  it("returns null when nothing matches, for leaves and for a zero limit", function () {
    expect(
      applyQuery(ITEMS, parseWireQuery({ sp: 100, sin: true, ep: 200, ein: true, i: "n" })),
    ).to.equal(null);
    expect(applyQuery({ ".value": 5, ".priority": 1 }, parseWireQuery({ l: 1, vf: "l" }))).to.equal(
      null,
    );
    expect(applyQuery(null, parseWireQuery({ l: 1, vf: "l" }))).to.equal(null);
    expect(applyQuery(ITEMS, parseWireQuery({ l: 0, vf: "l" }))).to.equal(null);
  });

  it("returns the node itself when the query loads all data", function () {
    expect(applyQuery(ITEMS, parseWireQuery({ i: "n" }))).to.equal(ITEMS);
    expect(applyQuery(5, parseWireQuery({}))).to.equal(5);
  });

  it("returns the node itself when the window is everything and it has no priority", function () {
    const node: Node = { a: 1, b: 2 };
    expect(applyQuery(node, parseWireQuery({ l: 5, vf: "l" }))).to.equal(node);
  });

  it("keeps a __proto__ child as an own key of the window", function () {
    const node: Node = JSON.parse('{"__proto__":{"n":1},"a":{"n":2}}') as Node;
    const result = applyQuery(node, parseWireQuery({ l: 1, vf: "l", i: "n" }));
    expect(Object.keys(result ?? {})).to.deep.equal(["__proto__"]);
  });
});

describe("loadsAllData", function () {
  it("returns true only without a range and a limit", function () {
    expect(loadsAllData(parseWireQuery({ i: "n" }))).to.equal(true);
    expect(loadsAllData(parseWireQuery({ l: 1, vf: "l" }))).to.equal(false);
    expect(loadsAllData(parseWireQuery({ sp: null, sin: true }))).to.equal(false);
    expect(loadsAllData(parseWireQuery({ ep: 1, ein: true }))).to.equal(false);
  });
});

describe("queryVariables", function () {
  it("returns nothing set for a default listen", function () {
    expect(queryVariables(null)).to.deep.equal({
      orderByKey: false,
      orderByPriority: false,
      orderByValue: false,
      orderByChild: null,
      startAt: null,
      endAt: null,
      equalTo: null,
      limitToFirst: null,
      limitToLast: null,
    });
  });

  it("returns orderByChild and equalTo for an equality query", function () {
    const variables = queryVariables(
      parseWireQuery({ sp: "alice", sin: true, ep: "alice", ein: true, i: "owner" }),
    );
    expect(variables).to.deep.include({
      orderByChild: "owner",
      equalTo: "alice",
      startAt: null,
      endAt: null,
    });
  });

  it("returns ranges and limits", function () {
    expect(
      queryVariables(
        parseWireQuery({ sp: 1, sin: true, ep: 5, ein: true, l: 2, vf: "r", i: ".value" }),
      ),
    ).to.deep.include({
      orderByValue: true,
      startAt: 1,
      endAt: 5,
      equalTo: null,
      limitToFirst: null,
      limitToLast: 2,
    });
    expect(queryVariables(parseWireQuery({ l: 3, vf: "l", i: ".key" }))).to.deep.include({
      orderByKey: true,
      limitToFirst: 3,
    });
    expect(queryVariables(parseWireQuery({ l: 3, vf: "l" }))).to.deep.include({
      orderByPriority: true,
    });
  });
});

describe("queryKey", function () {
  it("returns default for a plain listen and an empty query", function () {
    expect(queryKey(null)).to.equal("default");
    expect(queryKey(parseWireQuery({}))).to.equal("default");
  });

  it("returns the same key for the same query and different keys for different queries", function () {
    const a = parseWireQuery({ l: 2, vf: "l", i: "n" });
    const b = parseWireQuery({ i: "n", vf: "l", l: 2 });
    expect(queryKey(a)).to.equal(queryKey(b));
    expect(queryKey(a)).to.equal('{"i":"n","l":2,"vf":"l"}');
    const keys = [
      { l: 2, vf: "r", i: "n" },
      { l: 2, vf: "l", i: ".value" },
      { sp: 1, sin: true, i: "n" },
      { sp: 1, sin: false, i: "n" },
      { sp: 1, sn: "k", sin: true, i: "n" },
      { i: "n" },
    ].map((q) => queryKey(parseWireQuery(q)));
    expect(new Set([...keys, queryKey(a)]).size).to.equal(keys.length + 1);
  });
});

describe("wireQueryObject", function () {
  it("returns the q object that parses back to the same query", function () {
    const shapes = [
      { l: 2, vf: "l", i: "n" },
      { sp: "a", sin: false, ep: "c", ein: true, i: ".key" },
      { ep: 3, en: "[MIN_NAME]", ein: false, i: "n" },
      { sp: 5, sn: "k", sin: true, ep: 5, en: "k", ein: true, i: ".value" },
      { sp: null, sin: true, l: 1, vf: "r" },
    ];
    for (const q of shapes) {
      const spec: QuerySpec = parseWireQuery(q);
      expect(wireQueryObject(spec), JSON.stringify(q)).to.deep.equal(q);
    }
  });
});
