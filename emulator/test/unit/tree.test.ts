import { expect } from "chai";
import { InvalidPathError } from "../../src/engine/path.js";
import {
  InvalidDataError,
  MAX_DEPTH,
  byteSize,
  getAt,
  normalize,
  setAt,
  toRestValue,
  updateAt,
  withPriority,
  type Node,
} from "../../src/engine/tree.js";

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { k: value };
  return value;
}

describe("normalize", function () {
  it("returns leaves as they are, negative zero included", function () {
    expect(normalize("s")).to.equal("s");
    expect(normalize(false)).to.equal(false);
    expect(Object.is(normalize(JSON.parse("-0")), -0)).to.equal(true);
    expect(normalize(null)).to.equal(null);
  });

  it("converts arrays to integer-keyed objects without their nulls", function () {
    expect(normalize(["a", null, "c"])).to.deep.equal({ 0: "a", 2: "c" });
    expect(normalize([[1], { x: [null, 2] }])).to.deep.equal({ 0: { 0: 1 }, 1: { x: { 1: 2 } } });
    expect(normalize([null, null])).to.equal(null);
    expect(normalize([])).to.equal(null);
  });

  it("removes nulls and empty objects recursively", function () {
    expect(normalize({ a: { b: null, c: {} }, d: 1 })).to.deep.equal({ d: 1 });
    expect(normalize({ a: { b: { c: null } } })).to.equal(null);
    expect(normalize({})).to.equal(null);
  });

  it("keeps priorities in the export format", function () {
    expect(normalize({ ".value": 1, ".priority": 2 })).to.deep.equal({
      ".value": 1,
      ".priority": 2,
    });
    expect(normalize({ a: 1, ".priority": "p" })).to.deep.equal({ a: 1, ".priority": "p" });
    expect(normalize({ a: { ".value": true, ".priority": -1.5 } })).to.deep.equal({
      a: { ".value": true, ".priority": -1.5 },
    });
  });

  it("unwraps a .value without a priority and drops null priorities", function () {
    expect(normalize({ ".value": 1 })).to.equal(1);
    expect(normalize({ ".value": "x", ".priority": null })).to.equal("x");
    expect(normalize({ a: 1, ".priority": null })).to.deep.equal({ a: 1 });
  });

  it("drops the priority of a node that turns out empty", function () {
    expect(normalize({ ".priority": 1 })).to.equal(null);
    expect(normalize({ ".priority": 1, a: null })).to.equal(null);
    expect(normalize({ ".value": null, ".priority": 1 })).to.equal(null);
  });

  it("gives a wrapped object the wrapper's priority, as the client does", function () {
    expect(normalize({ ".value": { a: 1 }, ".priority": "p" })).to.deep.equal({
      a: 1,
      ".priority": "p",
    });
    expect(normalize({ ".value": { a: 1, ".priority": "inner" } })).to.deep.equal({ a: 1 });
  });

  it("keeps a __proto__ key as an ordinary child", function () {
    const node = normalize(JSON.parse('{"__proto__":{"x":1},"a":[1]}'));
    expect(Object.keys(node ?? {})).to.deep.equal(["__proto__", "a"]);
    expect(getAt(node, ["__proto__", "x"])).to.equal(1);
    expect(Object.getPrototypeOf(node)).to.equal(Object.prototype);
  });

  it("rejects invalid keys with the location", function () {
    expect(() => normalize({ a: { "b.c": 1 } })).to.throw(InvalidDataError, /at \/a: .*"b\.c"/);
    for (const key of ["$x", "#", "[", "]", "a/b", "", "\u0001", ".other"]) {
      expect(() => normalize({ [key]: 1 }), JSON.stringify(key)).to.throw(InvalidDataError);
    }
  });

  it("rejects numbers and values that are not JSON", function () {
    for (const value of [
      NaN,
      Infinity,
      -Infinity,
      undefined,
      () => 1,
      new Date(0),
      1n,
      Symbol("s"),
    ]) {
      expect(() => normalize({ a: value }), String(value)).to.throw(InvalidDataError, /at \/a/);
    }
  });

  it("rejects .value beside real children", function () {
    expect(() => normalize({ ".value": 1, a: 2 })).to.throw(InvalidDataError, /\.value/);
  });

  it("rejects unresolved server values, in values and in priorities", function () {
    expect(() => normalize({ a: { ".sv": "timestamp" } })).to.throw(
      InvalidDataError,
      /server value/,
    );
    expect(() => normalize({ a: 1, ".priority": { ".sv": "timestamp" } })).to.throw(
      InvalidDataError,
      /server value/,
    );
  });

  it("rejects priorities that are not strings, finite numbers or null", function () {
    for (const priority of [true, { a: 1 }, [1]]) {
      expect(() => normalize({ a: 1, ".priority": priority })).to.throw(
        InvalidDataError,
        /priority/,
      );
    }
  });

  it("rejects data nested deeper than production allows", function () {
    expect(getAt(normalize(nested(MAX_DEPTH, 1)), new Array<string>(MAX_DEPTH).fill("k"))).to.equal(
      1,
    );
    expect(() => normalize(nested(MAX_DEPTH + 1, 1))).to.throw(InvalidDataError, /nested/);
  });
});

