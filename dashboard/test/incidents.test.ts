import { expect } from "chai";
import type { Call } from "@lifeline/model";
import { groupIncidents, incidentStatus, sortIncidents } from "../src/logic/incidents.js";
import { aCall, anAlert } from "./fixtures.js";

const names: Record<string, string> = { dana: "Dana", ravi: "Ravi" };
const nameOf = (uid: string) => names[uid] ?? "a colleague";

function calls(entries: Record<string, Partial<Call>>): Map<string, Call> {
  return new Map(Object.entries(entries).map(([id, call]) => [id, aCall(call)]));
}

describe("groupIncidents", () => {
  it("returns one incident for a call's urgency alert, its page and its subject's vitals", () => {
    const incidents = groupIncidents(
      [
        anAlert("c1-urgency", { callId: "c1", subjectId: "s1", at: 1_000 }),
        anAlert("c1-urgency-unwatched", { kind: "unwatched", callId: "c1", at: 1_000 }),
        anAlert("s1-vitals", { kind: "vitals", subjectId: "s1", at: 1_500, title: "SpO2 83 %" }),
        anAlert("c2-urgency", { callId: "c2", subjectId: "s2", severity: "urgent" }),
      ],
      calls({ c1: { subjectId: "s1" }, c2: { subjectId: "s2" } }),
      nameOf,
    );
    expect(incidents.map((i) => [i.key, i.lead.id, i.alerts.length])).to.deep.equal([
      ["call:c1", "c1-urgency", 3],
      ["call:c2", "c2-urgency", 1],
    ]);
    const first = incidents[0];
    expect(first?.unwatched).to.equal(true);
    expect(first?.handled).to.equal(false);
    expect(first?.timeline.map((e) => e.text)).to.deep.equal([
      "Raised critical",
      "Nobody watching: admins paged",
      "SpO2 83 %",
    ]);
  });

  it("keeps a vitals alert about a subject with no call, and its page, as their own incident", () => {
    const incidents = groupIncidents(
      [
        anAlert("s9-vitals", { kind: "vitals", subjectId: "s9" }),
        anAlert("s9-vitals-unwatched", { kind: "unwatched", subjectId: "s9" }),
        anAlert("lapse", { kind: "hold_lapsed", callId: "c1" }),
      ],
      calls({ c1: { subjectId: "s1" } }),
      nameOf,
    );
    expect(incidents.map((i) => [i.key, i.lead.id, i.alerts.length])).to.deep.equal([
      ["alert:s9-vitals", "s9-vitals", 2],
      ["alert:lapse", "lapse", 1],
    ]);
  });

  it("counts an acknowledgement as handled at once, before the status moves", () => {
    const [incident] = groupIncidents(
      [
        anAlert("c1-urgency", {
          callId: "c1",
          acks: { dana: { status: "acknowledged", note: "", at: 61_000 } },
        }),
        anAlert("c1-urgency-unwatched", { kind: "unwatched", callId: "c1" }),
      ],
      calls({ c1: {} }),
      nameOf,
    );
    expect(incident?.handled).to.equal(true);
    expect(incident?.handler).to.deep.include({ uid: "dana", how: "acknowledged" });
    expect(incident === undefined ? "" : incidentStatus(incident, 181_000, nameOf)).to.equal(
      "Acknowledged by Dana 2 min ago",
    );
    expect(incident?.timeline.at(-1)?.text).to.equal("Acknowledged by Dana");
  });

  it("counts a take-over as handled and names who holds the call", () => {
    const [incident] = groupIncidents(
      [anAlert("c1-urgency", { callId: "c1" })],
      calls({ c1: { owner: { kind: "human", uid: "ravi", name: "Ravi", since: 5_000 } } }),
      nameOf,
    );
    expect(incident?.handled).to.equal(true);
    expect(incident === undefined ? "" : incidentStatus(incident, 6_000, nameOf)).to.equal(
      "Ravi is on the call",
    );
    expect(incident?.timeline.at(-1)).to.deep.equal({ at: 5_000, text: "Taken over by Ravi" });
  });

  it("says an unanswered incident waits for someone, and that nobody watches it", () => {
    const alerts = [
      anAlert("c1-urgency", { callId: "c1" }),
      anAlert("c1-urgency-unwatched", { kind: "unwatched", callId: "c1" }),
    ];
    const [paged] = groupIncidents(alerts, calls({ c1: {} }), nameOf);
    const [plain] = groupIncidents(alerts.slice(0, 1), calls({ c1: {} }), nameOf);
    expect(paged === undefined ? "" : incidentStatus(paged, 2_000, nameOf)).to.equal(
      "Waiting for someone · nobody watching",
    );
    expect(plain === undefined ? "" : incidentStatus(plain, 2_000, nameOf)).to.equal(
      "Waiting for someone",
    );
  });
});

describe("incidentStatus", () => {
  it("says a follow-up nobody answered needs a call back", () => {
    const [incident] = groupIncidents(
      [anAlert("c1-urgency", { callId: "c1", followUp: { since: 2_000 } })],
      calls({ c1: { status: "ended" } }),
      nameOf,
    );
    expect(incident === undefined ? "" : incidentStatus(incident, 3_000, nameOf)).to.equal(
      "Call back needed",
    );
  });
});

describe("groupIncidents: declined and reopened", () => {
  it("keeps an incident only declined waiting for someone, the decline in its timeline", () => {
    const [incident] = groupIncidents(
      [
        anAlert("c1-urgency", {
          callId: "c1",
          acks: { dana: { status: "declined", note: "In surgery", at: 2_000 } },
        }),
      ],
      calls({ c1: {} }),
      nameOf,
    );
    expect(incident?.handled).to.equal(false);
    expect(incident === undefined ? "" : incidentStatus(incident, 3_000, nameOf)).to.equal(
      "Waiting for someone",
    );
    expect(incident?.timeline.at(-1)?.text).to.equal("Declined by Dana — In surgery");
  });

  it("no longer counts an acknowledgement from before the alert reopened", () => {
    const [incident] = groupIncidents(
      [
        anAlert("c1-urgency", {
          callId: "c1",
          at: 700_000,
          acks: { dana: { status: "acknowledged", note: "", at: 100_000 } },
        }),
      ],
      calls({ c1: {} }),
      nameOf,
    );
    expect(incident?.handled).to.equal(false);
    expect(incident?.handler).to.equal(undefined);
  });
});

describe("sortIncidents", () => {
  it("returns unhandled incidents first, then handled ones, then closed ones", () => {
    const incidents = groupIncidents(
      [
        anAlert("handled-urgency", {
          callId: "handled",
          acks: { dana: { status: "acknowledged", note: "", at: 9 } },
          at: 9,
        }),
        anAlert("closed-urgency", { callId: "closed", status: "resolved", at: 10 }),
        anAlert("waiting-urgent-urgency", { callId: "waiting-urgent", severity: "urgent", at: 8 }),
        anAlert("waiting-urgency", { callId: "waiting", at: 1 }),
      ],
      calls({ handled: {}, closed: {}, "waiting-urgent": {}, waiting: {} }),
      nameOf,
    );
    expect(sortIncidents(incidents).map((i) => i.key)).to.deep.equal([
      "call:waiting",
      "call:waiting-urgent",
      "call:handled",
      "call:closed",
    ]);
  });
});
