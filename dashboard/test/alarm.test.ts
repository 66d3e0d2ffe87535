import { expect } from "chai";
import type { Call } from "@lifeline/model";
import {
  alarmControl,
  alarmingIncidents,
  newlyAlarming,
  parseMuted,
  ringingIncidents,
} from "../src/logic/alarm.js";
import { groupIncidents } from "../src/logic/incidents.js";
import type { AlertView } from "../src/logic/alerts.js";
import { aCall, anAlert } from "./fixtures.js";

const nameOf = () => "Dana";
const none: ReadonlySet<string> = new Set();

function incidents(alerts: AlertView[], calls: Record<string, Partial<Call>> = {}) {
  return groupIncidents(
    alerts,
    new Map(Object.entries(calls).map(([id, call]) => [id, aCall(call)])),
    nameOf,
  );
}

const keys = (list: readonly { key: string }[]) => list.map((incident) => incident.key);

describe("ringingIncidents", () => {
  it("rings for an open critical incident nobody handled, for a role that may acknowledge", () => {
    const list = incidents([anAlert("c1-urgency", { callId: "c1" })], { c1: {} });
    for (const role of ["admin", "dispatcher", "doctor", "nurse", "caregiver"] as const) {
      expect(
        keys(ringingIncidents({ incidents: list, role, muted: false, acknowledged: none })),
        role,
      ).to.deep.equal(["call:c1"]);
    }
  });

  it("does not ring for a subject, who may not act on alerts", () => {
    const list = incidents([anAlert("c1-urgency", { callId: "c1" })], { c1: {} });
    expect(
      ringingIncidents({ incidents: list, role: "subject", muted: false, acknowledged: none }),
    ).to.deep.equal([]);
  });

  it("rings for a nobody-watching page about an urgent call, not for an urgent call alone", () => {
    const list = incidents(
      [
        anAlert("c1-urgency", { callId: "c1", severity: "urgent" }),
        anAlert("c1-urgency-unwatched", { kind: "unwatched", callId: "c1", severity: "urgent" }),
        anAlert("c2-urgency", { callId: "c2", severity: "urgent" }),
        anAlert("c3-urgency", { callId: "c3", severity: "normal" }),
      ],
      { c1: {}, c2: {}, c3: {} },
    );
    expect(
      keys(
        ringingIncidents({ incidents: list, role: "dispatcher", muted: false, acknowledged: none }),
      ),
    ).to.deep.equal(["call:c1"]);
  });

  it("stops once the incident is acknowledged, taken over or resolved", () => {
    const acked = anAlert("c1-urgency", {
      callId: "c1",
      status: "acknowledged",
      acks: { dana: { status: "acknowledged", note: "", at: 2_000 } },
    });
    const resolved = anAlert("c3-urgency", { callId: "c3", status: "resolved" });
    const list = incidents([acked, anAlert("c2-urgency", { callId: "c2" }), resolved], {
      c1: {},
      c2: { owner: { kind: "human", uid: "dana", name: "Dana", since: 3_000 } },
      c3: {},
    });
    expect(
      ringingIncidents({ incidents: list, role: "dispatcher", muted: false, acknowledged: none }),
    ).to.deep.equal([]);
  });

  it("stops at once for an alert this page is acknowledging, before the write comes back", () => {
    const list = incidents(
      [anAlert("c1-urgency", { callId: "c1" }), anAlert("c2-urgency", { callId: "c2" })],
      { c1: {}, c2: {} },
    );
    expect(
      keys(
        ringingIncidents({
          incidents: list,
          role: "nurse",
          muted: false,
          acknowledged: new Set(["c1-urgency"]),
        }),
      ),
    ).to.deep.equal(["call:c2"]);
  });

  it("rings for nothing while muted, though the incidents still call for the alarm", () => {
    const list = incidents([anAlert("c1-urgency", { callId: "c1" })], { c1: {} });
    const input = { incidents: list, role: "dispatcher" as const, acknowledged: none };
    expect(ringingIncidents({ ...input, muted: true })).to.deep.equal([]);
    expect(keys(alarmingIncidents(input))).to.deep.equal(["call:c1"]);
  });
});

describe("alarmControl", () => {
  const list = incidents([anAlert("c1-urgency", { callId: "c1" })], { c1: {} });
  const input = { incidents: list, role: "dispatcher" as const, acknowledged: none };

  it("says ringing with the count, on when quiet, muted with what waits, blocked before a gesture", () => {
    expect(alarmControl({ ...input, muted: false, audioBlocked: false })).to.deep.equal({
      state: "ringing",
      label: "Alarm ringing · 1",
      waiting: 1,
    });
    expect(
      alarmControl({ ...input, incidents: [], muted: false, audioBlocked: false }),
    ).to.deep.equal({ state: "on", label: "Alarm on", waiting: 0 });
    expect(alarmControl({ ...input, muted: true, audioBlocked: false })).to.deep.equal({
      state: "muted",
      label: "Alarm muted · 1 waiting",
      waiting: 1,
    });
    expect(alarmControl({ ...input, muted: true, audioBlocked: true }).state).to.equal("muted");
    expect(alarmControl({ ...input, muted: false, audioBlocked: true }).state).to.equal("blocked");
  });
});

describe("newlyAlarming", () => {
  it("returns each alarming incident once: those not announced yet", () => {
    const list = incidents(
      [anAlert("c1-urgency", { callId: "c1" }), anAlert("c2-urgency", { callId: "c2" })],
      { c1: {}, c2: {} },
    );
    expect(keys(newlyAlarming(list, new Set(["call:c1"])))).to.deep.equal(["call:c2"]);
    expect(newlyAlarming(list, new Set(["call:c1", "call:c2"]))).to.deep.equal([]);
  });
});

describe("parseMuted", () => {
  it("reads only the stored '1' as muted: a missing or odd value keeps the alarm on", () => {
    expect(parseMuted("1")).to.equal(true);
    expect(parseMuted(null)).to.equal(false);
    expect(parseMuted("true")).to.equal(false);
  });
});
