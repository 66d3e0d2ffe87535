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
const NULL_VALUE = ".google.protobuf.NullValue";

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
