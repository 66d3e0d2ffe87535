/**
 * Counts of the writes a namespace applied since the emulator started, kept so that a benchmark
 * can say what a scenario costs in database writes (`GET /.inspect/stats.json`). Counts only
 * grow: callers take deltas. Split by writer, because an Admin SDK write (a function) and a
 * client's write under the rules are different costs to reason about.
 */
import { sameNode } from "./listeners.js";
import { PRIORITY_KEY, getAt, hasChildren, type Node } from "./tree.js";
import type { WriteCounts } from "./types.js";

export function emptyCounts(): WriteCounts {
  return { requests: 0, paths: 0, leaves: 0, unchanged: 0, stale: 0 };
}

/** Leaf values in `node`: a leaf (or a deletion) is one; an object, the sum of its children. */
export function countLeaves(node: Node): number {
  if (!hasChildren(node)) return 1;
  let total = 0;
  for (const [key, value] of Object.entries(node)) {
    if (key === PRIORITY_KEY) continue;
    total += countLeaves(value);
  }
  return total;
}

/** Adds one applied write (`changed` paths, from `before` to `after`) to `counts`. */
export function recordCommit(
  counts: WriteCounts,
  before: Node,
  after: Node,
  changed: readonly (readonly string[])[],
): void {
  counts.requests++;
  counts.paths += changed.length;
  let same = true;
  for (const path of changed) {
    const written = getAt(after, path);
    counts.leaves += countLeaves(written);
    if (same && !sameNode(getAt(before, path), written)) same = false;
  }
  if (same) counts.unchanged++;
}
