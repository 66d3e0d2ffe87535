/**
 * A seeded generator of security-rules test cases: a rules tree, a database, an `auth` value and
 * one operation (read, set, delete, multi-path update), drawn from a small grammar so that keys,
 * values and wildcard captures collide often enough for rules to both allow and deny.
 */
import type { Node } from "../../src/engine/tree.js";
import type { AuthVariable, QueryVariables } from "../../src/engine/types.js";

export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: small, fast, good enough to spread test cases. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

export const KEYS = ["a", "b", "u1", "u2", "name", "age"] as const;
const STRINGS = ["u1", "u2", "hello", "Foo", "abc1", "", "a@x.com"];
const NUMBERS = [0, 1, 5, -3, 2.5, 1000, 2000];
export const NOW = 1500;

export type Operation =
  | { readonly kind: "read"; readonly path: readonly string[]; readonly query: QueryCase | null }
  | { readonly kind: "set"; readonly path: readonly string[]; readonly value: unknown }
  | {
      readonly kind: "update";
      readonly path: readonly string[];
      readonly values: Readonly<Record<string, unknown>>;
    };

/** A query as targaryen takes it, and as the rules' `query` variable sees it. */
export interface QueryCase {
  readonly options: Record<string, string | number | boolean | null>;
  readonly variables: QueryVariables;
}

export interface RulesCase {
  readonly rules: { rules: Record<string, unknown> };
  readonly data: Node;
  readonly auth: AuthVariable;
  readonly operation: Operation;
}

function leaf(random: Random): string | number | boolean {
  const kind = random.int(3);
  if (kind === 0) return random.pick(STRINGS);
  if (kind === 1) return random.pick(NUMBERS);
  return random.chance(0.5);
}

/** Data in the export format, with an occasional priority. */
function dataTree(random: Random, depth: number): Node {
  if (depth >= 3 || random.chance(0.3)) {
    const value = leaf(random);
    return random.chance(0.1) ? { ".value": value, ".priority": random.pick([1, "p"]) } : value;
  }
  const out: Record<string, Node> = {};
  const count = 1 + random.int(3);
  for (let i = 0; i < count; i++) out[random.pick(KEYS)] = dataTree(random, depth + 1);
  if (random.chance(0.1)) out[".priority"] = random.pick([2, "q"]);
  return out;
}

/** A value to write: plain JSON, with the occasional server timestamp. */
function writeValue(random: Random, depth: number): unknown {
  if (depth >= 2 || random.chance(0.45)) {
    const roll = random.next();
    if (roll < 0.06) return { ".sv": "timestamp" };
    if (roll < 0.075) return { ".sv": { increment: random.pick([1, -2]) } };
    return leaf(random);
  }
  const out: Record<string, unknown> = {};
  const count = 1 + random.int(3);
  for (let i = 0; i < count; i++) out[random.pick(KEYS)] = writeValue(random, depth + 1);
  return out;
}

interface Scope {
  readonly kind: "read" | "write";
  readonly wildcards: readonly string[];
}

function literal(random: Random): string {
  const kind = random.int(4);
  if (kind === 0) return `'${random.pick(STRINGS)}'`;
  if (kind === 1) return String(random.pick(NUMBERS));
  if (kind === 2) return String(random.chance(0.5));
  return "null";
}

function stringExpr(random: Random, scope: Scope): string {
  const options: Array<() => string> = [
    () => `'${random.pick(STRINGS)}'`,
    () => "auth.uid",
    () => "auth.token.email",
    () => "auth.token.role",
    () => `${snapshot(random, scope)}.val()`,
  ];
  if (scope.wildcards.length > 0) options.push(() => random.pick(scope.wildcards));
  return random.pick(options)();
}

