import { FirestoreError, invalidArgument } from "./errors.js";
import { checkDocumentName, type DocumentStore, type StoredDocument } from "./store.js";
import type { AppliedDocumentWrite } from "./write-stats.js";
import {
  cloneFields,
  cloneValue,
  deleteField,
  documentNameSize,
  emptyFields,
  extremumValue,
  fieldsIdentical,
  fieldsSize,
  formatTimestamp,
  getField,
  incrementValue,
  isVector,
  MAX_DEPTH,
  nestingDepth,
  normalizeFields,
  normalizeValue,
  parseFieldPath,
  parseTimestamp,
  setField,
  valuesEquivalent,
  vectorOf,
  type Fields,
  type Value,
} from "./values.js";

/** `google.firestore.v1.DocumentTransform.FieldTransform` in protobuf JSON. */
export interface FieldTransform {
  fieldPath: string;
  setToServerValue?: "REQUEST_TIME" | "SERVER_VALUE_UNSPECIFIED";
  increment?: Value;
  maximum?: Value;
  minimum?: Value;
  appendMissingElements?: { values?: Value[] };
  removeAllFromArray?: { values?: Value[] };
}

export interface Precondition {
  exists?: boolean;
  updateTime?: string;
}

/** `google.firestore.v1.Write` in protobuf JSON. */
export interface Write {
  update?: { name: string; fields?: Fields; createTime?: string; updateTime?: string };
  delete?: string;
  transform?: { document: string; fieldTransforms?: FieldTransform[] };
  updateMask?: { fieldPaths?: string[] };
  updateTransforms?: FieldTransform[];
  currentDocument?: Precondition;
}

export interface WriteResult {
  /** Absent after a delete, as in production. */
  updateTime?: string;
  transformResults?: Value[];
}

export interface CommitResponse {
  commitTime: string;
  writeResults: WriteResult[];
}

export interface CommitOptions {
  /** `projects/{p}/databases/{d}`: every written document must belong to it. */
  database?: string;
}

type TransformOp =
  | { kind: "serverTime" }
  | { kind: "increment" | "maximum" | "minimum"; operand: Value }
  | { kind: "append" | "remove"; elements: Value[] };

interface ParsedTransform {
  path: string[];
  op: TransformOp;
}

/** A write checked and normalised, ready to apply to any state of its document. */
export interface PreparedWrite {
  name: string;
  kind: "update" | "delete" | "transform";
  fields: Fields;
  mask: string[][] | undefined;
  transforms: ParsedTransform[];
  precondition: { exists: boolean } | { updateTime: bigint } | undefined;
}

const RESERVED = /^__.*__$/;

function checkFieldNames(fields: Fields, where: string): void {
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    // A vector's map is the one place reserved names are data; any other `__type__` map is refused.
    if (value !== undefined && isVector(value)) {
      if (vectorOf(value) === undefined)
        throw invalidArgument(
          `Invalid vector value in ${where}: a vector is a map of exactly "__type__": "__vector__" and "value", an array of doubles.`,
        );
      continue;
    }
    if (RESERVED.test(key)) {
      throw invalidArgument(
        `Invalid field name "${key}" in ${where}: names matching __.*__ are reserved.`,
      );
    }
    if (value !== undefined && "mapValue" in value && value.mapValue.fields !== undefined) {
      checkFieldNames(value.mapValue.fields, where);
    }
  }
}

function parseWritePath(path: string): string[] {
  const segments = parseFieldPath(path);
  if (segments.some((s) => RESERVED.test(s))) {
    throw invalidArgument(`Invalid field path "${path}": names matching __.*__ are reserved.`);
  }
  return segments;
}

function parseTransform(raw: FieldTransform): ParsedTransform {
  const path = parseWritePath(raw.fieldPath);
  const set = [
    raw.setToServerValue !== undefined,
    raw.increment !== undefined,
    raw.maximum !== undefined,
    raw.minimum !== undefined,
    raw.appendMissingElements !== undefined,
    raw.removeAllFromArray !== undefined,
  ].filter(Boolean).length;
  if (set !== 1)
    throw invalidArgument(
      `A field transform must have exactly one transform type: ${raw.fieldPath}`,
    );
  const numeric = (kind: "increment" | "maximum" | "minimum", value: Value): ParsedTransform => {
    const operand = normalizeValue(value);
    if (!("integerValue" in operand) && !("doubleValue" in operand)) {
      throw invalidArgument(
        `The ${kind} transform of ${raw.fieldPath} must be an integer or a double.`,
      );
    }
    return { path, op: { kind, operand } };
  };
  if (raw.setToServerValue !== undefined) {
    if (raw.setToServerValue !== "REQUEST_TIME") {
      throw invalidArgument(
        `Unsupported server value for ${raw.fieldPath}: ${raw.setToServerValue}`,
      );
    }
    return { path, op: { kind: "serverTime" } };
  }
  if (raw.increment !== undefined) return numeric("increment", raw.increment);
  if (raw.maximum !== undefined) return numeric("maximum", raw.maximum);
  if (raw.minimum !== undefined) return numeric("minimum", raw.minimum);
  const append = raw.appendMissingElements;
  const list = append ?? raw.removeAllFromArray;
  const elements = (list?.values ?? []).map((v) => normalizeValue(v));
  if (elements.some((v) => "arrayValue" in v)) {
    throw invalidArgument(`Array transforms of ${raw.fieldPath} cannot contain arrays.`);
  }
  return { path, op: { kind: append !== undefined ? "append" : "remove", elements } };
}

