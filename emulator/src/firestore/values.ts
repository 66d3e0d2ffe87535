import { invalidArgument } from "./errors.js";

/**
 * A Firestore v1 `Value` in its protobuf-JSON form. Integers travel as decimal strings so that
 * 64-bit values stay exact; doubles may be NaN or ±Infinity.
 */
export type Value =
  | { nullValue: null }
  | { booleanValue: boolean }
  | { integerValue: string }
  | { doubleValue: number }
  | { timestampValue: string }
  | { stringValue: string }
  | { bytesValue: string }
  | { referenceValue: string }
  | { geoPointValue: { latitude: number; longitude: number } }
  | { arrayValue: { values?: Value[] } }
  | { mapValue: { fields?: Record<string, Value> } };

export type Fields = Record<string, Value>;

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** Firestore's type order; vectors (maps tagged `__type__: "__vector__"`) sort between arrays and maps. */
const ORDER = {
  null: 0,
  boolean: 1,
  number: 2,
  timestamp: 3,
  string: 4,
  bytes: 5,
  reference: 6,
  geoPoint: 7,
  array: 8,
  vector: 9,
  map: 10,
} as const;

export function typeOrder(v: Value): number {
  if ("nullValue" in v) return ORDER.null;
  if ("booleanValue" in v) return ORDER.boolean;
  if ("integerValue" in v || "doubleValue" in v) return ORDER.number;
  if ("timestampValue" in v) return ORDER.timestamp;
  if ("stringValue" in v) return ORDER.string;
  if ("bytesValue" in v) return ORDER.bytes;
  if ("referenceValue" in v) return ORDER.reference;
  if ("geoPointValue" in v) return ORDER.geoPoint;
  if ("arrayValue" in v) return ORDER.array;
  return isVector(v) ? ORDER.vector : ORDER.map;
}

/** Own-property lookup: field names such as `constructor` must never reach Object.prototype. */
function own(fields: Fields | undefined, key: string): Value | undefined {
  if (fields === undefined || !Object.hasOwn(fields, key)) return undefined;
  return fields[key];
}

/** A vector travels as a map tagged with these reserved names: `{__type__: "__vector__", value: [...]}`. */
export const VECTOR_TYPE_KEY = "__type__";
export const VECTOR_TYPE = "__vector__";
export const VECTOR_VALUE_KEY = "value";

/** Whether `v` is tagged as a vector (the tag alone decides its rank in the value order). */
export function isVector(v: Value): boolean {
  if (!("mapValue" in v)) return false;
  const tag = own(v.mapValue.fields, VECTOR_TYPE_KEY);
  return tag !== undefined && "stringValue" in tag && tag.stringValue === VECTOR_TYPE;
}

/**
 * The elements of a well-formed vector (exactly the tag and an array of doubles), or undefined for
 * any other value, a malformed vector included.
 */
export function vectorOf(v: Value): number[] | undefined {
  if (!("mapValue" in v) || !isVector(v)) return undefined;
  const keys = Object.keys(v.mapValue.fields ?? {});
  const inner = own(v.mapValue.fields, VECTOR_VALUE_KEY);
  if (keys.length !== 2 || inner === undefined || !("arrayValue" in inner)) return undefined;
  const out: number[] = [];
  for (const element of inner.arrayValue.values ?? []) {
    if (!("doubleValue" in element)) return undefined;
    out.push(element.doubleValue);
  }
  return out;
}

function sign(n: number | bigint): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

/** Compares strings by their UTF-8 bytes (= code point order), which differs from UTF-16 order. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate unit starts a code point above U+FFFF, which UTF-8 sorts after every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return sign(a.length - b.length);
}

export function parseInteger(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw invalidArgument(`Invalid integer value: ${text}`);
  const n = BigInt(text);
  if (n > INT64_MAX || n < INT64_MIN) throw invalidArgument(`Integer out of range: ${text}`);
  return n;
}

/** Exact comparison of a 64-bit integer with a double, without rounding either through the other. */
function compareIntegerDouble(i: bigint, d: number): number {
  if (Number.isNaN(d)) return 1;
  if (d === Infinity) return -1;
  if (d === -Infinity) return 1;
  const whole = Math.trunc(d);
  const c = sign(i - BigInt(whole));
  if (c !== 0) return c;
  return -sign(d - whole);
}

