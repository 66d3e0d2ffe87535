import { expect } from "chai";
import {
  arrangeCalls,
  callDuration,
  compareCalls,
  endedUnattended,
  isCriticalUnacknowledged,
  isUnhandled,
  mostUrgentUnhandled,
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

  it("returns false when a supervisor ended the call, and for vitals and missed-call alerts", () => {
    const ended = aCall({ status: "ended" });
    const bySupervisor = aCall({ status: "ended", endReason: "ended by supervisor" });
    for (const kind of ["urgency", "unwatched"] as const) {
      expect(endedUnattended(anAlert("a1", { kind }), ended), kind).to.equal(true);
      expect(endedUnattended(anAlert("a1", { kind }), bySupervisor), kind).to.equal(false);
    }
    for (const kind of ["vitals", "missed_call"] as const) {
      expect(endedUnattended(anAlert("a1", { kind }), ended), kind).to.equal(false);
    }
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

  it("does not repeat the terms triage's note restates, but keeps what the note adds", () => {
    const reason = {
      source: "triage" as const,
      terms: ["smoke", "trapped"],
      messageId: "m1",
      note: 'critical: "smoke" (fire), "trapped" (fire); the caller cannot talk freely',
    };
    expect(urgencyReasonText(aCall({ urgencyReason: reason }))).to.equal(
      "“smoke”, “trapped” · the caller cannot talk freely",
    );
  });
});

describe("isUnhandled", () => {
  it("is true for a live call the assistant holds with no acknowledged alert", () => {
    expect(isUnhandled(entry("c1"), [anAlert("a1", { callId: "c1" })])).to.equal(true);
  });

  it("is false once an alert of the call is acknowledged, taken over, or the call is over", () => {
    const acked = anAlert("a1", {
      callId: "c1",
      acks: { u1: { at: 1005, status: "acknowledged", note: "" } },
    });
    expect(isUnhandled(entry("c1"), [acked])).to.equal(false);
    const held = entry("c1", { owner: { kind: "human", uid: "u1", name: "Dana", since: 5 } });
    expect(isUnhandled(held, [])).to.equal(false);
    expect(isUnhandled(entry("c1", { status: "ended" }), [])).to.equal(false);
    expect(isUnhandled(entry("c1", { status: "missed" }), [])).to.equal(false);
  });
});

describe("mostUrgentUnhandled", () => {
  it("picks critical over urgent over normal, whatever the order or age", () => {
    const calls = [
      entry("normal", { urgency: "normal", startedAt: 1 }),
      entry("critical", { urgency: "critical", startedAt: 30 }),
      entry("urgent", { urgency: "urgent", startedAt: 2 }),
    ];
    expect(mostUrgentUnhandled(calls, [])?.id).to.equal("critical");
    expect(mostUrgentUnhandled(calls.slice(0, 1).concat(calls.slice(2)), [])?.id).to.equal(
      "urgent",
    );
  });

  it("picks the call that has waited longest among equals, the id breaking ties", () => {
    const calls = [
      entry("newer", { urgency: "urgent", startedAt: 50 }),
      entry("b-older", { urgency: "urgent", startedAt: 10 }),
      entry("a-older", { urgency: "urgent", startedAt: 10 }),
    ];
    expect(mostUrgentUnhandled(calls, [])?.id).to.equal("a-older");
  });

  it("skips handled calls and finds none when every call is handled", () => {
    const acked = anAlert("a1", { callId: "critical", status: "acknowledged" });
    const calls = [
      entry("critical", { urgency: "critical" }),
      entry("held", {
        urgency: "critical",
        owner: { kind: "human", uid: "u", name: "D", since: 1 },
      }),
      entry("normal", { urgency: "normal" }),
    ];
    expect(mostUrgentUnhandled(calls, [acked])?.id).to.equal("normal");
    expect(mostUrgentUnhandled(calls.slice(0, 2), [acked])).to.equal(undefined);
  });
});
