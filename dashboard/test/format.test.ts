import { expect } from "chai";
import { formatAgo, formatDuration, humanize, plural } from "../src/logic/format.js";

describe("formatDuration", () => {
  it("returns m:ss, then h:mm:ss, and zero for negative spans", () => {
    expect(formatDuration(0)).to.equal("0:00");
    expect(formatDuration(42_999)).to.equal("0:42");
    expect(formatDuration(12 * 60_000 + 5_000)).to.equal("12:05");
    expect(formatDuration(3_723_000)).to.equal("1:02:03");
    expect(formatDuration(-5_000)).to.equal("0:00");
  });
});

describe("formatAgo", () => {
  it("returns coarse relative times", () => {
    const now = 10_000_000;
    expect(formatAgo(now - 1_000, now)).to.equal("just now");
    expect(formatAgo(now - 45_000, now)).to.equal("45 s ago");
    expect(formatAgo(now - 180_000, now)).to.equal("3 min ago");
    expect(formatAgo(now - 2 * 3_600_000, now)).to.equal("2 h ago");
    expect(formatAgo(now - 4 * 86_400_000, now - 0)).to.equal("4 d ago");
  });
});

describe("plural", () => {
  it("returns the singular for one only", () => {
    expect(plural(1, "alert")).to.equal("1 alert");
    expect(plural(0, "alert")).to.equal("0 alerts");
    expect(plural(2, "call")).to.equal("2 calls");
  });
});

describe("humanize", () => {
  it("returns snake case as words", () => {
    expect(humanize("false_alarm")).to.equal("false alarm");
  });
});
