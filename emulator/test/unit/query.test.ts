import { expect } from "chai";
import {
  endAt,
  endBefore,
  equalTo,
  limitToFirst,
  limitToLast,
  onValue,
  orderByChild,
  orderByKey,
  orderByPriority,
  orderByValue,
  query,
  ref,
  startAfter,
  startAt,
  type DataSnapshot,
  type QueryConstraint,
} from "firebase/database";
import { sortedChildren } from "../../src/engine/order.js";
import {
  InvalidQueryError,
  applyQuery,
  loadsAllData,
  parseRestQuery,
  parseWireQuery,
  queryKey,
  queryVariables,
  wireQueryObject,
} from "../../src/engine/query.js";
import { normalize, type Node } from "../../src/engine/tree.js";
import type { QuerySpec } from "../../src/engine/types.js";
import { ValueServer, connectClient, withTimeout } from "./value-server.js";

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

/**
 * The real client as the oracle: with a complete default listen on a location, the client answers
 * a query there from its cache with its own filters (the test server sends no data for tagged
 * listens). Random data and
 * random queries must give the same window, in the same order, as applyQuery and sortedChildren.
 */
describe("applyQuery against the client's own filtering", function () {
  const KEYS = ["a", "b", "A", "z", "1", "01", "-1", "10", "2147483648", "é", "_x"];
  const LEAVES: Array<string | number | boolean> = [
    -1,
    0,
    1,
    2,
    2.5,
    "",
    "a",
    "b",
    "z",
    true,
    false,
  ];
  let server: ValueServer;
  let client: ReturnType<typeof connectClient>;

  before(async function () {
    server = await ValueServer.start();
    client = connectClient(server, "query-oracle");
  });

  after(async function () {
    await client.close();
    await server.close();
  });

  function randomChild(random: () => number): unknown {
    const pick = <T>(items: readonly T[]): T => {
      const item = items[Math.floor(random() * items.length)];
      if (item === undefined) throw new Error("empty pick");
      return item;
    };
    const leaf = () => pick(LEAVES);
    const priority = () => pick<string | number | null>([null, null, 1, 2, -5, "a", "b"]);
    const kind = random();
    const p = priority();
    if (kind < 0.3) return p === null ? leaf() : { ".value": leaf(), ".priority": p };
    const child: Record<string, unknown> = {};
    if (random() < 0.8) child["n"] = random() < 0.2 ? { x: leaf() } : leaf();
    child["other"] = 1;
    if (p !== null) child[".priority"] = p;
    return child;
  }

  function randomQuery(random: () => number): QueryConstraint[] {
    const pick = <T>(items: readonly T[]): T => {
      const item = items[Math.floor(random() * items.length)];
      if (item === undefined) throw new Error("empty pick");
      return item;
    };
    const index = pick(["priority", "key", "value", "child", "deep"] as const);
    const constraints: QueryConstraint[] = [];
    const value = (): string | number | boolean | null =>
      index === "key"
        ? pick(KEYS)
        : index === "priority"
          ? pick([null, 1, 2, "a", "b"])
          : pick<string | number | boolean | null>([null, ...LEAVES]);
    const name = (): string | undefined =>
      index === "key" || random() < 0.5 ? undefined : pick(KEYS);
    if (index === "priority") constraints.push(orderByPriority());
    if (index === "key") constraints.push(orderByKey());
    if (index === "value") constraints.push(orderByValue());
    if (index === "child") constraints.push(orderByChild("n"));
    if (index === "deep") constraints.push(orderByChild("n/x"));
    if (random() < 0.2) {
      constraints.push(equalTo(value(), name()));
    } else {
      const start = random();
      if (start < 0.3) constraints.push(startAt(value(), name()));
      else if (start < 0.5) constraints.push(startAfter(value(), name()));
      const end = random();
      if (end < 0.3) constraints.push(endAt(value(), name()));
      else if (end < 0.5) constraints.push(endBefore(value(), name()));
    }
    const limit = random();
    const count = 1 + Math.floor(random() * 4);
    if (limit < 0.35) constraints.push(limitToFirst(count));
    else if (limit < 0.7) constraints.push(limitToLast(count));
    return constraints;
  }

  it("returns the client's window and order for 300 random queries", async function () {
    this.timeout(60000);
    let seed = 20240601;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const mismatches: string[] = [];
    for (let trial = 0; trial < 300; trial++) {
      const data: Record<string, unknown> = {};
      for (const key of KEYS) if (random() < 0.7) data[key] = randomChild(random);
      const path = `oracle/${trial}`;
      const json = JSON.stringify(data);
      server.values.set(path, json);
      const location = ref(client.database, path);
      const constraints = randomQuery(random);
      const filtered = query(location, ...constraints);
      const unsubscribers: Array<() => void> = [];
      try {
        await withTimeout(
          new Promise<void>((resolve, reject) => {
            unsubscribers.push(
              onValue(
                location,
                () => {
                  resolve();
                },
                reject,
              ),
            );
          }),
          5000,
          `the value at /${path}`,
        );
        const snapshot = await withTimeout(
          new Promise<DataSnapshot>((resolve, reject) => {
            unsubscribers.push(onValue(filtered, resolve, reject));
          }),
          5000,
          `the query at /${path}`,
        );
        const clientKeys: string[] = [];
        snapshot.forEach((childSnapshot) => {
          clientKeys.push(childSnapshot.key);
        });
        const wire: unknown = Reflect.get(filtered, "_queryObject");
        const spec = parseWireQuery(wire);
        const window = applyQuery(normalize(data), spec);
        const ourKeys = sortedChildren(window, spec.index).map(([key]) => key);
        const sameWindow = JSON.stringify(ourKeys) === JSON.stringify(clientKeys);
        const sameValue =
          JSON.stringify(sortKeys(window)) ===
          JSON.stringify(sortKeys(normalize(snapshot.exportVal())));
        const sameKey = queryKey(spec) === Reflect.get(filtered, "_queryIdentifier");
        if (!sameWindow || !sameValue || !sameKey) {
          mismatches.push(
            `q=${JSON.stringify(wire)} data=${json}\n  client ${JSON.stringify(clientKeys)}\n  ours   ${JSON.stringify(ourKeys)}` +
              (sameValue ? "" : "\n  values differ") +
              (sameKey ? "" : `\n  key ${queryKey(spec)}`),
          );
        }
      } finally {
        for (const unsubscribe of unsubscribers) unsubscribe();
      }
    }
    expect(mismatches, mismatches.slice(0, 3).join("\n")).to.deep.equal([]);
  });
});

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(Reflect.get(value, key));
  return out;
}
