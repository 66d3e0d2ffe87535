import { expect } from "chai";
import {
  arrangeCalls,
  callDuration,
  compareCalls,
  endedUnattended,
  isCriticalUnacknowledged,
  ownerLabel,
  urgencyReasonText,
} from "../src/logic/calls.js";
import { aCall, anAlert, entry } from "./fixtures.js";

describe("compareCalls", () => {
  it("sorts active calls by urgency, then most recent activity, then id", () => {
    const calls = [
      entry("calm-new", { urgency: "normal", lastMessageAt: 9000 }),
      entry("urgent-old", { urgency: "urgent", lastMessageAt: 1000 }),
      entry("critical-old", { urgency: "critical", lastMessageAt: 1000 }),
      entry("critical-new", { urgency: "critical", lastMessageAt: 5000 }),
      entry("b-tie", { urgency: "normal", lastMessageAt: 3000 }),
      entry("a-tie", { urgency: "normal", lastMessageAt: 3000 }),
    ];
    expect([...calls].sort(compareCalls).map((call) => call.id)).to.deep.equal([
      "critical-new",
      "critical-old",
      "urgent-old",
      "calm-new",
      "a-tie",
      "b-tie",
    ]);
  });

  it("puts calls that are over after live ones, the latest finished first", () => {
    const calls = [
      entry("ended-critical", { status: "ended", urgency: "critical", endedAt: 1000 }),
      entry("missed-late", { status: "missed", endedAt: 8000 }),
      entry("live-calm", { urgency: "normal" }),
    ];
    expect([...calls].sort(compareCalls).map((call) => call.id)).to.deep.equal([
      "live-calm",
      "missed-late",
      "ended-critical",
    ]);
  });
});

describe("arrangeCalls", () => {
  it("keeps every active call and at most the given number of finished ones", () => {
    const finished = Array.from({ length: 5 }, (_, i) =>
      entry(`done-${i}`, { status: "ended", endedAt: i }),
    );
    const arranged = arrangeCalls([...finished, entry("live")], 2);
    expect(arranged.map((call) => call.id)).to.deep.equal(["live", "done-4", "done-3"]);
  });
});

describe("ownerLabel", () => {
  it("names the AI, the member itself as You, or the colleague", () => {
    expect(ownerLabel({ kind: "ai", since: 1 }, "me")).to.equal("AI assistant");
    expect(ownerLabel({ kind: "human", uid: "me", name: "Dee", since: 1 }, "me")).to.equal("You");
    expect(ownerLabel({ kind: "human", uid: "x", name: "Dee", since: 1 }, "me")).to.equal("Dee");
  });
});

describe("callDuration", () => {
  it("counts to now while active and to the end afterwards", () => {
    expect(callDuration(aCall({ startedAt: 1000 }), 61_000)).to.equal(60_000);
    expect(
      callDuration(aCall({ status: "ended", startedAt: 1000, endedAt: 31_000 }), 99_000),
    ).to.equal(30_000);
  });
});

describe("isCriticalUnacknowledged", () => {
  const critical = entry("c1", { urgency: "critical" });

  it("returns true for a live critical call whose alert is open without acks", () => {
    expect(isCriticalUnacknowledged(critical, [anAlert("a1", { callId: "c1" })])).to.equal(true);
  });

  it("returns true while no alert for the call has arrived yet", () => {
    expect(isCriticalUnacknowledged(critical, [anAlert("a1", { callId: "other" })])).to.equal(true);
  });

  it("returns false once someone acknowledged, even before the status moved", () => {
    const acked = anAlert("a1", {
      callId: "c1",
      acks: { u1: { status: "acknowledged", note: "", at: 5_000 } },
    });
    expect(isCriticalUnacknowledged(critical, [acked])).to.equal(false);
    expect(
      isCriticalUnacknowledged(critical, [anAlert("a1", { callId: "c1", status: "acknowledged" })]),
    ).to.equal(false);
  });

  it("returns false for calls that are not critical or no longer live", () => {
    expect(isCriticalUnacknowledged(entry("c2", { urgency: "urgent" }), [])).to.equal(false);
    expect(
      isCriticalUnacknowledged(entry("c3", { urgency: "critical", status: "ended" }), []),
    ).to.equal(false);
  });
});

describe("endedUnattended", () => {
  it("returns true for an unacknowledged alert whose call is over", () => {
    const alert = anAlert("a1", { callId: "c1" });
    expect(endedUnattended(alert, aCall({ status: "ended" }))).to.equal(true);
    expect(endedUnattended(alert, aCall({ status: "missed" }))).to.equal(true);
  });

  it("returns false while the call is live, when acknowledged, or when the call is unknown", () => {
    expect(endedUnattended(anAlert("a1"), aCall())).to.equal(false);
    expect(
      endedUnattended(anAlert("a1", { status: "acknowledged" }), aCall({ status: "ended" })),
    ).to.equal(false);
    expect(endedUnattended(anAlert("a1"), undefined)).to.equal(false);
  });
});

describe("urgencyReasonText", () => {
  it("returns the triage terms and the source in words", () => {
    expect(
      urgencyReasonText(
        aCall({ urgencyReason: { source: "triage", terms: ["not breathing"], messageId: "m1" } }),
      ),
    ).to.equal("“not breathing”");
    expect(
      urgencyReasonText(aCall({ urgencyReason: { source: "override", note: "caller known" } })),
    ).to.equal("set by a supervisor · caller known");
    expect(urgencyReasonText(aCall())).to.equal(undefined);
  });
});
