/**
 * Listeners: what a listen registered (path, query, tag, auth, sink), the path trie that finds
 * the listeners a write touches, and the incremental window of a tagged query after a write.
 */
import { compareChildren, type NamedChild } from "./order.js";
import { applyQuery, loadsAllData } from "./query.js";
import {
  PRIORITY_KEY,
  child,
  childKeys,
  getAt,
  hasChildren,
  isObjectNode,
  type Node,
} from "./tree.js";
import type { AuthContext, QuerySpec } from "./types.js";

/** The body of a data push (`a:"d"` or `a:"m"`, spec §3.3); `p` has no leading slash. */
export interface PushBody {
  readonly p: string;
  readonly d: unknown;
  readonly t?: number;
}

/** Where a listener's pushes go; implemented by a session. */
export interface ListenerSink {
  push(action: "d" | "m", body: PushBody): void;
  /** The listen was revoked by a rules change (the listener is already removed). */
  revoked(): void;
}

export interface ListenRequest {
  readonly namespace: string;
  readonly path: readonly string[];
  /** Null for a default listen; a tagged listen filters by this query. */
  readonly query: QuerySpec | null;
  readonly tag?: number;
  /** The listener's current auth: sessions re-authenticate while listens stay registered. */
  readonly auth: () => AuthContext;
  readonly sink: ListenerSink;
}

export interface ListenerHandle {
  readonly namespace: string;
  readonly path: readonly string[];
  readonly query: QuerySpec | null;
  readonly tag: number | undefined;
}

export class Listener implements ListenerHandle {
  active = true;
  private key: string | undefined;
  constructor(
    readonly namespace: string,
    readonly path: readonly string[],
    readonly query: QuerySpec | null,
    readonly tag: number | undefined,
    readonly auth: () => AuthContext,
    readonly sink: ListenerSink,
    /** The last window sent to a tagged listener; identical results are not pushed again. */
    public lastResult: Node,
  ) {}

  /** The same for every listener of this query at this location (the query's window). */
  get windowKey(): string {
    this.key ??= `${this.namespace}\u0000${this.path.join("/")}\u0000${JSON.stringify(this.query)}`;
    return this.key;
  }
}

/** Listeners indexed by path, so a write finds its ancestors' and descendants' listeners directly. */
export class ListenerTrie {
  readonly here = new Set<Listener>();
  readonly children = new Map<string, ListenerTrie>();

  add(path: readonly string[], listener: Listener, depth = 0): void {
    const key = path[depth];
    if (key === undefined) {
      this.here.add(listener);
      return;
    }
    let next = this.children.get(key);
    if (next === undefined) {
      next = new ListenerTrie();
      this.children.set(key, next);
    }
    next.add(path, listener, depth + 1);
  }

  /** Removes the listener and prunes the branches left empty. */
  remove(path: readonly string[], listener: Listener, depth = 0): void {
    const key = path[depth];
    if (key === undefined) {
      this.here.delete(listener);
      return;
    }
    const next = this.children.get(key);
    if (next === undefined) return;
    next.remove(path, listener, depth + 1);
    if (next.here.size === 0 && next.children.size === 0) this.children.delete(key);
  }

  /** Adds every listener at, above or below `changed` to `into`, remembering the changed path. */
  collect(changed: readonly string[], into: Map<Listener, (readonly string[])[]>, depth = 0): void {
    const key = changed[depth];
    if (key === undefined) {
      this.addSubtree(changed, into);
      return;
    }
    this.addHere(changed, into);
    this.children.get(key)?.collect(changed, into, depth + 1);
  }

  private addHere(changed: readonly string[], into: Map<Listener, (readonly string[])[]>): void {
    for (const listener of this.here) {
      const paths = into.get(listener);
      if (paths === undefined) into.set(listener, [changed]);
      else paths.push(changed);
    }
  }

  private addSubtree(changed: readonly string[], into: Map<Listener, (readonly string[])[]>): void {
    this.addHere(changed, into);
    for (const next of this.children.values()) next.addSubtree(changed, into);
  }

  *all(): Generator<Listener> {
    yield* this.here;
    for (const next of this.children.values()) yield* next.all();
  }
}

