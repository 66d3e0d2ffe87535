import { expect } from "chai";
import {
  compareReferences,
  compareUtf8,
  compareValues,
  deleteField,
  documentNameSize,
  emptyFields,
  extremumValue,
  formatFieldPath,
  formatTimestamp,
  getField,
  incrementValue,
  normalizeValue,
  parseFieldPath,
  parseTimestamp,
  setField,
  typeOrder,
  valuesEqual,
  valuesEquivalent,
  valueSize,
  valuesIdentical,
  type Value,
} from "../../../src/firestore/values.js";
import { FirestoreError } from "../../../src/firestore/errors.js";

const ref = (path: string): Value => ({
  referenceValue: `projects/p/databases/(default)/documents/${path}`,
});
const int = (n: string | number): Value => ({ integerValue: String(n) });
const dbl = (n: number): Value => ({ doubleValue: n });
const str = (s: string): Value => ({ stringValue: s });
const arr = (...values: Value[]): Value => ({ arrayValue: { values } });
const map = (fields: Record<string, Value>): Value => ({ mapValue: { fields } });

/**
 * Firestore's order, as groups of values that compare equal, from smallest to largest. Every pair
 * across groups and within a group is checked, so each type meets every other.
 */
const ORDERED: Value[][] = [
  [{ nullValue: null }],
  [{ booleanValue: false }],
  [{ booleanValue: true }],
  [dbl(NaN)],
  [dbl(-Infinity)],
  [dbl(-9223372036854777856)], // the double just below -2^63
  [int("-9223372036854775808"), dbl(-9223372036854775808)], // -2^63 is exact in both
  [dbl(-1.5)],
  [int(-1), dbl(-1)],
  [dbl(-Number.MIN_VALUE)],
  [int(0), dbl(0), dbl(-0)],
  [dbl(Number.MIN_VALUE)],
  [dbl(0.5)],
  [int(1), dbl(1)],
  [int("9007199254740992"), dbl(9007199254740992)],
  [int("9007199254740993")],
  [dbl(9007199254740994)],
  [int("9223372036854775806")],
  [int("9223372036854775807")],
  [dbl(2 ** 63)], // above every int64
  [dbl(Infinity)],
  [{ timestampValue: "1969-12-31T23:59:59.999999Z" }],
  [{ timestampValue: "1970-01-01T00:00:00Z" }, { timestampValue: "1970-01-01T01:00:00+01:00" }],
  [{ timestampValue: "1970-01-01T00:00:00.000001Z" }],
  [{ timestampValue: "2024-05-01T10:00:00.5Z" }],
  [str("")],
  [str("A")],
  [str("a")],
  [str("ab")],
  [str("b")],
  [str("é")],
  [str("\uffff")], // UTF-16 puts this after the emoji below; UTF-8 before
  [str("😀")],
  [{ bytesValue: "" }],
  [{ bytesValue: Buffer.from([0]).toString("base64") }],
  [{ bytesValue: Buffer.from([0, 1]).toString("base64") }],
  [{ bytesValue: Buffer.from([255]).toString("base64") }],
  [ref("a/b")],
  [ref("a/b/c/d")],
  [ref("a/c")],
  [ref("aa/a")], // segment order: "a" < "aa" even though "a/" > "aa" byte-wise is false either way
  [ref("b/a")],
  [{ geoPointValue: { latitude: -10, longitude: 50 } }],
  [{ geoPointValue: { latitude: 0, longitude: -10 } }],
  [{ geoPointValue: { latitude: 0, longitude: 10 } }],
  [arr()],
  [arr({ nullValue: null })],
  [arr(int(1)), arr(dbl(1))],
  [arr(int(1), int(2))],
  [arr(int(1), str("a"))],
  [arr(int(2))],
  [map({ __type__: str("__vector__"), value: arr(dbl(9)) })],
  [map({ __type__: str("__vector__"), value: arr(dbl(1), dbl(1)) })],
  [map({})],
  [map({ a: int(1) })],
  [map({ a: int(1), b: int(0) })],
  [map({ a: int(2) })],
  [map({ b: int(0) })],
  [map({ b: map({ c: int(1) }) })],
];

