/**
 * The orderings clients sort by (spec §4). They must equal the JS client's exactly: a query window
 * or a transaction hash computed in another order is a different window or hash.
 */
import { MAX_NAME, MIN_NAME, type QueryIndex } from "./types.js";
import { getAt, getPriority, hasChildren, leafValue, childKeys, type Node } from "./tree.js";

// Keys that look like 32-bit integers sort numerically; "-0", "007" and 10-digit strings match the
// pattern too, and the range check below keeps 2147483648 and beyond among the strings.
const INTEGER_KEY = /^-?(0*)\d{1,10}$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function int32Key(key: string): number | null {
  if (!INTEGER_KEY.test(key)) return null;
  const value = Number(key);
  return value >= INT32_MIN && value <= INT32_MAX ? value : null;
}

/**
 * Key order: MIN_NAME first, MAX_NAME last, then 32-bit-integer keys numerically (the shorter
 * string first on a tie such as "1" and "01"), then every other key by UTF-16 code units.
 */
export function nameCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (a === MIN_NAME || b === MAX_NAME) return -1;
  if (b === MIN_NAME || a === MAX_NAME) return 1;
  const aInt = int32Key(a);
  const bInt = int32Key(b);
  if (aInt !== null) {
    if (bInt === null) return -1;
    return aInt === bInt ? a.length - b.length : aInt - bInt;
  }
  if (bInt !== null) return 1;
  return a < b ? -1 : 1;
}

/** Rank of a node's type in value order: empty < false/true < numbers < strings < objects. */
function typeRank(value: string | number | boolean | null): number {
  switch (typeof value) {
    case "boolean":
      return 1;
    case "number":
      return 2;
    case "string":
      return 3;
    default:
      return 0;
  }
}

const OBJECT_RANK = 4;

/**
 * Orders two nodes as values (orderByValue, orderByChild, and priorities, which are leaves):
 * null < false < true < numbers < strings < objects. A leaf's priority is ignored, and all objects
 * tie with each other, exactly as in the client. Ties are left to the caller (broken by key).
 */
export function compareValues(a: Node, b: Node): number {
  const aValue = leafValue(a);
  const bValue = leafValue(b);
  const aRank = hasChildren(a) ? OBJECT_RANK : typeRank(aValue);
  const bRank = hasChildren(b) ? OBJECT_RANK : typeRank(bValue);
  if (aRank !== bRank) return aRank - bRank;
  if (aRank === OBJECT_RANK || aValue === null || bValue === null) return 0;
  if (aValue < bValue) return -1;
  return aValue === bValue ? 0 : 1;
}

/** Priority order (the default index): no priority < numbers < strings. */
export function comparePriorities(a: Node, b: Node): number {
  return compareValues(getPriority(a), getPriority(b));
}

/** The value a child is ordered by under `index` (the key index orders by name alone: null). */
export function indexValue(childNode: Node, index: QueryIndex): Node {
  switch (index.kind) {
    case "priority":
      return getPriority(childNode);
    case "value":
      return childNode;
    case "child":
      return getAt(childNode, index.path);
    case "key":
      return null;
  }
}

export type NamedChild = readonly [key: string, node: Node];

/** Compares two children under `index`, ties broken by key. */
export function compareChildren(index: QueryIndex, a: NamedChild, b: NamedChild): number {
  if (index.kind !== "key") {
    const byIndex = compareValues(indexValue(a[1], index), indexValue(b[1], index));
    if (byIndex !== 0) return byIndex;
  }
  return nameCompare(a[0], b[0]);
}

/** The node's children as [key, child] pairs in `index` order; none for leaves and the empty node. */
export function sortedChildren(node: Node, index: QueryIndex): NamedChild[] {
  if (!hasChildren(node)) return [];
  const keys = childKeys(node);
  if (index.kind === "key") {
    keys.sort(nameCompare);
    return keys.map((key) => [key, node[key] ?? null] as const);
  }
  // Extract each index value once rather than on every comparison.
  const entries = keys.map((key) => {
    const childNode = node[key] ?? null;
    return { key, node: childNode, value: indexValue(childNode, index) };
  });
  entries.sort((a, b) => compareValues(a.value, b.value) || nameCompare(a.key, b.key));
  return entries.map((entry) => [entry.key, entry.node] as const);
}
