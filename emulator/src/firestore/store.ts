import { invalidArgument } from "./errors.js";
import { compareUtf8, formatTimestamp, type Fields } from "./values.js";

/** A document as the v1 API returns it. Times are RFC 3339 with microseconds, as production gives. */
export interface Document {
  name: string;
  fields: Fields;
  createTime: string;
  updateTime: string;
}

/** A stored document; times are nanoseconds since the epoch, always whole microseconds. */
export interface StoredDocument {
  readonly name: string;
  readonly fields: Readonly<Fields>;
  readonly createTime: bigint;
  readonly updateTime: bigint;
}

interface Version {
  readonly time: bigint;
  readonly doc: StoredDocument | null;
}

export interface ListDocumentsOptions {
  /** Also list documents that do not exist but have subcollections, as names only. */
  showMissing?: boolean;
  readTime?: bigint;
}

/** Called after each applied commit with its time and the names of the documents it changed. */
export type ChangeListener = (commitTime: bigint, changedNames: ReadonlySet<string>) => void;

export interface StoreOptions {
  /** Wall clock in nanoseconds; injectable so tests can pin commit times. */
  now?: () => bigint;
  /** How far back reads at a past `readTime` are served; production keeps one hour. */
  retentionNanos?: bigint;
}

const HOUR = 3_600_000_000_000n;
const MICRO = 1000n;