describe("compareValues", function () {
  it("orders every pair of the table as Firestore does", function () {
    const failures: string[] = [];
    ORDERED.forEach((group, gi) => {
      ORDERED.forEach((other, gj) => {
        for (const a of group) {
          for (const b of other) {
            const expected = Math.sign(gi - gj);
            const actual = Math.sign(compareValues(a, b));
            if (actual !== expected) {
              failures.push(
                `${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${actual}, want ${expected}`,
              );
            }
          }
        }
      });
    });
    expect(failures).to.deep.equal([]);
  });

  it("sorts a shuffled copy of the table back into order", function () {
    const flat = ORDERED.map((group) => group[0]).filter((v): v is Value => v !== undefined);
    const shuffled = [...flat].reverse();
    shuffled.push(...shuffled.splice(0, 7));
    expect(shuffled.sort(compareValues)).to.deep.equal(flat);
  });

  it("distinguishes 64-bit integers that one double cannot", function () {
    expect(compareValues(int("9007199254740993"), int("9007199254740992"))).to.equal(1);
    expect(compareValues(int("9007199254740993"), dbl(9007199254740992))).to.equal(1);
    expect(compareValues(int("9007199254740992"), dbl(9007199254740992))).to.equal(0);
  });
});

describe("typeOrder", function () {
  it("puts integers and doubles in one rank and vectors between arrays and maps", function () {
    expect(typeOrder(int(1))).to.equal(typeOrder(dbl(1)));
    const vector = map({ __type__: str("__vector__"), value: arr() });
    expect(typeOrder(arr())).to.be.lessThan(typeOrder(vector));
    expect(typeOrder(vector)).to.be.lessThan(typeOrder(map({})));
    expect(typeOrder(map({ __type__: str("other") }))).to.equal(typeOrder(map({})));
  });
});

describe("compareUtf8", function () {
  it("orders by code point, not by UTF-16 unit", function () {
    expect(compareUtf8("\uffff", "😀")).to.equal(-1);
    expect(compareUtf8("😀", "😁")).to.equal(-1);
    expect(compareUtf8("a", "a")).to.equal(0);
    expect(compareUtf8("a", "ab")).to.equal(-1);
  });
});

describe("compareReferences", function () {
  /** Segment by segment, each in UTF-8 byte order: the definition for ids that are not numeric. */
  function byDefinition(a: string, b: string): number {
    const x = a.split("/");
    const y = b.split("/");
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = Buffer.compare(Buffer.from(x[i] ?? ""), Buffer.from(y[i] ?? ""));
      if (c !== 0) return c;
    }
    return Math.sign(x.length - y.length);
  }

  it("orders names segment by segment in UTF-8 byte order, a shorter path first", function () {
    const names = ["a/b", "a0/b", "a/b/c/d", "a/b0", "a/\uffff", "a/\u{1f600}", "a/é", "a/A", "a"];
    for (const a of names)
      for (const b of names)
        expect(compareReferences(a, b), `${a} vs ${b}`).to.equal(byDefinition(a, b));
    expect(compareReferences("a/\u{1f600}", "a/\ufffd")).to.equal(1);
  });

  it("puts numeric ids (__id<n>__) first, by their 64-bit value, as production does", function () {
    const ids = [
      "a",
      "_id1__",
      "__id1_",
      "__id",
      "Aa",
      "A",
      "7",
      "12",
      "__id9223372036854775807__",
      "__id9223372036854775806__",
      "__id12__",
      "__id7__",
      "__id-2__",
      "__id-9223372036854775807__",
      "__id-9223372036854775808__",
    ];
    expect([...ids].reverse().sort((x, y) => compareReferences(`c/${x}`, `c/${y}`))).to.deep.equal([
      "__id-9223372036854775808__",
      "__id-9223372036854775807__",
      "__id-2__",
      "__id7__",
      "__id12__",
      "__id9223372036854775806__",
      "__id9223372036854775807__",
      "12",
      "7",
      "A",
      "Aa",
      "__id",
      "__id1_",
      "_id1__",
      "a",
    ]);
  });
});

