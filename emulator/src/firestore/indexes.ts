import { FirestoreError } from "./errors.js";
import {
  canonicalPath,
  NAME_FIELD,
  normalizedOrderBy,
  type Direction,
  type Filter,
  type QueryGate,
  type StructuredQuery,
} from "./query.js";
import { formatFieldPath, parseFieldPath } from "./values.js";

export type QueryScope = "COLLECTION" | "COLLECTION_GROUP";

export interface IndexField {
  fieldPath: string;
  order?: Direction;
  arrayConfig?: "CONTAINS";
}

export interface CompositeIndex {
  collectionGroup: string;
  queryScope: QueryScope;
  fields: IndexField[];
}

export interface SingleFieldIndex {
  queryScope: QueryScope;
  order?: Direction;
  arrayConfig?: "CONTAINS";
}

export interface FieldOverride {
  collectionGroup: string;
  fieldPath: string;
  indexes: SingleFieldIndex[];
}

/** `firestore.indexes.json`, as `firebase deploy --only firestore:indexes` reads it. */
export interface IndexesFile {
  indexes: CompositeIndex[];
  fieldOverrides: FieldOverride[];
}

function fail(where: string, what: string): never {
  throw new Error(`firestore.indexes.json: ${where} ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseScope(value: unknown, where: string): QueryScope {
  if (value === undefined || value === "COLLECTION") return "COLLECTION";
  if (value === "COLLECTION_GROUP") return value;
  return fail(where, "queryScope must be COLLECTION or COLLECTION_GROUP");
}

function parseMode(
  value: Record<string, unknown>,
  where: string,
): { order?: Direction; arrayConfig?: "CONTAINS" } {
  const { order, arrayConfig } = value;
  if (order !== undefined && arrayConfig !== undefined)
    fail(where, "has both order and arrayConfig");
  if (order === "ASCENDING" || order === "DESCENDING") return { order };
  if (arrayConfig === "CONTAINS") return { arrayConfig };
  return fail(where, "needs order (ASCENDING|DESCENDING) or arrayConfig (CONTAINS)");
}

function parseString(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") fail(where, "must be a non-empty string");
  return value;
}

/** Validates the file's shape; unknown keys (density, apiScope, ttl…) are accepted and ignored. */
export function parseIndexesFile(json: unknown): IndexesFile {
  if (!isRecord(json)) fail("root", "must be an object");
  const indexes = json.indexes ?? [];
  const overrides = json.fieldOverrides ?? [];
  if (!Array.isArray(indexes)) fail("indexes", "must be an array");
  if (!Array.isArray(overrides)) fail("fieldOverrides", "must be an array");
  return {
    indexes: indexes.map((raw: unknown, i): CompositeIndex => {
      const where = `indexes[${i}]`;
      if (!isRecord(raw) || !Array.isArray(raw.fields))
        fail(where, "must be an object with fields");
      return {
        collectionGroup: parseString(raw.collectionGroup, `${where}.collectionGroup`),
        queryScope: parseScope(raw.queryScope, where),
        fields: raw.fields.map((field: unknown, j): IndexField => {
          const at = `${where}.fields[${j}]`;
          if (!isRecord(field)) fail(at, "must be an object");
          return {
            fieldPath: parseString(field.fieldPath, `${at}.fieldPath`),
            ...parseMode(field, at),
          };
        }),
      };
    }),
    fieldOverrides: overrides.map((raw: unknown, i): FieldOverride => {
      const where = `fieldOverrides[${i}]`;
      if (!isRecord(raw)) fail(where, "must be an object");
      const list = raw.indexes ?? [];
      if (!Array.isArray(list)) fail(`${where}.indexes`, "must be an array");
      return {
        collectionGroup: parseString(raw.collectionGroup, `${where}.collectionGroup`),
        fieldPath: parseString(raw.fieldPath, `${where}.fieldPath`),
        indexes: list.map((index: unknown, j): SingleFieldIndex => {
          const at = `${where}.indexes[${j}]`;
          if (!isRecord(index)) fail(at, "must be an object");
          return { queryScope: parseScope(index.queryScope, at), ...parseMode(index, at) };
        }),
      };
    }),
  };
}

const MAX_DISJUNCTS = 1024;

type Leaf = { kind: "value" | "contains"; fieldPath: string };

/** The query's filter as a disjunction of conjunctions, keeping only what an index must serve. */
function disjuncts(filter: Filter | undefined): Leaf[][] {
  if (filter === undefined) return [[]];
  if ("fieldFilter" in filter || "unaryFilter" in filter) {
    const leaf = "fieldFilter" in filter ? filter.fieldFilter : filter.unaryFilter;
    if (canonicalPath(leaf.field.fieldPath) === NAME_FIELD) return [[]];
    if (["EQUAL", "IN", "IS_NULL", "IS_NAN"].includes(leaf.op))
      return [[{ kind: "value", fieldPath: leaf.field.fieldPath }]];
    if (leaf.op === "ARRAY_CONTAINS" || leaf.op === "ARRAY_CONTAINS_ANY")
      return [[{ kind: "contains", fieldPath: leaf.field.fieldPath }]];
    // Inequalities reach the index through the implicit orderBy.
    return [[]];
  }
  const parts = filter.compositeFilter.filters.map(disjuncts);
  if (filter.compositeFilter.op === "OR") return parts.flat();
  // Production refuses far smaller normal forms; the cap only keeps a hostile filter from exploding here.
  return parts.reduce<Leaf[][]>(
    (acc, part) =>
      acc.flatMap((left) => part.map((right) => [...left, ...right])).slice(0, MAX_DISJUNCTS),
    [[]],
  );
}

interface OrderedField {
  fieldPath: string;
  direction: Direction;
}

/** What one conjunction needs from the indexes. */
interface Requirement {
  equalities: Leaf[];
  orders: OrderedField[];
  nameDirection: Direction;
}

function requirements(query: StructuredQuery): Requirement[] {
  const normalized = normalizedOrderBy(query);
  const nameDirection =
    normalized.find((o) => o.fieldPath === NAME_FIELD)?.direction ?? "ASCENDING";
  return disjuncts(query.where).map((conjunction) => {
    const equalities: Leaf[] = [];
    const seen = new Set<string>();
    for (const leaf of conjunction) {
      const key = `${leaf.kind}:${canonicalPath(leaf.fieldPath)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      equalities.push(leaf);
    }
    // An orderBy on a field pinned by equality orders nothing, so no index needs it.
    const pinned = new Set(
      equalities.filter((l) => l.kind === "value").map((l) => canonicalPath(l.fieldPath)),
    );
    const orders = normalized
      .filter((o) => o.fieldPath !== NAME_FIELD && !pinned.has(canonicalPath(o.fieldPath)))
      .map((o) => ({ fieldPath: o.fieldPath, direction: o.direction }));
    return { equalities, orders, nameDirection };
  });
}

