/**
 * Queries: parsing the wire `q` object (spec §5.2) and REST parameters (§10.1) into a QuerySpec,
 * computing a query's window over a node exactly as the client's filters do, and the `query`
 * variables the rules see (§11.4).
 */
import { compareValues, indexValue, nameCompare } from "./order.js";
import { invalidKeyReason } from "./path.js";
import { childKeys, getPriority, hasChildren, type Node } from "./tree.js";
import {
  MAX_NAME,
  MIN_NAME,
  type QueryBound,
  type QueryIndex,
  type QuerySpec,
  type QueryVariables,
} from "./types.js";

export class InvalidQueryError extends Error {
  override name = "InvalidQueryError";
}

type BoundValue = QueryBound["value"];

const PRIORITY_INDEX: QueryIndex = { kind: "priority" };
const KEY_INDEX: QueryIndex = { kind: "key" };
const VALUE_INDEX: QueryIndex = { kind: "value" };

/** Parses the `q` object of a tagged listen or a `g`. Throws InvalidQueryError. */
export function parseWireQuery(q: unknown): QuerySpec {
  if (q === null || typeof q !== "object" || Array.isArray(q)) {
    throw new InvalidQueryError(`Invalid query ${JSON.stringify(q)}: expected an object`);
  }
  const field = (name: string): unknown =>
    Object.prototype.hasOwnProperty.call(q, name) ? Reflect.get(q, name) : undefined;

  const indexName = field("i");
  let index: QueryIndex;
  if (indexName === undefined || indexName === ".priority") index = PRIORITY_INDEX;
  else if (indexName === ".key") index = KEY_INDEX;
  else if (indexName === ".value") index = VALUE_INDEX;
  else if (typeof indexName === "string") index = childIndex(indexName);
  else throw new InvalidQueryError(`Invalid query index ${JSON.stringify(indexName)}`);

  const start = wireBound(index, field("sp"), field("sn"), field("sin"), "start");
  const end = wireBound(index, field("ep"), field("en"), field("ein"), "end");

  const limit = field("l");
  if (limit === undefined) return buildSpec(index, start, end, undefined, "left");
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw new InvalidQueryError(
      `Invalid query limit ${JSON.stringify(limit)}: expected an integer`,
    );
  }
  const viewFrom = field("vf");
  if (viewFrom === "l" || viewFrom === "r") {
    return buildSpec(index, start, end, limit, viewFrom === "l" ? "left" : "right");
  }
  if (viewFrom !== undefined) {
    throw new InvalidQueryError(
      `Invalid query view ${JSON.stringify(viewFrom)}: expected "l" or "r"`,
    );
  }
  // A bare limit() anchors to whichever end was given, as the client does.
  return buildSpec(index, start, end, limit, start !== undefined ? "left" : "right");
}

function childIndex(text: string): QueryIndex {
  const path = text.split("/").filter((key) => key !== "");
  if (path.length === 0) {
    throw new InvalidQueryError(`Invalid query index "${text}": a child path can't be empty`);
  }
  for (const key of path) {
    const reason = invalidKeyReason(key);
    if (reason !== null) throw new InvalidQueryError(`Invalid query index "${text}": ${reason}`);
  }
  return { kind: "child", path };
}

function wireBound(
  index: QueryIndex,
  value: unknown,
  name: unknown,
  inclusive: unknown,
  which: "start" | "end",
): QueryBound | undefined {
  // `sp: null` is a real bound (startAt(null)); only an absent `sp` means none.
  if (value === undefined) return undefined;
  if (name !== undefined && typeof name !== "string") {
    throw new InvalidQueryError(`Invalid query ${which} name ${JSON.stringify(name)}`);
  }
  if (inclusive !== undefined && typeof inclusive !== "boolean") {
    throw new InvalidQueryError(
      `Invalid query ${which} inclusiveness ${JSON.stringify(inclusive)}`,
    );
  }
  return makeBound(
    index,
    checkBoundValue(index, value, `query ${which} value`),
    name,
    inclusive ?? true,
  );
}