describe("valuesEqual", function () {
  it("treats 1 and 1.0, 0 and -0 as equal, also nested", function () {
    expect(valuesEqual(int(1), dbl(1))).to.equal(true);
    expect(valuesEqual(dbl(0), dbl(-0))).to.equal(true);
    expect(valuesEqual(arr(int(1)), arr(dbl(1)))).to.equal(true);
    expect(valuesEqual(map({ a: int(1) }), map({ a: dbl(1) }))).to.equal(true);
  });

  it("never matches NaN, even against NaN or inside an array", function () {
    expect(valuesEqual(dbl(NaN), dbl(NaN))).to.equal(false);
    expect(valuesEqual(arr(dbl(NaN)), arr(dbl(NaN)))).to.equal(false);
  });

  it("rejects different values and different types", function () {
    expect(valuesEqual(int(1), int(2))).to.equal(false);
    expect(valuesEqual(str("1"), int(1))).to.equal(false);
    expect(valuesEqual(map({ a: int(1) }), map({ a: int(1), b: int(1) }))).to.equal(false);
  });
});

describe("valuesEquivalent", function () {
  it("matches NaN with NaN and 3 with 3.0, not 3 with 4", function () {
    expect(valuesEquivalent(dbl(NaN), dbl(NaN))).to.equal(true);
    expect(valuesEquivalent(int(3), dbl(3))).to.equal(true);
    expect(valuesEquivalent(int(3), int(4))).to.equal(false);
  });
});

describe("valuesIdentical", function () {
  it("tells 1 from 1.0 and 0 from -0, but not equal maps", function () {
    expect(valuesIdentical(int(1), dbl(1))).to.equal(false);
    expect(valuesIdentical(dbl(0), dbl(-0))).to.equal(false);
    expect(valuesIdentical(map({ a: arr(int(1)) }), map({ a: arr(int(1)) }))).to.equal(true);
    expect(valuesIdentical(map({ a: arr(int(1)) }), map({ a: arr(int(2)) }))).to.equal(false);
  });
});

describe("parseFieldPath", function () {
  it("splits simple and quoted segments, with escapes", function () {
    expect(parseFieldPath("a")).to.deep.equal(["a"]);
    expect(parseFieldPath("a.b_1.C")).to.deep.equal(["a", "b_1", "C"]);
    expect(parseFieldPath("`a.b`.c")).to.deep.equal(["a.b", "c"]);
    expect(parseFieldPath("`x\\`y`.`back\\\\slash`")).to.deep.equal(["x`y", "back\\slash"]);
    expect(parseFieldPath("`1st`.`é`.`constructor`")).to.deep.equal(["1st", "é", "constructor"]);
    expect(parseFieldPath("__name__")).to.deep.equal(["__name__"]);
  });

  for (const bad of [
    "",
    "a..b",
    ".a",
    "a.",
    "1st",
    "a-b",
    "`unterminated",
    "``",
    "`a`b",
    "a.`b\\",
  ]) {
    it(`rejects ${JSON.stringify(bad)} with INVALID_ARGUMENT`, function () {
      expect(() => parseFieldPath(bad))
        .to.throw(FirestoreError)
        .with.property("code", "INVALID_ARGUMENT");
    });
  }
});

describe("formatFieldPath", function () {
  it("quotes only names that need it and round-trips through parseFieldPath", function () {
    const cases: string[][] = [
      ["a", "b"],
      ["a.b", "1"],
      ["x`y", "back\\slash"],
      ["é", "_ok"],
    ];
    for (const segments of cases)
      expect(parseFieldPath(formatFieldPath(segments))).to.deep.equal(segments);
    expect(formatFieldPath(["a", "b.c", "1"])).to.equal("a.`b.c`.`1`");
  });
});