describe("setAt", function () {
  it("returns the value for the root path", function () {
    expect(setAt({ a: 1 }, [], "x")).to.equal("x");
  });

  it("creates the missing parents of a deep path", function () {
    expect(setAt(null, ["a", "b", "c"], 1)).to.deep.equal({ a: { b: { c: 1 } } });
  });

  it("shares untouched subtrees and leaves the old root unchanged", function () {
    const sibling = { deep: { x: 1 } };
    const root: Node = { a: { b: 1 }, sibling, ".priority": 3 };
    const next = setAt(root, ["a", "c"], 2);
    expect(next).to.deep.equal({ a: { b: 1, c: 2 }, sibling, ".priority": 3 });
    expect(getAt(next, ["sibling"])).to.equal(sibling);
    expect(root).to.deep.equal({ a: { b: 1 }, sibling, ".priority": 3 });
  });

  it("returns the same root when nothing changes", function () {
    const root: Node = { a: { b: 1 } };
    expect(setAt(root, ["x", "y"], null)).to.equal(root);
    expect(setAt(root, ["a", "b", "c"], null)).to.equal(root);
  });

  it("removes parents left without children, all the way up", function () {
    expect(setAt({ a: { b: { c: 1 } }, x: 1 }, ["a", "b", "c"], null)).to.deep.equal({ x: 1 });
    expect(setAt({ a: { b: { c: 1 }, ".priority": 1 } }, ["a", "b", "c"], null)).to.equal(null);
  });

  it("turns a leaf into an object that keeps the leaf's priority", function () {
    expect(setAt({ a: { ".value": 1, ".priority": 5 } }, ["a", "b"], 2)).to.deep.equal({
      a: { b: 2, ".priority": 5 },
    });
    expect(setAt({ a: "leaf" }, ["a", "b"], 2)).to.deep.equal({ a: { b: 2 } });
  });

  it("replaces the priority along with the value", function () {
    expect(setAt({ a: { x: 1, ".priority": 1 } }, ["a"], { y: 2 })).to.deep.equal({ a: { y: 2 } });
  });

  it("sets the priority of the parent for a path ending in .priority", function () {
    expect(setAt({ a: 1 }, ["a", ".priority"], 5)).to.deep.equal({
      a: { ".value": 1, ".priority": 5 },
    });
    expect(setAt({ a: { b: 1 } }, ["a", ".priority"], "p")).to.deep.equal({
      a: { b: 1, ".priority": "p" },
    });
    expect(setAt({ ".value": 1, ".priority": 2 }, [".priority"], "z")).to.deep.equal({
      ".value": 1,
      ".priority": "z",
    });
  });

  it("removes a priority set to null", function () {
    expect(setAt({ a: { ".value": 1, ".priority": 5 } }, ["a", ".priority"], null)).to.deep.equal({
      a: 1,
    });
    expect(setAt({ a: { b: 1, ".priority": 5 } }, ["a", ".priority"], null)).to.deep.equal({
      a: { b: 1 },
    });
  });

  it("drops a priority set on the empty node", function () {
    const root: Node = { x: 1 };
    expect(setAt(root, ["missing", ".priority"], 5)).to.equal(root);
    expect(setAt(null, [".priority"], 5)).to.equal(null);
  });

  it("rejects a priority that is not a string or a number", function () {
    expect(() => setAt({ a: 1 }, ["a", ".priority"], true)).to.throw(InvalidDataError, /priority/);
    expect(() => setAt({ a: 1 }, ["a", ".priority"], { b: 1 })).to.throw(InvalidDataError);
  });

  it("rejects .priority and .value before the end of the path", function () {
    expect(() => setAt({ a: 1 }, ["a", ".priority", "b"], 1)).to.throw(InvalidPathError);
    expect(() => setAt({ a: 1 }, [".value", "b"], 1)).to.throw(InvalidPathError);
  });
});

