/**
 * Firestore's `Listen` stream, as `onSnapshot` uses it. A client adds targets (a set of document
 * names, or a query) and the server answers, per target: ADD, the matching documents, CURRENT; then
 * a NO_CHANGE with no target ids carrying the read time and a resume token, which is the signal
 * that every target on the stream is consistent at that time (the Admin SDK only raises a snapshot
 * on it). After each commit that touches a target, the difference since the last snapshot follows
 * (documentChange / documentDelete / documentRemove) and another NO_CHANGE with the commit's state.
 *
 * A target added with a resume token (or read time) the store still has history for gets only what
 * changed since; an unknown or expired one gets RESET and the whole state again. A target the
 * engine refuses (bad name, bad query, a missing composite index) is answered with REMOVE and the
 * error as its cause, which is how production reports it. Nothing here uses timers: work is done
 * on requests and on the store's change notifications, and the stream's subscription ends with it.
 */
import { FirestoreError, GRPC_CODE_NUMBERS, invalidArgument } from "./errors.js";
import { runQuery, type QueryDocument, type QueryGate, type StructuredQuery } from "./query.js";
import { checkDocumentName, checkParentName, toDocument, type DocumentStore } from "./store.js";
import { formatTimestamp, parseTimestamp } from "./values.js";
import { bidi, type Handler } from "./wire/grpc.js";
import type { Json } from "./wire/protojson.js";

export interface ListenOptions {
  store: DocumentStore;
  /** Decides whether a query may run (composite-index enforcement), as for RunQuery. */
  gate?: QueryGate;
}

type TargetSpec =
  | { kind: "documents"; names: readonly string[] }
  | { kind: "query"; parent: string; query: StructuredQuery };

interface Target {
  readonly id: number;
  readonly spec: TargetSpec;
  readonly once: boolean;
  /** What the client holds for this target: name → update time as sent. */
  known: Map<string, string>;
  /** Still to send: ADD (and RESET when a resume point was unusable), its state, CURRENT. */
  initial: { reset: boolean } | undefined;
}

const TOKEN_PREFIX = "v1:";

/** The resume token for read time `time`: opaque to clients, the time to this server. */
export function resumeToken(time: bigint): string {
  return Buffer.from(`${TOKEN_PREFIX}${time}`).toString("base64");
}

function tokenTime(token: string): bigint | undefined {
  const text = Buffer.from(token, "base64").toString();
  const match = /^v1:(\d+)$/.exec(text);
  return match?.[1] === undefined ? undefined : BigInt(match[1]);
}