/** JSON.stringify typed as it behaves: undefined for undefined, functions and symbols. */
function jsonText(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** `label` names the bound in messages: "query start value", "startAt", … */
function checkBoundValue(index: QueryIndex, value: unknown, label: string): BoundValue {
  const shown = jsonText(value) ?? String(value);
  if (!(
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  )) {
    throw new InvalidQueryError(`Invalid ${label} ${shown}: it must be a JSON primitive`);
  }
  if (index.kind === "key" && typeof value !== "string") {
    throw new InvalidQueryError(
      `Invalid ${label} ${shown}: when ordering by key it must be a string`,
    );
  }
  if (index.kind === "priority" && typeof value === "boolean") {
    throw new InvalidQueryError(
      `Invalid ${label} ${shown}: when ordering by priority it must be null, a number or a string`,
    );
  }
  return value;
}

function makeBound(
  index: QueryIndex,
  value: BoundValue,
  name: string | undefined,
  inclusive: boolean,
): QueryBound {
  // The key index orders by name alone, so a second name has nothing to break a tie on.
  if (name === undefined || index.kind === "key") return { value, inclusive };
  return { value, name, inclusive };
}

function buildSpec(
  index: QueryIndex,
  start: QueryBound | undefined,
  end: QueryBound | undefined,
  limit: number | undefined,
  viewFrom: "left" | "right",
): QuerySpec {
  return {
    index,
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
    ...(limit === undefined ? {} : { limit }),
    viewFrom,
  };
}

/** The REST query parameters that filter or limit, each of which needs an `orderBy`. */
export const REST_FILTERS = [
  "startAt",
  "startAfter",
  "endAt",
  "endBefore",
  "equalTo",
  "limitToFirst",
  "limitToLast",
] as const;

/**
 * Parses the query parameters of a REST GET. Null when the request has none (a plain read).
 * Throws InvalidQueryError with the message for the 400 `{"error"}` body.
 */
export function parseRestQuery(params: URLSearchParams): QuerySpec | null {
  const orderByText = params.get("orderBy");
  if (orderByText === null) {
    const given = REST_FILTERS.filter((name) => params.has(name));
    if (given.length === 0) return null;
    throw new InvalidQueryError(
      `orderBy must be defined when other query parameters are defined (got ${given.join(", ")})`,
    );
  }
  const orderBy = parseJsonParameter("orderBy", orderByText);
  if (typeof orderBy !== "string") {
    throw new InvalidQueryError(
      `orderBy must be a valid JSON encoded path, such as "$key", "$value", "$priority" or "child/path" (got ${orderByText})`,
    );
  }
  const index: QueryIndex =
    orderBy === "$key"
      ? KEY_INDEX
      : orderBy === "$value"
        ? VALUE_INDEX
        : orderBy === "$priority"
          ? PRIORITY_INDEX
          : childIndex(orderBy);

  const single = (name: string): string | null => {
    const all = params.getAll(name);
    if (all.length > 1) throw new InvalidQueryError(`${name} can be given only once`);
    return all[0] ?? null;
  };
  const equalTo = single("equalTo");
  const startAt = single("startAt");
  const startAfter = single("startAfter");
  const endAt = single("endAt");
  const endBefore = single("endBefore");
  if (equalTo !== null && (startAt ?? startAfter ?? endAt ?? endBefore) !== null) {
    throw new InvalidQueryError(
      "equalTo can't be combined with startAt, startAfter, endAt or endBefore",
    );
  }
  if (startAt !== null && startAfter !== null) {
    throw new InvalidQueryError("startAt and startAfter can't be combined");
  }
  if (endAt !== null && endBefore !== null) {
    throw new InvalidQueryError("endAt and endBefore can't be combined");
  }

  let start: QueryBound | undefined;
  let end: QueryBound | undefined;
  if (equalTo !== null) {
    start = restBound(index, "equalTo", equalTo, true);
    end = start;
  } else {
    if (startAt !== null) start = restBound(index, "startAt", startAt, true);
    if (startAfter !== null) start = restBound(index, "startAfter", startAfter, false);
    if (endAt !== null) end = restBound(index, "endAt", endAt, true);
    if (endBefore !== null) end = restBound(index, "endBefore", endBefore, false);
  }

  const first = single("limitToFirst");
  const last = single("limitToLast");
  if (first !== null && last !== null) {
    throw new InvalidQueryError("limitToFirst and limitToLast can't be combined");
  }
  if (first !== null) return buildSpec(index, start, end, restLimit("limitToFirst", first), "left");
  if (last !== null) return buildSpec(index, start, end, restLimit("limitToLast", last), "right");
  return buildSpec(index, start, end, undefined, "left");
}

function parseJsonParameter(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidQueryError(`${name} must be valid JSON (got ${text})`);
  }
}

