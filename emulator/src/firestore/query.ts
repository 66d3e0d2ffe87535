import { FirestoreError } from "./errors.js";
import { nearestNeighbours, planNearest, type FindNearest } from "./nearest.js";
import {
  compareValues,
  getField,
  parseFieldPath,
  typeOrder,
  valuesEqual,
  type Value,
} from "./values.js";

/** A stored document as queries read it; nothing about how the store keeps it. */
export interface QueryDocument {
  name: string;
  fields?: Record<string, Value>;
  createTime: string;
  updateTime: string;
}

export interface FieldReference {
  fieldPath: string;
}

export type FieldOperator =
  | "LESS_THAN"
  | "LESS_THAN_OR_EQUAL"
  | "GREATER_THAN"
  | "GREATER_THAN_OR_EQUAL"
  | "EQUAL"
  | "NOT_EQUAL"
  | "ARRAY_CONTAINS"
  | "IN"
  | "ARRAY_CONTAINS_ANY"
  | "NOT_IN";

export type UnaryOperator = "IS_NAN" | "IS_NULL" | "IS_NOT_NAN" | "IS_NOT_NULL";

export interface FieldFilter {
  field: FieldReference;
  op: FieldOperator;
  value: Value;
}

export interface UnaryFilter {
  op: UnaryOperator;
  field: FieldReference;
}

export interface CompositeFilter {
  op: "AND" | "OR";
  filters: Filter[];
}

export type Filter =
  | { fieldFilter: FieldFilter }
  | { unaryFilter: UnaryFilter }
  | { compositeFilter: CompositeFilter };

export type Direction = "ASCENDING" | "DESCENDING";

export interface Order {
  field: FieldReference;
  direction?: Direction;
}

export interface Cursor {
  values?: Value[];
  before?: boolean;
}

/** google.firestore.v1.StructuredQuery in its protobuf-JSON form. */
export interface StructuredQuery {
  select?: { fields?: FieldReference[] };
  from?: Array<{ collectionId?: string; allDescendants?: boolean }>;
  where?: Filter;
  orderBy?: Order[];
  startAt?: Cursor;
  endAt?: Cursor;
  offset?: number;
  limit?: number | { value?: number };
  findNearest?: FindNearest;
}

/** Decides, before a query runs, whether it may run (composite-index enforcement plugs in here). */
export interface QueryGate {
  check(parent: string, query: StructuredQuery): void;
}

export interface RunQueryOptions {
  gate?: QueryGate;
}

export const NAME_FIELD = "__name__";

/** One normalized ordering: the explicit orderBy, then unordered inequality fields, then `__name__`. */
export interface NormalizedOrder {
  fieldPath: string;
  path: string[];
  direction: Direction;
}

const INEQUALITY_OPS: ReadonlySet<string> = new Set([
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "NOT_EQUAL",
  "NOT_IN",
  "IS_NOT_NAN",
  "IS_NOT_NULL",
]);

export function isInequalityOp(op: string): boolean {
  return INEQUALITY_OPS.has(op);
}

function invalid(message: string): FirestoreError {
  return new FirestoreError("INVALID_ARGUMENT", message);
}

/** Field filters and unary filters, flattened out of every composite. */
export function leafFilters(filter: Filter | undefined): Array<FieldFilter | UnaryFilter> {
  if (filter === undefined) return [];
  if ("fieldFilter" in filter) return [filter.fieldFilter];
  if ("unaryFilter" in filter) return [filter.unaryFilter];
  return filter.compositeFilter.filters.flatMap(leafFilters);
}

/** A canonical string for a field path, so `a.b` and `` `a`.`b` `` name the same field. */
export function canonicalPath(fieldPath: string): string {
  return parseFieldPath(fieldPath).join("\u0000");
}