function compareDoubles(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: Value, b: Value): number {
  if ("integerValue" in a) {
    if ("integerValue" in b)
      return sign(parseInteger(a.integerValue) - parseInteger(b.integerValue));
    if ("doubleValue" in b)
      return compareIntegerDouble(parseInteger(a.integerValue), b.doubleValue);
  } else if ("doubleValue" in a) {
    if ("doubleValue" in b) return compareDoubles(a.doubleValue, b.doubleValue);
    if ("integerValue" in b)
      return -compareIntegerDouble(parseInteger(b.integerValue), a.doubleValue);
  }
  throw new TypeError("compareNumbers called with a non-number");
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "base64"), Buffer.from(b, "base64"));
}

/** `__id<integer>__`: how production writes a numeric id. */
const NUMERIC_ID = /^__id(-?\d+)__$/;

/**
 * Resource ids in production's order: numeric ids (`__id7__`) first, by their 64-bit value, then
 * every other id in UTF-8 byte order.
 */
export function compareResourceIds(a: string, b: string): number {
  const left = NUMERIC_ID.exec(a)?.[1];
  const right = NUMERIC_ID.exec(b)?.[1];
  if (left !== undefined && right !== undefined) {
    const x = BigInt(left);
    const y = BigInt(right);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (left !== undefined) return -1;
  if (right !== undefined) return 1;
  return compareUtf8(a, b);
}

/** Document names (and references) segment by segment; a shorter path first. */
export function compareReferences(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const c = compareResourceIds(left[i] ?? "", right[i] ?? "");
    if (c !== 0) return c;
  }
  return sign(left.length - right.length);
}

function compareArrays(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const left = a[i];
    const right = b[i];
    if (left === undefined || right === undefined) break;
    const c = compareValues(left, right);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

export function sortedKeys(fields: Fields | undefined): string[] {
  return fields === undefined ? [] : Object.keys(fields).sort(compareUtf8);
}

function compareMaps(a: Fields | undefined, b: Fields | undefined): number {
  const left = sortedKeys(a);
  const right = sortedKeys(b);
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const lk = left[i] ?? "";
    const rk = right[i] ?? "";
    const keyOrder = compareUtf8(lk, rk);
    if (keyOrder !== 0) return keyOrder;
    const lv = own(a, lk);
    const rv = own(b, rk);
    if (lv === undefined || rv === undefined) continue;
    const c = compareValues(lv, rv);
    if (c !== 0) return c;
  }
  return sign(left.length - right.length);
}

function vectorElements(v: Value): Value[] {
  if (!("mapValue" in v)) return [];
  const inner = own(v.mapValue.fields, VECTOR_VALUE_KEY);
  return inner !== undefined && "arrayValue" in inner ? (inner.arrayValue.values ?? []) : [];
}

/** Firestore's total order over values, as queries and `orderBy` apply it. */
export function compareValues(a: Value, b: Value): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return sign(ta - tb);
  if ("nullValue" in a) return 0;
  if ("booleanValue" in a && "booleanValue" in b)
    return sign(Number(a.booleanValue) - Number(b.booleanValue));
  if (ta === ORDER.number) return compareNumbers(a, b);
  if ("timestampValue" in a && "timestampValue" in b) {
    return sign(parseTimestamp(a.timestampValue) - parseTimestamp(b.timestampValue));
  }
  if ("stringValue" in a && "stringValue" in b) return compareUtf8(a.stringValue, b.stringValue);
  if ("bytesValue" in a && "bytesValue" in b) return compareBytes(a.bytesValue, b.bytesValue);
  if ("referenceValue" in a && "referenceValue" in b) {
    return compareReferences(a.referenceValue, b.referenceValue);
  }
  if ("geoPointValue" in a && "geoPointValue" in b) {
    return (
      compareDoubles(a.geoPointValue.latitude, b.geoPointValue.latitude) ||
      compareDoubles(a.geoPointValue.longitude, b.geoPointValue.longitude)
    );
  }
  if ("arrayValue" in a && "arrayValue" in b) {
    return compareArrays(a.arrayValue.values ?? [], b.arrayValue.values ?? []);
  }
  if (ta === ORDER.vector) {
    const left = vectorElements(a);
    const right = vectorElements(b);
    return sign(left.length - right.length) || compareArrays(left, right);
  }
  if ("mapValue" in a && "mapValue" in b) return compareMaps(a.mapValue.fields, b.mapValue.fields);
  return 0;
}

