import { expect } from "chai";
import {
  FaultRequestError,
  Faults,
  LatencyQueue,
  NO_FAULTS,
  parseFaultRequest,
} from "../../src/engine/faults.js";

describe("parseFaultRequest", () => {
  it("fills omitted faults with off and separates the one-shot dropSockets", () => {
    expect(parseFaultRequest({})).to.deep.equal({ state: NO_FAULTS, dropSockets: false });
    expect(
      parseFaultRequest({ latencyMs: 40, stallWrites: true, dropSockets: true }),
    ).to.deep.equal({
      state: { latencyMs: 40, stallWrites: true, refuseConnections: false },
      dropSockets: true,
    });
  });

  it("rejects unknown keys, wrong types and out-of-range latency", () => {
    for (const body of [
      null,
      [],
      "x",
      { stall: true },
      { latencyMs: -1 },
      { latencyMs: Number.NaN },
      { latencyMs: 120_001 },
      { refuseConnections: 1 },
      { dropSockets: "true" },
    ]) {
      expect(() => parseFaultRequest(body), JSON.stringify(body)).to.throw(FaultRequestError);
    }
  });
});

describe("Faults", () => {
  it("applies writes at once when not stalled, and holds them in order while stalled", () => {
    const faults = new Faults(true);
    const applied: number[] = [];
    faults.write(() => applied.push(1));
    expect(applied).to.deep.equal([1]);
    faults.set({ ...NO_FAULTS, stallWrites: true });
    faults.write(() => applied.push(2));
    faults.write(() => applied.push(3));
    expect(applied).to.deep.equal([1]);
    expect(faults.heldWrites).to.equal(2);
    faults.set({ ...NO_FAULTS, latencyMs: 5 });
    expect(applied).to.deep.equal([1, 2, 3]);
    expect(faults.heldWrites).to.equal(0);
  });

  it("ignores every change when not enabled", () => {
    const faults = new Faults(false);
    faults.set({ latencyMs: 10, stallWrites: true, refuseConnections: true });
    expect(faults.state).to.deep.equal(NO_FAULTS);
    const applied: number[] = [];
    faults.write(() => applied.push(1));
    expect(applied).to.deep.equal([1]);
  });
});

describe("LatencyQueue", () => {
  it("runs at once without latency, and keeps arrival order when the latency drops", async () => {
    const faults = new Faults(true);
    const queue = new LatencyQueue(faults);
    const ran: string[] = [];
    queue.push(() => ran.push("immediate"));
    expect(ran).to.deep.equal(["immediate"]);
    faults.set({ ...NO_FAULTS, latencyMs: 30 });
    queue.push(() => ran.push("slow"));
    faults.set(NO_FAULTS);
    // Queued behind the slow one even though the latency is now zero.
    const done = new Promise<void>((resolve) => {
      queue.push(() => {
        ran.push("fast");
        resolve();
      });
    });
    expect(ran).to.deep.equal(["immediate"]);
    await done;
    expect(ran).to.deep.equal(["immediate", "slow", "fast"]);
  });
});