function isRecord(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: Json | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function statusOf(error: unknown): { code: number; message: string } {
  if (error instanceof FirestoreError) {
    return { code: GRPC_CODE_NUMBERS[error.code], message: error.message };
  }
  throw error;
}

/** The collection path a document name belongs to (the name without its last id). */
function collectionOf(name: string): string {
  return name.slice(0, name.lastIndexOf("/"));
}

class ListenStream {
  private readonly targets = new Map<number, Target>();
  private pending = new Set<string>();
  private scheduled = false;
  private closed = false;
  private failure: ((error: unknown) => void) | undefined;
  private readonly unsubscribe: () => void;
  readonly failed: Promise<never>;

  constructor(
    private readonly options: ListenOptions,
    private readonly send: (response: Json) => void,
  ) {
    this.failed = new Promise<never>((_resolve, reject) => {
      this.failure = reject;
    });
    // Unobserved until the request loop races it; a failure after the loop ended is moot.
    this.failed.catch(() => undefined);
    this.unsubscribe = options.store.onChange((_time, names) => {
      for (const name of names) this.pending.add(name);
      this.schedule();
    });
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
  }

  handle(request: Json): void {
    if (!isRecord(request)) throw invalidArgument("A ListenRequest must be a message.");
    const database = stringOf(request.database) ?? "";
    if (!/^projects\/[^/]+\/databases\/[^/]+$/.test(database)) {
      throw invalidArgument(`Invalid database name: ${database}`);
    }
    if (isRecord(request.addTarget)) this.addTarget(database, request.addTarget);
    else if (typeof request.removeTarget === "number") this.removeTarget(request.removeTarget);
    else throw invalidArgument("A ListenRequest must add or remove a target.");
  }

  private addTarget(database: string, raw: { [key: string]: Json }): void {
    let id = typeof raw.targetId === "number" ? raw.targetId : 0;
    if (id === 0) id = Math.max(0, ...this.targets.keys()) + 1;
    if (id < 0) throw invalidArgument(`Target ids must be positive: ${id}`);
    if (this.targets.has(id)) throw invalidArgument(`Target id ${id} is already in use.`);
    let spec: TargetSpec;
    let since: bigint | undefined;
    let resumed = false;
    try {
      spec = parseSpec(database, raw);
      const token = stringOf(raw.resumeToken);
      const readTime = stringOf(raw.readTime);
      if (token !== undefined && token !== "") {
        resumed = true;
        since = tokenTime(token);
      } else if (readTime !== undefined) {
        resumed = true;
        since = parseTimestamp(readTime);
      }
    } catch (error) {
      this.sendRemove(id, statusOf(error));
      return;
    }
    const store = this.options.store;
    const usable =
      since !== undefined && since >= store.historyStart() && since <= store.currentReadTime();
    const target: Target = {
      id,
      spec,
      once: raw.once === true,
      known: new Map(),
      initial: { reset: resumed && !usable },
    };
    if (usable && since !== undefined) {
      try {
        target.known = versions(this.evaluate(spec, since, undefined));
      } catch (error) {
        this.sendRemove(id, statusOf(error));
        return;
      }
    }
    this.targets.set(id, target);
    this.flush();
  }

  private removeTarget(id: number): void {
    if (!this.targets.delete(id)) return;
    this.send({ targetChange: { targetChangeType: "REMOVE", targetIds: [id] } });
  }

  private sendRemove(id: number, cause: { code: number; message: string }): void {
    this.send({ targetChange: { targetChangeType: "REMOVE", targetIds: [id], cause } });
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.closed) return;
      try {
        this.flush();
      } catch (error) {
        this.failure?.(error);
      }
    });
  }

  /** The documents a target matches at `time`, by name. */
  private evaluate(
    spec: TargetSpec,
    time: bigint,
    all: (() => QueryDocument[]) | undefined,
  ): Map<string, QueryDocument> {
    const store = this.options.store;
    const found = new Map<string, QueryDocument>();
    if (spec.kind === "documents") {
      for (const name of spec.names) {
        const doc = store.get(name, time);
        if (doc !== undefined) found.set(name, toDocument(doc));
      }
      return found;
    }
    const documents = all?.() ?? [...store.documents(time)].map(toDocument);
    const gate = this.options.gate;
    const results = runQuery(
      documents,
      spec.parent,
      spec.query,
      gate === undefined ? {} : { gate },
    );
    for (const doc of results) found.set(doc.name, doc);
    return found;
  }

  private touches(target: Target, names: ReadonlySet<string>): boolean {
    const { spec } = target;
    for (const name of names) {
      if (target.known.has(name)) return true;
      if (spec.kind === "documents") {
        if (spec.names.includes(name)) return true;
      } else {
        const source = spec.query.from?.[0] ?? {};
        const collection = `${spec.parent}/${source.collectionId ?? ""}`;
        if (
          source.allDescendants === true
            ? name.startsWith(`${spec.parent}/`)
            : collectionOf(name) === collection
        )
          return true;
      }
    }
    return false;
  }

  /**
   * Brings every target that needs it to the store's current state and, if anything was sent,
   * marks the stream consistent at that time.
   */
  private flush(): void {
    const store = this.options.store;
    const time = store.currentReadTime();
    const readTime = formatTimestamp(time);
    const changed = this.pending;
    this.pending = new Set();
    let cache: QueryDocument[] | undefined;
    const all = () => (cache ??= [...store.documents(time)].map(toDocument));
    const messages: Json[] = [];
    const current: Target[] = [];
    for (const target of [...this.targets.values()]) {
      const initial = target.initial;
      if (initial === undefined && !this.touches(target, changed)) continue;
      let next: Map<string, QueryDocument>;
      try {
        next = this.evaluate(target.spec, time, all);
      } catch (error) {
        this.targets.delete(target.id);
        this.sendRemove(target.id, statusOf(error));
        continue;
      }
      if (initial !== undefined) {
        this.send({ targetChange: { targetChangeType: "ADD", targetIds: [target.id] } });
        if (initial.reset) {
          this.send({ targetChange: { targetChangeType: "RESET", targetIds: [target.id] } });
        }
        target.initial = undefined;
        current.push(target);
      }
      messages.push(...this.diff(target, next, time, readTime));
    }
    for (const message of messages) this.send(message);
    for (const target of current) {
      this.send({ targetChange: { targetChangeType: "CURRENT", targetIds: [target.id] } });
    }
    if (messages.length === 0 && current.length === 0) return;
    this.send({
      targetChange: { targetChangeType: "NO_CHANGE", readTime, resumeToken: resumeToken(time) },
    });
    for (const target of current) {
      if (target.once) this.removeTarget(target.id);
    }
  }

  private diff(
    target: Target,
    next: Map<string, QueryDocument>,
    time: bigint,
    readTime: string,
  ): Json[] {
    const out: Json[] = [];
    const ids = [target.id];
    for (const [name, doc] of next) {
      if (target.known.get(name) === doc.updateTime) continue;
      const document: Json = {
        name: doc.name,
        fields: (doc.fields ?? {}) as Json,
        createTime: doc.createTime,
        updateTime: doc.updateTime,
      };
      out.push({ documentChange: { document, targetIds: ids } });
    }
    for (const name of target.known.keys()) {
      if (next.has(name)) continue;
      const gone = this.options.store.get(name, time) === undefined;
      out.push(
        gone
          ? { documentDelete: { document: name, removedTargetIds: ids, readTime } }
          : { documentRemove: { document: name, removedTargetIds: ids, readTime } },
      );
    }
    target.known = versions(next);
    return out;
  }
}