function parsePrecondition(raw: Precondition | undefined): PreparedWrite["precondition"] {
  if (raw === undefined) return undefined;
  if (raw.exists !== undefined && raw.updateTime !== undefined) {
    throw invalidArgument("A precondition can set either exists or updateTime, not both.");
  }
  if (raw.exists !== undefined) return { exists: raw.exists };
  if (raw.updateTime !== undefined) return { updateTime: parseTimestamp(raw.updateTime) };
  return undefined;
}

function checkDatabase(name: string, options: CommitOptions): void {
  checkDocumentName(name);
  if (options.database !== undefined && !name.startsWith(`${options.database}/documents/`)) {
    throw invalidArgument(`Document ${name} is not in database ${options.database}.`);
  }
}

/** Checks one write's shape, names, field paths and values; throws INVALID_ARGUMENT. */
export function prepareWrite(write: Write, options: CommitOptions = {}): PreparedWrite {
  const operations = [write.update, write.delete, write.transform].filter((o) => o !== undefined);
  if (operations.length !== 1)
    throw invalidArgument("A write must have exactly one operation: update, delete or transform.");
  const precondition = parsePrecondition(write.currentDocument);
  if (
    write.update === undefined &&
    (write.updateMask !== undefined || write.updateTransforms !== undefined)
  ) {
    throw invalidArgument("updateMask and updateTransforms can only be used with an update.");
  }
  if (write.delete !== undefined) {
    checkDatabase(write.delete, options);
    return {
      name: write.delete,
      kind: "delete",
      fields: emptyFields(),
      mask: undefined,
      transforms: [],
      precondition,
    };
  }
  if (write.transform !== undefined) {
    checkDatabase(write.transform.document, options);
    const transforms = (write.transform.fieldTransforms ?? []).map(parseTransform);
    if (transforms.length === 0)
      throw invalidArgument("A transform write must have at least one field transform.");
    return {
      name: write.transform.document,
      kind: "transform",
      fields: emptyFields(),
      mask: undefined,
      transforms,
      precondition,
    };
  }
  const update = write.update;
  if (update === undefined) throw invalidArgument("A write must have an operation.");
  checkDatabase(update.name, options);
  const fields = normalizeFields(update.fields ?? {});
  checkFieldNames(fields, update.name);
  const mask =
    write.updateMask === undefined
      ? undefined
      : (write.updateMask.fieldPaths ?? []).map(parseWritePath);
  const transforms = (write.updateTransforms ?? []).map(parseTransform);
  return { name: update.name, kind: "update", fields, mask, transforms, precondition };
}

function describeVersion(time: bigint | undefined): string {
  return time === undefined ? "0" : (time / 1000n).toString();
}

/** Checks a precondition against the document's current state; throws production's codes. */
export function checkPrecondition(write: PreparedWrite, current: StoredDocument | undefined): void {
  const condition = write.precondition;
  if (condition === undefined) return;
  if ("exists" in condition) {
    if (condition.exists && current === undefined) {
      throw new FirestoreError("NOT_FOUND", `No document to update: ${write.name}`);
    }
    if (!condition.exists && current !== undefined) {
      throw new FirestoreError("ALREADY_EXISTS", `Document already exists: ${write.name}`);
    }
    return;
  }
  if (current?.updateTime !== condition.updateTime) {
    throw new FirestoreError(
      "FAILED_PRECONDITION",
      `the stored version (${describeVersion(current?.updateTime)}) does not match the required base version (${describeVersion(condition.updateTime)})`,
    );
  }
}

export const MAX_DOCUMENT_SIZE = 1_048_576;

