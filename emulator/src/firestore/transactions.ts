import { randomBytes } from "node:crypto";
import { FirestoreError, invalidArgument } from "./errors.js";
import {
  planWrites,
  prepareWrite,
  type CommitOptions,
  type CommitResponse,
  type Write,
} from "./commit.js";
import type { DocumentStore, StoredDocument } from "./store.js";
import { formatTimestamp, parseTimestamp } from "./values.js";

/** `google.firestore.v1.TransactionOptions` in protobuf JSON. */
export interface TransactionOptions {
  readOnly?: { readTime?: string };
  readWrite?: { retryTransaction?: string };
}

export interface TransactionManagerOptions {
  /** Milliseconds; injectable so tests can expire transactions without waiting. */
  now?: () => number;
  /** A transaction unused this long expires (production: 60 s). */
  idleTimeoutMs?: number;
  /** A transaction older than this expires (production: 270 s). */
  lifetimeMs?: number;
}

interface Transaction {
  readonly readOnly: boolean;
  /** Read-only transactions read at this time; read-write ones read the latest state. */
  readonly readTime: bigint | undefined;
  /** Each document a read-write transaction read, with the update time it saw (undefined = missing). */
  readonly reads: Map<string, bigint | undefined>;
  readonly started: number;
  lastUsed: number;
}

export const CONTENTION_MESSAGE = "Too much contention on these documents. Please try again.";
export const EXPIRED_MESSAGE = "The referenced transaction has expired or is no longer valid.";

/**
 * Transactions over one store. Read-write transactions are validated optimistically: every
 * document they read (by get or as a query result) must be unchanged when they commit, otherwise
 * the commit fails with ABORTED and production's contention message, which the Admin SDK retries.
 * Production locks instead, making the conflicting writer wait; either way one side retries and no
 * update is lost.
 */
export class TransactionManager {
  private readonly transactions = new Map<string, Transaction>();
  private readonly now: () => number;
  private readonly idleTimeoutMs: number;
  private readonly lifetimeMs: number;

  constructor(
    private readonly store: DocumentStore,
    options: TransactionManagerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.lifetimeMs = options.lifetimeMs ?? 270_000;
  }

  /** Starts a transaction and returns its id (base64, as the `bytes` field travels in JSON). */
  begin(options: TransactionOptions = {}): string {
    this.expireOld();
    if (options.readOnly !== undefined && options.readWrite !== undefined) {
      throw invalidArgument("A transaction is either read-only or read-write, not both.");
    }
    const readOnly = options.readOnly !== undefined;
    let readTime: bigint | undefined;
    if (readOnly) {
      const asked = options.readOnly?.readTime;
      readTime = asked === undefined ? this.store.currentReadTime() : parseTimestamp(asked);
      if (readTime < this.store.oldestReadTime()) {
        throw new FirestoreError(
          "FAILED_PRECONDITION",
          `The read time ${formatTimestamp(readTime)} is too old.`,
        );
      }
    }
    const id = randomBytes(16).toString("base64");
    const now = this.now();
    this.transactions.set(id, {
      readOnly,
      readTime,
      reads: new Map(),
      started: now,
      lastUsed: now,
    });
    return id;
  }

  /** The time a transaction's reads see: its snapshot, or now for a read-write transaction. */
  readTimeOf(id: string): bigint {
    return this.use(id).readTime ?? this.store.currentReadTime();
  }

  /** Reads one document inside a transaction, recording it for the commit-time check. */
  get(id: string, name: string): StoredDocument | undefined {
    const transaction = this.use(id);
    const doc = this.store.get(name, transaction.readTime);
    this.record(transaction, name, doc);
    return doc;
  }

  /**
   * Records documents a query or batch get returned (or found missing) inside the transaction.
   * Documents a later write adds to a query's result are not tracked (no phantom detection).
   */
  recordReads(
    id: string,
    reads: ReadonlyArray<{ name: string; doc: StoredDocument | undefined }>,
  ): void {
    const transaction = this.use(id);
    for (const { name, doc } of reads) this.record(transaction, name, doc);
  }

  commit(id: string, writes: readonly Write[], options: CommitOptions = {}): CommitResponse {
    const transaction = this.use(id);
    const prepared = writes.map((w) => prepareWrite(w, options));
    if (transaction.readOnly && prepared.length > 0) {
      throw invalidArgument("Cannot modify entities in a read-only transaction.");
    }
    // The transaction ends here whatever happens next: a retry begins a new one.
    this.transactions.delete(id);
    for (const [name, seen] of transaction.reads) {
      if (this.store.get(name)?.updateTime !== seen)
        throw new FirestoreError("ABORTED", CONTENTION_MESSAGE);
    }
    const time = this.store.nextCommitTime();
    const { changes, results } = planWrites(this.store, prepared, time);
    this.store.apply(changes, time);
    return { commitTime: formatTimestamp(time), writeResults: results };
  }

  rollback(id: string): void {
    this.use(id);
    this.transactions.delete(id);
  }

  /** How many transactions are open, for tests and diagnostics. */
  get openCount(): number {
    return this.transactions.size;
  }

  private record(transaction: Transaction, name: string, doc: StoredDocument | undefined): void {
    if (transaction.readOnly) return;
    const seen = doc?.updateTime;
    const earlier = transaction.reads.get(name);
    // A document that changed between two reads of one transaction already conflicts: keep the
    // first version so that the commit fails.
    if (!transaction.reads.has(name) || earlier === seen) transaction.reads.set(name, seen);
  }

  private use(id: string): Transaction {
    const transaction = this.transactions.get(id);
    const now = this.now();
    if (transaction === undefined || this.expired(transaction, now)) {
      this.transactions.delete(id);
      throw invalidArgument(EXPIRED_MESSAGE);
    }
    transaction.lastUsed = now;
    return transaction;
  }

  private expired(transaction: Transaction, now: number): boolean {
    return (
      now - transaction.lastUsed > this.idleTimeoutMs || now - transaction.started > this.lifetimeMs
    );
  }

  private expireOld(): void {
    const now = this.now();
    for (const [id, transaction] of this.transactions) {
      if (this.expired(transaction, now)) this.transactions.delete(id);
    }
  }
}