function snapshot(random: Random, scope: Scope): string {
  const bases = scope.kind === "write" ? ["data", "newData", "root"] : ["data", "root"];
  const base = random.pick(bases);
  const roll = random.int(8);
  if (roll === 0) return base;
  if (roll === 1) return `${base}.child('${random.pick(KEYS)}')`;
  if (roll === 2) return `${base}.child('${random.pick(KEYS)}/${random.pick(KEYS)}')`;
  if (roll === 3) return `${base === "root" ? "data" : base}.parent()`;
  if (roll === 4)
    return `${base === "root" ? "data" : base}.parent().child('${random.pick(KEYS)}')`;
  if (roll === 5) return `root.child('${random.pick(KEYS)}').child(auth.uid)`;
  if (roll === 6) return `root.child('${random.pick(KEYS)}/' + ${stringExpr(random, scope)})`;
  return base === "root" ? `root.child('${random.pick(KEYS)}')` : base;
}

function atom(random: Random, scope: Scope): string {
  const snap = (): string => snapshot(random, scope);
  const str = (): string => stringExpr(random, scope);
  const options: Array<() => string> = [
    () => random.pick(["true", "false"]),
    () => random.pick(["auth != null", "auth == null", "auth !== null"]),
    () => `auth.uid == ${random.chance(0.5) ? `'${random.pick(["u1", "u2"])}'` : str()}`,
    () =>
      random.pick([
        "auth.token.admin == true",
        "auth.token.admin != true",
        "auth.token.admin === false",
      ]),
    () => `auth.token.role ${random.pick(["==", "!="])} '${random.pick(["editor", "viewer"])}'`,
    () => `auth.provider == '${random.pick(["password", "custom"])}'`,
    () => `auth.token.firebase.sign_in_provider == 'password'`,
    () => `${snap()}.exists()`,
    () => `!${snap()}.exists()`,
    () => `${snap()}.hasChildren()`,
    () => `${snap()}.hasChildren(['${random.pick(KEYS)}', '${random.pick(KEYS)}'])`,
    () => `${snap()}.hasChildren([${str()}])`,
    () => `${snap()}.hasChild('${random.pick(KEYS)}')`,
    () => `${snap()}.hasChild(${str()})`,
    () => `${snap()}.${random.pick(["isString", "isNumber", "isBoolean"])}()`,
    () => `${snap()}.val() ${random.pick(["==", "!=", "===", "!=="])} ${literal(random)}`,
    () =>
      `${snap()}.val() ${random.pick(["<", "<=", ">", ">="])} ${random.pick(["2", "1000", "'m'", "now"])}`,
    () => `${snap()}.val() == ${str()}`,
    () => `${snap()}.val() == ${snap()}.val()`,
    () => `${snap()}.val().length ${random.pick(["<", ">", "=="])} ${random.pick([0, 2, 5])}`,
    () =>
      `${str()}.${random.pick(["contains", "beginsWith", "endsWith"])}('${random.pick(["u", "1", "a", "@x.com", "Fo"])}')`,
    () =>
      `${str()}.${random.pick(["toLowerCase", "toUpperCase"])}() == '${random.pick(["foo", "FOO", "u1", "U1"])}'`,
    () =>
      `${str()}.replace('${random.pick(["u", "o", "1"])}', '${random.pick(["", "x"])}') == '${random.pick(["1", "x1", "Fx", "hellx"])}'`,
    () =>
      `${str()}.matches(${random.pick(["/^u\\d$/", "/^[a-z]+\\d?$/i", "/o+/", "/^(a|b)c?/", "/^[^@]+@x\\.com$/", "/.{3,}/"])})`,
    () =>
      `${str()} + '${random.pick(["", "1", "x"])}' == '${random.pick(["u11", "hello1", "Foox", "u1"])}'`,
    () =>
      `${snap()}.val() ${random.pick(["*", "-", "/", "%"])} 2 ${random.pick(["==", ">", "<"])} ${random.pick([0, 1, 2, 10])}`,
    () => `-${snap()}.val() < 0`,
    () =>
      `${snap()}.getPriority() ${random.pick(["==", "!="])} ${random.pick(["null", "1", "'p'", "2"])}`,
    () => `now ${random.pick(["<", ">"])} ${random.pick([1000, 2000])}`,
    () => `${snap()}.val() + 1 ${random.pick(["==", ">"])} ${random.pick([1, 2, 6])}`,
  ];
  if (scope.wildcards.length > 0) {
    const wildcard = (): string => random.pick(scope.wildcards);
    options.push(
      () => `${wildcard()} == ${random.chance(0.5) ? `'${random.pick(KEYS)}'` : "auth.uid"}`,
      () => `${wildcard()}.beginsWith('${random.pick(["u", "a", "n"])}')`,
      () => `${wildcard()}.length == ${random.pick([1, 2, 4])}`,
      () => `root.child('${random.pick(KEYS)}').child(${wildcard()}).exists()`,
    );
  }
  if (scope.kind === "write") {
    options.push(
      () => `newData.val() == now`,
      () => `newData.val() == data.val()`,
      () => `!data.exists() || newData.val() == data.val()`,
      () => `newData.isString() && newData.val().length < 4`,
      () => `newData.hasChildren(['name', 'age'])`,
      () => `newData.child('age').isNumber() && newData.child('age').val() >= 0`,
    );
  } else {
    options.push(
      () => `query.orderByKey == ${random.chance(0.5)}`,
      () => `query.orderByChild == ${random.pick(["'age'", "null"])}`,
      () => `query.limitToFirst ${random.pick(["<=", "=="])} ${random.pick([5, 10])}`,
      () => `query.equalTo == ${random.chance(0.5) ? "auth.uid" : "'u1'"}`,
      () => `query.startAt == null`,
    );
  }
  return random.pick(options)();
}

