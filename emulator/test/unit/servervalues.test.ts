import { expect } from "chai";
import { resolveServerValues } from "../../src/engine/servervalues.js";
import { InvalidDataError, getAt, type Node } from "../../src/engine/tree.js";

const NOW = 1_700_000_000_123;
const TIMESTAMP = { ".sv": "timestamp" };
const increment = (delta: number) => ({ ".sv": { increment: delta } });

function resolveAgainst(stored: Node, value: unknown): unknown {
  return resolveServerValues(value, (relative) => getAt(stored, relative), NOW);
}

describe("resolveServerValues", function () {
  it("replaces a timestamp with now, at the top and nested", function () {
    expect(resolveAgainst(null, TIMESTAMP)).to.equal(NOW);
    expect(resolveAgainst(null, { at: TIMESTAMP, online: false, list: [TIMESTAMP] })).to.deep.equal(
      {
        at: NOW,
        online: false,
        list: [NOW],
      },
    );
  });

  it("resolves server values in priorities and in .value wrappers", function () {
    expect(resolveAgainst(null, { a: 1, ".priority": TIMESTAMP })).to.deep.equal({
      a: 1,
      ".priority": NOW,
    });
    expect(resolveAgainst(null, { ".value": TIMESTAMP, ".priority": TIMESTAMP })).to.deep.equal({
      ".value": NOW,
      ".priority": NOW,
    });
  });

  it("adds an increment to the number stored at that exact location", function () {
    expect(resolveAgainst(41, increment(1))).to.equal(42);
    expect(resolveAgainst({ count: 10, other: 1 }, { count: increment(-2.5) })).to.deep.equal({
      count: 7.5,
    });
    expect(resolveAgainst({ ".value": 3, ".priority": 1 }, increment(2))).to.equal(5);
  });

  it("replaces what is not a number with the increment itself", function () {
    expect(resolveAgainst(null, increment(2))).to.equal(2);
    expect(resolveAgainst("text", increment(2))).to.equal(2);
    expect(resolveAgainst({ a: 1 }, increment(2))).to.equal(2);
    expect(resolveAgainst(true, increment(2))).to.equal(2);
  });

  it("reads an incremented priority from the stored priority", function () {
    expect(
      resolveAgainst(
        { x: { ".value": 1, ".priority": 10 } },
        { x: { ".value": 1, ".priority": increment(5) } },
      ),
    ).to.deep.equal({
      x: { ".value": 1, ".priority": 15 },
    });
  });

  it("asks about the increment's path relative to the write", function () {
    const asked: string[] = [];
    resolveServerValues(
      { a: { b: increment(1) }, c: [0, increment(1)] },
      (relative) => {
        asked.push(relative.join("/"));
        return null;
      },
      NOW,
    );
    expect(asked).to.deep.equal(["a/b", "c/1"]);
  });

  it("returns the same objects where nothing needed resolving", function () {
    const untouched = { deep: { x: 1 } };
    const input = { untouched, stamp: TIMESTAMP };
    const output = resolveAgainst(null, input);
    expect(output).to.not.equal(input);
    expect(output).to.deep.equal({ untouched, stamp: NOW });
    expect((output as { untouched: unknown }).untouched).to.equal(untouched);
    const plain = { a: [1, { b: 2 }] };
    expect(resolveAgainst(null, plain)).to.equal(plain);
    expect(input.stamp).to.equal(TIMESTAMP);
  });

  it("rejects unknown server values", function () {
    expect(() => resolveAgainst(null, { a: { ".sv": "now" } })).to.throw(
      InvalidDataError,
      /at \/a: unknown server value/,
    );
    expect(() => resolveAgainst(null, { ".sv": { decrement: 1 } })).to.throw(InvalidDataError);
    expect(() => resolveAgainst(null, { ".sv": { increment: "1" } })).to.throw(
      InvalidDataError,
      /not a number/,
    );
    expect(() => resolveAgainst(null, { ".sv": null })).to.throw(InvalidDataError);
  });
});