describe("withPriority", function () {
  it("wraps and unwraps leaves and leaves the empty node alone", function () {
    expect(withPriority(1, 2)).to.deep.equal({ ".value": 1, ".priority": 2 });
    expect(withPriority({ ".value": 1, ".priority": 2 }, null)).to.equal(1);
    expect(withPriority(null, 2)).to.equal(null);
  });
});

describe("updateAt", function () {
  it("applies every update under the base as one write", function () {
    const root: Node = { base: { old: 1, keep: { k: 1 } }, other: 2 };
    const next = updateAt(
      root,
      ["base"],
      [
        [["x"], 1],
        [["y", "z"], 2],
        [["old"], null],
        [["keep", ".priority"], 7],
      ],
    );
    expect(next).to.deep.equal({
      base: { keep: { k: 1, ".priority": 7 }, x: 1, y: { z: 2 } },
      other: 2,
    });
  });

  it("removes the base when the updates delete all of its children", function () {
    expect(
      updateAt(
        { base: { a: 1, b: 2 }, x: 1 },
        ["base"],
        [
          [["a"], null],
          [["b"], null],
        ],
      ),
    ).to.deep.equal({
      x: 1,
    });
  });

  it("returns the same root for no updates", function () {
    const root: Node = { a: 1 };
    expect(updateAt(root, ["a"], [])).to.equal(root);
  });

  it("applies the updates in order", function () {
    expect(
      updateAt(
        null,
        [],
        [
          [["a"], { b: 1 }],
          [["a", "c"], 2],
        ],
      ),
    ).to.deep.equal({ a: { b: 1, c: 2 } });
  });
});

describe("toRestValue", function () {
  it("returns objects whose keys fill more than half the slots as arrays", function () {
    expect(toRestValue({ 0: "a", 1: "b" })).to.deep.equal(["a", "b"]);
    expect(toRestValue({ 0: "a", 2: "c" })).to.deep.equal(["a", null, "c"]);
    expect(toRestValue({ 1: "b", 3: "d" })).to.deep.equal([null, "b", null, "d"]);
  });

  it("returns other objects as objects", function () {
    expect(toRestValue({ 0: "a", 5: "f" })).to.deep.equal({ 0: "a", 5: "f" });
    expect(toRestValue({ "01": "x" })).to.deep.equal({ "01": "x" });
    expect(toRestValue({ 0: "a", b: "b" })).to.deep.equal({ 0: "a", b: "b" });
  });

  it("strips priorities at every level", function () {
    expect(
      toRestValue({
        a: { ".value": 1, ".priority": 2 },
        b: { c: 1, ".priority": "p" },
        ".priority": 3,
      }),
    ).to.deep.equal({
      a: 1,
      b: { c: 1 },
    });
    expect(toRestValue({ 0: { ".value": "x", ".priority": 1 } })).to.deep.equal(["x"]);
  });
});

describe("byteSize", function () {
  it("returns the UTF-8 size of the export-format JSON", function () {
    expect(byteSize(null)).to.equal(4);
    expect(byteSize({ a: "é", ".priority": 1 })).to.equal(
      Buffer.byteLength('{"a":"é",".priority":1}'),
    );
  });
});
