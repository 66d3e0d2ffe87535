import { expect } from "chai";
import { batchWrite } from "../../../src/firestore/batch-write.js";
import { commit, type Write } from "../../../src/firestore/commit.js";
import type { DocumentStore } from "../../../src/firestore/store.js";
import {
  formatTimestamp,
  getField,
  type Fields,
  type Value,
} from "../../../src/firestore/values.js";
import { dbl, docName, int, pinnedStore, str, failure } from "./helpers.js";

const A = docName("c/a");
const B = docName("c/b");

function set(name: string, fields: Fields): Write {
  return { update: { name, fields } };
}

function fieldsOf(store: DocumentStore, name: string): Fields | undefined {
  return store.getDocument(name)?.fields;
}

describe("commit", function () {
  describe("update without a mask", function () {
    it("replaces the whole document, as set() without merge does", function () {
      const { store } = pinnedStore();
      commit(store, [set(A, { old: int(1), keep: int(1) })]);
      commit(store, [set(A, { keep: int(2) })]);
      expect(fieldsOf(store, A)).to.deep.equal({ keep: int(2) });
    });

    it("keeps createTime and moves updateTime to the commit time", function () {
      const { store, advance } = pinnedStore();
      const first = commit(store, [set(A, { n: int(1) })]);
      advance(1_000_000n);
      const second = commit(store, [set(A, { n: int(2) })]);
      const doc = store.getDocument(A);
      expect(doc?.createTime).to.equal(first.commitTime);
      expect(doc?.updateTime).to.equal(second.commitTime);
      expect(second.writeResults).to.deep.equal([{ updateTime: second.commitTime }]);
    });

    it("leaves updateTime alone when the write changes nothing, but not for 1 → 1.0", function () {
      const { store, advance } = pinnedStore();
      const first = commit(store, [set(A, { n: int(1) })]);
      advance(1_000_000n);
      const same = commit(store, [set(A, { n: int(1) })]);
      expect(same.writeResults[0]?.updateTime).to.equal(first.commitTime);
      const changed = commit(store, [set(A, { n: dbl(1) })]);
      expect(changed.writeResults[0]?.updateTime).to.equal(changed.commitTime);
    });
  });

  describe("update with a mask", function () {
    it("writes only the listed fields, deletes listed fields absent from the data, keeps the rest", function () {
      const { store } = pinnedStore();
      commit(store, [
        set(A, { a: int(1), b: int(1), m: { mapValue: { fields: { x: int(1), y: int(1) } } } }),
      ]);
      commit(store, [
        {
          update: {
            name: A,
            fields: { a: int(2), m: { mapValue: { fields: { x: int(2) } } }, ignored: int(9) },
          },
          updateMask: { fieldPaths: ["a", "m.x", "b"] },
        },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({
        a: int(2),
        m: { mapValue: { fields: { x: int(2), y: int(1) } } },
      });
    });

    it("creates a missing document when no precondition forbids it", function () {
      const { store } = pinnedStore();
      commit(store, [
        { update: { name: A, fields: { a: int(1) } }, updateMask: { fieldPaths: ["a"] } },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ a: int(1) });
    });

    it("treats field names such as constructor and toString as data", function () {
      const { store } = pinnedStore();
      commit(store, [set(A, { constructor: int(1), keep: int(1) })]);
      commit(store, [
        {
          update: { name: A, fields: { toString: int(2) } },
          updateMask: { fieldPaths: ["toString", "constructor"] },
        },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ keep: int(1), toString: int(2) });
    });

    it("reaches quoted field names", function () {
      const { store } = pinnedStore();
      commit(store, [
        {
          update: { name: A, fields: { "x.y": int(1), "a`b": int(2) } },
          updateMask: { fieldPaths: ["`x.y`", "`a\\`b`"] },
        },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ "x.y": int(1), "a`b": int(2) });
    });
  });

  describe("preconditions", function () {
    it("update() of a missing document fails NOT_FOUND and writes nothing", function () {
      const { store } = pinnedStore();
      const error = failure(() =>
        commit(store, [
          {
            update: { name: A, fields: { a: int(1) } },
            updateMask: { fieldPaths: ["a"] },
            currentDocument: { exists: true },
          },
        ]),
      );
      expect(error.code).to.equal("NOT_FOUND");
      expect(error.message).to.equal(`No document to update: ${A}`);
      expect(store.getDocument(A)).to.equal(undefined);
    });

    it("update() of an existing document succeeds", function () {
      const { store } = pinnedStore();
      commit(store, [set(A, { a: int(1) })]);
      commit(store, [
        {
          update: { name: A, fields: { a: int(2) } },
          updateMask: { fieldPaths: ["a"] },
          currentDocument: { exists: true },
        },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ a: int(2) });
    });

    it("create() of an existing document fails ALREADY_EXISTS; of a new one succeeds", function () {
      const { store } = pinnedStore();
      const create = (name: string): Write => ({
        update: { name, fields: { n: int(1) } },
        currentDocument: { exists: false },
      });
      commit(store, [create(A)]);
      const error = failure(() => commit(store, [create(A)]));
      expect(error.code).to.equal("ALREADY_EXISTS");
      expect(error.message).to.equal(`Document already exists: ${A}`);
    });

    it("an updateTime precondition passes on the stored time and fails FAILED_PRECONDITION otherwise", function () {
      const { store, advance } = pinnedStore();
      const first = commit(store, [set(A, { n: int(1) })]);
      advance(1_000_000n);
      commit(store, [
        {
          update: { name: A, fields: { n: int(2) } },
          currentDocument: { updateTime: first.commitTime },
        },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ n: int(2) });
      const error = failure(() =>
        commit(store, [
          {
            update: { name: A, fields: { n: int(3) } },
            currentDocument: { updateTime: first.commitTime },
          },
        ]),
      );
      expect(error.code).to.equal("FAILED_PRECONDITION");
      expect(fieldsOf(store, A)).to.deep.equal({ n: int(2) });
      const missing = failure(() =>
        commit(store, [{ delete: B, currentDocument: { updateTime: first.commitTime } }]),
      );
      expect(missing.code).to.equal("FAILED_PRECONDITION");
    });
  });

  describe("atomicity", function () {
    it("a batch whose create fails applies none of its writes", function () {
      const { store } = pinnedStore();
      commit(store, [set(B, { n: int(1) })]);
      const error = failure(() =>
        commit(store, [
          set(A, { n: int(1) }),
          { delete: docName("c/other") },
          { update: { name: B, fields: {} }, currentDocument: { exists: false } },
        ]),
      );
      expect(error.code).to.equal("ALREADY_EXISTS");
      expect(store.getDocument(A)).to.equal(undefined);
      expect(fieldsOf(store, B)).to.deep.equal({ n: int(1) });
    });

    it("a batch that succeeds applies every write at one commit time, each seeing the ones before", function () {
      const { store } = pinnedStore();
      const response = commit(store, [
        { update: { name: A, fields: { n: int(1) } }, currentDocument: { exists: false } },
        {
          update: { name: A, fields: { m: int(2) } },
          updateMask: { fieldPaths: ["m"] },
          currentDocument: { exists: true },
        },
        set(B, { n: int(3) }),
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ n: int(1), m: int(2) });
      expect(store.getDocument(B)?.updateTime).to.equal(response.commitTime);
      expect(response.writeResults.map((r) => r.updateTime)).to.deep.equal([
        response.commitTime,
        response.commitTime,
        response.commitTime,
      ]);
    });

    it("a delete then a create of the same document in one batch succeeds", function () {
      const { store } = pinnedStore();
      commit(store, [set(A, { n: int(1) })]);
      commit(store, [
        { delete: A },
        { update: { name: A, fields: { n: int(2) } }, currentDocument: { exists: false } },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ n: int(2) });
    });
  });

  describe("delete", function () {
    it("removes the document and reports no updateTime; deleting a missing document is not an error", function () {
      const { store } = pinnedStore();
      commit(store, [set(A, { n: int(1) })]);
      const response = commit(store, [{ delete: A }, { delete: B }]);
      expect(response.writeResults).to.deep.equal([{}, {}]);
      expect(store.getDocument(A)).to.equal(undefined);
    });

    it("with exists: true fails NOT_FOUND on a missing document", function () {
      const { store } = pinnedStore();
      expect(
        failure(() => commit(store, [{ delete: A, currentDocument: { exists: true } }])).code,
      ).to.equal("NOT_FOUND");
    });
  });

  describe("field transforms", function () {
    it("sets serverTimestamp to the commit time and reports it", function () {
      const { store } = pinnedStore();
      const response = commit(store, [
        {
          update: { name: A, fields: { n: int(1) } },
          updateTransforms: [
            { fieldPath: "at", setToServerValue: "REQUEST_TIME" },
            { fieldPath: "m.at", setToServerValue: "REQUEST_TIME" },
          ],
        },
        {
          update: { name: B, fields: {} },
          updateTransforms: [{ fieldPath: "at", setToServerValue: "REQUEST_TIME" }],
        },
      ]);
      const at: Value = { timestampValue: response.commitTime };
      expect(fieldsOf(store, A)).to.deep.equal({
        n: int(1),
        at,
        m: { mapValue: { fields: { at } } },
      });
      expect(fieldsOf(store, B)).to.deep.equal({ at });
      expect(response.writeResults[0]?.transformResults).to.deep.equal([at, at]);
    });

    it("increments integers exactly, saturates on overflow, and turns to double with a double", function () {
      const { store } = pinnedStore();
      commit(store, [
        set(A, { big: int("9007199254740993"), top: int("9223372036854775800"), d: int(1) }),
      ]);
      const response = commit(store, [
        {
          transform: {
            document: A,
            fieldTransforms: [
              { fieldPath: "big", increment: int(2) },
              { fieldPath: "top", increment: int(100) },
              { fieldPath: "d", increment: dbl(0.5) },
              { fieldPath: "fresh", increment: int(5) },
            ],
          },
        },
      ]);
      const expected = {
        big: int("9007199254740995"),
        top: int("9223372036854775807"),
        d: dbl(1.5),
        fresh: int(5),
      };
      expect(fieldsOf(store, A)).to.deep.equal(expected);
      expect(response.writeResults[0]?.transformResults).to.deep.equal(Object.values(expected));
    });

    it("applies maximum and minimum", function () {
      const { store } = pinnedStore();
      commit(store, [set(A, { hi: int(5), lo: int(5) })]);
      commit(store, [
        {
          transform: {
            document: A,
            fieldTransforms: [
              { fieldPath: "hi", maximum: dbl(7.5) },
              { fieldPath: "lo", minimum: int(9) },
            ],
          },
        },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ hi: dbl(7.5), lo: int(5) });
    });

    it("appends only missing elements and removes every equivalent one, reporting null", function () {
      const { store } = pinnedStore();
      commit(store, [
        set(A, { tags: { arrayValue: { values: [int(1), str("a"), dbl(NaN), int(1)] } } }),
      ]);
      const response = commit(store, [
        {
          transform: {
            document: A,
            fieldTransforms: [
              {
                fieldPath: "tags",
                appendMissingElements: { values: [dbl(1), str("b"), str("b"), dbl(NaN)] },
              },
              { fieldPath: "gone", removeAllFromArray: { values: [int(1)] } },
            ],
          },
        },
      ]);
      expect(fieldsOf(store, A)?.tags).to.deep.equal({
        arrayValue: { values: [int(1), str("a"), dbl(NaN), int(1), str("b")] },
      });
      expect(fieldsOf(store, A)?.gone).to.deep.equal({ arrayValue: { values: [] } });
      expect(response.writeResults[0]?.transformResults).to.deep.equal([
        { nullValue: null },
        { nullValue: null },
      ]);
      commit(store, [
        {
          transform: {
            document: A,
            fieldTransforms: [
              { fieldPath: "tags", removeAllFromArray: { values: [dbl(1), dbl(NaN)] } },
            ],
          },
        },
      ]);
      expect(fieldsOf(store, A)?.tags).to.deep.equal({
        arrayValue: { values: [str("a"), str("b")] },
      });
    });

    it("a transform on a missing document creates it, unless exists: true says otherwise", function () {
      const { store } = pinnedStore();
      commit(store, [
        { transform: { document: A, fieldTransforms: [{ fieldPath: "n", increment: int(1) }] } },
      ]);
      expect(fieldsOf(store, A)).to.deep.equal({ n: int(1) });
      const error = failure(() =>
        commit(store, [
          {
            transform: { document: B, fieldTransforms: [{ fieldPath: "n", increment: int(1) }] },
            currentDocument: { exists: true },
          },
        ]),
      );
      expect(error.code).to.equal("NOT_FOUND");
    });

    it("rejects a non-numeric increment", function () {
      const { store } = pinnedStore();
      const error = failure(() =>
        commit(store, [
          {
            transform: { document: A, fieldTransforms: [{ fieldPath: "n", increment: str("1") }] },
          },
        ]),
      );
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(store.getDocument(A)).to.equal(undefined);
    });
  });

  describe("validation", function () {
    const bad: Array<[string, Write]> = [
      ["no operation", {}],
      ["two operations", { delete: A, update: { name: B, fields: {} } }],
      ["a collection name", { delete: docName("c") }],
      ["a name outside any database", { delete: "c/a" }],
      [
        "a bad mask path",
        { update: { name: A, fields: {} }, updateMask: { fieldPaths: ["a..b"] } },
      ],
      ["a reserved document id", { update: { name: docName("c/__proto__"), fields: {} } }],
      ["a reserved field name", { update: { name: A, fields: { __x__: int(1) } } }],
      [
        "a reserved nested name",
        { update: { name: A, fields: { m: { mapValue: { fields: { __x__: int(1) } } } } } },
      ],
      ["an empty field name", { update: { name: A, fields: { "": int(1) } } }],
      [
        "an array inside arrayUnion",
        {
          transform: {
            document: A,
            fieldTransforms: [
              {
                fieldPath: "a",
                appendMissingElements: { values: [{ arrayValue: { values: [] } }] },
              },
            ],
          },
        },
      ],
      ["an empty transform", { transform: { document: A, fieldTransforms: [] } }],
      ["a mask on a delete", { delete: A, updateMask: { fieldPaths: ["a"] } }],
      ["a bad integer", { update: { name: A, fields: { n: { integerValue: "1e3" } } } }],
      [
        "both precondition kinds",
        { delete: A, currentDocument: { exists: true, updateTime: formatTimestamp(0n) } },
      ],
    ];
    for (const [what, write] of bad) {
      it(`rejects ${what} with INVALID_ARGUMENT and writes nothing`, function () {
        const { store } = pinnedStore();
        expect(failure(() => commit(store, [set(B, { n: int(1) }), write])).code).to.equal(
          "INVALID_ARGUMENT",
        );
        expect(store.getDocument(B)).to.equal(undefined);
      });
    }

    it("accepts numeric ids (__id7__, __id-2__), the one form of __…__ id production takes", function () {
      const { store } = pinnedStore();
      commit(store, [set(docName("c/__id7__"), {}), set(docName("c/__id-2__"), {})]);
      expect(store.getDocument(docName("c/__id7__"))).to.not.equal(undefined);
      expect(failure(() => commit(store, [set(docName("c/__id7x__"), {})])).message).to.include(
        "reserved",
      );
    });

    it("accepts a document of exactly 1 MiB and refuses one byte more, keeping the old version", function () {
      const { store } = pinnedStore();
      // name "c/a": 2 + 2 + 16; field "s": 2 + (length + 1); document overhead: 32.
      commit(store, [set(A, { s: str("x".repeat(1_048_576 - 55)) })]);
      const error = failure(() => commit(store, [set(A, { s: str("y".repeat(1_048_576 - 54)) })]));
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.include("exceeds the maximum allowed size of 1,048,576 bytes");
      expect(getField(fieldsOf(store, A), ["s"])).to.deep.equal(str("x".repeat(1_048_576 - 55)));
    });

    it("refuses maps nested far deeper than production's 20 levels, not moderately nested ones", function () {
      const { store } = pinnedStore();
      const nest = (depth: number): Value =>
        depth === 0 ? int(1) : { mapValue: { fields: { m: nest(depth - 1) } } };
      commit(store, [set(A, { m: nest(10) })]);
      expect(failure(() => commit(store, [set(B, { m: nest(25) })])).code).to.equal(
        "INVALID_ARGUMENT",
      );
      expect(store.getDocument(B)).to.equal(undefined);
    });

    it("rejects a document of another database when one is given", function () {
      const { store } = pinnedStore();
      const error = failure(() =>
        commit(store, [set(A, {})], { database: "projects/p/databases/other" }),
      );
      expect(error.code).to.equal("INVALID_ARGUMENT");
      commit(store, [set(A, {})], { database: "projects/p/databases/(default)" });
      expect(store.getDocument(A)).not.to.equal(undefined);
    });
  });
});

describe("batchWrite", function () {
  it("applies each write independently and reports a status per write", function () {
    const { store } = pinnedStore();
    commit(store, [set(B, { n: int(1) })]);
    const response = batchWrite(store, [
      set(A, { n: int(1) }),
      { update: { name: B, fields: {} }, currentDocument: { exists: false } },
      { delete: docName("c/x"), currentDocument: { exists: true } },
      { delete: docName("c/y") },
    ]);
    expect(response.status).to.deep.equal([
      { code: 0 },
      { code: 6, message: `Document already exists: ${B}` },
      { code: 5, message: `No document to update: ${docName("c/x")}` },
      { code: 0 },
    ]);
    expect(response.writeResults[0]?.updateTime).to.be.a("string");
    expect(response.writeResults.slice(1)).to.deep.equal([{}, {}, {}]);
    expect(fieldsOf(store, A)).to.deep.equal({ n: int(1) });
    expect(fieldsOf(store, B)).to.deep.equal({ n: int(1) });
  });

  it("reports an invalid write as INVALID_ARGUMENT without stopping the others", function () {
    const { store } = pinnedStore();
    const response = batchWrite(store, [
      { update: { name: A, fields: { __x__: int(1) } } },
      set(B, {}),
    ]);
    expect(response.status.map((s) => s.code)).to.deep.equal([3, 0]);
    expect(store.getDocument(B)).not.to.equal(undefined);
  });

  it("refuses a request that writes one document twice, writing nothing", function () {
    const { store } = pinnedStore();
    expect(failure(() => batchWrite(store, [set(A, {}), { delete: A }])).code).to.equal(
      "INVALID_ARGUMENT",
    );
    expect(store.getDocument(A)).to.equal(undefined);
  });
});
