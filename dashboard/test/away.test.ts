import { expect } from "chai";
import { diffAway, isEmptySummary, snapshotState } from "../src/logic/away.js";
import { anAlert, entry } from "./fixtures.js";

const label = (e: { id: string }) => `call ${e.id}`;

describe("diffAway", () => {
  it("returns alerts raised, alerts acknowledged and calls ended while offline", () => {
    const before = snapshotState(
      1000,
      [anAlert("open-then-acked"), anAlert("still-open")],
      [entry("ends"), entry("stays"), entry("already-over", { status: "ended" })],
      label,
    );
    const after = snapshotState(
      61_000,
      [
        anAlert("open-then-acked", { status: "acknowledged" }),
        anAlert("still-open"),
        anAlert("new-open"),
        anAlert("new-and-acked", { acks: { u: { status: "responding", note: "", at: 3_000 } } }),
      ],
      [
        entry("ends", { status: "ended" }),
        entry("stays"),
        entry("already-over", { status: "ended" }),
        entry("missed-meanwhile", { status: "missed" }),
        entry("new-live"),
      ],
      label,
    );
    const summary = diffAway(before, after);
    expect(summary.offlineMs).to.equal(60_000);
    expect(summary.raised.map((item) => item.id)).to.deep.equal(["new-open", "new-and-acked"]);
    expect(summary.acknowledged.map((item) => item.id)).to.deep.equal([
      "open-then-acked",
      "new-and-acked",
    ]);
    expect(summary.ended).to.deep.equal([
      { id: "ends", text: "call ends (ended)" },
      { id: "missed-meanwhile", text: "call missed-meanwhile (missed)" },
    ]);
    expect(isEmptySummary(summary)).to.equal(false);
  });

  it("returns an empty summary when nothing changed", () => {
    const state = snapshotState(1000, [anAlert("a")], [entry("c")], label);
    const summary = diffAway(state, { ...state, at: 5000 });
    expect(isEmptySummary(summary)).to.equal(true);
    expect(summary.offlineMs).to.equal(4000);
  });
});