function versions(docs: Map<string, QueryDocument>): Map<string, string> {
  return new Map([...docs].map(([name, doc]) => [name, doc.updateTime]));
}

function parseSpec(database: string, raw: { [key: string]: Json }): TargetSpec {
  const root = `${database}/documents`;
  const inDatabase = (name: string) => name === root || name.startsWith(`${root}/`);
  if (isRecord(raw.documents)) {
    const listed = raw.documents.documents;
    const names = Array.isArray(listed) ? listed.map((n) => stringOf(n) ?? "") : [];
    for (const name of names) {
      checkDocumentName(name);
      if (!inDatabase(name)) throw invalidArgument(`Document ${name} is not in ${database}.`);
    }
    return { kind: "documents", names: [...new Set(names)] };
  }
  if (isRecord(raw.query)) {
    const parent = stringOf(raw.query.parent) ?? "";
    checkParentName(parent);
    if (!inDatabase(parent)) throw invalidArgument(`Parent ${parent} is not in ${database}.`);
    const query = raw.query.structuredQuery;
    if (!isRecord(query)) throw invalidArgument("A query target needs a structuredQuery.");
    // Production serves vector search to single reads only (no snapshot listeners).
    if (query.findNearest !== undefined && query.findNearest !== null)
      throw invalidArgument("FindNearest is not supported in real-time queries.");
    return { kind: "query", parent, query };
  }
  throw invalidArgument("A target must name documents or a query.");
}

/** The `Listen` method: one stream of targets per call, ended by the client. */
export function listenHandler(options: ListenOptions): Handler {
  return bidi(async (requests, send, _metadata, signal) => {
    const stream = new ListenStream(options, send);
    const iterator = requests[Symbol.asyncIterator]();
    const ended = new Promise<IteratorResult<Json>>((resolve) => {
      // Closing at once, not when the loop next runs, so no change queued meanwhile goes out.
      const stop = () => {
        stream.close();
        resolve({ done: true, value: undefined });
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
    });
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), ended, stream.failed]);
        if (next.done === true) break;
        stream.handle(next.value);
      }
    } finally {
      stream.close();
    }
  });
}
