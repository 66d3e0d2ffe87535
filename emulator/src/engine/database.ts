/**
 * The database engine (spec §4–§6, §11, §13): one lazily created namespace per database name, each
 * with its tree, rules and listeners. Writes commit synchronously, push to every affected listener
 * before returning (so a session can send the writer's `ok` after the pushes), then emit a
 * CommitEvent for triggers.
 *
 * Trees are immutable and share structure, so a write costs O(depth + size of the written value),
 * pushes are found through a path trie of listeners, and nothing ever copies the whole tree.
 */
import { Faults } from "./faults.js";
import { hashNode } from "./hash.js";
import { formatPath, isAncestorOrSelf, parsePath } from "./path.js";
import { applyQuery, loadsAllData, queryVariables } from "./query.js";
import { Ruleset } from "../rules/index.js";
import {
  Listener,
  ListenerTrie,
  sameNode,
  updatedWindow,
  windowDelta,
  type ListenRequest,
  type ListenerHandle,
} from "./listeners.js";
import { resolveServerValues } from "./servervalues.js";
import { byteSize, normalize, setAt } from "./tree.js";
import { PRIORITY_KEY, getAt, type Node, type ObjectNode } from "./tree.js";
import { emptyCounts, recordCommit } from "./write-stats.js";
import type {
  AuthContext,
  CommitEvent,
  Engine,
  NamespaceWriteStats,
  QuerySpec,
  ReadRequest,
  ReadResult,
  WriteRequest,
  WriteCounts,
  ConnectionCounts,
  WriteResult,
} from "./types.js";

export const OPEN_RULES = '{"rules":{".read":true,".write":true}}';

/**
 * Production's limit for a single REST write; SDK sessions apply their own, smaller one
 * (`MAX_SDK_WRITE_BYTES` in session.ts). Imports lift it with `writeSizeLimit=unlimited`.
 */
export const DEFAULT_MAX_WRITE_BYTES = 256 * 1024 * 1024;

export interface DatabaseOptions {
  /** Rules text for every namespace that never had rules set (CLI `--rules`); default: open rules. */
  readonly defaultRules?: string;
  readonly maxWriteBytes?: number;
  /** Clock for `now` and `.sv` timestamps (tests). */
  readonly clock?: () => number;
  /** Fault control shared by every front end of this database (off unless given). */
  readonly faults?: Faults;
}

export type { ListenRequest, ListenerHandle, ListenerSink, PushBody } from "./listeners.js";

export type ListenResult =
  | { readonly status: "ok"; readonly handle: ListenerHandle; readonly data: Node }
  | { readonly status: "permission_denied" };

interface NamespaceState {
  readonly name: string;
  root: Node;
  rules: Ruleset;
  /** The text set through `setRules`; undefined while the namespace uses the default rules. */
  rulesSource: string | undefined;
  readonly listeners: ListenerTrie;
  readonly stats: NamespaceWriteStats;
  readonly connections: ConnectionCounts;
}

/** A write resolved and applied to a working root, not yet committed. */
interface PreparedWrite {
  readonly newRoot: Node;
  /** The locations whose values were replaced (what rules check and listeners hear about). */
  readonly changed: readonly (readonly string[])[];
  readonly value: Node;
}

type Failure = Exclude<WriteResult, { status: "ok" }>;

/** One commit's recomputed windows, by `Listener.windowKey`, for the listeners that share them. */
type SharedWindows = Map<
  string,
  {
    readonly previous: Node;
    readonly result: Node;
    readonly unchanged: boolean;
    readonly delta: Record<string, Node> | undefined;
  }
>;

function isFailure(result: PreparedWrite | Failure): result is Failure {
  return "status" in result;
}

class InvalidWriteError extends Error {}

function parseRelativePath(relative: string): string[] {
  const segments = parsePath(relative);
  if (segments.length === 0) throw new InvalidWriteError("Update paths must not be empty");
  return segments;
}

export class Database implements Engine {
  private readonly spaces = new Map<string, NamespaceState>();
  private readonly commitListeners = new Set<(event: CommitEvent) => void>();
  private readonly defaultRulesSource: string;
  private readonly defaultRules: Ruleset;
  private readonly maxWriteBytes: number;
  private readonly clock: () => number;
  /** The test fault control every front end consults (latency, stalled writes). */
  readonly faults: Faults;

  constructor(options: DatabaseOptions = {}) {
    this.faults = options.faults ?? new Faults(false);
    this.defaultRulesSource = options.defaultRules ?? OPEN_RULES;
    this.defaultRules = Ruleset.parse(this.defaultRulesSource);
    this.maxWriteBytes = options.maxWriteBytes ?? DEFAULT_MAX_WRITE_BYTES;
    this.clock = options.clock ?? Date.now;
  }

