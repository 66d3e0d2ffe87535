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
import {
  QUERY_PROPERTIES,
  RuleEvaluationError,
  SNAPSHOT_METHODS,
  STRING_METHODS,
  arithmetic,
  asBoolean,
  asNumber,
  comparison,
  comparisonKind,
  fail,
  getProperty,
  hasOwn,
  isEquatable,
  snapshotMethod,
  staticTypeOfLiteral,
  stringMethod,
  type StaticType,
} from "./builtins.js";
import type { Expr } from "./parser.js";

export type { StaticType } from "./builtins.js";
import { compileRegex, RegexSyntaxError } from "./regex.js";
import { OBJECT_VALUE, RuleDataSnapshot } from "./snapshot.js";

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