function reverse(direction: Direction): Direction {
  return direction === "ASCENDING" ? "DESCENDING" : "ASCENDING";
}

/** The equalities a composite index can serve for `need`, or undefined when it cannot serve the query. */
function covers(index: CompositeIndex, need: Requirement): Set<string> | undefined {
  let fields = index.fields;
  const last = fields.at(-1);
  let nameDirection: Direction = fields.at(-1)?.order ?? "ASCENDING";
  if (last !== undefined && canonicalPath(last.fieldPath) === NAME_FIELD) {
    nameDirection = last.order ?? "ASCENDING";
    fields = fields.slice(0, -1);
  }
  const prefixLength = fields.length - need.orders.length;
  if (prefixLength < 0) return undefined;
  const suffix = fields.slice(prefixLength);
  const orders = need.orders;
  for (const reversed of [false, true]) {
    const flip = (d: Direction): Direction => (reversed ? reverse(d) : d);
    const matches = suffix.every((field, i) => {
      const order = orders[i];
      return (
        order !== undefined &&
        field.order !== undefined &&
        canonicalPath(field.fieldPath) === canonicalPath(order.fieldPath) &&
        flip(field.order) === order.direction
      );
    });
    if (!matches || flip(nameDirection) !== need.nameDirection) continue;
    const covered = new Set<string>();
    for (const field of fields.slice(0, prefixLength)) {
      const kind = field.arrayConfig === "CONTAINS" ? "contains" : "value";
      const key = `${kind}:${canonicalPath(field.fieldPath)}`;
      if (!need.equalities.some((l) => `${l.kind}:${canonicalPath(l.fieldPath)}` === key))
        return undefined;
      covered.add(key);
    }
    return covered;
  }
  return undefined;
}

