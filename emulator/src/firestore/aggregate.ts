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
    else if ("doubleValue" in value) out.push(Number(value.doubleValue));
  }
  return out;
}

/** Integers add exactly while they fit in 64 bits; a double or an overflow turns the sum into a double. */
function sum(values: Array<bigint | number>): Value {
  let exact: bigint | undefined = 0n;
  let approx = 0;
  for (const v of values) {
    if (exact !== undefined && typeof v === "bigint") {
      const next: bigint = exact + v;
      if (next <= INT64_MAX && next >= INT64_MIN) {
        exact = next;
        continue;
      }
    }
    if (exact !== undefined) {
      approx = Number(exact);
      exact = undefined;
    }
    approx += Number(v);
  }
  return exact !== undefined ? { integerValue: exact.toString() } : { doubleValue: approx };
}

function average(values: Array<bigint | number>): Value {
  if (values.length === 0) return { nullValue: null };
  const total = values.reduce<number>((acc, v) => acc + Number(v), 0);
  return { doubleValue: total / values.length };
}

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
  const aggregations = aggregationQuery.aggregations ?? [];
  if (aggregations.length === 0)
    throw new FirestoreError(
      "INVALID_ARGUMENT",
      "Aggregation query must contain at least one aggregation.",
    );
  const matched = runQuery(documents, parent, aggregationQuery.structuredQuery ?? {}, options);
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
  return { aggregateFields };
}
