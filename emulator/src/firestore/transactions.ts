import { randomBytes } from "node:crypto";
import { batchWrite, type BatchWriteResponse } from "./batch-write.js";
import { FirestoreError, invalidArgument } from "./errors.js";
import {
  planWrites,
  prepareWrite,
  type CommitOptions,
  type CommitResponse,
  type PreparedWrite,
  type Write,
} from "./commit.js";
import type { DocumentStore, StoredDocument } from "./store.js";
import { WriteStats } from "./write-stats.js";
import { formatTimestamp, parseTimestamp } from "./values.js";

/** `google.firestore.v1.TransactionOptions` in protobuf JSON. */
export interface TransactionOptions {
  readOnly?: { readTime?: string };
  readWrite?: { retryTransaction?: string };
}

export interface TransactionManagerOptions {
  /** Milliseconds; injectable so tests can expire transactions without waiting. */
  now?: () => number;
  /** A transaction unused this long expires and releases its locks (production: 60 s). */
  idleTimeoutMs?: number;
  /** A transaction older than this expires (production: 270 s). */
  lifetimeMs?: number;
  /** How long a write waits for a lock before failing ABORTED. */
  lockTimeoutMs?: number;
}

interface Transaction {
  readonly id: string;
  /** Lower is older; wound-wait lets older transactions take locks from younger ones. */
  readonly age: number;
  readonly readOnly: boolean;
  /** Read-only transactions read at this time; read-write ones read the latest state. */
  readonly readTime: bigint | undefined;
  /** Each document a read-write transaction read (its lock), with the update time it saw. */
  readonly reads: Map<string, bigint | undefined>;
  readonly started: number;
  lastUsed: number;
  /** Set when an older transaction took one of its locks: its next call fails ABORTED. */
  wounded: boolean;
}

export const CONTENTION_MESSAGE = "Too much contention on these documents. Please try again.";
export const LOCK_TIMEOUT_MESSAGE = "Transaction lock timeout.";
export const EXPIRED_MESSAGE = "The referenced transaction has expired or is no longer valid.";

/**
 * Transactions and every write that must respect them, over one store, with the pessimistic
 * locking production's server clients see: a read-write transaction locks each document it reads
 * (by get, or as a query result). A write to a locked document waits until the lock is released
 * (commit, rollback, expiry) — unless the writer is an older transaction, which wounds the younger
 * holder: the holder's next call fails ABORTED with production's contention message, and the
 * Admin SDK retries it. Reads never wait: commits apply atomically, so no read sees half of one.
 */
export class TransactionManager {
  private readonly transactions = new Map<string, Transaction>();
  private readonly waiters = new Set<() => void>();
  private nextAge = 0;
  private readonly now: () => number;
  private readonly idleTimeoutMs: number;
  private readonly lifetimeMs: number;
  private readonly lockTimeoutMs: number;
  /** Every document write applied through this manager (all of them: the server writes nowhere else). */
  readonly writeStats = new WriteStats();

  constructor(
    private readonly store: DocumentStore,
    options: TransactionManagerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.lifetimeMs = options.lifetimeMs ?? 270_000;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 20_000;
  }

  /** Starts a transaction and returns its id (base64, as the `bytes` field travels in JSON). */
  begin(options: TransactionOptions = {}): string {
    this.sweep();
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
    // A retry keeps its place in line, so that it is not wounded again by the same newer work.
    const retried = options.readWrite?.retryTransaction;
    const age = this.retiredAges.get(retried ?? "") ?? this.nextAge++;
    const id = randomBytes(16).toString("base64");
    const now = this.now();
    this.transactions.set(id, {
      id,
      age,
      readOnly,
      readTime,
      reads: new Map(),
      started: now,
      lastUsed: now,
      wounded: false,
    });
    return id;
  }

  /** The time a transaction's reads see: its snapshot, or now for a read-write transaction. */
  readTimeOf(id: string): bigint {
    return this.use(id).readTime ?? this.store.currentReadTime();
  }

  /** Reads one document inside a transaction, locking it until the transaction ends. */
  get(id: string, name: string): StoredDocument | undefined {
    const transaction = this.use(id);
    const doc = this.store.get(name, transaction.readTime);
    this.record(transaction, name, doc);
    return doc;
  }

  /**
   * Locks documents a query or batch get returned (or found missing) inside the transaction.
   * Documents a later write adds to a query's result are not locked (no range locks).
   */
  recordReads(
    id: string,
    reads: ReadonlyArray<{ name: string; doc: StoredDocument | undefined }>,
  ): void {
    const transaction = this.use(id);
    for (const { name, doc } of reads) this.record(transaction, name, doc);
  }

  /** Commits a transaction's writes atomically, once no younger-or-older conflict stands. */
  async commit(
    id: string,
    writes: readonly Write[],
    options: CommitOptions = {},
  ): Promise<CommitResponse> {
    const transaction = this.use(id);
    const prepared = writes.map((w) => prepareWrite(w, options));
    if (transaction.readOnly && prepared.length > 0) {
      this.end(transaction);
      throw invalidArgument("Cannot modify entities in a read-only transaction.");
    }
    try {
      await this.acquire(
        prepared.map((w) => w.name),
        transaction,
      );
      // Locks make this hold; the check guards against writers that bypass them.
      for (const [name, seen] of transaction.reads) {
        if (this.store.get(name)?.updateTime !== seen) {
          throw new FirestoreError("ABORTED", CONTENTION_MESSAGE);
        }
      }
      return this.apply(prepared);
    } finally {
      this.end(transaction);
    }
  }

