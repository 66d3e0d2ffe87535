import { expect } from "chai";
import { HttpError } from "../../../src/http-kit/errors.js";
import { enforce, TokenBuckets } from "../../../src/http-kit/rate-limit.js";

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("TokenBuckets", () => {
  it("allows a burst, then refuses with the seconds until the next token", () => {
    const time = clock();
    const buckets = new TokenBuckets({ burst: 3, perMinute: 6 }, time.now);
    expect([1, 2, 3].map(() => buckets.take("a").allowed)).to.deep.equal([true, true, true]);
    const refused = buckets.take("a");
    expect(refused).to.deep.equal({ allowed: false, retryAfterSeconds: 10 });
    time.advance(4_000);
    expect(buckets.take("a")).to.deep.equal({ allowed: false, retryAfterSeconds: 6 });
  });

  it("refills at the sustained rate, never above the burst", () => {
    const time = clock();
    const buckets = new TokenBuckets({ burst: 2, perMinute: 60 }, time.now);
    buckets.take("a");
    buckets.take("a");
    expect(buckets.take("a").allowed).to.equal(false);
    time.advance(1_000);
    expect(buckets.take("a").allowed).to.equal(true);
    expect(buckets.take("a").allowed).to.equal(false);
    time.advance(60_000);
    expect(buckets.take("a")).to.deep.equal({ allowed: true, remaining: 1 });
  });

  it("keeps keys apart", () => {
    const buckets = new TokenBuckets({ burst: 1, perMinute: 1 }, clock().now);
    expect(buckets.take("+15550001").allowed).to.equal(true);
    expect(buckets.take("+15550001").allowed).to.equal(false);
    expect(buckets.take("+15550002").allowed).to.equal(true);
  });

  it("drops the least recently used keys beyond maxKeys", () => {
    const buckets = new TokenBuckets({ burst: 1, perMinute: 1, maxKeys: 2 }, clock().now);
    buckets.take("a");
    buckets.take("b");
    buckets.take("c");
    expect(buckets.size).to.equal(2);
    // "a" was dropped, so it starts again with a full bucket; "c" is still empty.
    expect(buckets.take("a").allowed).to.equal(true);
    expect(buckets.take("c").allowed).to.equal(false);
  });

  it("rejects a configuration that could never allow a request", () => {
    expect(() => new TokenBuckets({ burst: 0, perMinute: 10 })).to.throw(RangeError);
    expect(() => new TokenBuckets({ burst: 5, perMinute: 0 })).to.throw(RangeError);
  });
});

describe("enforce", () => {
  it("throws 429 with Retry-After once the bucket is empty", () => {
    const buckets = new TokenBuckets({ burst: 1, perMinute: 30 }, clock().now);
    enforce(buckets, "k", "caller number");
    let thrown: unknown;
    try {
      enforce(buckets, "k", "caller number");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(HttpError);
    if (!(thrown instanceof HttpError)) return;
    expect(thrown.httpStatus).to.equal(429);
    expect(thrown.code).to.equal("RESOURCE_EXHAUSTED");
    expect(thrown.headers).to.deep.equal({ "Retry-After": "2" });
  });
});