describe("getField", function () {
  const fields = { a: map({ b: int(1), constructor: str("c") }), s: str("x") };

  it("finds nested fields, including names Object.prototype owns", function () {
    expect(getField(fields, ["a", "b"])).to.deep.equal(int(1));
    expect(getField(fields, ["a", "constructor"])).to.deep.equal(str("c"));
  });

  it("returns undefined for missing paths and paths through non-maps", function () {
    expect(getField(fields, ["a", "x"])).to.equal(undefined);
    expect(getField(fields, ["s", "x"])).to.equal(undefined);
    expect(getField(fields, ["constructor"])).to.equal(undefined);
    expect(getField(fields, ["__proto__"])).to.equal(undefined);
    expect(getField(undefined, ["a"])).to.equal(undefined);
  });
});

describe("setField / deleteField", function () {
  it("creates intermediate maps, replaces non-maps, and deletes leaves", function () {
    const fields = emptyFields();
    setField(fields, ["a", "b"], int(1));
    setField(fields, ["s"], str("x"));
    setField(fields, ["s", "t"], int(2));
    setField(fields, ["__proto__"], int(3));
    expect(getField(fields, ["a", "b"])).to.deep.equal(int(1));
    expect(getField(fields, ["s", "t"])).to.deep.equal(int(2));
    expect(getField(fields, ["__proto__"])).to.deep.equal(int(3));
    deleteField(fields, ["a", "b"]);
    deleteField(fields, ["nope", "x"]);
    expect(getField(fields, ["a"])).to.deep.equal(map({}));
    expect(getField(fields, ["a", "b"])).to.equal(undefined);
  });
});

describe("parseTimestamp / formatTimestamp", function () {
  it("reads offsets and nanoseconds and writes protobuf JSON's 0/3/6/9 digits", function () {
    expect(parseTimestamp("1970-01-01T00:00:01.000000001Z")).to.equal(1_000_000_001n);
    expect(parseTimestamp("1970-01-01T01:00:00+01:00")).to.equal(0n);
    expect(formatTimestamp(0n)).to.equal("1970-01-01T00:00:00Z");
    expect(formatTimestamp(1_500_000_000n)).to.equal("1970-01-01T00:00:01.500Z");
    expect(formatTimestamp(1_000_001_000n)).to.equal("1970-01-01T00:00:01.000001Z");
    expect(formatTimestamp(-1n)).to.equal("1969-12-31T23:59:59.999999999Z");
    expect(formatTimestamp(parseTimestamp("0001-01-01T00:00:00Z"))).to.equal(
      "0001-01-01T00:00:00Z",
    );
  });

  for (const bad of [
    "2024-02-30T00:00:00Z",
    "2024-01-01 00:00:00Z",
    "2024-01-01T00:00:00",
    "10000-01-01T00:00:00Z",
  ]) {
    it(`rejects ${bad}`, function () {
      expect(() => parseTimestamp(bad)).to.throw(FirestoreError, "Invalid timestamp");
    });
  }
});