export function expression(random: Random, scope: Scope, depth = 0): string {
  if (depth >= 2 || random.chance(0.5)) return atom(random, scope);
  const roll = random.int(5);
  const sub = (): string => expression(random, scope, depth + 1);
  if (roll === 0) return `${sub()} && ${sub()}`;
  if (roll === 1) return `${sub()} || ${sub()}`;
  if (roll === 2) return random.chance(0.5) ? `!(${sub()})` : `${sub()} || ${sub()}`;
  if (roll === 3) return `(${sub()}) ? ${sub()} : ${sub()}`;
  return `(${sub()} || ${sub()}) && ${sub()}`;
}

/** Expressions that production refuses at upload, to check both engines refuse them. */
const INVALID_EXPRESSIONS = [
  "data.val()",
  "auth.uid && true",
  "!auth.token.admin",
  "unknownVar == 1",
  "data.val() > true",
  "root.child('a') == null",
  "$nowhere == 'x'",
  "'abc'.foo()",
  "data.foo()",
  "root.hasChildren('a', 'b')",
  "auth.uid.matches('x')",
  "data.val().matches(/x/g)",
  "1 + ",
  "a = 1",
  "7",
  "auth.uid == 'a' ? 7 : true",
  "data.exists",
];

function ruleValue(random: Random, scope: Scope, allowInvalid: boolean): string | boolean {
  if (random.chance(0.2)) return random.chance(0.75);
  if (allowInvalid && random.chance(0.03)) return random.pick(INVALID_EXPRESSIONS);
  return expression(random, scope);
}

function rulesTree(
  random: Random,
  depth: number,
  wildcards: readonly string[],
  allowInvalid: boolean,
): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  if (random.chance(depth === 0 ? 0.3 : 0.45)) {
    node[".read"] = ruleValue(random, { kind: "read", wildcards }, allowInvalid);
  }
  if (random.chance(depth === 0 ? 0.3 : 0.45)) {
    node[".write"] = ruleValue(random, { kind: "write", wildcards }, allowInvalid);
  }
  if (random.chance(depth === 0 ? 0.15 : 0.35)) {
    node[".validate"] = ruleValue(random, { kind: "write", wildcards }, allowInvalid);
  }
  if (depth >= 3) return node;
  const literalCount = random.int(3);
  for (let i = 0; i < literalCount; i++) {
    node[random.pick(KEYS)] = rulesTree(random, depth + 1, wildcards, allowInvalid);
  }
  if (random.chance(0.6)) {
    const name = `$w${depth}`;
    node[name] = rulesTree(random, depth + 1, [...wildcards, name], allowInvalid);
  } else if (random.chance(0.15)) {
    node.$other = { ".validate": false };
  }
  return node;
}

function path(random: Random, min: number, max: number): string[] {
  const length = min + random.int(max - min + 1);
  return Array.from({ length }, () => random.pick(KEYS));
}

