/**
 * Type-checks a parsed rule expression and turns it into a closure, once, when rules are uploaded.
 *
 * The static checks reject what production rejects at upload: unknown variables, `newData` in a
 * `.read`, methods that do not exist on the receiver, operands of `&&`/`||`/`!`/`?:` that are not
 * booleans, comparisons of snapshots, and expressions that are not boolean. Values that cannot be
 * known before evaluation (`auth.*`, `val()`) are typed `any`/`primitive` and checked at run time,
 * where a mismatch throws and so makes the whole rule false.
 */
import type { AuthVariable, QueryVariables } from "../engine/types.js";
import type { Expr } from "./parser.js";
import { compileRegex, RegexSyntaxError } from "./regex.js";
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

export interface EvalContext {
  readonly auth: AuthVariable;
  readonly now: number;
  readonly root: RuleDataSnapshot;
  readonly data: RuleDataSnapshot;
  /** Undefined for reads. */
  readonly newData: RuleDataSnapshot | undefined;
  /** Undefined for writes. */
  readonly query: QueryVariables | undefined;
  /** Values captured by the `$wildcards` on the path, outermost first. */
  readonly wildcards: readonly string[];
}

export interface CompileScope {
  readonly kind: "read" | "write";
  /** Names of the `$wildcards` from the root down to this rule, outermost first. */
  readonly wildcards: readonly string[];
}

export class RuleCompileError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Thrown while evaluating; never escapes `compileRule`'s closure. */
class RuleEvaluationError extends Error {}
const EVALUATION_ERROR = new RuleEvaluationError("rule evaluation error");

function fail(): never {
  throw EVALUATION_ERROR;
}

type Evaluator = (context: EvalContext) => unknown;

interface Compiled {
  readonly type: StaticType;
  readonly run: Evaluator;
}

export type CompiledRule = (context: EvalContext) => boolean;

export function compileRule(expr: Expr, scope: CompileScope): CompiledRule {
  const compiled = compile(expr, scope);
  if (compiled.type !== "boolean") {
    throw new RuleCompileError("Expression must evaluate to a boolean.", expr.offset);
  }
  const run = compiled.run;
  return (context) => {
    try {
      return run(context) === true;
    } catch (error) {
      if (error instanceof RuleEvaluationError) return false;
      throw error;
    }
  };
}

const isFuzzy = (type: StaticType): boolean => type === "any" || type === "primitive";

function requireType(
  compiled: Compiled,
  allowed: readonly StaticType[],
  message: string,
  offset: number,
  allowFuzzy = true,
): void {
  if (allowed.includes(compiled.type)) return;
  if (allowFuzzy && isFuzzy(compiled.type)) return;
  throw new RuleCompileError(message, offset);
}

const QUERY_PROPERTIES: Readonly<Record<string, StaticType>> = {
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

interface MethodSignature {
  /** Argument types; "string[]" is a non-empty array literal of strings. */
  readonly args: ReadonlyArray<StaticType | "string[]">;
  /** Alternative argument lists (hasChildren takes none or one). */
  readonly optionalArgs?: boolean;
  readonly returns: StaticType;
}

const SNAPSHOT_METHODS: Readonly<Record<string, MethodSignature>> = {
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

const STRING_METHODS: Readonly<Record<string, MethodSignature>> = {
  contains: { args: ["string"], returns: "boolean" },
  beginsWith: { args: ["string"], returns: "boolean" },
  endsWith: { args: ["string"], returns: "boolean" },
  replace: { args: ["string", "string"], returns: "string" },
  toLowerCase: { args: [], returns: "string" },
  toUpperCase: { args: [], returns: "string" },
  matches: { args: ["regexp"], returns: "boolean" },
};

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof RuleDataSnapshot) &&
    !(value instanceof RegExp)
  );
}