// Protobuf encoding of google.firestore.admin.v1.Index / Field, which the console's create links carry.
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function bytesField(tag: number, bytes: number[]): number[] {
  return [(tag << 3) | 2, ...varint(bytes.length), ...bytes];
}

function stringField(tag: number, text: string): number[] {
  return bytesField(tag, [...Buffer.from(text, "utf8")]);
}

function enumField(tag: number, value: number): number[] {
  return [tag << 3, ...varint(value)];
}

function encodeIndex(name: string, scope: QueryScope, fields: IndexField[]): number[] {
  const out = [...stringField(1, name), ...enumField(2, scope === "COLLECTION" ? 1 : 2)];
  for (const field of fields) {
    const mode =
      field.arrayConfig === "CONTAINS"
        ? enumField(3, 1)
        : enumField(2, field.order === "DESCENDING" ? 2 : 1);
    out.push(...bytesField(3, [...stringField(1, field.fieldPath), ...mode]));
  }
  return out;
}

function base64Url(bytes: number[]): string {
  return Buffer.from(bytes).toString("base64url");
}

export interface IndexLocation {
  projectId: string;
  databaseId: string;
}

function consoleBase({ projectId, databaseId }: IndexLocation): string {
  const database = databaseId === "(default)" ? "" : `/databases/${databaseId}`;
  return `https://console.firebase.google.com/v1/r/project/${projectId}/firestore${database}/indexes`;
}

function collectionGroupName(location: IndexLocation, collectionGroup: string): string {
  return `projects/${location.projectId}/databases/${location.databaseId}/collectionGroups/${collectionGroup}`;
}

/** The console link production puts in its "requires an index" message. */
export function compositeIndexUrl(location: IndexLocation, index: CompositeIndex): string {
  const name = `${collectionGroupName(location, index.collectionGroup)}/indexes/_`;
  return `${consoleBase(location)}?create_composite=${base64Url(encodeIndex(name, index.queryScope, index.fields))}`;
}

function exemptionUrl(
  location: IndexLocation,
  collectionGroup: string,
  fieldPath: string,
  index: SingleFieldIndex,
): string {
  const name = `${collectionGroupName(location, collectionGroup)}/fields/${fieldPath}`;
  const config = bytesField(
    1,
    encodeIndex("", index.queryScope, [{ fieldPath, ...index }]).slice(2),
  );
  return `${consoleBase(location)}?create_exemption=${base64Url([...stringField(1, name), ...bytesField(2, config)])}`;
}

function parseParent(parent: string): IndexLocation {
  const match = /^projects\/([^/]+)\/databases\/([^/]+)\/documents(?:\/|$)/.exec(parent);
  if (match === null) throw new FirestoreError("INVALID_ARGUMENT", `Invalid parent: ${parent}`);
  return { projectId: match[1] ?? "", databaseId: match[2] ?? "" };
}

/** An index a query reads: a composite index, a single-field one, or the documents' names alone. */
export interface IndexUsed {
  queryScope: QueryScope;
  fields: IndexField[];
}

/** How one requirement is served: the indexes it reads, or the error production would give. */
interface Plan {
  used: IndexUsed[];
  error?: FirestoreError;
}

function singleFieldUse(fieldPath: string, index: SingleFieldIndex): IndexUsed {
  // A single-field index orders its entries by document name after the value, in the value's direction.
  const nameOrder: Direction = index.order ?? "ASCENDING";
  const field: IndexField =
    index.arrayConfig === "CONTAINS"
      ? { fieldPath, arrayConfig: "CONTAINS" }
      : { fieldPath, order: nameOrder };
  return {
    queryScope: index.queryScope,
    fields: [field, { fieldPath: NAME_FIELD, order: nameOrder }],
  };
}

