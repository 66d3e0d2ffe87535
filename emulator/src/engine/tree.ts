/**
 * The stored form of a database tree: normalised JSON in the Realtime Database export format.
 *
 * - A leaf is a string, a number or a boolean.
 * - A leaf with a priority is `{".value": leaf, ".priority": p}`.
 * - An object node maps child keys to nodes and may hold `".priority"`.
 * - `null` is the empty node. A normalised tree never contains `null` children or empty objects.
 *
 * Nodes are immutable: every write builds new objects along the written path and shares the rest,
 * so a snapshot of the root taken before a write (rules' `root`/`data`, triggers' "before") stays valid.
 * The export format is also the wire format, so a node can be pushed to clients as it is.
 */
import { InvalidPathError, invalidKeyReason } from "./path.js";

export type Leaf = string | number | boolean;
export type Priority = string | number;
export interface ObjectNode {
  readonly [key: string]: Node;
}
export type Node = null | Leaf | ObjectNode;

export const PRIORITY_KEY = ".priority";
export const VALUE_KEY = ".value";

export function isObjectNode(node: Node): node is ObjectNode {
  return node !== null && typeof node === "object";
}

/** True for `{".value": leaf, ".priority": p}`. */
export function isWrappedLeaf(node: Node): node is ObjectNode {
  return isObjectNode(node) && VALUE_KEY in node;
}

/** True when the node has children (an object that is not a wrapped leaf). */
export function hasChildren(node: Node): node is ObjectNode {
  return isObjectNode(node) && !(VALUE_KEY in node);
}

export function getPriority(node: Node): Priority | null {
  if (!isObjectNode(node)) return null;
  const priority = node[PRIORITY_KEY];
  return typeof priority === "string" || typeof priority === "number" ? priority : null;
}

/** The leaf value of a leaf node (wrapped or not), or null for objects and the empty node. */
export function leafValue(node: Node): Leaf | null {
  if (node === null) return null;
  if (!isObjectNode(node)) return node;
  const value = node[VALUE_KEY];
  return value === undefined || isObjectNode(value) ? null : value;
}

/** Child keys in insertion order, without `.priority`/`.value`. Sort with `nameCompare` when order matters. */
export function childKeys(node: Node): string[] {
  if (!hasChildren(node)) return [];
  return Object.keys(node).filter((key) => key !== PRIORITY_KEY);
}

export function child(node: Node, key: string): Node {
  if (key === PRIORITY_KEY) return getPriority(node);
  if (!hasChildren(node)) return null;
  return Object.prototype.hasOwnProperty.call(node, key) ? (node[key] ?? null) : null;
}

export function getAt(node: Node, path: readonly string[]): Node {
  let current = node;
  for (const key of path) {
    if (current === null) return null;
    current = child(current, key);
  }
  return current;
}

