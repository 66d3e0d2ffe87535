import { invalidArgument } from "./errors.js";
import {
  cloneFields,
  getField,
  parseFieldPath,
  setField,
  vectorOf,
  type Fields,
  type Value,
} from "./values.js";

/** google.firestore.v1.StructuredQuery.FindNearest in its protobuf-JSON form (wrappers bare or boxed). */
export interface FindNearest {
  vectorField?: { fieldPath?: string };
  queryVector?: Value;
  distanceMeasure?: string;
  limit?: number | { value?: number };
  distanceResultField?: string;
  distanceThreshold?: number | { value?: number };
}

/** Production's bounds, as the API documents them: at most 1,000 neighbours, 2,048 dimensions. */
export const MAX_NEAREST_LIMIT = 1000;
export const MAX_VECTOR_DIMENSIONS = 2048;

type Measure = "EUCLIDEAN" | "COSINE" | "DOT_PRODUCT";

/** A FindNearest checked once per query: every later step reads only this. */
export interface NearestPlan {
  path: string[];
  query: number[];
  measure: Measure;
  limit: number;
  resultPath: string[] | undefined;
  threshold: number | undefined;
}

function unbox(raw: number | { value?: number } | undefined): number | undefined {
  return typeof raw === "object" ? raw.value : raw;
}

function isMeasure(raw: unknown): raw is Measure {
  return raw === "EUCLIDEAN" || raw === "COSINE" || raw === "DOT_PRODUCT";
}

/** Refuses what production refuses before running: every required part, the bounds on both sizes. */
export function planNearest(raw: FindNearest): NearestPlan {
  const fieldPath = raw.vectorField?.fieldPath;
  if (fieldPath === undefined || fieldPath === "")
    throw invalidArgument("FindNearest.vector_field is required.");
  const query = raw.queryVector === undefined ? undefined : vectorOf(raw.queryVector);
  if (query === undefined)
    throw invalidArgument("FindNearest.query_vector must be a vector value.");
  if (query.length === 0 || query.length > MAX_VECTOR_DIMENSIONS)
    throw invalidArgument(
      `FindNearest.query_vector must have between 1 and ${MAX_VECTOR_DIMENSIONS} dimensions, got ${query.length}.`,
    );
  if (query.some((x) => !Number.isFinite(x)))
    throw invalidArgument("FindNearest.query_vector must hold finite numbers only.");
  const measure = raw.distanceMeasure;
  if (!isMeasure(measure))
    throw invalidArgument(
      `FindNearest.distance_measure must be EUCLIDEAN, COSINE or DOT_PRODUCT, got ${String(measure)}.`,
    );
  const limit = unbox(raw.limit);
  if (limit === undefined || !Number.isInteger(limit) || limit <= 0 || limit > MAX_NEAREST_LIMIT)
    throw invalidArgument(
      `FindNearest.limit must be a positive integer of no more than ${MAX_NEAREST_LIMIT}, got ${String(limit)}.`,
    );
  const resultField = raw.distanceResultField;
  const resultPath =
    resultField === undefined || resultField === "" ? undefined : parseFieldPath(resultField);
  const threshold = unbox(raw.distanceThreshold);
  return { path: parseFieldPath(fieldPath), query, measure, limit, resultPath, threshold };
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/**
 * The distance production reports: EUCLIDEAN and COSINE shrink as vectors grow alike (COSINE is
 * 1 − cos θ), DOT_PRODUCT grows. NaN where the measure is undefined (COSINE of a zero vector).
 */
export function vectorDistance(
  measure: Measure,
  a: readonly number[],
  b: readonly number[],
): number {
  if (measure === "DOT_PRODUCT") return dot(a, b);
  if (measure === "COSINE") return 1 - dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Most similar first: the smallest distance, except for DOT_PRODUCT where the largest. */
function closer(measure: Measure, a: number, b: number): number {
  const c = a < b ? -1 : a > b ? 1 : 0;
  return measure === "DOT_PRODUCT" ? -c : c;
}

function withinThreshold(plan: NearestPlan, distance: number): boolean {
  if (plan.threshold === undefined) return true;
  return plan.measure === "DOT_PRODUCT" ? distance >= plan.threshold : distance <= plan.threshold;
}

/**
 * The nearest neighbours among `documents` (already filtered by the query's `where`): documents
 * whose field is not a vector of the query's dimension are skipped, the rest ranked by distance
 * (ties by name, so results are stable), cut by the threshold and the limit. The distance is
 * written into `distanceResultField` of a copy, replacing any stored value there.
 */
export function nearestNeighbours<D extends { name: string; fields?: Fields }>(
  documents: readonly D[],
  plan: NearestPlan,
): D[] {
  const ranked: Array<{ doc: D; distance: number }> = [];
  for (const doc of documents) {
    const value = getField(doc.fields, plan.path);
    const vector = value === undefined ? undefined : vectorOf(value);
    if (vector?.length !== plan.query.length) continue;
    const distance = vectorDistance(plan.measure, vector, plan.query);
    if (Number.isNaN(distance) || !withinThreshold(plan, distance)) continue;
    ranked.push({ doc, distance });
  }
  ranked.sort(
    (a, b) =>
      closer(plan.measure, a.distance, b.distance) ||
      (a.doc.name < b.doc.name ? -1 : a.doc.name > b.doc.name ? 1 : 0),
  );
  const { resultPath } = plan;
  return ranked.slice(0, plan.limit).map(({ doc, distance }) => {
    if (resultPath === undefined) return doc;
    const fields = cloneFields(doc.fields);
    setField(fields, resultPath, { doubleValue: distance });
    return { ...doc, fields };
  });
}
