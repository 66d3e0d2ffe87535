/**
 * The rules language's built-ins as the compiler sees them: the static type of every value, the
 * signatures of `query.*`, snapshot and string methods, and their run-time implementations with the
 * coercions and comparisons the operators use. A run-time mismatch calls `fail()`, which makes
 * the whole rule false (`compileRule` catches RuleEvaluationError).
 */
import { OBJECT_VALUE, RuleDataSnapshot } from "./snapshot.js";

export type StaticType =
  | "boolean"
  | "number"
  | "string"
  | "null"
  | "regexp"
  | "snapshot"
  | "query"
  | "array"
  /** Unknown until run time: `auth` and everything reached through it, `getPriority()`. */
  | "any"
  /** A leaf value of unknown type: `val()`, `query.startAt`. */
  | "primitive";

/** Thrown while evaluating; never escapes `compileRule`'s closure. */
export class RuleEvaluationError extends Error {}
const EVALUATION_ERROR = new RuleEvaluationError("rule evaluation error");

export function fail(): never {
  throw EVALUATION_ERROR;
}

export const QUERY_PROPERTIES: Readonly<Record<string, StaticType>> = {
  orderByKey: "boolean",
  orderByPriority: "boolean",
  orderByValue: "boolean",
  orderByChild: "string",
  startAt: "primitive",
  endAt: "primitive",
  equalTo: "primitive",
  limitToFirst: "number",
  limitToLast: "number",
};

export interface MethodSignature {
  /** Argument types; "string[]" is a non-empty array literal of strings. */
  readonly args: ReadonlyArray<StaticType | "string[]">;
  /** Alternative argument lists (hasChildren takes none or one). */
  readonly optionalArgs?: boolean;
  readonly returns: StaticType;
}

export const SNAPSHOT_METHODS: Readonly<Record<string, MethodSignature>> = {
  val: { args: [], returns: "primitive" },
  child: { args: ["string"], returns: "snapshot" },
  parent: { args: [], returns: "snapshot" },
  hasChild: { args: ["string"], returns: "boolean" },
  hasChildren: { args: ["string[]"], optionalArgs: true, returns: "boolean" },
  exists: { args: [], returns: "boolean" },
  getPriority: { args: [], returns: "any" },
  isNumber: { args: [], returns: "boolean" },
  isString: { args: [], returns: "boolean" },
  isBoolean: { args: [], returns: "boolean" },
};

export const STRING_METHODS: Readonly<Record<string, MethodSignature>> = {
  contains: { args: ["string"], returns: "boolean" },
  beginsWith: { args: ["string"], returns: "boolean" },
  endsWith: { args: ["string"], returns: "boolean" },
  replace: { args: ["string", "string"], returns: "string" },
  toLowerCase: { args: [], returns: "string" },
  toUpperCase: { args: [], returns: "string" },
  matches: { args: ["regexp"], returns: "boolean" },
};

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RuleDataSnapshot) &&
    !(value instanceof RegExp)
  );
}

/** Property access at run time: missing properties and properties of null are null. */
export function getProperty(object: unknown, key: unknown): unknown {
  if (typeof key !== "string" && typeof key !== "number") return fail();
  const name = String(key);
  if (object === null || object === undefined) return null;
  if (typeof object === "string") return name === "length" ? object.length : null;
  if (Array.isArray(object)) {
    const items: readonly unknown[] = object;
    if (name === "length") return items.length;
    return hasOwn(items, name) ? (items[Number(name)] ?? null) : null;
  }
  if (object instanceof RuleDataSnapshot) return fail();
  if (isPlainObject(object)) return hasOwn(object, name) ? (object[name] ?? null) : null;
  return null;
}

export function isEquatable(value: unknown): boolean {
  return (
    value === null ||
    value === OBJECT_VALUE ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    isPlainObject(value)
  );
}

export function comparisonKind(value: unknown): "string" | "number" | "null" {
  if (value === null) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  return fail();
}

export function asString(value: unknown): string {
  return typeof value === "string" ? value : fail();
}

export function asNumber(value: unknown): number {
  return typeof value === "number" ? value : fail();
}

export function asBoolean(value: unknown): boolean {
  return typeof value === "boolean" ? value : fail();
}

export function asSnapshot(value: unknown): RuleDataSnapshot {
  return value instanceof RuleDataSnapshot ? value : fail();
}

export function staticTypeOfLiteral(value: string | number | boolean | null): StaticType {
  if (value === null) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  return "boolean";
}

export type Method = (receiver: unknown, args: readonly unknown[]) => unknown;

export function snapshotMethod(name: string): Method {
  switch (name) {
    case "val":
      return (receiver) => asSnapshot(receiver).val();
    case "child":
      return (receiver, args) => asSnapshot(receiver).child(asString(args[0]));
    case "parent":
      return (receiver) => asSnapshot(receiver).parent() ?? fail();
    case "hasChild":
      return (receiver, args) => asSnapshot(receiver).hasChild(asString(args[0]));
    case "hasChildren":
      return (receiver, args) => {
        const snapshot = asSnapshot(receiver);
        if (args.length === 0) return snapshot.hasChildren();
        const names = args[0];
        if (!Array.isArray(names)) return fail();
        return snapshot.hasChildren(names.map(asString));
      };
    case "exists":
      return (receiver) => asSnapshot(receiver).exists();
    case "getPriority":
      return (receiver) => asSnapshot(receiver).getPriority();
    case "isNumber":
      return (receiver) => asSnapshot(receiver).isNumber();
    case "isString":
      return (receiver) => asSnapshot(receiver).isString();
    default:
      return (receiver) => asSnapshot(receiver).isBoolean();
  }
}

export function stringMethod(name: string): Method {
  switch (name) {
    case "contains":
      return (receiver, args) => asString(receiver).includes(asString(args[0]));
    case "beginsWith":
      return (receiver, args) => asString(receiver).startsWith(asString(args[0]));
    case "endsWith":
      return (receiver, args) => asString(receiver).endsWith(asString(args[0]));
    case "replace":
      // Every occurrence, unlike JavaScript's String.prototype.replace with a string pattern.
      return (receiver, args) =>
        asString(receiver).split(asString(args[0])).join(asString(args[1]));
    case "toLowerCase":
      return (receiver) => asString(receiver).toLowerCase();
    case "toUpperCase":
      return (receiver) => asString(receiver).toUpperCase();
    default:
      return (receiver, args) => {
        const regex = args[0];
        if (!(regex instanceof RegExp)) return fail();
        return regex.test(asString(receiver));
      };
  }
}

export function arithmetic(operator: "-" | "*" | "/" | "%"): (a: number, b: number) => number {
  switch (operator) {
    case "-":
      return (a, b) => a - b;
    case "*":
      return (a, b) => a * b;
    case "/":
      // Production yields NaN, not Infinity, for a division by zero.
      return (a, b) => (b === 0 ? NaN : a / b);
    case "%":
      return (a, b) => a % b;
  }
}

/** Both operands are of the same kind (checked by the caller): numbers, strings or null. */
export function comparison(operator: "<" | "<=" | ">" | ">="): (a: unknown, b: unknown) => boolean {
  const order = (a: unknown, b: unknown): number => {
    if (typeof a === "number" && typeof b === "number")
      return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
    if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
    return 0;
  };
  switch (operator) {
    case "<":
      return (a, b) => order(a, b) < 0;
    case "<=":
      return (a, b) => order(a, b) <= 0;
    case ">":
      return (a, b) => order(a, b) > 0;
    case ">=":
      return (a, b) => order(a, b) >= 0;
  }
}