function wallClock(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** `projects/p/databases/d/documents/a/b` → the index just past `documents`, checking the shape. */
function documentsRootLength(name: string): number {
  const match = /^projects\/[^/]+\/databases\/[^/]+\/documents/.exec(name);
  if (match === null) throw invalidArgument(`Invalid resource name: ${name}`);
  return match[0].length;
}

/** Checks a document name: a database root followed by an even, non-zero number of non-empty ids. */
export function checkDocumentName(name: string): void {
  const rootLength = documentsRootLength(name);
  const rest = name.slice(rootLength);
  const segments = rest.split("/").slice(1);
  if (!rest.startsWith("/") || segments.length % 2 !== 0 || segments.some((s) => s === "")) {
    throw invalidArgument(`Invalid document name: ${name}`);
  }
  for (const id of segments) checkResourceId(id);
}

/**
 * Production refuses ids `.`, `..` and `__…__` (so `__proto__` too): a 400, never a crash. The
 * exception is `__id<integer>__`, the form its numeric ids take.
 */
export function checkResourceId(id: string): void {
  if (id === "." || id === "..") throw invalidArgument(`Resource id "${id}" is invalid.`);
  if (/^__.*__$/.test(id) && !/^__id-?\d+__$/.test(id))
    throw invalidArgument(`Resource id "${id}" is invalid because it is reserved.`);
}

/** Checks a parent: a database's `documents` root or a document name. */
export function checkParentName(parent: string): void {
  if (parent.length !== documentsRootLength(parent)) checkDocumentName(parent);
}

export function toDocument(stored: StoredDocument): Document {
  return {
    name: stored.name,
    fields: stored.fields,
    createTime: formatTimestamp(stored.createTime),
    updateTime: formatTimestamp(stored.updateTime),
  };
}

/**
 * The in-memory database: every document keyed by its full resource name (a Map, so any id is
 * data), each with a short history so that reads at a past `readTime` see the state they asked for.
 * Stored fields are never mutated after a write: writers build new records.
 */
export class DocumentStore {
  private readonly versions = new Map<string, Version[]>();
  private lastTime = 0n;
  private readonly now: () => bigint;
  private readonly retention: bigint;
  private readonly listeners = new Set<ChangeListener>();
  private clearedAt = 0n;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? wallClock;
    this.retention = options.retentionNanos ?? HOUR;
  }

  /**
   * The next commit time: the wall clock truncated to microseconds (production's precision), and
   * always later than every earlier commit so that update times order writes.
   */
  nextCommitTime(): bigint {
    const wall = this.now();
    const aligned = wall - (wall % MICRO);
    this.lastTime = aligned > this.lastTime ? aligned : this.lastTime + MICRO;
    return this.lastTime;
  }

  /**
   * A read time that sees every commit made so far. Later commits come strictly after it, so a
   * snapshot (or a listener's resume token) taken at this time never gains a write afterwards.
   */
  currentReadTime(): bigint {
    const wall = this.now();
    const aligned = wall - (wall % MICRO);
    if (aligned > this.lastTime) this.lastTime = aligned;
    return this.lastTime;
  }

  /** The oldest read time whose state the store still knows: `clear()` forgets all before it. */
  historyStart(): bigint {
    const oldest = this.oldestReadTime();
    return oldest > this.clearedAt ? oldest : this.clearedAt;
  }

  /**
   * Calls `listener` after every commit that changed at least one document (and after `clear()`),
   * synchronously, once per `apply`. A listener that throws does not fail the commit. Returns the
   * function that stops the calls.
   */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(time: bigint, names: ReadonlySet<string>): void {
    if (names.size === 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(time, names);
      } catch {
        // A listener's failure is its own: the commit has already landed.
      }
    }
  }

  /** The oldest read time still served. */
  oldestReadTime(): bigint {
    return this.currentReadTime() - this.retention;
  }

  get(name: string, readTime?: bigint): StoredDocument | undefined {
    const history = this.versions.get(name);
    if (history === undefined) return undefined;
    for (let i = history.length - 1; i >= 0; i--) {
      const version = history[i];
      if (version === undefined) continue;
      if (readTime === undefined || version.time <= readTime) return version.doc ?? undefined;
    }
    return undefined;
  }

  getDocument(name: string, readTime?: bigint): Document | undefined {
    const stored = this.get(name, readTime);
    return stored === undefined ? undefined : toDocument(stored);
  }

  /** Every existing document at `readTime` (default: now), in no particular order. */
  *documents(readTime?: bigint): IterableIterator<StoredDocument> {
    for (const name of this.versions.keys()) {
      const doc = this.get(name, readTime);
      if (doc !== undefined) yield doc;
    }
  }

  /** Writes a set of changes (null = delete) as one commit at `time`. */
  apply(changes: ReadonlyMap<string, StoredDocument | null>, time: bigint): void {
    const horizon = time - this.retention;
    for (const [name, doc] of changes) {
      const history = this.versions.get(name) ?? [];
      history.push({ time, doc });
      // Keep the newest version older than the horizon: it is what a read at the horizon sees.
      let drop = 0;
      while (drop + 1 < history.length && (history[drop + 1]?.time ?? time) <= horizon) drop++;
      if (drop > 0) history.splice(0, drop);
      if (history.length === 1 && doc === null) this.versions.delete(name);
      else this.versions.set(name, history);
    }
    this.notify(time, new Set(changes.keys()));
  }

  /**
   * The documents of one collection, ordered by id. With `showMissing`, ids that have
   * subcollections but no document of their own are listed too, as names without times or fields.
   */
  listDocuments(
    parent: string,
    collectionId: string,
    options: ListDocumentsOptions = {},
  ): Array<Document | { name: string }> {
    checkParentName(parent);
    if (collectionId === "" || collectionId.includes("/")) {
      throw invalidArgument(`Invalid collection id: ${collectionId}`);
    }
    checkResourceId(collectionId);
    const prefix = `${parent}/${collectionId}/`;
    const found = new Map<string, Document | { name: string }>();
    for (const doc of this.documents(options.readTime)) {
      if (!doc.name.startsWith(prefix)) continue;
      const rest = doc.name.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash === -1) found.set(rest, toDocument(doc));
      else if (options.showMissing === true) {
        const id = rest.slice(0, slash);
        if (!found.has(id)) found.set(id, { name: prefix + id });
      }
    }
    // A document found after its subcollection's child replaces the name-only entry.
    return [...found.entries()].sort(([a], [b]) => compareUtf8(a, b)).map(([, doc]) => doc);
  }

  /** The ids of the collections directly under `parent` that hold at least one document, sorted. */
  listCollectionIds(parent: string, readTime?: bigint): string[] {
    checkParentName(parent);
    const prefix = `${parent}/`;
    const ids = new Set<string>();
    for (const doc of this.documents(readTime)) {
      if (!doc.name.startsWith(prefix)) continue;
      const rest = doc.name.slice(prefix.length);
      ids.add(rest.slice(0, rest.indexOf("/")));
    }
    return [...ids].sort(compareUtf8);
  }

  /** Removes every document, as the emulator's DELETE of the database does. */
  clear(): void {
    const names = new Set<string>();
    for (const doc of this.documents()) names.add(doc.name);
    this.versions.clear();
    this.clearedAt = this.nextCommitTime();
    this.notify(this.clearedAt, names);
  }
}
