import { expect } from "chai";
import {
  fallbackTurn,
  inTurnOrder,
  markersOfTurn,
  mergeTurns,
  planDeferredTurn,
  type DeferredTurn,
} from "../../src/domain/deferred.js";
import { parseCallState, turnFingerprint } from "../../src/domain/turn/index.js";
import { callPath } from "@lifeline/model";

const NOW = Date.UTC(2025, 5, 1, 12);
const CALL = "call-x";

function deferred(turnId: string, at: number, text = `words of ${turnId}`): DeferredTurn {
  const request = { callRef: "CA1", from: "+15555550101", text, medium: "voice" as const, turnId };
  return fallbackTurn({
    gateway: "gw",
    request,
    fingerprint: turnFingerprint(request),
    callId: CALL,
    known: { tenantId: "t1" },
    now: at,
  });
}

const ids = (turns: readonly DeferredTurn[]) => turns.map((turn) => turn.request.turnId);

describe("a deferred turn's line", () => {
  it("is carried to the write, so a call first written late still knows the line it reached", () => {
    const request = {
      callRef: "SM1",
      from: "+15555550101",
      text: "hi",
      medium: "sms" as const,
      turnId: "SM1",
    };
    const turn = fallbackTurn({
      gateway: "twilio",
      request,
      fingerprint: turnFingerprint(request),
      callId: CALL,
      known: { tenantId: "t1", line: "+15555550100" },
      now: NOW,
    });
    expect(turn.line).to.equal("+15555550100");
    const plan = planDeferredTurn({
      tenantId: "t1",
      turn,
      state: parseCallState({ call: null, outbox: null, messages: null, alert: null }),
    });
    expect(plan.update[`${callPath("t1", CALL)}/line`]).to.equal("+15555550100");
  });
});

describe("ordering a call's deferred turns", () => {
  it("orders by the turn's time, then by turn id when two turns share a millisecond", () => {
    const turns = [deferred("c", NOW + 2), deferred("b", NOW), deferred("a", NOW)];
    expect(ids(inTurnOrder(turns))).to.deep.equal(["a", "b", "c"]);
    expect(ids(turns), "the input is left as it was").to.deep.equal(["c", "b", "a"]);
  });

  it("gives a new turn the markers deferred before it arrived, in order, and not later ones", () => {
    const markers = [deferred("t3", NOW + 30), deferred("t1", NOW + 10), deferred("t2", NOW + 20)];
    const { earlier, own } = markersOfTurn(markers, "t9", "fp-of-t9", NOW + 25);
    expect(ids(earlier)).to.deep.equal(["t1", "t2"]);
    expect(own).to.equal(undefined);
  });

  it("finds a retried turn's own marker and orders by the marker's time, not the retry's", () => {
    const mine = deferred("t2", NOW + 20);
    const markers = [deferred("t3", NOW + 30), mine, deferred("t1", NOW + 10)];
    const { earlier, own } = markersOfTurn(markers, "t2", mine.fingerprint, NOW + 90);
    expect(own).to.equal(mine);
    expect(ids(earlier), "t3 came after t2 and is not its past").to.deep.equal(["t1"]);
  });

  it("does not take a marker under the same turn id with other words for the turn's own", () => {
    const other = deferred("t2", NOW + 20, "different words");
    const { earlier, own } = markersOfTurn([other], "t2", "fp-of-other-words", NOW + 90);
    expect(own).to.equal(undefined);
    expect(earlier, "nor for an earlier turn").to.deep.equal([]);
  });

  it("merges instance and marker lists, each turn once, in order", () => {
    const t1 = deferred("t1", NOW + 10);
    const t2 = deferred("t2", NOW + 20);
    const t3 = deferred("t3", NOW + 30);
    expect(ids(mergeTurns([t3, t1], [t2, t1]))).to.deep.equal(["t1", "t2", "t3"]);
    expect(mergeTurns([], [])).to.deep.equal([]);
  });
});
