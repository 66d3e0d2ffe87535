import { expect } from "chai";
import { compareChildren, compareValues, nameCompare, sortedChildren } from "../../src/engine/order.js";
import type { Node } from "../../src/engine/tree.js";
import { MAX_NAME, MIN_NAME } from "../../src/engine/types.js";

/** Deterministic shuffle, so that a failing order is reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let index = out.length - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const other = state % (index + 1);
    const item = out[index];
    const swap = out[other];
    if (item === undefined || swap === undefined) continue;
    out[index] = swap;
    out[other] = item;
  }
  return out;
}

function keysOf(entries: ReadonlyArray<readonly [string, Node]>): string[] {
  return entries.map(([key]) => key);
}

describe("nameCompare", function () {
  const ordered = [
    MIN_NAME,
    "-2147483648",
    "-1",
    "0",
    "-0",
    "1",
    "01",
    "001",
    "00000000001",
    "2",
    "10",
    "2147483647",
    "-2147483649",
    "-a",
    "1a",
    "2147483648",
    "99999999999",
    "A",
    "Z",
    "_",
    "a",
    "b",
    "é",
    "😀",
    "\uffff",
    MAX_NAME,
  ];

  it("sorts 32-bit integer keys first, numerically, shorter first on ties, then by code unit", function () {
    for (let seed = 1; seed <= 20; seed++) {
      expect(shuffled(ordered, seed).sort(nameCompare)).to.deep.equal(ordered);
    }
  });

  it("returns 0 only for equal keys and is antisymmetric", function () {
    for (const a of ordered) {
      for (const b of ordered) {
        const forward = Math.sign(nameCompare(a, b));
        expect(forward, `${a} vs ${b}`).to.equal(-Math.sign(nameCompare(b, a)));
        expect(forward === 0, `${a} vs ${b}`).to.equal(a === b);
      }
    }
  });

  it("compares surrogate pairs by UTF-16 code units, as JavaScript does", function () {
    // U+1F600 comes after U+FFFF by code point, but its lead surrogate U+D83D comes before U+FFFF.
    expect(nameCompare("😀", "\uffff")).to.be.below(0);
  });
});

describe("compareValues", function () {
  const ordered: Node[] = [null, false, true, -Infinity, -1, 0, 2.5, "", "A", "a", "b"];

  it("orders null < false < true < numbers < strings", function () {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const expected = Math.sign(i - j);
        expect(
          Math.sign(compareValues(ordered[i] ?? null, ordered[j] ?? null)),
          `${i} vs ${j}`,
        ).to.equal(expected);
      }
    }
  });

  it("orders objects after every leaf and ties objects with each other", function () {
    expect(compareValues("zzz", { a: 1 })).to.be.below(0);
    expect(compareValues({ a: 1 }, { b: 2 })).to.equal(0);
    expect(compareValues({ a: 1 }, null)).to.be.above(0);
  });

  it("compares wrapped leaves by their value, ignoring the priority", function () {
    expect(compareValues({ ".value": 5, ".priority": 100 }, 5)).to.equal(0);
    expect(compareValues({ ".value": 5, ".priority": "z" }, 6)).to.be.below(0);
    expect(compareValues({ ".value": "a", ".priority": 1 }, { a: 1 })).to.be.below(0);
  });

  it("treats negative zero as zero", function () {
    expect(compareValues(-0, 0)).to.equal(0);
  });
});

describe("compareChildren", function () {
  it("breaks ties by key", function () {
    const index = { kind: "value" } as const;
    expect(compareChildren(index, ["b", 1], ["a", 1])).to.be.above(0);
    expect(compareChildren(index, ["b", 1], ["a", 2])).to.be.below(0);
  });
});

describe("sortedChildren", function () {
  it("returns children by priority: none < numbers < strings, ties by key", function () {
    const node: Node = {
      s1: { ".value": 1, ".priority": "b" },
      s0: { ".value": 1, ".priority": "a" },
      n2: { x: 1, ".priority": 10 },
      n1: { ".value": 1, ".priority": -3 },
      n1b: { ".value": 1, ".priority": -3 },
      none2: 5,
      none1: { y: 1 },
      ".priority": "ignored",
    };
    expect(keysOf(sortedChildren(node, { kind: "priority" }))).to.deep.equal([
      "none1",
      "none2",
      "n1",
      "n1b",
      "n2",
      "s0",
      "s1",
    ]);
  });

  it("returns children by value, objects last, ties by key", function () {
    const node: Node = {
      o: { a: 1 },
      s: "x",
      n: 3,
      f: false,
      t: true,
      w: { ".value": 2, ".priority": 9 },
      1: 3,
    };
    expect(keysOf(sortedChildren(node, { kind: "value" }))).to.deep.equal([
      "f",
      "t",
      "w",
      "1",
      "n",
      "s",
      "o",
    ]);
  });

  it("returns children by a deep child path, missing and leaf children first", function () {
    const node: Node = {
      a: { x: { y: 2 } },
      b: { x: { y: "s" } },
      c: { x: 1 },
      d: 7,
      e: { x: { y: { z: 1 } } },
      f: { x: { y: 1 } },
      g: { x: { y: { ".value": 0, ".priority": 5 } } },
    };
    expect(keysOf(sortedChildren(node, { kind: "child", path: ["x", "y"] }))).to.deep.equal([
      "c",
      "d",
      "g",
      "f",
      "a",
      "b",
      "e",
    ]);
  });

  it("returns children by a .priority child path", function () {
    const node: Node = {
      a: { ".value": 1, ".priority": 2 },
      b: { ".value": 1, ".priority": 1 },
      c: 1,
    };
    expect(keysOf(sortedChildren(node, { kind: "child", path: [".priority"] }))).to.deep.equal([
      "c",
      "b",
      "a",
    ]);
  });

  it("returns children by key with nameCompare", function () {
    const node: Node = { b: 1, 10: 1, 2: 1, a: 1, "-1": 1 };
    expect(keysOf(sortedChildren(node, { kind: "key" }))).to.deep.equal([
      "-1",
      "2",
      "10",
      "a",
      "b",
    ]);
  });

  it("returns nothing for leaves and the empty node", function () {
    expect(sortedChildren(null, { kind: "key" })).to.deep.equal([]);
    expect(sortedChildren({ ".value": 1, ".priority": 1 }, { kind: "priority" })).to.deep.equal([]);
    expect(sortedChildren("leaf", { kind: "value" })).to.deep.equal([]);
  });
});
