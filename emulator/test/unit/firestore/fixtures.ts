import type {
  FieldOperator,
  Filter,
  QueryDocument,
  StructuredQuery,
  UnaryOperator,
} from "../../../src/firestore/query.js";
import type { Value } from "../../../src/firestore/values.js";

export const ROOT = "projects/demo/databases/(default)/documents";
const TIME = "2026-01-01T00:00:00.000000000Z";

export const int = (n: number | bigint | string): Value => ({ integerValue: String(n) });
export const dbl = (n: number): Value => ({ doubleValue: n });
export const str = (s: string): Value => ({ stringValue: s });
export const ts = (t: string): Value => ({ timestampValue: t });
export const ref = (path: string): Value => ({ referenceValue: `${ROOT}/${path}` });
export const arr = (...values: Value[]): Value => ({ arrayValue: { values } });
export const map = (fields: Record<string, Value>): Value => ({ mapValue: { fields } });
export const NULL: Value = { nullValue: null };

export function doc(path: string, fields: Record<string, Value> = {}): QueryDocument {
  return { name: `${ROOT}/${path}`, fields, createTime: TIME, updateTime: TIME };
}

/** Paths relative to the database root, in result order. */
export function paths(results: QueryDocument[]): string[] {
  return results.map((d) => d.name.slice(ROOT.length + 1));
}

export function where(fieldPath: string, op: FieldOperator, value: Value): Filter {
  return { fieldFilter: { field: { fieldPath }, op, value } };
}

export function unary(fieldPath: string, op: UnaryOperator): Filter {
  return { unaryFilter: { field: { fieldPath }, op } };
}

export function and(...filters: Filter[]): Filter {
  return { compositeFilter: { op: "AND", filters } };
}

export function or(...filters: Filter[]): Filter {
  return { compositeFilter: { op: "OR", filters } };
}

export function from(
  collectionId: string,
  extra: Omit<StructuredQuery, "from"> = {},
): StructuredQuery {
  return { from: [{ collectionId }], ...extra };
}

export function group(
  collectionId: string,
  extra: Omit<StructuredQuery, "from"> = {},
): StructuredQuery {
  return { from: [{ collectionId, allDescendants: true }], ...extra };
}

export const asc = (fieldPath: string) => ({
  field: { fieldPath },
  direction: "ASCENDING" as const,
});
export const desc = (fieldPath: string) => ({
  field: { fieldPath },
  direction: "DESCENDING" as const,
});
