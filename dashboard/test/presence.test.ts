import { expect } from "chai";
import { PRESENCE } from "@lifeline/model";
import { isPresent, isStale, liveness } from "../src/logic/presence.js";

const now = 10_000_000;
const record = (state: "online" | "away" | "offline", ageMs: number) => ({
  state,
  lastSeen: now - ageMs,
  name: "Dana",
});

describe("liveness", () => {
  it("takes the state of a record with a fresh heartbeat", () => {
    expect(liveness(record("online", 0), now)).to.equal("online");
    expect(liveness(record("away", PRESENCE.freshMs), now)).to.equal("away");
  });

  it("calls a record offline once its heartbeat is older than freshMs, whatever its state says", () => {
    expect(liveness(record("online", PRESENCE.freshMs + 1), now)).to.equal("offline");
    expect(isStale(record("online", PRESENCE.freshMs + 1), now)).to.equal(true);
    expect(isPresent(record("online", PRESENCE.freshMs + 1), now)).to.equal(false);
  });

  it("calls an offline or missing record offline, and not stale", () => {
    expect(liveness(record("offline", 0), now)).to.equal("offline");
    expect(liveness(undefined, now)).to.equal("offline");
    expect(isStale(record("offline", 0), now)).to.equal(false);
    expect(isPresent(record("online", 1000), now)).to.equal(true);
  });

  it("beats often enough that one missed heartbeat does not look offline", () => {
    expect(PRESENCE.heartbeatMs * 2).to.be.below(PRESENCE.freshMs);
  });
});
