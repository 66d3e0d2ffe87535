/**
 * Firestore's gRPC messages in their protobuf-JSON form, the shape the engine and the REST API
 * use: timestamps as RFC 3339 strings, 64-bit integers as decimal strings, bytes as base64,
 * wrappers (`Int32Value`) as their bare value, `NullValue` as `null`, enums by name. The gRPC
 * server decodes every request into this form and encodes every response from it, so the engine
 * never sees a protobuf object and REST needs no second model.
 *
 * Built on protobufjs reflection over Firestore's own .proto files: the conversion walks each
 * message by its type, so a field added to the protos needs no change here.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Long from "long";
import protobuf from "protobufjs";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const WRAPPERS = new Set([
  ".google.protobuf.Int32Value",
  ".google.protobuf.Int64Value",
  ".google.protobuf.UInt32Value",
  ".google.protobuf.UInt64Value",
  ".google.protobuf.DoubleValue",
  ".google.protobuf.FloatValue",
  ".google.protobuf.BoolValue",
  ".google.protobuf.StringValue",
  ".google.protobuf.BytesValue",
]);
const TIMESTAMP = ".google.protobuf.Timestamp";
const DURATION = ".google.protobuf.Duration";
const NULL_VALUE = ".google.protobuf.NullValue";
// Struct, Value and ListValue are plain JSON in protobuf-JSON (Query Explain's metrics use them).
const STRUCT = ".google.protobuf.Struct";
const STRUCT_VALUE = ".google.protobuf.Value";
const LIST_VALUE = ".google.protobuf.ListValue";

const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  arrays: false,
  objects: false,
  oneofs: false,
};

/** Firestore's own .proto files, as the Node client ships them. */
export function firestoreProtoDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@google-cloud/firestore/package.json")), "build/protos");
}

/** Loads `google/firestore/v1/firestore.proto` and everything it imports from `protoDir`. */
export function loadFirestoreProtos(protoDir: string): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync("google/firestore/v1/firestore.proto", { keepCase: false });
  root.resolveAll();
  return root;
}

/** A decoded message (or protobufjs plain object) in protobuf-JSON form. */
export function decode(type: protobuf.Type, bytes: Uint8Array): Json {
  return toJson(type, type.toObject(type.decode(bytes), TO_OBJECT));
}

/** Protobuf-JSON to the wire. Throws on a value the type cannot hold. */
export function encode(type: protobuf.Type, json: Json): Uint8Array {
  const object = fromJson(type, json);
  if (!isRecord(object)) throw new TypeError(`${type.fullName}: a message must be an object`);
  const invalid = type.verify(object);
  if (invalid !== null) throw new TypeError(`${type.fullName}: ${invalid}`);
  return type.encode(type.fromObject(object)).finish();
}

/** Keys come from callers' data ("constructor" is a valid field name): never through a prototype setter. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toJson(type: protobuf.Type, object: unknown): Json {
  if (type.fullName === TIMESTAMP) return timestampToString(object);
  if (type.fullName === DURATION) return durationToString(object);
  if (type.fullName === STRUCT) return structToJson(object);
  if (type.fullName === STRUCT_VALUE) return structValueToJson(object);
  if (type.fullName === LIST_VALUE)
    return isRecord(object) && Array.isArray(object.values)
      ? object.values.map(structValueToJson)
      : [];
  if (WRAPPERS.has(type.fullName)) return isRecord(object) ? toPlain(object.value) : null;
  if (!isRecord(object)) return null;
  const out: Record<string, Json> = {};
  for (const [name, value] of Object.entries(object)) {
    const field = type.fields[name];
    if (field === undefined) continue;
    setOwn(out, name, fieldToJson(field, value));
  }
  return out;
}

function fieldToJson(field: protobuf.Field, value: unknown): Json {
  if (field instanceof protobuf.MapField || field.map) {
    const out: Record<string, Json> = {};
    if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) setOwn(out, key, valueToJson(field, item));
    }
    return out;
  }
  if (field.repeated)
    return Array.isArray(value) ? value.map((item) => valueToJson(field, item)) : [];
  return valueToJson(field, value);
}

function valueToJson(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return toJson(resolved, value);
  if (resolved instanceof protobuf.Enum && resolved.fullName === NULL_VALUE) return null;
  return toPlain(value);
}

function toPlain(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") {
    return value;
  }
  return decimal(value);
}

/** A Long, bigint or number as the decimal string protobuf-JSON writes 64-bit integers in. */
function decimal(value: unknown): string {
  if (Long.isLong(value)) return value.toString();
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "string") {
    return String(value);
  }
  return "0";
}