/**
 * An index as Query Explain's `indexes_used` names it, e.g.
 * `{query_scope: "Collection", properties: "(foo ASC, __name__ ASC)"}`; an index that does not end
 * with `__name__` ends with it implicitly, in its last field's direction.
 */
export function describeIndex(index: IndexUsed): { query_scope: string; properties: string } {
  const fields = [...index.fields];
  const last = fields.at(-1);
  if (last === undefined || canonicalPath(last.fieldPath) !== NAME_FIELD)
    fields.push({ fieldPath: NAME_FIELD, order: last?.order ?? "ASCENDING" });
  const properties = fields.map((field) => {
    const path = formatFieldPath(parseFieldPath(field.fieldPath));
    const mode =
      field.arrayConfig === "CONTAINS" ? "CONTAINS" : field.order === "DESCENDING" ? "DESC" : "ASC";
    return `${path} ${mode}`;
  });
  return {
    query_scope: index.queryScope === "COLLECTION" ? "Collection" : "Collection Group",
    properties: `(${properties.join(", ")})`,
  };
}

export interface IndexEnforcerOptions {
  /** Off: every query runs, as the Java emulator behaves. */
  enforce?: boolean;
}

/**
 * Refuses queries production would refuse for want of an index: composite indexes from the file;
 * single-field indexes automatic at collection scope, absent at collection-group scope, and as
 * `fieldOverrides` redefine them.
 */
export class IndexEnforcer implements QueryGate {
  readonly enforce: boolean;

  constructor(
    private readonly file: IndexesFile,
    options: IndexEnforcerOptions = {},
  ) {
    this.enforce = options.enforce ?? true;
  }

  check(parent: string, query: StructuredQuery): void {
    if (!this.enforce) return;
    const error = this.missingIndex(parent, query);
    if (error !== undefined) throw error;
  }

  /** The FAILED_PRECONDITION production would answer with, or undefined when the query is served. */
  missingIndex(parent: string, query: StructuredQuery): FirestoreError | undefined {
    for (const plan of this.plans(parent, query)) {
      if (plan.error !== undefined) return plan.error;
    }
    return undefined;
  }

  /**
   * The indexes the query is served from, as Query Explain lists them (`indexes_used`). A query
   * that lacks its index (enforcement off) lists the index it needs, the one the error would name.
   */
  indexesUsed(parent: string, query: StructuredQuery): IndexUsed[] {
    const used = new Map<string, IndexUsed>();
    for (const plan of this.plans(parent, query)) {
      for (const index of plan.used) {
        const described = describeIndex(index);
        used.set(`${described.query_scope}${described.properties}`, index);
      }
    }
    return [...used.values()];
  }

  private plans(parent: string, query: StructuredQuery): Plan[] {
    const source = query.from?.[0];
    const collectionGroup = source?.collectionId ?? "";
    if (collectionGroup === "") return [];
    const scope: QueryScope = source?.allDescendants === true ? "COLLECTION_GROUP" : "COLLECTION";
    const location = parseParent(parent);
    return requirements(query).map((need) => this.plan(location, collectionGroup, scope, need));
  }

  private singleFieldIndexes(collectionGroup: string, fieldPath: string): SingleFieldIndex[] {
    // An override on a map field or on `*` applies to everything beneath it unless a deeper one says otherwise.
    const path = parseFieldPath(fieldPath);
    for (let length = path.length; length >= 0; length--) {
      const prefix = length === 0 ? "*" : path.slice(0, length).join("\u0000");
      const override = this.file.fieldOverrides.find(
        (o) =>
          o.collectionGroup === collectionGroup &&
          (o.fieldPath === "*" ? "*" : canonicalPath(o.fieldPath)) === prefix,
      );
      if (override !== undefined) return override.indexes;
    }
    return [
      { queryScope: "COLLECTION", order: "ASCENDING" },
      { queryScope: "COLLECTION", order: "DESCENDING" },
      { queryScope: "COLLECTION", arrayConfig: "CONTAINS" },
    ];
  }