function comparePaths(a: string, b: string): number {
  const x = parseFieldPath(a);
  const y = parseFieldPath(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = Buffer.compare(Buffer.from(x[i] ?? ""), Buffer.from(y[i] ?? ""));
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/**
 * The order production applies: explicit orderBy, then inequality fields not yet ordered (by field
 * path), then `__name__` — both in the direction of the last explicit orderBy.
 */
export function normalizedOrderBy(query: StructuredQuery): NormalizedOrder[] {
  const orders: NormalizedOrder[] = [];
  const seen = new Set<string>();
  for (const order of query.orderBy ?? []) {
    const key = canonicalPath(order.field.fieldPath);
    if (seen.has(key)) continue;
    seen.add(key);
    orders.push({
      fieldPath: order.field.fieldPath,
      path: parseFieldPath(order.field.fieldPath),
      direction: order.direction ?? "ASCENDING",
    });
  }
  const lastDirection = orders.at(-1)?.direction ?? "ASCENDING";
  const inequalities = leafFilters(query.where)
    .filter((f) => isInequalityOp(f.op))
    .map((f) => f.field.fieldPath)
    .sort(comparePaths);
  for (const fieldPath of inequalities) {
    const key = canonicalPath(fieldPath);
    if (seen.has(key) || key === NAME_FIELD) continue;
    seen.add(key);
    orders.push({ fieldPath, path: parseFieldPath(fieldPath), direction: lastDirection });
  }
  if (!seen.has(NAME_FIELD))
    orders.push({ fieldPath: NAME_FIELD, path: [NAME_FIELD], direction: lastDirection });
  return orders;
}

function fieldOf(doc: QueryDocument, path: readonly string[]): Value | undefined {
  if (path.length === 1 && path[0] === NAME_FIELD) return { referenceValue: doc.name };
  return getField(doc.fields, path);
}

function isNaNValue(v: Value): boolean {
  return "doubleValue" in v && Number.isNaN(v.doubleValue);
}

function isNull(v: Value): boolean {
  return "nullValue" in v;
}

function arrayOf(v: Value): Value[] | undefined {
  return "arrayValue" in v ? (v.arrayValue.values ?? []) : undefined;
}

function filterValues(filter: FieldFilter): Value[] {
  const values = arrayOf(filter.value);
  if (values === undefined) throw invalid(`'${filter.op}' requires an ArrayValue.`);
  return values;
}

function matchesField(actual: Value | undefined, filter: FieldFilter): boolean {
  if (actual === undefined) return false;
  const expected = filter.value;
  switch (filter.op) {
    case "EQUAL":
      return valuesEqual(actual, expected);
    case "NOT_EQUAL":
      return !isNull(actual) && !valuesEqual(actual, expected);
    case "IN":
      return filterValues(filter).some((v) => valuesEqual(actual, v));
    case "NOT_IN": {
      const values = filterValues(filter);
      return (
        !isNull(actual) &&
        !values.some((v) => isNull(v)) &&
        !values.some((v) => valuesEqual(actual, v))
      );
    }
    case "ARRAY_CONTAINS":
      return (arrayOf(actual) ?? []).some((v) => valuesEqual(v, expected));
    case "ARRAY_CONTAINS_ANY": {
      const wanted = filterValues(filter);
      return (arrayOf(actual) ?? []).some((v) => wanted.some((w) => valuesEqual(v, w)));
    }
    default: {
      // Range filters never cross types (`< 5` matches numbers only), and NaN, though it sorts
      // first, satisfies no range.
      if (typeOrder(actual) !== typeOrder(expected) || isNaNValue(expected) || isNaNValue(actual))
        return false;
      const c = compareValues(actual, expected);
      if (filter.op === "LESS_THAN") return c < 0;
      if (filter.op === "LESS_THAN_OR_EQUAL") return c <= 0;
      if (filter.op === "GREATER_THAN") return c > 0;
      return c >= 0;
    }
  }
}

function matchesUnary(actual: Value | undefined, filter: UnaryFilter): boolean {
  if (actual === undefined) return false;
  switch (filter.op) {
    case "IS_NAN":
      return isNaNValue(actual);
    case "IS_NULL":
      return isNull(actual);
    case "IS_NOT_NAN":
      return !isNaNValue(actual) && !isNull(actual);
    case "IS_NOT_NULL":
      return !isNull(actual);
  }
}

/** A filter turned into a predicate once, so field paths are parsed per query, not per document. */
export function compileFilter(filter: Filter): (doc: QueryDocument) => boolean {
  if ("fieldFilter" in filter) {
    const leaf = filter.fieldFilter;
    const path = parseFieldPath(leaf.field.fieldPath);
    return (doc) => matchesField(fieldOf(doc, path), leaf);
  }
  if ("unaryFilter" in filter) {
    const leaf = filter.unaryFilter;
    const path = parseFieldPath(leaf.field.fieldPath);
    return (doc) => matchesUnary(fieldOf(doc, path), leaf);
  }
  const parts = filter.compositeFilter.filters.map(compileFilter);
  if (filter.compositeFilter.op === "OR") return (doc) => parts.some((part) => part(doc));
  return (doc) => parts.every((part) => part(doc));
}

/** Whether `name` is a document directly in (or, for collection groups, anywhere under) the query's source. */
function inScope(
  name: string,
  parent: string,
  collectionId: string,
  allDescendants: boolean,
): boolean {
  const prefix = `${parent}/`;
  if (!name.startsWith(prefix)) return false;
  const rest = name.slice(prefix.length).split("/");
  if (rest.length < 2 || rest.length % 2 !== 0) return false;
  if (!allDescendants) return rest.length === 2 && rest[0] === collectionId;
  return collectionId === "" || rest[rest.length - 2] === collectionId;
}

/** Compares order-by values position by position, as far as `bound` goes (a cursor may be shorter). */
function compareKeys(keys: Value[], orders: NormalizedOrder[], bound: Value[]): number {
  for (let i = 0; i < bound.length; i++) {
    const order = orders[i];
    const key = keys[i];
    const limit = bound[i];
    if (order === undefined || key === undefined || limit === undefined) break;
    const c = compareValues(key, limit);
    if (c !== 0) return order.direction === "DESCENDING" ? -c : c;
  }
  return 0;
}

export function limitOf(query: StructuredQuery): number | undefined {
  const raw = typeof query.limit === "number" ? query.limit : query.limit?.value;
  if (raw === undefined) return undefined;
  if (raw < 0) throw invalid("limit is negative");
  return raw;
}

function project(doc: QueryDocument, select: FieldReference[]): QueryDocument {
  const fields: Record<string, Value> = {};
  for (const ref of select) {
    const path = parseFieldPath(ref.fieldPath);
    if (path.length === 1 && path[0] === NAME_FIELD) continue;
    const value = getField(doc.fields, path);
    if (value === undefined) continue;
    let target = fields;
    for (const [index, segment] of path.entries()) {
      if (index === path.length - 1) {
        Object.defineProperty(target, segment, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      }
      const existing = Object.hasOwn(target, segment) ? target[segment] : undefined;
      const map: Value =
        existing !== undefined && "mapValue" in existing ? existing : { mapValue: { fields: {} } };
      if (existing !== map)
        Object.defineProperty(target, segment, {
          value: map,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      if (!("mapValue" in map)) break;
      const next: Record<string, Value> = map.mapValue.fields ?? {};
      map.mapValue.fields = next;
      target = next;
    }
  }
  return { name: doc.name, fields, createTime: doc.createTime, updateTime: doc.updateTime };
}

const FIELD_OPS: ReadonlySet<string> = new Set([
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "EQUAL",
  "NOT_EQUAL",
  "ARRAY_CONTAINS",
  "IN",
  "ARRAY_CONTAINS_ANY",
  "NOT_IN",
]);
const COMPOSITE_OPS: ReadonlySet<string> = new Set(["AND", "OR"]);
const UNARY_OPS: ReadonlySet<string> = new Set(["IS_NAN", "IS_NULL", "IS_NOT_NAN", "IS_NOT_NULL"]);

/** Operators arrive from the wire as strings: an unknown one is refused, never read as another. */
function validateOperators(filter: Filter | undefined): void {
  if (filter === undefined) return;
  if ("fieldFilter" in filter) {
    if (!FIELD_OPS.has(filter.fieldFilter.op))
      throw invalid(`Unknown field filter operator: ${filter.fieldFilter.op}`);
  } else if ("unaryFilter" in filter) {
    if (!UNARY_OPS.has(filter.unaryFilter.op))
      throw invalid(`Unknown unary filter operator: ${filter.unaryFilter.op}`);
  } else if ("compositeFilter" in filter) {
    const { op, filters } = filter.compositeFilter;
    if (!COMPOSITE_OPS.has(op)) throw invalid(`Unknown composite filter operator: ${op}`);
    filters.forEach(validateOperators);
  } else throw invalid("A filter must be a fieldFilter, unaryFilter or compositeFilter.");
}

function validate(query: StructuredQuery, orders: NormalizedOrder[]): void {
  const from = query.from ?? [];
  if (from.length !== 1) throw invalid("Query must specify exactly one collection in 'from'.");
  for (const cursor of [query.startAt, query.endAt]) {
    if ((cursor?.values?.length ?? 0) > orders.length)
      throw invalid(
        "Too many cursor values specified. The specified order by clause must have at least as many values as the cursor.",
      );
  }
  if (query.offset !== undefined && query.offset < 0) throw invalid("offset is negative");
  // Nearest-neighbour results are ordered by distance, which no cursor can name a position in.
  if (query.findNearest !== undefined && (query.startAt !== undefined || query.endAt !== undefined))
    throw invalid("Cursors are not supported with FindNearest.");
  validateOperators(query.where);
  for (const leaf of leafFilters(query.where)) {
    if (!("value" in leaf)) continue;
    if (["IN", "NOT_IN", "ARRAY_CONTAINS_ANY"].includes(leaf.op)) filterValues(leaf);
    const path = parseFieldPath(leaf.field.fieldPath);
    if (path.length === 1 && path[0] === NAME_FIELD) {
      const refs = arrayOf(leaf.value) ?? [leaf.value];
      if (refs.some((v) => !("referenceValue" in v)))
        throw invalid(`__key__ filter value must be a Key`);
    }
  }
}

/**
 * Runs a structured query over `documents` (every stored document; scope is decided here from
 * `parent` and `from`). Returns the matching documents in query order, projected by `select`.
 */
export function runQuery(
  documents: Iterable<QueryDocument>,
  parent: string,
  query: StructuredQuery,
  options: RunQueryOptions = {},
): QueryDocument[] {
  const orders = normalizedOrderBy(query);
  validate(query, orders);
  const nearest = query.findNearest === undefined ? undefined : planNearest(query.findNearest);
  options.gate?.check(parent, query);
  const source = query.from?.[0] ?? {};
  const collectionId = source.collectionId ?? "";
  const allDescendants = source.allDescendants === true;
  const scoped = (name: string) => inScope(name, parent, collectionId, allDescendants);

  const matches = query.where === undefined ? () => true : compileFilter(query.where);
  let results: QueryDocument[];
  if (nearest !== undefined) {
    // The filters narrow the candidates first; the distance order then supersedes orderBy.
    const candidates: QueryDocument[] = [];
    for (const doc of documents) if (scoped(doc.name) && matches(doc)) candidates.push(doc);
    results = nearestNeighbours(candidates, nearest);
  } else results = ordered(documents, scoped, query, orders, matches);
  const offset = query.offset ?? 0;
  const limit = limitOf(query);
  results = results.slice(offset, limit === undefined ? undefined : offset + limit);
  // Protobuf JSON drops an empty repeated field, so `select: {}` is a projection onto no fields.
  const select = query.select;
  return select === undefined ? results : results.map((doc) => project(doc, select.fields ?? []));
}

/** The matching documents in scope, in the query's order and between its cursors. */
function ordered(
  documents: Iterable<QueryDocument>,
  scoped: (name: string) => boolean,
  query: StructuredQuery,
  orders: NormalizedOrder[],
  matches: (doc: QueryDocument) => boolean,
): QueryDocument[] {
  const { startAt, endAt } = query;
  // Each document's order-by values are read once; the sort and the cursors work on them.
  const matched: Array<{ doc: QueryDocument; keys: Value[] }> = [];
  for (const doc of documents) {
    if (!scoped(doc.name)) continue;
    const keys: Value[] = [];
    for (const order of orders) {
      const value = fieldOf(doc, order.path);
      if (value === undefined) break;
      keys.push(value);
    }
    if (keys.length < orders.length || !matches(doc)) continue;
    if (startAt?.values !== undefined) {
      const c = compareKeys(keys, orders, startAt.values);
      if (c < 0 || (c === 0 && startAt.before !== true)) continue;
    }
    if (endAt?.values !== undefined) {
      const c = compareKeys(keys, orders, endAt.values);
      if (c > 0 || (c === 0 && endAt.before === true)) continue;
    }
    matched.push({ doc, keys });
  }
  matched.sort((a, b) => compareKeys(a.keys, orders, b.keys));
  return matched.map((entry) => entry.doc);
}