describe("normalizeValue", function () {
  it("canonicalises integers, truncates timestamps to microseconds and reads non-finite doubles", function () {
    expect(normalizeValue({ integerValue: "007" })).to.deep.equal(int(7));
    expect(normalizeValue({ timestampValue: "2024-01-01T00:00:00.123456789Z" })).to.deep.equal({
      timestampValue: "2024-01-01T00:00:00.123456Z",
    });
    expect(normalizeValue({ doubleValue: "NaN" })).to.deep.equal(dbl(NaN));
    expect(normalizeValue({ doubleValue: "-Infinity" })).to.deep.equal(dbl(-Infinity));
    const nested = normalizeValue({ mapValue: { fields: { constructor: { stringValue: "x" } } } });
    expect(
      getField("mapValue" in nested ? nested.mapValue.fields : undefined, ["constructor"]),
    ).to.deep.equal(str("x"));
  });

  const bad: unknown[] = [
    {},
    { integerValue: "9223372036854775808" },
    { integerValue: "1.5" },
    { stringValue: 1 },
    { booleanValue: "true" },
    { nullValue: null, stringValue: "x" },
    { arrayValue: { values: [{ arrayValue: {} }] } },
    { geoPointValue: { latitude: 91, longitude: 0 } },
    { referenceValue: "a/b" },
    { fooValue: 1 },
  ];
  for (const raw of bad) {
    it(`rejects ${JSON.stringify(raw)} with INVALID_ARGUMENT`, function () {
      expect(() => normalizeValue(raw))
        .to.throw(FirestoreError)
        .with.property("code", "INVALID_ARGUMENT");
    });
  }
});

describe("incrementValue", function () {
  it("adds integers exactly beyond 2^53", function () {
    expect(incrementValue(int("9007199254740993"), int(2))).to.deep.equal(int("9007199254740995"));
  });

  it("saturates integer overflow at the 64-bit bounds", function () {
    expect(incrementValue(int("9223372036854775807"), int(1))).to.deep.equal(
      int("9223372036854775807"),
    );
    expect(incrementValue(int("-9223372036854775808"), int(-5))).to.deep.equal(
      int("-9223372036854775808"),
    );
  });

  it("turns a sum with a double into a double", function () {
    expect(incrementValue(int(1), dbl(0.5))).to.deep.equal(dbl(1.5));
    expect(incrementValue(dbl(1.5), int(1))).to.deep.equal(dbl(2.5));
  });

  it("sets a missing or non-numeric field to the operand", function () {
    expect(incrementValue(undefined, int(3))).to.deep.equal(int(3));
    expect(incrementValue(str("x"), dbl(3))).to.deep.equal(dbl(3));
  });

  it("rejects a non-numeric operand", function () {
    expect(() => incrementValue(int(1), str("1"))).to.throw(FirestoreError);
  });
});

describe("extremumValue", function () {
  it("takes the larger for maximum and the smaller for minimum, with its own type", function () {
    expect(extremumValue(int(1), dbl(2.5), "maximum")).to.deep.equal(dbl(2.5));
    expect(extremumValue(int(1), dbl(2.5), "minimum")).to.deep.equal(int(1));
  });

  it("keeps the stored value when operands are equivalent", function () {
    expect(extremumValue(int(3), dbl(3), "maximum")).to.deep.equal(int(3));
    expect(extremumValue(dbl(-0), int(0), "minimum")).to.deep.equal(dbl(-0));
  });

  it("lets NaN win and a missing field take the operand", function () {
    expect(extremumValue(int(3), dbl(NaN), "maximum")).to.deep.equal(dbl(NaN));
    expect(extremumValue(dbl(NaN), int(3), "minimum")).to.deep.equal(dbl(NaN));
    expect(extremumValue(undefined, int(3), "minimum")).to.deep.equal(int(3));
  });
});

describe("valueSize / documentNameSize", function () {
  it("counts sizes as Firestore's storage-size rules do", function () {
    expect(
      documentNameSize("projects/p/databases/d/documents/users/jeff/tasks/my_task_id"),
    ).to.equal(6 + 5 + 6 + 11 + 16);
    expect(valueSize(str("Firestore"))).to.equal(10);
    expect(valueSize({ booleanValue: true })).to.equal(1);
    expect(valueSize(int("9223372036854775807"))).to.equal(8);
    expect(valueSize({ geoPointValue: { latitude: 0, longitude: 0 } })).to.equal(16);
    expect(valueSize(arr(str("a"), { nullValue: null }))).to.equal(3);
    expect(valueSize(map({ ab: str("é") }))).to.equal(3 + 3);
    expect(valueSize({ bytesValue: Buffer.from([1, 2, 3]).toString("base64") })).to.equal(3);
  });
});