function isNaNValue(v: Value): boolean {
  return "doubleValue" in v && Number.isNaN(v.doubleValue);
}

function containsNaN(v: Value): boolean {
  if (isNaNValue(v)) return true;
  if ("arrayValue" in v) return (v.arrayValue.values ?? []).some(containsNaN);
  if ("mapValue" in v) return Object.values(v.mapValue.fields ?? {}).some(containsNaN);
  return false;
}

/**
 * Equality as query filters use it: 1 == 1.0 and -0 == 0, while NaN equals nothing (a query finds
 * NaN only through IS_NAN), also inside arrays and maps.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (containsNaN(a) || containsNaN(b)) return false;
  return compareValues(a, b) === 0;
}

/**
 * Equivalence as `arrayUnion` / `arrayRemove` use it: like `valuesEqual`, but NaN equals NaN.
 */
export function valuesEquivalent(a: Value, b: Value): boolean {
  return compareValues(a, b) === 0;
}

/** Same value with the same representation (1 and 1.0 differ): whether a write changed a document. */
export function valuesIdentical(a: Value, b: Value): boolean {
  if ("integerValue" in a)
    return "integerValue" in b && BigInt(a.integerValue) === BigInt(b.integerValue);
  if ("doubleValue" in a) return "doubleValue" in b && Object.is(a.doubleValue, b.doubleValue);
  if ("arrayValue" in a) {
    if (!("arrayValue" in b)) return false;
    const left = a.arrayValue.values ?? [];
    const right = b.arrayValue.values ?? [];
    return (
      left.length === right.length &&
      left.every((v, i) => {
        const w = right[i];
        return w !== undefined && valuesIdentical(v, w);
      })
    );
  }
  if ("mapValue" in a)
    return "mapValue" in b && fieldsIdentical(a.mapValue.fields, b.mapValue.fields);
  if (typeOrder(a) !== typeOrder(b) || "integerValue" in b || "doubleValue" in b) return false;
  return compareValues(a, b) === 0;
}

export function fieldsIdentical(a: Fields | undefined, b: Fields | undefined): boolean {
  const left = sortedKeys(a);
  const right = sortedKeys(b);
  if (left.length !== right.length) return false;
  return left.every((key, i) => {
    const lv = own(a, key);
    const rv = own(b, key);
    return key === right[i] && lv !== undefined && rv !== undefined && valuesIdentical(lv, rv);
  });
}

// ---------------------------------------------------------------------------------------------
// Field paths

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z_0-9]*$/;

/**
 * Parses a field path in Firestore's grammar: dot-separated segments, each a simple name
 * (`[A-Za-z_][A-Za-z_0-9]*`) or a backtick-quoted name in which `\` escapes the next character.
 */
export function parseFieldPath(path: string): string[] {
  const invalid = () => invalidArgument(`Invalid property path "${path}".`);
  if (path === "") throw invalid();
  const segments: string[] = [];
  let i = 0;
  while (i <= path.length) {
    let segment = "";
    if (path[i] === "`") {
      i++;
      let closed = false;
      while (i < path.length) {
        const c = path[i];
        if (c === "\\") {
          const next = path[i + 1];
          if (next === undefined) throw invalid();
          segment += next;
          i += 2;
        } else if (c === "`") {
          closed = true;
          i++;
          break;
        } else {
          segment += c ?? "";
          i++;
        }
      }
      if (!closed || segment === "") throw invalid();
    } else {
      const end = path.indexOf(".", i);
      segment = path.slice(i, end === -1 ? path.length : end);
      if (!SIMPLE_NAME.test(segment)) throw invalid();
      i += segment.length;
    }
    segments.push(segment);
    if (i === path.length) return segments;
    if (path[i] !== ".") throw invalid();
    i++;
  }
  throw invalid();
}