/** Structural equality that short-circuits on shared subtrees (the common case between commits). */
export function sameNode(a: Node, b: Node): boolean {
  if (a === b) return true;
  if (!isObjectNode(a) || !isObjectNode(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!sameNode(a[key] ?? null, b[key] ?? null)) return false;
  }
  return true;
}

/**
 * What changed between two windows of a tagged query, child by child: each child that entered or
 * changed with its new value, each that left with null. Undefined when either window is not a set
 * of children (empty, a leaf, or a node with its own priority), which only a whole push can say.
 * Production sends a query's changes this way, so a client re-reads one call of a 100-call list,
 * not the whole list, when that call changes.
 */
export function windowDelta(previous: Node, next: Node): Record<string, Node> | undefined {
  if (!hasChildren(previous) || !hasChildren(next)) return undefined;
  if (PRIORITY_KEY in previous || PRIORITY_KEY in next) return undefined;
  const delta: Record<string, Node> = Object.create(null) as Record<string, Node>;
  for (const key of Object.keys(next)) {
    const value = next[key] ?? null;
    if (
      !Object.prototype.hasOwnProperty.call(previous, key) ||
      !sameNode(previous[key] ?? null, value)
    ) {
      delta[key] = value;
    }
  }
  for (const key of Object.keys(previous)) {
    if (!Object.prototype.hasOwnProperty.call(next, key)) delta[key] = null;
  }
  return delta;
}

/** Whether one child lies within the query's range (its limit aside). */
function inRange(query: QuerySpec, key: string, node: Node): boolean {
  const single: Record<string, Node> = Object.create(null) as Record<string, Node>;
  single[key] = node;
  return applyQuery(single, { ...query, limit: undefined }) !== null;
}

/**
 * The window of a tagged query after a change to a single child, derived from the previous window
 * without scanning the siblings: a write to one child of a long list (a chat with `limitToLast`)
 * then costs O(window) instead of a sort of the whole list. Undefined when only a full
 * recomputation can tell (several children changed, the parent itself changed, or the changed
 * child leaves a full window, which lets an unknown sibling in).
 */
export function updatedWindow(
  location: readonly string[],
  query: QuerySpec,
  previous: Node,
  after: Node,
  paths: readonly (readonly string[])[],
): Node | undefined {
  if (loadsAllData(query)) return undefined;
  let key: string | undefined;
  for (const path of paths) {
    const childKey = path[location.length];
    if (childKey === undefined || childKey === PRIORITY_KEY) return undefined;
    if (key !== undefined && key !== childKey) return undefined;
    key = childKey;
  }
  if (key === undefined || (previous !== null && !hasChildren(previous))) return undefined;
  const entries: NamedChild[] =
    previous === null ? [] : childKeys(previous).map((k) => [k, previous[k] ?? null]);
  const node = child(getAt(after, location), key);
  const changed: NamedChild = [key, node];
  const wasIn = entries.some(([k]) => k === key);
  const isIn = node !== null && inRange(query, key, node);
  const others = entries.filter(([k]) => k !== key);
  const limit = query.limit;
  const full = limit !== undefined && entries.length >= limit;
  // Positive when `a` lies further from the end the limit counts from than `b`.
  const outward = (a: NamedChild, b: NamedChild): number =>
    query.viewFrom === "left"
      ? compareChildren(query.index, a, b)
      : compareChildren(query.index, b, a);
  let boundary: NamedChild | undefined;
  for (const entry of wasIn ? others : entries) {
    if (boundary === undefined || outward(entry, boundary) > 0) boundary = entry;
  }
  let next: NamedChild[];
  if (!isIn) {
    if (!wasIn) return previous;
    if (full) return undefined;
    next = others;
  } else if (!full) {
    next = [...others, changed];
  } else if (wasIn) {
    if (boundary === undefined || outward(changed, boundary) >= 0) return undefined;
    next = [...others, changed];
  } else {
    if (boundary === undefined || outward(changed, boundary) >= 0) return previous;
    const dropped = boundary[0];
    next = [...others.filter(([k]) => k !== dropped), changed];
  }
  if (next.length === 0) return null;
  const window: Record<string, Node> = Object.create(null) as Record<string, Node>;
  for (const [k, value] of next) window[k] = value;
  return { ...window };
}