  /** A commit outside any transaction: waits for the locks on the documents it writes. */
  async write(writes: readonly Write[], options: CommitOptions = {}): Promise<CommitResponse> {
    const prepared = writes.map((w) => prepareWrite(w, options));
    await this.acquire(
      prepared.map((w) => w.name),
      undefined,
    );
    return this.apply(prepared);
  }

  /** BatchWrite, waiting like `write` for the locks on its documents. */
  async batchWrite(
    writes: readonly Write[],
    options: CommitOptions = {},
  ): Promise<BatchWriteResponse> {
    const names = writes.flatMap((w) => {
      const name = w.update?.name ?? w.delete ?? w.transform?.document;
      return name === undefined ? [] : [name];
    });
    await this.acquire(names, undefined);
    return batchWrite(this.store, writes, options, (applied) => {
      this.writeStats.record(applied);
    });
  }

  rollback(id: string): void {
    this.end(this.use(id));
  }

  /** Expires idle and overlong transactions, releasing their locks. */
  sweep(): void {
    const now = this.now();
    let released = false;
    for (const transaction of this.transactions.values()) {
      if (this.expired(transaction, now)) {
        this.transactions.delete(transaction.id);
        released = true;
      }
    }
    if (released) this.notify();
  }

  /** How many transactions are open, for tests and diagnostics. */
  get openCount(): number {
    return this.transactions.size;
  }

  /** Ages of recently ended transactions, so that `retryTransaction` keeps the original's age. */
  private readonly retiredAges = new Map<string, number>();

  private apply(prepared: readonly PreparedWrite[]): CommitResponse {
    const time = this.store.nextCommitTime();
    const { changes, results, applied } = planWrites(this.store, prepared, time);
    this.store.apply(changes, time);
    this.writeStats.record(applied);
    return { commitTime: formatTimestamp(time), writeResults: results };
  }

  private record(transaction: Transaction, name: string, doc: StoredDocument | undefined): void {
    if (transaction.readOnly) return;
    const seen = doc?.updateTime;
    const earlier = transaction.reads.get(name);
    // A document that changed between two reads of one transaction already conflicts: keep the
    // first version so that the commit fails.
    if (!transaction.reads.has(name) || earlier === seen) transaction.reads.set(name, seen);
  }

  /** The open read-write transactions other than `self` holding a lock on any of `names`. */
  private holders(names: readonly string[], self: Transaction | undefined): Transaction[] {
    const now = this.now();
    const out: Transaction[] = [];
    for (const transaction of this.transactions.values()) {
      if (transaction === self || transaction.readOnly || transaction.wounded) continue;
      if (this.expired(transaction, now)) continue;
      if (names.some((name) => transaction.reads.has(name))) out.push(transaction);
    }
    return out;
  }

  /**
   * Waits until no other transaction holds a lock on `names`. An older transaction wounds
   * younger holders instead of waiting for them; a wounded waiter gives up with ABORTED.
   */
  private async acquire(names: readonly string[], self: Transaction | undefined): Promise<void> {
    const deadline = this.now() + this.lockTimeoutMs;
    for (;;) {
      if (self?.wounded === true) throw new FirestoreError("ABORTED", CONTENTION_MESSAGE);
      let blocking = this.holders(names, self);
      if (self !== undefined) {
        for (const holder of blocking) {
          if (holder.age > self.age) holder.wounded = true;
        }
        blocking = blocking.filter((holder) => !holder.wounded);
      }
      if (blocking.length === 0) return;
      if (this.now() >= deadline) throw new FirestoreError("ABORTED", LOCK_TIMEOUT_MESSAGE);
      await this.waitForRelease(this.msUntilChange(blocking, deadline));
    }
  }

  /** Wall-clock milliseconds until a holder may expire or the deadline passes. */
  private msUntilChange(blocking: readonly Transaction[], deadline: number): number {
    const now = this.now();
    const expiries = blocking.map((t) =>
      Math.min(t.lastUsed + this.idleTimeoutMs, t.started + this.lifetimeMs),
    );
    return Math.max(1, Math.min(deadline, ...expiries) - now + 1);
  }

  private waitForRelease(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        this.sweep();
        wake();
      }, ms);
      this.waiters.add(wake);
    });
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private end(transaction: Transaction): void {
    this.transactions.delete(transaction.id);
    this.retiredAges.set(transaction.id, transaction.age);
    // Only the latest few matter: a retry follows its failed attempt at once.
    if (this.retiredAges.size > 1000) {
      const oldest = this.retiredAges.keys().next();
      if (oldest.done !== true) this.retiredAges.delete(oldest.value);
    }
    this.notify();
  }

  private use(id: string): Transaction {
    const transaction = this.transactions.get(id);
    const now = this.now();
    if (transaction === undefined || this.expired(transaction, now)) {
      this.transactions.delete(id);
      throw invalidArgument(EXPIRED_MESSAGE);
    }
    if (transaction.wounded) {
      this.end(transaction);
      throw new FirestoreError("ABORTED", CONTENTION_MESSAGE);
    }
    transaction.lastUsed = now;
    return transaction;
  }

  private expired(transaction: Transaction, now: number): boolean {
    return (
      now - transaction.lastUsed > this.idleTimeoutMs || now - transaction.started > this.lifetimeMs
    );
  }
}