/** The canonical text of a field path: simple names bare, every other name quoted and escaped. */
export function formatFieldPath(segments: readonly string[]): string {
  return segments
    .map((s) =>
      SIMPLE_NAME.test(s) ? s : "`" + s.replace(/\\/g, "\\\\").replace(/`/g, "\\`") + "`",
    )
    .join(".");
}

export function getField(fields: Fields | undefined, path: readonly string[]): Value | undefined {
  let current: Fields | undefined = fields;
  for (let i = 0; i < path.length; i++) {
    const value = own(current, path[i] ?? "");
    if (value === undefined) return undefined;
    if (i === path.length - 1) return value;
    if (!("mapValue" in value)) return undefined;
    current = value.mapValue.fields;
  }
  return undefined;
}

/** A fields record that cannot inherit: `__proto__` and `constructor` are plain keys in it. */
export function emptyFields(): Fields {
  return Object.create(null) as Fields;
}

/** A deep copy with null-prototype records, so that later edits never touch the original. */
export function cloneValue(v: Value): Value {
  if ("arrayValue" in v)
    return { arrayValue: { values: (v.arrayValue.values ?? []).map(cloneValue) } };
  if ("mapValue" in v) return { mapValue: { fields: cloneFields(v.mapValue.fields) } };
  if ("geoPointValue" in v) return { geoPointValue: { ...v.geoPointValue } };
  return { ...v };
}

export function cloneFields(fields: Fields | undefined): Fields {
  const out = emptyFields();
  for (const key of Object.keys(fields ?? {})) {
    const value = own(fields, key);
    if (value !== undefined) out[key] = cloneValue(value);
  }
  return out;
}

/** Sets `path` in `fields` (mutating), replacing any non-map value on the way with a map. */
export function setField(fields: Fields, path: readonly string[], value: Value): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    fields[head] = value;
    return;
  }
  let child = own(fields, head);
  if (child === undefined || !("mapValue" in child)) {
    child = { mapValue: { fields: emptyFields() } };
    fields[head] = child;
  }
  const inner = child.mapValue.fields ?? emptyFields();
  child.mapValue.fields = inner;
  setField(inner, rest, value);
}

/** Deletes `path` from `fields` (mutating); a missing path is not an error. */
export function deleteField(fields: Fields, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    Reflect.deleteProperty(fields, head);
    return;
  }
  const child = own(fields, head);
  if (child === undefined || !("mapValue" in child) || child.mapValue.fields === undefined) return;
  deleteField(child.mapValue.fields, rest);
}

// ---------------------------------------------------------------------------------------------
// Timestamps: nanoseconds since the epoch as bigint inside, RFC 3339 strings outside.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_SECONDS = -62135596800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z

/** Parses an RFC 3339 timestamp to nanoseconds since the epoch. */
export function parseTimestamp(text: string): bigint {
  const m = RFC3339.exec(text);
  const invalid = () => invalidArgument(`Invalid timestamp: ${text}`);
  if (m === null) throw invalid();
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  if (
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d) ||
    date.getUTCHours() !== Number(h) ||
    date.getUTCMinutes() !== Number(mi) ||
    date.getUTCSeconds() !== Number(s)
  ) {
    throw invalid();
  }
  let seconds = BigInt(date.getTime() / 1000);
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60;
    seconds -= BigInt(zone.startsWith("-") ? -offset : offset);
  }
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw invalid();
  const nanos = BigInt((frac ?? "").padEnd(9, "0"));
  return seconds * 1_000_000_000n + nanos;
}

/**
 * Formats nanoseconds since the epoch as protobuf JSON does: UTC, with 0, 3, 6 or 9 fractional
 * digits, the fewest that keep the value.
 */
export function formatTimestamp(nanos: bigint): string {
  let seconds = nanos / 1_000_000_000n;
  let fraction = nanos % 1_000_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000_000n;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (fraction === 0n) return `${whole}Z`;
  let digits = fraction.toString().padStart(9, "0");
  if (digits.endsWith("000000")) digits = digits.slice(0, 3);
  else if (digits.endsWith("000")) digits = digits.slice(0, 6);
  return `${whole}.${digits}Z`;
}

/** Firestore keeps timestamp values to the microsecond: finer digits are truncated. */
export function truncateToMicros(nanos: bigint): bigint {
  const rest = nanos % 1000n;
  return nanos - (rest < 0n ? rest + 1000n : rest);
}

// ---------------------------------------------------------------------------------------------
// Validation and normalisation of incoming values

function normalizeDouble(raw: unknown): number {
  if (typeof raw === "number") return raw;
  // Protobuf JSON writes non-finite doubles as strings.
  if (raw === "NaN") return NaN;
  if (raw === "Infinity") return Infinity;
  if (raw === "-Infinity") return -Infinity;
  if (typeof raw === "string" && raw.trim() !== "" && !Number.isNaN(Number(raw)))
    return Number(raw);
  throw invalidArgument(`Invalid double value: ${String(raw)}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Checks a value received from a client and returns its canonical form: integers as canonical
 * decimal strings in 64-bit range, timestamps truncated to microseconds, records without prototypes.
 */
export function normalizeValue(raw: unknown): Value {
  if (!isRecord(raw)) throw invalidArgument("A value must be an object with one value field.");
  const keys = Object.keys(raw).filter((k) => raw[k] !== undefined);
  const [kind] = keys;
  if (keys.length !== 1 || kind === undefined) {
    throw invalidArgument(
      `A value must have exactly one value field, got: ${keys.join(", ") || "none"}`,
    );
  }
  const body = raw[kind];
  switch (kind) {
    case "nullValue":
      return { nullValue: null };
    case "booleanValue":
      if (typeof body !== "boolean") break;
      return { booleanValue: body };
    case "integerValue":
      if (typeof body !== "string" && typeof body !== "number" && typeof body !== "bigint") break;
      return { integerValue: parseInteger(String(body)).toString() };
    case "doubleValue":
      return { doubleValue: normalizeDouble(body) };
    case "timestampValue":
      if (typeof body !== "string") break;
      return { timestampValue: formatTimestamp(truncateToMicros(parseTimestamp(body))) };
    case "stringValue":
      if (typeof body !== "string") break;
      return { stringValue: body };
    case "bytesValue":
      if (typeof body !== "string" || !/^[A-Za-z0-9+/_-]*=*$/.test(body)) break;
      return { bytesValue: Buffer.from(body, "base64").toString("base64") };
    case "referenceValue":
      if (
        typeof body !== "string" ||
        !/^projects\/[^/]+\/databases\/[^/]+\/documents\/.+/.test(body)
      )
        break;
      return { referenceValue: body };
    case "geoPointValue": {
      if (!isRecord(body)) break;
      const latitude = normalizeDouble(body.latitude ?? 0);
      const longitude = normalizeDouble(body.longitude ?? 0);
      if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) break;
      return { geoPointValue: { latitude, longitude } };
    }
    case "arrayValue": {
      if (!isRecord(body)) break;
      const values = body.values ?? [];
      if (!Array.isArray(values)) break;
      const out = values.map((v: unknown) => normalizeValue(v));
      if (out.some((v) => "arrayValue" in v)) {
        throw invalidArgument("Cannot have an array value directly inside another array value.");
      }
      return { arrayValue: { values: out } };
    }
    case "mapValue": {
      if (!isRecord(body)) break;
      return { mapValue: { fields: normalizeFields(body.fields ?? {}) } };
    }
    default:
      throw invalidArgument(`Unknown value type: ${kind}`);
  }
  throw invalidArgument(`Invalid ${kind}: ${JSON.stringify(body)}`);
}

export function normalizeFields(raw: unknown): Fields {
  if (!isRecord(raw)) throw invalidArgument("Document fields must be a map.");
  const out = emptyFields();
  for (const key of Object.keys(raw)) {
    if (key === "") throw invalidArgument("Field names cannot be empty.");
    out[key] = normalizeValue(raw[key]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numeric transforms

export function isNumber(
  v: Value | undefined,
): v is { integerValue: string } | { doubleValue: number } {
  return v !== undefined && ("integerValue" in v || "doubleValue" in v);
}

function toDouble(v: { integerValue: string } | { doubleValue: number }): number {
  return "integerValue" in v ? Number(v.integerValue) : v.doubleValue;
}

/**
 * `increment`: integer + integer stays an integer and saturates at the 64-bit bounds; any double
 * makes the sum a double; a missing or non-numeric field becomes the operand.
 */
export function incrementValue(current: Value | undefined, operand: Value): Value {
  if (!isNumber(operand))
    throw invalidArgument("Increment operand must be an integer or a double.");
  if (!isNumber(current)) return operand;
  if ("integerValue" in current && "integerValue" in operand) {
    const sum = BigInt(current.integerValue) + BigInt(operand.integerValue);
    const clamped = sum > INT64_MAX ? INT64_MAX : sum < INT64_MIN ? INT64_MIN : sum;
    return { integerValue: clamped.toString() };
  }
  return { doubleValue: toDouble(current) + toDouble(operand) };
}

/**
 * `maximum` / `minimum`: NaN wins over any number; equivalent operands (3 and 3.0, 0 and -0) keep
 * the stored value; otherwise the larger (smaller) operand is taken with its own type.
 */
export function extremumValue(
  current: Value | undefined,
  operand: Value,
  kind: "maximum" | "minimum",
): Value {
  if (!isNumber(operand))
    throw invalidArgument(`The ${kind} operand must be an integer or a double.`);
  if (!isNumber(current)) return operand;
  if (isNaNValue(current)) return current;
  if (isNaNValue(operand)) return { doubleValue: NaN };
  const c = compareValues(operand, current);
  if (c === 0) return current;
  return (kind === "maximum" ? c > 0 : c < 0) ? operand : current;
}

// ---------------------------------------------------------------------------------------------
// Storage sizes, as Firestore's documentation defines them for its 1 MiB document limit

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The storage size of a document name: each id's UTF-8 bytes plus one, plus 16. */
export function documentNameSize(name: string): number {
  const at = name.indexOf("/documents/");
  const path = at === -1 ? name : name.slice(at + "/documents/".length);
  return path.split("/").reduce((sum, id) => sum + utf8Length(id) + 1, 16);
}

export function valueSize(v: Value): number {
  if ("nullValue" in v || "booleanValue" in v) return 1;
  if ("integerValue" in v || "doubleValue" in v || "timestampValue" in v) return 8;
  if ("stringValue" in v) return utf8Length(v.stringValue) + 1;
  if ("bytesValue" in v) return Buffer.from(v.bytesValue, "base64").length;
  if ("referenceValue" in v) return documentNameSize(v.referenceValue);
  if ("geoPointValue" in v) return 16;
  if ("arrayValue" in v)
    return (v.arrayValue.values ?? []).reduce((sum, e) => sum + valueSize(e), 0);
  return fieldsSize(v.mapValue.fields);
}

export function fieldsSize(fields: Fields | undefined): number {
  let size = 0;
  for (const key of Object.keys(fields ?? {})) {
    const value = own(fields, key);
    if (value !== undefined) size += utf8Length(key) + 1 + valueSize(value);
  }
  return size;
}

/** Maps and arrays nest at most this deep in production. */
export const MAX_DEPTH = 20;

export function nestingDepth(v: Value): number {
  if ("arrayValue" in v) return 1 + Math.max(0, ...(v.arrayValue.values ?? []).map(nestingDepth));
  if ("mapValue" in v)
    return 1 + Math.max(0, ...Object.values(v.mapValue.fields ?? {}).map(nestingDepth));
  return 0;
}
