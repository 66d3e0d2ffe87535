/**
 * Rate limits of the gateway endpoints: a token bucket per key (a caller's number, a gateway's
 * identity), held in memory by each function instance.
 *
 * Why in memory and not in the database: a limit kept in the Realtime Database needs a transaction
 * per request — a read-modify-write round trip on the caller's path, which the speech turn's
 * latency budget (p50 ≤ 40 ms end to end) cannot afford, and a hot node every turn of a gateway
 * contends on. The cost is precision: with N instances a key can get up to N times its limit in
 * the worst case (requests spread evenly over instances). The limits are therefore per instance
 * (`maxInstances` bounds the total), and they exist to stop a runaway loop or a flood from one
 * number from reaching the responder and the database, not to meter anyone exactly; a gateway
 * also throttles on its side. Buckets of idle keys are dropped, so memory stays bounded.
 */
import { HttpError } from "./errors.js";

export interface BucketOptions {
  /** Requests a key may make at once after being idle. */
  readonly burst: number;
  /** Sustained rate: tokens added per minute. */
  readonly perMinute: number;
  /** Most keys held; the fullest (most idle) buckets are dropped first beyond it. */
  readonly maxKeys?: number;
}

export type Decision =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const DEFAULT_MAX_KEYS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly maxKeys: number;

  constructor(
    options: BucketOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.burst >= 1) || !(options.perMinute > 0)) {
      throw new RangeError("a rate limit needs a burst of at least 1 and a positive rate");
    }
    this.burst = options.burst;
    this.perMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** Takes one token for `key`, or says how long until one is available. */
  take(key: string): Decision {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      // Re-inserting keeps the Map in least-recently-used order for eviction.
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
      this.evict();
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const waitMs = (1 - bucket.tokens) / this.perMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Keys currently held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    const existing = this.buckets.get(key);
    if (existing === undefined) return { tokens: this.burst, updatedAt: now };
    const elapsed = Math.max(0, now - existing.updatedAt);
    existing.tokens = Math.min(this.burst, existing.tokens + elapsed * this.perMs);
    existing.updatedAt = now;
    return existing;
  }

  private evict(): void {
    while (this.buckets.size > this.maxKeys) {
      // The first key in insertion order is the least recently used: its bucket is the fullest.
      const oldest = this.buckets.keys().next();
      if (oldest.done === true) return;
      this.buckets.delete(oldest.value);
    }
  }
}

/** Takes a token or throws 429 with `Retry-After` (seconds). */
export function enforce(buckets: TokenBuckets, key: string, what: string): void {
  const decision = buckets.take(key);
  if (decision.allowed) return;
  throw new HttpError(
    "RESOURCE_EXHAUSTED",
    `Too many requests for this ${what}; retry in ${decision.retryAfterSeconds} s.`,
    { headers: { "Retry-After": String(decision.retryAfterSeconds) } },
  );
}
