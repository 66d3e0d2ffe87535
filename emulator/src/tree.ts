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
  for (const key of childKeys(node)) out[key] = plainValue(node[key] ?? null);
  return out;
}