/** The value without priorities, as `val()` returns it (objects stay objects; no array conversion). */
export function plainValue(node: Node): unknown {
  if (!isObjectNode(node)) return node;
  if (VALUE_KEY in node) return node[VALUE_KEY];
  const out: Record<string, unknown> = {};
  // defineProperty, not assignment: `__proto__` is a valid database key.
  for (const key of childKeys(node)) {
    Object.defineProperty(out, key, {
      value: plainValue(node[key] ?? null),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Raw data that cannot be stored: the message says what and where. */
export class InvalidDataError extends Error {
  override name = "InvalidDataError";
}

/** Production's limits (Firebase "Realtime Database limits"): nesting depth and string size. */
export const MAX_DEPTH = 32;
export const MAX_STRING_BYTES = 10 * 1024 * 1024;

const SERVER_VALUE_KEY = ".sv";

/**
 * Converts raw JSON (a wire `d`, a REST body, an import) into a normalised node: arrays become
 * integer-keyed objects, nulls and empty objects vanish recursively, priorities move into the
 * export-format wrappers. Server values must be resolved first (`resolveServerValues`).
 * Throws InvalidDataError for anything production would reject.
 */
export function normalize(input: unknown): Node {
  return normalizeValue(input, []);
}

function normalizeValue(value: unknown, path: string[]): Node {
  if (path.length > MAX_DEPTH && value !== null) {
    throw dataError(path, `data nested more than ${MAX_DEPTH} levels deep`);
  }
  switch (typeof value) {
    case "string":
      if (value.length * 3 > MAX_STRING_BYTES && Buffer.byteLength(value) > MAX_STRING_BYTES) {
        throw dataError(path, `a string longer than ${MAX_STRING_BYTES} bytes`);
      }
      return value;
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw dataError(path, `the number ${value}`);
      return value;
    case "object":
      if (value === null) return null;
      if (Array.isArray(value)) return normalizeArray(value, path);
      if (!isPlainObject(value)) throw dataError(path, "a value that is not JSON");
      return normalizeObject(value, path);
    default:
      throw dataError(path, `a value of type ${typeof value}, which is not JSON`);
  }
}

function normalizeArray(items: readonly unknown[], path: string[]): Node {
  let out: Record<string, Node> | null = null;
  for (let index = 0; index < items.length; index++) {
    const key = String(index);
    path.push(key);
    const normalized = normalizeValue(items[index], path);
    path.pop();
    if (normalized === null) continue;
    out ??= {};
    out[key] = normalized;
  }
  return out;
}

function normalizeObject(raw: Readonly<Record<string, unknown>>, path: string[]): Node {
  if (hasOwn(raw, SERVER_VALUE_KEY)) {
    throw dataError(path, 'an unresolved server value (".sv")');
  }
  const priority = hasOwn(raw, PRIORITY_KEY) ? normalizePriority(raw[PRIORITY_KEY], path) : null;
  if (hasOwn(raw, VALUE_KEY)) {
    for (const key of Object.keys(raw)) {
      if (key !== VALUE_KEY && key !== PRIORITY_KEY) {
        throw dataError(path, `a ".value" key beside the child "${key}"`);
      }
    }
    return withPriority(normalizeValue(raw[VALUE_KEY], path), priority);
  }
  let out: Record<string, Node> | null = null;
  for (const key of Object.keys(raw)) {
    if (key === PRIORITY_KEY) continue;
    const reason = invalidKeyReason(key);
    if (reason !== null) throw dataError(path, reason);
    path.push(key);
    const normalized = normalizeValue(raw[key], path);
    path.pop();
    if (normalized === null) continue;
    out ??= {};
    assignOwn(out, key, normalized);
  }
  if (out === null) return null;
  if (priority !== null) out[PRIORITY_KEY] = priority;
  return out;
}

function normalizePriority(raw: unknown, path: string[]): Priority | null {
  if (raw === null || typeof raw === "string") return raw;
  if (typeof raw === "number" && Number.isFinite(raw)) return raw;
  const shown =
    isPlainObject(raw) && hasOwn(raw, SERVER_VALUE_KEY)
      ? "an unresolved server value"
      : typeof raw === "boolean" || typeof raw === "number"
        ? String(raw)
        : `of type ${Array.isArray(raw) ? "array" : typeof raw}`;
  throw dataError(
    [...path, PRIORITY_KEY],
    `the priority ${shown}; a priority must be a string, a finite number or null`,
  );
}

function dataError(path: readonly string[], what: string): InvalidDataError {
  return new InvalidDataError(`Invalid data at /${path.join("/")}: contains ${what}`);
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (value === null || typeof value !== "object") return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** `target[key] = value`, except that a child named "__proto__" becomes an own property. */
function assignOwn(target: Record<string, Node>, key: string, value: Node): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** The node with its priority replaced (null removes it). The empty node cannot hold one. */
export function withPriority(node: Node, priority: Priority | null): Node {
  if (node === null) return null;
  if (!isObjectNode(node)) {
    return priority === null ? node : { [VALUE_KEY]: node, [PRIORITY_KEY]: priority };
  }
  if (getPriority(node) === priority) return node;
  // Not `isWrappedLeaf`: its type guard would narrow the object case below to `never`.
  if (VALUE_KEY in node) {
    const value = leafValue(node);
    if (value === null) return null;
    return priority === null ? value : { [VALUE_KEY]: value, [PRIORITY_KEY]: priority };
  }
  if (priority !== null) return { ...node, [PRIORITY_KEY]: priority };
  const out: Record<string, Node> = {};
  for (const key of childKeys(node)) assignOwn(out, key, node[key] ?? null);
  return out;
}

/**
 * The tree with `value` stored at `path`, sharing every untouched subtree with `root`.
 * A path ending in `.priority` sets the priority of its parent. Writing below a leaf turns the
 * leaf into an object that keeps the leaf's priority; removing the last child of a node removes
 * the node too, all the way up.
 */
export function setAt(root: Node, path: readonly string[], value: Node): Node {
  const last = path.length - 1;
  if (last >= 0 && path[last] === PRIORITY_KEY) {
    const priority = priorityFromNode(value);
    return replaceAt(root, path, 0, last, (node) => withPriority(node, priority));
  }
  return replaceAt(root, path, 0, path.length, () => value);
}

function priorityFromNode(value: Node): Priority | null {
  if (value === null || typeof value === "string" || typeof value === "number") return value;
  throw new InvalidDataError(
    `Invalid priority ${JSON.stringify(value)}: a priority must be a string, a finite number or null`,
  );
}

function replaceAt(
  node: Node,
  path: readonly string[],
  depth: number,
  end: number,
  replace: (current: Node) => Node,
): Node {
  if (depth === end) return replace(node);
  const key = path[depth] ?? "";
  if (key === PRIORITY_KEY || key === VALUE_KEY) {
    throw new InvalidPathError(`Invalid path /${path.join("/")}: "${key}" can only end a path`);
  }
  const current = child(node, key);
  const updated = replaceAt(current, path, depth + 1, end, replace);
  return updated === current ? node : withChild(node, key, updated);
}

/** The node with one child replaced (null removes it); see `setAt` for leaves and collapsing. */
export function withChild(node: Node, key: string, childNode: Node): Node {
  if (!hasChildren(node)) {
    if (childNode === null) return node;
    const out: Record<string, Node> = {};
    assignOwn(out, key, childNode);
    const priority = getPriority(node);
    if (priority !== null) out[PRIORITY_KEY] = priority;
    return out;
  }
  if (childNode !== null) return { ...node, [key]: childNode };
  if (!Object.prototype.hasOwnProperty.call(node, key)) return node;
  const out: Record<string, Node> = {};
  let remaining = 0;
  for (const existing of Object.keys(node)) {
    if (existing === key) continue;
    if (existing !== PRIORITY_KEY) remaining++;
    assignOwn(out, existing, node[existing] ?? null);
  }
  return remaining === 0 ? null : out;
}

/**
 * Applies a multi-location update (wire `m`, REST PATCH) under `base` as one write: each
 * `[relativePath, value]` is set in order, and the result replaces the subtree in one step.
 */
export function updateAt(
  root: Node,
  base: readonly string[],
  updates: ReadonlyArray<readonly [path: readonly string[], value: Node]>,
): Node {
  let subtree = getAt(root, base);
  for (const [path, value] of updates) subtree = setAt(subtree, path, value);
  return setAt(root, base, subtree);
}

// Production's rule for showing an object as an array: all keys are canonical non-negative
// integers and more than half of the slots up to the largest key are filled.
const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

/** The value a REST GET returns without `format=export`: no priorities, sparse arrays restored. */
export function toRestValue(node: Node): unknown {
  if (!isObjectNode(node)) return node;
  if (VALUE_KEY in node) return leafValue(node);
  const keys = childKeys(node);
  let maxIndex = 0;
  let allIndexes = true;
  for (const key of keys) {
    if (!ARRAY_INDEX.test(key)) {
      allIndexes = false;
      break;
    }
    maxIndex = Math.max(maxIndex, Number(key));
  }
  if (allIndexes && maxIndex < 2 * keys.length) {
    const array: unknown[] = new Array<unknown>(maxIndex + 1).fill(null);
    for (const key of keys) array[Number(key)] = toRestValue(node[key] ?? null);
    return array;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = toRestValue(node[key] ?? null);
    if (key === "__proto__") {
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Size of the node's export-format JSON in UTF-8 bytes (write-size limits, `too_big`). */
export function byteSize(node: Node): number {
  return Buffer.byteLength(JSON.stringify(node), "utf8");
}