/** The size and depth limits production enforces on the document a write would leave. */
function checkDocumentLimits(name: string, fields: Fields): void {
  const size = documentNameSize(name) + fieldsSize(fields) + 32;
  if (size > MAX_DOCUMENT_SIZE) {
    throw invalidArgument(
      `Document '${name}' cannot be written because its size (${size.toLocaleString("en-US")} bytes) exceeds the maximum allowed size of ${MAX_DOCUMENT_SIZE.toLocaleString("en-US")} bytes.`,
    );
  }
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value !== undefined && 1 + nestingDepth(value) > MAX_DEPTH) {
      throw invalidArgument(
        `Document '${name}' has a field nested deeper than ${MAX_DEPTH} levels: ${key}`,
      );
    }
  }
}

function arrayElements(v: Value | undefined): Value[] {
  return v !== undefined && "arrayValue" in v ? (v.arrayValue.values ?? []) : [];
}

function applyTransform(fields: Fields, transform: ParsedTransform, time: bigint): Value {
  const current = getField(fields, transform.path);
  const op = transform.op;
  let next: Value;
  switch (op.kind) {
    case "serverTime":
      next = { timestampValue: formatTimestamp(time) };
      break;
    case "increment":
      next = incrementValue(current, op.operand);
      break;
    case "maximum":
    case "minimum":
      next = extremumValue(current, op.operand, op.kind);
      break;
    case "append": {
      const values = arrayElements(current).map(cloneValue);
      for (const element of op.elements) {
        if (!values.some((v) => valuesEquivalent(v, element))) values.push(cloneValue(element));
      }
      next = { arrayValue: { values } };
      break;
    }
    case "remove": {
      const values = arrayElements(current).filter(
        (v) => !op.elements.some((e) => valuesEquivalent(v, e)),
      );
      next = { arrayValue: { values: values.map(cloneValue) } };
      break;
    }
  }
  setField(fields, transform.path, next);
  // Array transforms report null; the others report the value they stored.
  return op.kind === "append" || op.kind === "remove" ? { nullValue: null } : cloneValue(next);
}

export interface AppliedWrite {
  /** The document after the write; null after a delete. */
  doc: StoredDocument | null;
  result: WriteResult;
  /** False when the write left an existing document as it was (its update time stays). */
  changed: boolean;
}

/** Applies one prepared write to `current` at commit time `time`, without touching any store. */
export function applyWrite(
  write: PreparedWrite,
  current: StoredDocument | undefined,
  time: bigint,
): AppliedWrite {
  checkPrecondition(write, current);
  if (write.kind === "delete") return { doc: null, result: {}, changed: current !== undefined };
  let fields: Fields;
  if (write.kind === "update" && write.mask === undefined) {
    fields = cloneFields(write.fields);
  } else {
    fields = cloneFields(current?.fields);
    for (const path of write.mask ?? []) {
      const value = getField(write.fields, path);
      if (value === undefined) deleteField(fields, path);
      else setField(fields, path, cloneValue(value));
    }
  }
  const transformResults = write.transforms.map((t) => applyTransform(fields, t, time));
  const result: WriteResult = write.transforms.length > 0 ? { transformResults } : {};
  if (current !== undefined && fieldsIdentical(current.fields, fields)) {
    result.updateTime = formatTimestamp(current.updateTime);
    return { doc: current, result, changed: false };
  }
  checkDocumentLimits(write.name, fields);
  const doc: StoredDocument = {
    name: write.name,
    fields,
    createTime: current?.createTime ?? time,
    updateTime: time,
  };
  result.updateTime = formatTimestamp(time);
  return { doc, result, changed: true };
}

/**
 * Runs prepared writes in order against the store's current state plus the writes before them,
 * returning the changes to apply; throws (having changed nothing) if any write fails.
 */
export function planWrites(
  store: DocumentStore,
  writes: readonly PreparedWrite[],
  time: bigint,
): {
  changes: Map<string, StoredDocument | null>;
  results: WriteResult[];
  applied: AppliedDocumentWrite[];
} {
  const changes = new Map<string, StoredDocument | null>();
  const results: WriteResult[] = [];
  const appliedWrites: AppliedDocumentWrite[] = [];
  for (const write of writes) {
    const staged = changes.get(write.name);
    const current = staged === undefined ? store.get(write.name) : (staged ?? undefined);
    const applied = applyWrite(write, current, time);
    if (applied.changed) changes.set(write.name, applied.doc);
    results.push(applied.result);
    appliedWrites.push({ name: write.name, changed: applied.changed });
  }
  return { changes, results, applied: appliedWrites };
}

/**
 * Commits writes atomically: every write is checked and applied in order against the state the
 * writes before it left, and either all of them land at one commit time or none does.
 */
export function commit(
  store: DocumentStore,
  writes: readonly Write[],
  options: CommitOptions = {},
): CommitResponse {
  const prepared = writes.map((w) => prepareWrite(w, options));
  const time = store.nextCommitTime();
  const { changes, results } = planWrites(store, prepared, time);
  store.apply(changes, time);
  return { commitTime: formatTimestamp(time), writeResults: results };
}