  private singleField(
    location: IndexLocation,
    collectionGroup: string,
    scope: QueryScope,
    fieldPath: string,
    wanted: SingleFieldIndex,
  ): FirestoreError | undefined {
    const available = this.singleFieldIndexes(collectionGroup, fieldPath).filter(
      (i) => i.queryScope === scope,
    );
    const served =
      wanted.arrayConfig === "CONTAINS"
        ? available.some((i) => i.arrayConfig === "CONTAINS")
        : available.some((i) => i.order !== undefined);
    if (served) return undefined;
    const mode =
      wanted.arrayConfig === "CONTAINS"
        ? "ARRAY_CONTAINS"
        : wanted.order === "DESCENDING"
          ? "DESC"
          : "ASC";
    const field = formatFieldPath(parseFieldPath(fieldPath));
    return new FirestoreError(
      "FAILED_PRECONDITION",
      `The query requires a ${scope}_${mode} index for collection ${collectionGroup} and field ${field}. ` +
        `You can create it here: ${exemptionUrl(location, collectionGroup, field, wanted)}`,
    );
  }

  private plan(
    location: IndexLocation,
    collectionGroup: string,
    scope: QueryScope,
    need: Requirement,
  ): Plan {
    const [only] = need.orders;
    const singleFieldOnly =
      need.orders.length === 0 ||
      (need.orders.length === 1 &&
        need.equalities.length === 0 &&
        only?.direction === need.nameDirection);
    if (singleFieldOnly) {
      // Equalities merge over single-field indexes, each already ordered by document name.
      const used: IndexUsed[] = [];
      const wanted: Array<{ fieldPath: string; index: SingleFieldIndex }> = need.equalities.map(
        (leaf) => ({
          fieldPath: leaf.fieldPath,
          index:
            leaf.kind === "contains"
              ? { queryScope: scope, arrayConfig: "CONTAINS" }
              : { queryScope: scope, order: "ASCENDING" },
        }),
      );
      if (only !== undefined)
        wanted.push({
          fieldPath: only.fieldPath,
          index: { queryScope: scope, order: only.direction },
        });
      for (const { fieldPath, index } of wanted) {
        used.push(singleFieldUse(fieldPath, index));
        const error = this.singleField(location, collectionGroup, scope, fieldPath, index);
        if (error !== undefined) return { used, error };
      }
      // Nothing to filter or order by: the scan runs over the documents' names alone.
      if (used.length === 0)
        used.push({
          queryScope: scope,
          fields: [{ fieldPath: NAME_FIELD, order: need.nameDirection }],
        });
      return { used };
    }
    const wantedKeys = new Set(
      need.equalities.map((l) => `${l.kind}:${canonicalPath(l.fieldPath)}`),
    );
    const covered = new Set<string>();
    const used: IndexUsed[] = [];
    for (const index of this.file.indexes) {
      if (index.collectionGroup !== collectionGroup || index.queryScope !== scope) continue;
      const keys = covers(index, need);
      if (keys === undefined) continue;
      if (need.equalities.length === 0) return { used: [index] };
      // Indexes that add no equality another one already serves take no part in the merge.
      if ([...keys].some((key) => !covered.has(key))) {
        used.push(index);
        for (const key of keys) covered.add(key);
      }
    }
    if (need.equalities.length > 0 && [...wantedKeys].every((key) => covered.has(key)))
      return { used };
    const suggested: CompositeIndex = {
      collectionGroup,
      queryScope: scope,
      fields: [
        ...need.equalities.map((l): IndexField =>
          l.kind === "contains"
            ? { fieldPath: formatFieldPath(parseFieldPath(l.fieldPath)), arrayConfig: "CONTAINS" }
            : { fieldPath: formatFieldPath(parseFieldPath(l.fieldPath)), order: "ASCENDING" },
        ),
        ...need.orders.map((o): IndexField => ({
          fieldPath: formatFieldPath(parseFieldPath(o.fieldPath)),
          order: o.direction,
        })),
        { fieldPath: NAME_FIELD, order: need.nameDirection },
      ],
    };
    return {
      used: [suggested],
      error: new FirestoreError(
        "FAILED_PRECONDITION",
        `The query requires an index. You can create it here: ${compositeIndexUrl(location, suggested)}`,
      ),
    };
  }
}
