/**
 * Types shared by the emulator's modules: who is asking, what a query is, and the engine contract
 * that the WebSocket sessions, the long-polling transport and the REST handlers all talk to.
 */
import type { Node } from "./tree.js";

/** The rules' `auth` variable (spec §7.2): null when unauthenticated. */
export type AuthVariable = null | {
  readonly uid: string;
  readonly provider: string;
  readonly token: Readonly<Record<string, unknown>>;
};

/**
 * Who performs a request. `admin` (`gauth`, or the `owner` access token on REST) bypasses
 * `.read`, `.write` and `.validate`; a user is evaluated by the rules with `variable` as `auth`.
 * `authvar`/`noauth` overrides on `gauth` produce a user context.
 */
export type AuthContext =
  { readonly admin: true } | { readonly admin: false; readonly variable: AuthVariable };

export const ADMIN: AuthContext = { admin: true };
export const UNAUTHENTICATED: AuthContext = { admin: false, variable: null };

/** Sentinels for key bounds in queries (`[MIN_NAME]`, `[MAX_NAME]` on the wire). */
export const MIN_NAME = "[MIN_NAME]";
export const MAX_NAME = "[MAX_NAME]";

export type QueryIndex =
  | { readonly kind: "priority" }
  | { readonly kind: "key" }
  | { readonly kind: "value" }
  | { readonly kind: "child"; readonly path: readonly string[] };

export interface QueryBound {
  /** The index value (a leaf, or null). For the key index this is the key itself. */
  readonly value: string | number | boolean | null;
  /** Key tie-breaker; MIN_NAME / MAX_NAME sentinels allowed. Undefined means the natural default. */
  readonly name?: string;
  readonly inclusive: boolean;
}

/** A parsed query (wire `q` of spec §5.2, or REST parameters of §10.1). */
export interface QuerySpec {
  readonly index: QueryIndex;
  readonly start?: QueryBound;
  readonly end?: QueryBound;
  readonly limit?: number;
  /** Which end a limit counts from: "left" = limitToFirst, "right" = limitToLast. */
  readonly viewFrom: "left" | "right";
}

/** The rules' `query` variable (spec §11.4). Unset members are null / false. */
export interface QueryVariables {
  readonly orderByKey: boolean;
  readonly orderByPriority: boolean;
  readonly orderByValue: boolean;
  readonly orderByChild: string | null;
  readonly startAt: string | number | boolean | null;
  readonly endAt: string | number | boolean | null;
  readonly equalTo: string | number | boolean | null;
  readonly limitToFirst: number | null;
  readonly limitToLast: number | null;
}

export type WriteOperation =
  /** Replace the value at `path` (wire `p`, REST PUT/DELETE). `value` is raw JSON, unresolved. */
  | { readonly kind: "set"; readonly value: unknown }
  /** Atomic multi-location merge under `path` (wire `m`, REST PATCH); keys may contain "/", null deletes. */
  | { readonly kind: "update"; readonly values: Readonly<Record<string, unknown>> };

export interface WriteRequest {
  readonly namespace: string;
  readonly path: readonly string[];
  readonly operation: WriteOperation;
  readonly auth: AuthContext;
  /** Transaction hash (wire `h` on `p`): commit only when it equals the hash of the current value. */
  readonly hash?: string;
  /** False for REST imports with `disableTriggers=true`. Default true. */
  readonly fireTriggers?: boolean;
  /** Skip the write-size limit (REST `writeSizeLimit=unlimited`). */
  readonly unlimitedSize?: boolean;
}

export type WriteResult =
  | { readonly status: "ok"; readonly value: Node }
  | { readonly status: "permission_denied" }
  | { readonly status: "datastale" }
  | { readonly status: "invalid"; readonly message: string };

export interface ReadRequest {
  readonly namespace: string;
  readonly path: readonly string[];
  readonly query: QuerySpec | null;
  readonly auth: AuthContext;
}

export type ReadResult =
  { readonly status: "ok"; readonly node: Node } | { readonly status: "permission_denied" };

/** Emitted after every committed write (one per write request, or per batch of onDisconnect ops). */
export interface CommitEvent {
  readonly namespace: string;
  readonly before: Node;
  readonly after: Node;
  readonly auth: AuthContext;
  readonly fireTriggers: boolean;
}

/**
 * The database engine every front end talks to: WebSocket and long-polling sessions, REST, triggers.
 * Implemented by `database.ts`. Writes commit synchronously, push to listeners, then emit a CommitEvent.
 */
export interface WriteCounts {
  /** Applied write operations: a set, an update, a transaction's commit, one run onDisconnect queue. */
  requests: number;
  /** Locations replaced: one per set, one per key of an update. */
  paths: number;
  /** Leaf values written at those locations (a deletion counts one). */
  leaves: number;
  /** Applied requests after which every written location held what it held before. */
  unchanged: number;
  /** Transaction attempts refused because the value had changed (`datastale`): the writer retries. */
  stale: number;
}

export interface NamespaceWriteStats {
  readonly admin: WriteCounts;
  readonly client: WriteCounts;
}

/** Client connections (WebSocket or long polling) to one namespace, as production's usage page counts them. */
export interface ConnectionCounts {
  /** Open now. */
  open: number;
  /** The most open at once since the namespace was created. */
  peak: number;
  /** Opened in all. */
  opened: number;
}

export interface Engine {
  read(request: ReadRequest): ReadResult;
  write(request: WriteRequest): WriteResult;
  /** Parses and installs rules for a namespace; throws RulesError (message for the `{"error"}` body). */
  setRules(namespace: string, source: string): void;
  /** The stored rules text; the open default for a namespace that never had rules. */
  getRules(namespace: string): string;
  /** Names of the namespaces known so far (created lazily on first use). */
  namespaces(): string[];
  /** Counts of the writes `namespace` applied so far (`/.inspect/stats.json`). */
  writeStats(namespace: string): NamespaceWriteStats;
  /** Client connections to `namespace` so far (`/.inspect/stats.json`). */
  connectionStats(namespace: string): ConnectionCounts;
  onCommit(listener: (event: CommitEvent) => void): () => void;
}

/** A message transport for one client session (a WebSocket, or a long-polling channel). */
export interface Transport {
  /** Sends one protocol message (`{t:"c"|"d", d:…}`); the transport frames or batches it. */
  send(message: object): void;
  close(): void;
}