function queryCase(random: Random): QueryCase {
  const options: Record<string, string | number | boolean | null> = {};
  const order = random.int(4);
  if (order === 0) options.orderByKey = true;
  else if (order === 1) options.orderByValue = true;
  else if (order === 2) options.orderByPriority = true;
  else options.orderByChild = random.pick(["age", "name"]);
  if (random.chance(0.4)) options.limitToFirst = random.pick([5, 10, 50]);
  else if (random.chance(0.3)) options.limitToLast = random.pick([5, 10]);
  // At most one bound: each is tried in turn, with its own chance.
  const bounds: readonly (readonly [string, number, readonly (string | number)[]])[] = [
    ["equalTo", 0.3, ["u1", "u2", 5]],
    ["startAt", 0.3, ["a", 1]],
    ["startAfter", 0.1, ["a", 1]],
    ["endBefore", 0.1, ["z", 9]],
  ];
  const bound = bounds.find(([, probability]) => random.chance(probability));
  if (bound !== undefined) {
    const [name, , choices] = bound;
    options[name] = random.pick(choices);
  }
  // The SDKs send startAfter/endBefore as exclusive startAt/endAt bounds; rules see the value.
  const value = (key: string): string | number | boolean | null =>
    options[key] ??
    options[key === "startAt" ? "startAfter" : key === "endAt" ? "endBefore" : ""] ??
    null;
  const limit = (key: string): number | null => {
    const raw = options[key];
    return typeof raw === "number" ? raw : null;
  };
  const orderByChild = options.orderByChild;
  return {
    options,
    variables: {
      orderByKey: order === 0,
      orderByValue: order === 1,
      orderByPriority: order === 2,
      orderByChild: typeof orderByChild === "string" ? orderByChild : null,
      startAt: value("startAt"),
      endAt: value("endAt"),
      equalTo: value("equalTo"),
      limitToFirst: limit("limitToFirst"),
      limitToLast: limit("limitToLast"),
    },
  };
}

function operation(random: Random): Operation {
  const roll = random.int(10);
  if (roll < 3) {
    return {
      kind: "read",
      path: path(random, 0, 3),
      query: random.chance(0.25) ? queryCase(random) : null,
    };
  }
  if (roll < 6) return { kind: "set", path: path(random, 1, 3), value: writeValue(random, 0) };
  if (roll < 7) return { kind: "set", path: path(random, 1, 3), value: null };
  const values: Record<string, unknown> = {};
  const count = 1 + random.int(3);
  for (let i = 0; i < count; i++) {
    const key = path(random, 1, 2).join("/");
    // Production refuses updates whose keys overlap (one an ancestor of another).
    const overlaps = Object.keys(values).some(
      (existing) =>
        existing === key || existing.startsWith(`${key}/`) || key.startsWith(`${existing}/`),
    );
    if (!overlaps) values[key] = random.chance(0.2) ? null : writeValue(random, 1);
  }
  return { kind: "update", path: path(random, 0, 2), values };
}

function auth(random: Random): AuthVariable {
  if (random.chance(0.3)) return null;
  const uid = random.pick(["u1", "u2", "a"]);
  const provider = random.pick(["password", "custom"]);
  const token: Record<string, unknown> = { sub: uid, firebase: { sign_in_provider: provider } };
  if (random.chance(0.5)) token.email = random.pick(["a@x.com", "Foo@y.org"]);
  if (random.chance(0.4)) token.admin = random.chance(0.5);
  if (random.chance(0.4)) token.role = random.pick(["editor", "viewer"]);
  return { uid, provider, token };
}

/** Rules and data, shared by several cases so that each ruleset is compiled once. */
export type Scenario = Pick<RulesCase, "rules" | "data">;

export function generateScenario(random: Random): Scenario {
  const allowInvalid = random.chance(0.15);
  return {
    rules: { rules: rulesTree(random, 0, [], allowInvalid) },
    data: random.chance(0.1) ? null : dataTree(random, 0),
  };
}

export function generateCase(random: Random, scenario: Scenario): RulesCase {
  return { ...scenario, auth: auth(random), operation: operation(random) };
}