/** Property access at run time: missing properties and properties of null are null. */
function getProperty(object: unknown, key: unknown): unknown {
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

function isEquatable(value: unknown): boolean {
  return (
    value === null ||
    value === OBJECT_VALUE ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean" ||
    isPlainObject(value)
  );
}

function comparisonKind(value: unknown): "string" | "number" | "null" {
  if (value === null) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  return fail();
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : fail();
}

function asNumber(value: unknown): number {
  return typeof value === "number" ? value : fail();
}

function asBoolean(value: unknown): boolean {
  return typeof value === "boolean" ? value : fail();
}

function asSnapshot(value: unknown): RuleDataSnapshot {
  return value instanceof RuleDataSnapshot ? value : fail();
}

function staticTypeOfLiteral(value: string | number | boolean | null): StaticType {
  if (value === null) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  return "boolean";
}

function compile(expr: Expr, scope: CompileScope): Compiled {
  switch (expr.kind) {
    case "literal": {
      const value = expr.value;
      return { type: staticTypeOfLiteral(value), run: () => value };
    }
    case "regex": {
      let regex: RegExp;
      try {
        regex = compileRegex(expr.pattern, expr.flags);
      } catch (error) {
        if (error instanceof RegexSyntaxError)
          throw new RuleCompileError(error.message, expr.offset);
        throw error;
      }
      return { type: "regexp", run: () => regex };
    }
    case "identifier":
      return compileIdentifier(expr.name, expr.offset, scope);
    case "member":
      return compileMember(expr, scope);
    case "call":
      return compileCall(expr, scope);
    case "array": {
      const elements = expr.elements.map((element) => compile(element, scope).run);
      return { type: "array", run: (context) => elements.map((element) => element(context)) };
    }
    case "unary": {
      const argument = compile(expr.argument, scope);
      const run = argument.run;
      if (expr.operator === "!") {
        requireType(argument, ["boolean"], "! only operates on booleans.", expr.offset, false);
        return { type: "boolean", run: (context) => !asBoolean(run(context)) };
      }
      requireType(argument, ["number"], "- only operates on numbers.", expr.offset);
      return { type: "number", run: (context) => -asNumber(run(context)) };
    }
    case "logical": {
      const left = compile(expr.left, scope);
      const right = compile(expr.right, scope);
      const message = `${expr.operator} only operates on booleans.`;
      requireType(left, ["boolean"], message, expr.left.offset, false);
      requireType(right, ["boolean"], message, expr.right.offset, false);
      const runLeft = left.run;
      const runRight = right.run;
      return expr.operator === "&&"
        ? {
            type: "boolean",
            run: (context) => asBoolean(runLeft(context)) && asBoolean(runRight(context)),
          }
        : {
            type: "boolean",
            run: (context) => asBoolean(runLeft(context)) || asBoolean(runRight(context)),
          };
    }
    case "conditional": {
      const test = compile(expr.test, scope);
      requireType(test, ["boolean"], "Condition of ?: must be a boolean.", expr.test.offset, false);
      const consequent = compile(expr.consequent, scope);
      const alternate = compile(expr.alternate, scope);
      const primitives: readonly StaticType[] = [
        "string",
        "number",
        "boolean",
        "null",
        "primitive",
      ];
      const type: StaticType =
        consequent.type === alternate.type
          ? consequent.type
          : primitives.includes(consequent.type) && primitives.includes(alternate.type)
            ? "primitive"
            : "any";
      const runTest = test.run;
      const runConsequent = consequent.run;
      const runAlternate = alternate.run;
      return {
        type,
        run: (context) =>
          asBoolean(runTest(context)) ? runConsequent(context) : runAlternate(context),
      };
    }
    case "binary":
      return compileBinary(expr, scope);
  }
}

function compileIdentifier(name: string, offset: number, scope: CompileScope): Compiled {
  switch (name) {
    case "auth":
      return { type: "any", run: (context) => context.auth };
    case "now":
      return { type: "number", run: (context) => context.now };
    case "root":
      return { type: "snapshot", run: (context) => context.root };
    case "data":
      return { type: "snapshot", run: (context) => context.data };
    case "newData":
      if (scope.kind === "read") {
        throw new RuleCompileError("newData is not available in .read rules.", offset);
      }
      return { type: "snapshot", run: (context) => context.newData ?? fail() };
    case "query":
      return { type: "query", run: (context) => context.query ?? fail() };
  }
  const slot = scope.wildcards.lastIndexOf(name);
  if (name.startsWith("$") && slot >= 0) {
    return { type: "string", run: (context) => context.wildcards[slot] ?? fail() };
  }
  throw new RuleCompileError(`Unknown variable '${name}'.`, offset);
}

function propertyType(objectType: StaticType, name: string, offset: number): StaticType {
  if (objectType === "any") return "any";
  if (objectType === "query") {
    const type = QUERY_PROPERTIES[name];
    if (type !== undefined) return type;
  } else if (objectType === "string" && name === "length") {
    return "number";
  }
  const isMethod =
    (objectType === "snapshot" && hasOwn(SNAPSHOT_METHODS, name)) ||
    (objectType === "string" && hasOwn(STRING_METHODS, name));
  throw new RuleCompileError(
    isMethod ? `${name} is a method and must be called.` : `No such method/property '${name}'.`,
    offset,
  );
}

function memberObjectType(object: Compiled, name: string, offset: number): StaticType {
  const allowed: readonly StaticType[] = ["query", "snapshot", "string", "any", "primitive"];
  if (!allowed.includes(object.type)) {
    throw new RuleCompileError(`No such method/property '${name}'.`, offset);
  }
  // A leaf value is only useful as a string here: numbers and booleans have no members.
  return object.type === "primitive" ? "string" : object.type;
}

function literalPropertyName(property: string | Expr): string | undefined {
  if (typeof property === "string") return property;
  if (property.kind === "literal" && typeof property.value === "string") return property.value;
  return undefined;
}

function compileMember(expr: Extract<Expr, { kind: "member" }>, scope: CompileScope): Compiled {
  const object = compile(expr.object, scope);
  const runObject = object.run;
  const name = literalPropertyName(expr.property);
  if (name === undefined) {
    if (typeof expr.property === "string" || object.type !== "any") {
      throw new RuleCompileError("Invalid property access.", expr.offset);
    }
    const runKey = compile(expr.property, scope).run;
    return { type: "any", run: (context) => getProperty(runObject(context), runKey(context)) };
  }
  const objectType = memberObjectType(object, name, expr.offset);
  return {
    type: propertyType(objectType, name, expr.offset),
    run: (context) => getProperty(runObject(context), name),
  };
}

function compileCall(expr: Extract<Expr, { kind: "call" }>, scope: CompileScope): Compiled {
  const callee = expr.callee;
  const name = callee.kind === "member" ? literalPropertyName(callee.property) : undefined;
  if (callee.kind !== "member" || name === undefined) {
    throw new RuleCompileError(
      "Type error: Function call on target that is not a function.",
      expr.offset,
    );
  }
  const receiver = compile(callee.object, scope);
  const receiverType = memberObjectType(receiver, name, callee.offset);
  const methods =
    receiverType === "snapshot" ? SNAPSHOT_METHODS : receiverType === "query" ? {} : STRING_METHODS;
  const signature = hasOwn(methods, name) ? methods[name] : undefined;
  if (signature === undefined) {
    throw new RuleCompileError(`No such method/property '${name}'.`, callee.offset);
  }
  const args = expr.args.map((arg) => compile(arg, scope));
  const expected = signature.optionalArgs && args.length === 0 ? [] : signature.args;
  if (args.length !== expected.length) {
    throw new RuleCompileError(
      `${name}() expects ${expected.length} argument(s), but got ${args.length}.`,
      expr.offset,
    );
  }
  expected.forEach((type, index) => {
    const arg = args[index];
    const argExpr = expr.args[index];
    if (arg === undefined || argExpr === undefined) return;
    const message = `${name}() expects argument ${index + 1} to be ${type === "string[]" ? "an array of strings" : `a ${type}`}.`;
    if (type !== "string[]") {
      requireType(arg, [type], message, argExpr.offset);
      return;
    }
    if (argExpr.kind !== "array" || argExpr.elements.length === 0) {
      throw new RuleCompileError(message, argExpr.offset);
    }
    for (const element of argExpr.elements)
      requireType(compile(element, scope), ["string"], message, element.offset);
  });
  const runReceiver = receiver.run;
  const runArgs = args.map((arg) => arg.run);
  const method = receiverType === "snapshot" ? snapshotMethod(name) : stringMethod(name);
  return {
    type: signature.returns,
    run: (context) =>
      method(
        runReceiver(context),
        runArgs.map((arg) => arg(context)),
      ),
  };
}

type Method = (receiver: unknown, args: readonly unknown[]) => unknown;

function snapshotMethod(name: string): Method {
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

function stringMethod(name: string): Method {
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

function compileBinary(expr: Extract<Expr, { kind: "binary" }>, scope: CompileScope): Compiled {
  const left = compile(expr.left, scope);
  const right = compile(expr.right, scope);
  const runLeft = left.run;
  const runRight = right.run;
  const operator = expr.operator;
  const both = (allowed: readonly StaticType[], message: string): void => {
    requireType(left, allowed, message, expr.left.offset);
    requireType(right, allowed, message, expr.right.offset);
  };
  switch (operator) {
    case "+": {
      both(["string", "number"], "+ only operates on numbers and strings.");
      const type: StaticType =
        left.type === "string" || right.type === "string"
          ? "string"
          : left.type === "number" && right.type === "number"
            ? "number"
            : "primitive";
      return {
        type,
        run: (context) => {
          const a = runLeft(context);
          const b = runRight(context);
          if (typeof a === "number" && typeof b === "number") return a + b;
          if (
            (typeof a === "string" || typeof a === "number") &&
            (typeof b === "string" || typeof b === "number")
          ) {
            return String(a) + String(b);
          }
          return fail();
        },
      };
    }
    case "-":
    case "*":
    case "/":
    case "%": {
      both(["number"], `${operator} only operates on numbers.`);
      const apply = arithmetic(operator);
      return {
        type: "number",
        run: (context) => apply(asNumber(runLeft(context)), asNumber(runRight(context))),
      };
    }
    case "==":
    case "===":
    case "!=":
    case "!==": {
      both(["string", "number", "boolean", "null"], `${operator} cannot compare these values.`);
      const negate = operator === "!=" || operator === "!==";
      return {
        type: "boolean",
        run: (context) => {
          const a = runLeft(context);
          const b = runRight(context);
          if (!isEquatable(a) || !isEquatable(b)) return fail();
          // Object nodes' val() is an opaque marker that equals nothing, itself included.
          const equal = a !== OBJECT_VALUE && b !== OBJECT_VALUE && a === b;
          return negate ? !equal : equal;
        },
      };
    }
    case "<":
    case "<=":
    case ">":
    case ">=": {
      both(["string", "number", "null"], `${operator} only compares numbers, strings and null.`);
      if (!isFuzzy(left.type) && !isFuzzy(right.type) && left.type !== right.type) {
        throw new RuleCompileError(`${operator} compares values of different types.`, expr.offset);
      }
      const apply = comparison(operator);
      return {
        type: "boolean",
        run: (context) => {
          const a = runLeft(context);
          const b = runRight(context);
          if (comparisonKind(a) !== comparisonKind(b)) return fail();
          return apply(a, b);
        },
      };
    }
  }
}

function arithmetic(operator: "-" | "*" | "/" | "%"): (a: number, b: number) => number {
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
function comparison(operator: "<" | "<=" | ">" | ">="): (a: unknown, b: unknown) => boolean {
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