/** `value` or `value,"name"`, both JSON; the value may itself be a string containing commas. */
function restBound(
  index: QueryIndex,
  parameter: string,
  text: string,
  inclusive: boolean,
): QueryBound {
  const whole = tryJson(text);
  if (whole.ok)
    return makeBound(index, checkBoundValue(index, whole.value, parameter), undefined, inclusive);
  for (let comma = text.indexOf(","); comma !== -1; comma = text.indexOf(",", comma + 1)) {
    const value = tryJson(text.slice(0, comma));
    if (!value.ok) continue;
    const name = tryJson(text.slice(comma + 1));
    if (!name.ok) continue;
    if (typeof name.value !== "string") {
      throw new InvalidQueryError(
        `${parameter}: the key after the comma must be a JSON string (got ${text})`,
      );
    }
    return makeBound(index, checkBoundValue(index, value.value, parameter), name.value, inclusive);
  }
  throw new InvalidQueryError(
    `${parameter} must be a JSON value, optionally followed by ,"key" (got ${text})`,
  );
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

function restLimit(parameter: string, text: string): number {
  if (!/^\d{1,15}$/.test(text.trim())) {
    throw new InvalidQueryError(`${parameter} must be a non-negative integer (got ${text})`);
  }
  return Number(text.trim());
}

/** True when the query has no range and no limit: its result is the whole node. */
export function loadsAllData(spec: QuerySpec): boolean {
  return spec.start === undefined && spec.end === undefined && spec.limit === undefined;
}

interface IndexedChild {
  readonly key: string;
  readonly node: Node;
  readonly value: Node;
}

/**
 * The query's window over `node`: the children in range, limited from the left or the right, with
 * their own priorities and without the node's. Null when nothing matches. A query that loads all
 * data returns the node unchanged, as the client's unfiltered view does.
 */
export function applyQuery(node: Node, spec: QuerySpec): Node {
  if (loadsAllData(spec)) return node;
  if (!hasChildren(node)) return null;
  const { index, start, end, limit } = spec;
  const keys = childKeys(node);
  let selected: IndexedChild[] = [];
  for (const key of keys) {
    const childNode = node[key] ?? null;
    const entry = { key, node: childNode, value: indexValue(childNode, index) };
    if (start !== undefined) {
      const order = compareBound(index, start, start.inclusive ? MIN_NAME : MAX_NAME, entry);
      if (start.inclusive ? order > 0 : order >= 0) continue;
    }
    if (end !== undefined) {
      const order = compareBound(index, end, end.inclusive ? MAX_NAME : MIN_NAME, entry);
      if (end.inclusive ? order < 0 : order <= 0) continue;
    }
    selected.push(entry);
  }
  if (limit !== undefined && selected.length > limit) {
    selected.sort((a, b) => compareEntries(index, a, b));
    selected =
      spec.viewFrom === "left" ? selected.slice(0, limit) : selected.slice(selected.length - limit);
  }
  if (selected.length === 0) return null;
  if (selected.length === keys.length && getPriority(node) === null) return node;
  const window: Record<string, Node> = {};
  for (const entry of selected) {
    Object.defineProperty(window, entry.key, {
      value: entry.node,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return window;
}

/** Where a bound lies relative to a child: negative when before it, positive when after it. */
function compareBound(
  index: QueryIndex,
  bound: QueryBound,
  defaultName: string,
  entry: IndexedChild,
): number {
  if (index.kind === "key") return nameCompare(String(bound.value), entry.key);
  const byValue = compareValues(bound.value, entry.value);
  if (byValue !== 0) return byValue;
  return nameCompare(bound.name ?? defaultName, entry.key);
}

function compareEntries(index: QueryIndex, a: IndexedChild, b: IndexedChild): number {
  if (index.kind !== "key") {
    const byValue = compareValues(a.value, b.value);
    if (byValue !== 0) return byValue;
  }
  return nameCompare(a.key, b.key);
}

/** The rules' `query` variables (spec §11.4); all unset for a default listen (null). */
export function queryVariables(spec: QuerySpec | null): QueryVariables {
  const index = spec?.index;
  const start = spec?.start;
  const end = spec?.end;
  const isEqualTo =
    start !== undefined &&
    end !== undefined &&
    start.inclusive &&
    end.inclusive &&
    start.value === end.value &&
    start.name === end.name;
  return {
    orderByKey: index?.kind === "key",
    orderByPriority: index?.kind === "priority" && spec !== null && !isDefaultQuery(spec),
    orderByValue: index?.kind === "value",
    orderByChild: index?.kind === "child" ? index.path.join("/") : null,
    startAt: isEqualTo ? null : (start?.value ?? null),
    endAt: isEqualTo ? null : (end?.value ?? null),
    equalTo: isEqualTo ? start.value : null,
    limitToFirst: spec?.limit !== undefined && spec.viewFrom === "left" ? spec.limit : null,
    limitToLast: spec?.limit !== undefined && spec.viewFrom === "right" ? spec.limit : null,
  };
}

function isDefaultQuery(spec: QuerySpec): boolean {
  return spec.index.kind === "priority" && loadsAllData(spec);
}

/** The `q` object the client sends for this query (and expects back in a revocation `c`). */
export function wireQueryObject(spec: QuerySpec): Record<string, string | number | boolean | null> {
  const q: Record<string, string | number | boolean | null> = {};
  if (spec.start !== undefined) {
    q["sp"] = spec.start.value;
    if (spec.start.name !== undefined) q["sn"] = spec.start.name;
    q["sin"] = spec.start.inclusive;
  }
  if (spec.end !== undefined) {
    q["ep"] = spec.end.value;
    if (spec.end.name !== undefined) q["en"] = spec.end.name;
    q["ein"] = spec.end.inclusive;
  }
  if (spec.limit !== undefined) {
    q["l"] = spec.limit;
    q["vf"] = spec.viewFrom === "left" ? "l" : "r";
  }
  switch (spec.index.kind) {
    case "key":
      q["i"] = ".key";
      break;
    case "value":
      q["i"] = ".value";
      break;
    case "child":
      q["i"] = spec.index.path.join("/");
      break;
    case "priority":
      break;
  }
  return q;
}

/**
 * A canonical identifier for listener bookkeeping: "default" for a plain listen (or a query
 * equivalent to one), else the query object as JSON with sorted keys, like the client's query id.
 */
export function queryKey(spec: QuerySpec | null): string {
  if (spec === null || isDefaultQuery(spec)) return "default";
  const q = wireQueryObject(spec);
  const fields = Object.keys(q)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(q[key] ?? null)}`);
  return `{${fields.join(",")}}`;
}
