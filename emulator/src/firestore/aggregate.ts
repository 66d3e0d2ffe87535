import { FirestoreError } from "./errors.js";
import {
  runQuery,
  type QueryDocument,
  type RunQueryOptions,
  type StructuredQuery,
} from "./query.js";
import { getField, parseFieldPath, type Value } from "./values.js";

export interface Aggregation {
  alias?: string;
  count?: { upTo?: number | string | { value?: number | string } };
  sum?: { field: { fieldPath: string } };
  avg?: { field: { fieldPath: string } };
}

/** google.firestore.v1.StructuredAggregationQuery in its protobuf-JSON form. */
export interface StructuredAggregationQuery {
  structuredQuery?: StructuredQuery;
  aggregations?: Aggregation[];
}

export interface AggregationResult {
  aggregateFields: Record<string, Value>;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function upToOf(count: NonNullable<Aggregation["count"]>): bigint | undefined {
  const raw = typeof count.upTo === "object" ? count.upTo.value : count.upTo;
  if (raw === undefined) return undefined;
  const upTo = BigInt(raw);
  if (upTo <= 0n) throw new FirestoreError("INVALID_ARGUMENT", "upTo must be greater than zero");
  return upTo;
}

/** Numeric values of a field across documents; anything else is skipped, as production does. */
function numbers(documents: QueryDocument[], fieldPath: string): Array<bigint | number> {
  const path = parseFieldPath(fieldPath);
  const out: Array<bigint | number> = [];
  for (const doc of documents) {
    const value = getField(doc.fields, path);
    if (value === undefined) continue;
    if ("integerValue" in value) out.push(BigInt(value.integerValue));
    else if ("doubleValue" in value) out.push(value.doubleValue);
  }
  return out;
}

// Every finite double is an integer multiple of 2^-1074, so sums in those units are exact.
const SCALE = 1074n;

function scaled(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = (bits >> 52n) & 0x7ffn;
  const fraction = bits & ((1n << 52n) - 1n);
  const magnitude = exponent === 0n ? fraction : (fraction | (1n << 52n)) << (exponent - 1n);
  return bits >> 63n === 1n ? -magnitude : magnitude;
}

/** The double nearest to `units` × 2^-1074, ties to even, as IEEE arithmetic would round it. */
function unscaled(units: bigint): number {
  const negative = units < 0n;
  let magnitude = negative ? -units : units;
  let shift = 0;
  const length = magnitude.toString(2).length;
  if (length > 53) {
    shift = length - 53;
    const kept = magnitude >> BigInt(shift);
    const rest = magnitude - (kept << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    magnitude = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
  }
  const exponent = shift - Number(SCALE);
  const result = exponent > 1023 ? Infinity : Number(magnitude) * 2 ** exponent;
  return negative ? -result : result;
}

/**
 * Integers stay an integer while the sum fits in 64 bits; a double or an overflow makes it a double,
 * rounded once from the exact sum, so a sum that only overflows on the way (MAX, MAX, -MAX, -MAX)
 * still comes out finite.
 */
function sum(values: Array<bigint | number>): Value {
  let integers = 0n;
  let units = 0n;
  let anyDouble = false;
  let special = 0;
  for (const v of values) {
    if (typeof v === "bigint") integers += v;
    else {
      anyDouble = true;
      if (Number.isFinite(v)) units += scaled(v);
      else special += v;
    }
  }
  if (!anyDouble && integers <= INT64_MAX && integers >= INT64_MIN)
    return { integerValue: integers.toString() };
  if (special !== 0) return { doubleValue: special };
  return { doubleValue: unscaled(units + (integers << SCALE)) };
}

/** Accumulated in doubles, as production does: MAX and MAX average to Infinity. */
function average(values: Array<bigint | number>): Value {
  if (values.length === 0) return { nullValue: null };
  const total = values.reduce<number>((acc, v) => acc + Number(v), 0);
  return { doubleValue: total / values.length };
}

/** Production's limit on aggregations in one request. */
const MAX_AGGREGATIONS = 5;

/**
 * Runs an aggregation over the documents the structured query returns (after its offset and limit).
 * Aliases left empty get production's defaults, `field_1`, `field_2`, …
 */
export function runAggregationQuery(
  documents: Iterable<QueryDocument>,
  parent: string,
  aggregationQuery: StructuredAggregationQuery,
  options: RunQueryOptions = {},
): AggregationResult {
  return runAggregation(documents, parent, aggregationQuery, options).result;
}

/** An aggregation's result and how many index entries it read (one per document aggregated). */
export function runAggregation(
  documents: Iterable<QueryDocument>,
  parent: string,
  aggregationQuery: StructuredAggregationQuery,
  options: RunQueryOptions = {},
): { result: AggregationResult; indexEntries: number } {
  const aggregations = aggregationQuery.aggregations ?? [];
  if (aggregations.length === 0)
    throw new FirestoreError(
      "INVALID_ARGUMENT",
      "Aggregation query must contain at least one aggregation.",
    );
  if (aggregations.length > MAX_AGGREGATIONS)
    throw new FirestoreError(
      "INVALID_ARGUMENT",
      `The query has ${aggregations.length} aggregations, more than the maximum number of aggregations (${MAX_AGGREGATIONS}).`,
    );
  // Production answers sums and averages from an index over their fields, which holds only the
  // documents that have every one of them: a document lacking one is left out of every aggregation
  // in the request, count included, and before the query's limit.
  const indexed = aggregations.flatMap((a) => {
    const field = a.sum?.field ?? a.avg?.field;
    return field === undefined ? [] : [parseFieldPath(field.fieldPath)];
  });
  const candidates =
    indexed.length === 0
      ? documents
      : [...documents].filter((doc) =>
          indexed.every((path) => getField(doc.fields, path) !== undefined),
        );
  const matched = runQuery(candidates, parent, aggregationQuery.structuredQuery ?? {}, options);
  const aggregateFields: Record<string, Value> = {};
  const aliases = new Set<string>();
  aggregations.forEach((aggregation, index) => {
    const alias = aggregation.alias ?? `field_${index + 1}`;
    if (aliases.has(alias))
      throw new FirestoreError(
        "INVALID_ARGUMENT",
        `Aggregation aliases must be unique: '${alias}' appears twice.`,
      );
    aliases.add(alias);
    let value: Value;
    if (aggregation.count !== undefined) {
      const upTo = upToOf(aggregation.count);
      const count = BigInt(matched.length);
      value = { integerValue: (upTo !== undefined && upTo < count ? upTo : count).toString() };
    } else if (aggregation.sum !== undefined)
      value = sum(numbers(matched, aggregation.sum.field.fieldPath));
    else if (aggregation.avg !== undefined)
      value = average(numbers(matched, aggregation.avg.field.fieldPath));
    else
      throw new FirestoreError("INVALID_ARGUMENT", "Aggregation must be one of count, sum or avg.");
    Object.defineProperty(aggregateFields, alias, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return { result: { aggregateFields }, indexEntries: matched.length };
}