function fromJson(type: protobuf.Type, json: unknown): unknown {
  if (type.fullName === TIMESTAMP) {
    const { seconds, nanos } = stringToTimestamp(json);
    return { seconds: Long.fromString(seconds), nanos };
  }
  if (type.fullName === DURATION) {
    const { seconds, nanos } = stringToDuration(json);
    return { seconds: Long.fromString(seconds), nanos };
  }
  if (type.fullName === STRUCT) return structFromJson(json);
  if (type.fullName === STRUCT_VALUE) return structValueFromJson(json);
  if (type.fullName === LIST_VALUE)
    return { values: Array.isArray(json) ? json.map(structValueFromJson) : [] };
  if (WRAPPERS.has(type.fullName))
    return isRecord(json) && "value" in json ? json : { value: json };
  if (!isRecord(json)) return json;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json)) {
    // Proto3 JSON parsers take a field's original (snake_case) name as well as its JSON name.
    const key = Object.hasOwn(type.fields, name) ? name : snakeToCamel(name);
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    if (field === undefined) {
      throw new TypeError(`${type.fullName}: unknown field "${name}"`);
    }
    setOwn(out, key, fieldFromJson(field, value));
  }
  return out;
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

function fieldFromJson(field: protobuf.Field, value: unknown): unknown {
  if (field instanceof protobuf.MapField || field.map) {
    const out: Record<string, unknown> = {};
    if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) setOwn(out, key, valueFromJson(field, item));
    }
    return out;
  }
  if (field.repeated)
    return Array.isArray(value) ? value.map((item) => valueFromJson(field, item)) : [];
  return valueFromJson(field, value);
}

const LONGS = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