  namespaces(): string[] {
    return [...this.spaces.keys()];
  }

  /** The committed root of a namespace (export format). */
  root(namespace: string): Node {
    return this.space(namespace).root;
  }

  getRules(namespace: string): string {
    return this.space(namespace).rulesSource ?? this.defaultRulesSource;
  }

  setRules(namespace: string, source: string): void {
    const rules = Ruleset.parse(source);
    const space = this.space(namespace);
    space.rules = rules;
    space.rulesSource = source;
    this.revalidate([...space.listeners.all()]);
  }

  /** The writes `namespace` applied since it was created, by writer (copies: counts only grow). */
  writeStats(namespace: string): NamespaceWriteStats {
    const { admin, client } = this.space(namespace).stats;
    return { admin: { ...admin }, client: { ...client } };
  }

  /** The client connections `namespace` has had (a copy). */
  connectionStats(namespace: string): ConnectionCounts {
    return { ...this.space(namespace).connections };
  }

  /** Counts a client connection to `namespace` as open; the returned function closes it, once. */
  connectionOpened(namespace: string): () => void {
    const counts = this.space(namespace).connections;
    counts.open++;
    counts.opened++;
    counts.peak = Math.max(counts.peak, counts.open);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      counts.open--;
    };
  }

  onCommit(listener: (event: CommitEvent) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  read(request: ReadRequest): ReadResult {
    const space = this.space(request.namespace);
    if (!this.mayRead(space, request.path, request.query, request.auth)) {
      return { status: "permission_denied" };
    }
    const node = getAt(space.root, request.path);
    return { status: "ok", node: request.query === null ? node : applyQuery(node, request.query) };
  }

  write(request: WriteRequest): WriteResult {
    const space = this.space(request.namespace);
    if (request.hash !== undefined && request.operation.kind === "set") {
      if (hashNode(getAt(space.root, request.path)) !== request.hash) {
        this.countsFor(space, request.auth).stale++;
        return { status: "datastale" };
      }
    }
    const now = this.clock();
    const prepared = this.prepare(space.root, request, now);
    if (isFailure(prepared)) return prepared;
    if (!this.mayWrite(space, prepared, request.auth, now)) return { status: "permission_denied" };
    this.commit(
      space,
      space.root,
      prepared.newRoot,
      prepared.changed,
      request.auth,
      request.fireTriggers ?? true,
    );
    return { status: "ok", value: prepared.value };
  }

  /**
   * Checks a write without committing it: an onDisconnect operation is authorised when it is
   * registered (spec §6.6), and checked again when it runs (`applyOnDisconnect`).
   */
  authorizeWrite(request: WriteRequest): WriteResult {
    const space = this.space(request.namespace);
    const now = this.clock();
    const prepared = this.prepare(space.root, request, now);
    if (isFailure(prepared)) return prepared;
    if (!this.mayWrite(space, prepared, request.auth, now)) return { status: "permission_denied" };
    return { status: "ok", value: prepared.value };
  }

  /**
   * Runs a closed connection's onDisconnect queue in order, with one `now` for all of it. Each
   * operation is checked again against the rules, the data as the earlier ones left it, and `auth`
   * (the connection's auth as it is at disconnect, not as it was when the operation was queued):
   * a member removed or revoked meanwhile, or a token that expired, gets its queued writes refused,
   * as production refuses them (firebase-js-sdk #174). Refused operations are skipped; the rest of
   * one namespace commit together. Returns how many were refused.
   */
  applyOnDisconnect(requests: readonly WriteRequest[], auth: AuthContext): number {
    const now = this.clock();
    let refused = 0;
    let index = 0;
    while (index < requests.length) {
      const first = requests[index];
      if (first === undefined) break;
      const space = this.space(first.namespace);
      const before = space.root;
      let working = before;
      const changed: (readonly string[])[] = [];
      while (index < requests.length) {
        const request = requests[index];
        if (request === undefined || request.namespace !== first.namespace) break;
        index++;
        const prepared = this.prepare(working, request, now);
        if (isFailure(prepared)) {
          refused++;
          continue;
        }
        const allowed =
          auth.admin ||
          space.rules.canWrite({
            root: working,
            newRoot: prepared.newRoot,
            paths: prepared.changed,
            auth: auth.variable,
            now,
          });
        if (!allowed) {
          refused++;
          continue;
        }
        working = prepared.newRoot;
        changed.push(...prepared.changed);
      }
      if (changed.length > 0) this.commit(space, before, working, changed, auth, true);
    }
    return refused;
  }

  /**
   * Registers a listen after checking `.read` (with the query's variables for tagged listens) and
   * returns the data to send first. The caller pushes `data`, then acknowledges.
   */
  listen(request: ListenRequest): ListenResult {
    const space = this.space(request.namespace);
    if (!this.mayRead(space, request.path, request.query, request.auth())) {
      return { status: "permission_denied" };
    }
    const node = getAt(space.root, request.path);
    const data = request.query === null ? node : applyQuery(node, request.query);
    const listener = new Listener(
      request.namespace,
      request.path,
      request.query,
      request.tag,
      request.auth,
      request.sink,
      data,
    );
    space.listeners.add(request.path, listener);
    return { status: "ok", handle: listener, data };
  }

  unlisten(handle: ListenerHandle): void {
    if (!(handle instanceof Listener) || !handle.active) return;
    handle.active = false;
    this.space(handle.namespace).listeners.remove(handle.path, handle);
  }

  /** Re-evaluates `.read` for these listeners (after an auth or rules change) and revokes the denied. */
  revalidate(handles: Iterable<ListenerHandle>): void {
    for (const handle of handles) {
      if (!(handle instanceof Listener) || !handle.active) continue;
      const space = this.space(handle.namespace);
      if (this.mayRead(space, handle.path, handle.query, handle.auth())) continue;
      this.unlisten(handle);
      try {
        handle.sink.revoked();
      } catch (error) {
        console.error("rtdb-emulator: listener revocation failed", error);
      }
    }
  }

  private space(name: string): NamespaceState {
    let space = this.spaces.get(name);
    if (space === undefined) {
      space = {
        name,
        root: null,
        rules: this.defaultRules,
        rulesSource: undefined,
        listeners: new ListenerTrie(),
        stats: { admin: emptyCounts(), client: emptyCounts() },
        connections: { open: 0, peak: 0, opened: 0 },
      };
      this.spaces.set(name, space);
    }
    return space;
  }

  private countsFor(space: NamespaceState, auth: AuthContext): WriteCounts {
    return auth.admin ? space.stats.admin : space.stats.client;
  }

  private mayRead(
    space: NamespaceState,
    path: readonly string[],
    query: QuerySpec | null,
    auth: AuthContext,
  ): boolean {
    if (auth.admin) return true;
    return space.rules.canRead({
      path,
      root: space.root,
      auth: auth.variable,
      now: this.clock(),
      // A read that loads all data is a plain read to the rules (the Ruleset supplies its defaults).
      query: query === null || loadsAllData(query) ? null : queryVariables(query),
    });
  }

  private mayWrite(
    space: NamespaceState,
    prepared: PreparedWrite,
    auth: AuthContext,
    now: number,
  ): boolean {
    if (auth.admin) return true;
    return space.rules.canWrite({
      root: space.root,
      newRoot: prepared.newRoot,
      paths: prepared.changed,
      auth: auth.variable,
      now,
    });
  }

  /** Resolves server values, normalises and applies a write to `root`, without committing. */
  private prepare(root: Node, request: WriteRequest, now: number): PreparedWrite | Failure {
    try {
      const operation = request.operation;
      if (operation.kind === "set") {
        const existing = getAt(root, request.path);
        const resolved = resolveServerValues(
          operation.value,
          (relative) => getAt(existing, relative),
          now,
        );
        const value = normalize(resolved);
        this.checkSize(value, request);
        const applied = this.applySet(root, request.path, value);
        return { newRoot: applied.root, changed: [applied.changed], value };
      }
      const entries = Object.entries(operation.values).map(([relative, raw]) => ({
        relative,
        path: [...request.path, ...parseRelativePath(relative)],
        raw,
      }));
      // Sorted with a separator below every key character, an ancestor lands right before its descendants.
      const sorted = entries.map((entry) => ({ entry, key: entry.path.join("\u0000") }));
      sorted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (let index = 1; index < sorted.length; index++) {
        const previous = sorted[index - 1]?.entry;
        const current = sorted[index]?.entry;
        if (
          previous !== undefined &&
          current !== undefined &&
          isAncestorOrSelf(previous.path, current.path)
        ) {
          throw new InvalidWriteError(
            `Path "${previous.relative}" is an ancestor of "${current.relative}" in the same update`,
          );
        }
      }
      let working = root;
      const changed: (readonly string[])[] = [];
      const written: Record<string, Node> = {};
      for (const entry of entries) {
        const existing = getAt(root, entry.path);
        const resolved = resolveServerValues(
          entry.raw,
          (relative) => getAt(existing, relative),
          now,
        );
        const value = normalize(resolved);
        written[entry.relative] = value;
        const applied = this.applySet(working, entry.path, value);
        working = applied.root;
        changed.push(applied.changed);
      }
      const value: ObjectNode = written;
      this.checkSize(value, request);
      return { newRoot: working, changed, value };
    } catch (error) {
      return { status: "invalid", message: error instanceof Error ? error.message : String(error) };
    }
  }

  private checkSize(value: Node, request: WriteRequest): void {
    if (request.unlimitedSize === true) return;
    if (byteSize(value) > this.maxWriteBytes) {
      throw new InvalidWriteError(`Write too large: over ${this.maxWriteBytes} bytes`);
    }
  }

  /** Sets `value` at `path`; a path ending in `.priority` changes its parent (§4). */
  private applySet(
    root: Node,
    path: readonly string[],
    value: Node,
  ): { root: Node; changed: readonly string[] } {
    const changed = path[path.length - 1] === PRIORITY_KEY ? path.slice(0, -1) : path;
    return { root: setAt(root, path, value), changed };
  }

  private commit(
    space: NamespaceState,
    before: Node,
    after: Node,
    changed: readonly (readonly string[])[],
    auth: AuthContext,
    fireTriggers: boolean,
  ): void {
    space.root = after;
    recordCommit(this.countsFor(space, auth), before, after, changed);
    this.notify(space, before, after, changed);
    const event: CommitEvent = { namespace: space.name, before, after, auth, fireTriggers };
    for (const listener of this.commitListeners) {
      try {
        listener(event);
      } catch (error) {
        console.error("rtdb-emulator: commit listener failed", error);
      }
    }
  }

  /** Pushes a commit to every listener at, above or below a changed path (spec §5.3). */
  private notify(
    space: NamespaceState,
    before: Node,
    after: Node,
    changed: readonly (readonly string[])[],
  ): void {
    const affected = new Map<Listener, (readonly string[])[]>();
    for (const path of changed) space.listeners.collect(path, affected);
    const windows: SharedWindows = new Map();
    for (const [listener, paths] of affected) {
      if (!listener.active) continue;
      try {
        if (listener.query === null) this.pushDefault(listener, before, after, paths);
        else this.pushTagged(listener, after, paths, windows);
      } catch (error) {
        console.error("rtdb-emulator: push failed", error);
      }
    }
  }

  private pushDefault(
    listener: Listener,
    before: Node,
    after: Node,
    paths: readonly (readonly string[])[],
  ): void {
    const location = listener.path;
    const coversListen = paths.some((path) => path.length <= location.length);
    if (coversListen) {
      const node = getAt(after, location);
      if (node === getAt(before, location)) return;
      listener.sink.push("d", { p: formatPath(location), d: node });
      return;
    }
    const outermost = paths.filter(
      (path, index) =>
        !paths.some(
          (other, otherIndex) =>
            otherIndex !== index &&
            isAncestorOrSelf(other, path) &&
            (other.length < path.length || otherIndex < index),
        ),
    );
    const only = outermost[0];
    if (outermost.length === 1 && only !== undefined) {
      listener.sink.push("d", { p: formatPath(only), d: getAt(after, only) });
      return;
    }
    const merge: Record<string, Node> = {};
    for (const path of outermost)
      merge[formatPath(path.slice(location.length))] = getAt(after, path);
    listener.sink.push("m", { p: formatPath(location), d: merge });
  }

  private pushTagged(
    listener: Listener,
    after: Node,
    paths: readonly (readonly string[])[],
    windows: SharedWindows,
  ): void {
    const query = listener.query;
    if (query === null) return;
    const previous = listener.lastResult;
    // Listeners of the same query at the same location that were sent the same window (every
    // dashboard of a tenant on its calls list) share one recomputation and one delta per commit.
    const key = listener.windowKey;
    let shared = windows.get(key);
    if (shared?.previous !== previous) {
      const result =
        updatedWindow(listener.path, query, previous, after, paths) ??
        applyQuery(getAt(after, listener.path), query);
      const unchanged = sameNode(result, previous);
      shared = {
        previous,
        result,
        unchanged,
        delta: unchanged ? undefined : windowDelta(previous, result),
      };
      windows.set(key, shared);
    }
    if (shared.unchanged) return;
    const { result, delta } = shared;
    listener.lastResult = result;
    const tag = listener.tag === undefined ? {} : { t: listener.tag };
    // Only the children that changed, as production sends them: each listener of a long list
    // would otherwise get (and its client re-parse) the whole window on every change of one child.
    const keys = delta === undefined ? [] : Object.keys(delta);
    const only = keys[0];
    if (delta === undefined || keys.length === 0) {
      listener.sink.push("d", { p: formatPath(listener.path), d: result, ...tag });
    } else if (keys.length === 1 && only !== undefined) {
      listener.sink.push("d", {
        p: formatPath([...listener.path, only]),
        d: delta[only] ?? null,
        ...tag,
      });
    } else {
      listener.sink.push("m", { p: formatPath(listener.path), d: { ...delta }, ...tag });
    }
  }
}