function valueFromJson(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return fromJson(resolved, value);
  if (resolved instanceof protobuf.Enum && resolved.fullName === NULL_VALUE) return 0;
  // Enums travel by name in protobuf-JSON; `verify` wants their numbers.
  if (resolved instanceof protobuf.Enum && typeof value === "string" && value in resolved.values) {
    return resolved.values[value];
  }
  // REST spells non-finite doubles as strings.
  if ((field.type === "double" || field.type === "float") && typeof value === "string") {
    if (value === "NaN" || value === "Infinity" || value === "-Infinity") return Number(value);
  }
  // 64-bit integers travel as decimal strings; as a Long they keep every digit and pass `verify`.
  if (LONGS.has(field.type) && typeof value === "string" && /^-?\d+$/.test(value)) {
    return Long.fromString(value, field.type.startsWith("u") || field.type === "fixed64");
  }
  return value;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** `{seconds, nanos}` → "2026-01-01T12:00:00.123456789Z" (as many fraction digits as needed, in threes). */
export function timestampToString(value: unknown): string {
  const seconds = isRecord(value) ? BigInt(decimal(value.seconds)) : 0n;
  const nanos = isRecord(value) ? Number(value.nanos ?? 0) : 0;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${date}Z`;
  let fraction = String(nanos).padStart(9, "0");
  while (fraction.endsWith("000")) fraction = fraction.slice(0, -3);
  return `${date}.${fraction}Z`;
}

/** RFC 3339 (any offset, up to nanoseconds) → `{seconds, nanos}`; a `{seconds, nanos}` passes through. */
export function stringToTimestamp(value: unknown): { seconds: string; nanos: number } {
  if (isRecord(value)) return { seconds: decimal(value.seconds), nanos: Number(value.nanos ?? 0) };
  const match = typeof value === "string" ? RFC3339.exec(value) : null;
  if (match === null) throw new TypeError(`not an RFC 3339 timestamp: ${String(value)}`);
  const [, clock = "", fraction = "", zone = "Z"] = match;
  const millis = Date.parse(`${clock}${zone === "Z" ? "Z" : zone}`);
  if (Number.isNaN(millis)) throw new TypeError(`not an RFC 3339 timestamp: ${String(value)}`);
  return { seconds: String(Math.floor(millis / 1000)), nanos: Number(fraction.padEnd(9, "0")) };
}

function structToJson(object: unknown): Json {
  const out: Record<string, Json> = {};
  const fields = isRecord(object) ? object.fields : undefined;
  if (isRecord(fields)) {
    for (const [key, value] of Object.entries(fields)) setOwn(out, key, structValueToJson(value));
  }
  return out;
}

function structValueToJson(value: unknown): Json {
  if (!isRecord(value)) return null;
  if (typeof value.numberValue === "number") return value.numberValue;
  if (typeof value.stringValue === "string") return value.stringValue;
  if (typeof value.boolValue === "boolean") return value.boolValue;
  if (isRecord(value.structValue)) return structToJson(value.structValue);
  if (isRecord(value.listValue)) {
    const values = value.listValue.values;
    return Array.isArray(values) ? values.map(structValueToJson) : [];
  }
  return null;
}

function structFromJson(json: unknown): unknown {
  const fields: Record<string, unknown> = {};
  if (isRecord(json)) {
    for (const [key, value] of Object.entries(json))
      setOwn(fields, key, structValueFromJson(value));
  }
  return { fields };
}

function structValueFromJson(json: unknown): unknown {
  if (typeof json === "number") return { numberValue: json };
  if (typeof json === "string") return { stringValue: json };
  if (typeof json === "boolean") return { boolValue: json };
  if (Array.isArray(json)) return { listValue: { values: json.map(structValueFromJson) } };
  if (isRecord(json)) return { structValue: structFromJson(json) };
  return { nullValue: 0 };
}

const DURATION_TEXT = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/;

/** `{seconds, nanos}` → "1.000340s", protobuf-JSON's duration (fraction in threes, as timestamps). */
export function durationToString(value: unknown): string {
  const seconds = isRecord(value) ? BigInt(decimal(value.seconds)) : 0n;
  const nanos = isRecord(value) ? Number(value.nanos ?? 0) : 0;
  const negative = seconds < 0n || nanos < 0;
  const whole = (seconds < 0n ? -seconds : seconds).toString();
  if (nanos === 0) return `${negative ? "-" : ""}${whole}s`;
  let fraction = String(Math.abs(nanos)).padStart(9, "0");
  while (fraction.endsWith("000")) fraction = fraction.slice(0, -3);
  return `${negative ? "-" : ""}${whole}.${fraction}s`;
}

/** "1.5s" → `{seconds, nanos}` (both negative for a negative duration); `{seconds, nanos}` passes through. */
export function stringToDuration(value: unknown): { seconds: string; nanos: number } {
  if (isRecord(value)) return { seconds: decimal(value.seconds), nanos: Number(value.nanos ?? 0) };
  const match = typeof value === "string" ? DURATION_TEXT.exec(value) : null;
  if (match === null) throw new TypeError(`not a protobuf-JSON duration: ${String(value)}`);
  const [, sign = "", whole = "0", fraction = ""] = match;
  const nanos = Number(fraction.padEnd(9, "0"));
  return {
    seconds: `${sign === "-" && whole !== "0" ? "-" : ""}${whole}`,
    nanos: sign === "-" ? -nanos : nanos,
  };
}
