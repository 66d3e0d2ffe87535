import { expect } from "chai";
import type { Alert, AuditEntry, Call } from "@lifeline/model";
import {
  archiveOutcome,
  archiveRecord,
  handlersOf,
  phonePrefixes,
} from "../../src/domain/archive.js";

function call(overrides: Partial<Call> = {}): Call {
  return {
    subjectId: "s1",
    phone: "+15550100",
    medium: "voice",
    status: "ended",
    urgency: "critical",
    owner: { kind: "ai", since: 1000 },
    startedAt: 1000,
    lastMessageAt: 4000,
    endedAt: 5000,
    messageCount: 2,
    lastSnippet: "Help is on the way.",
    ...overrides,
  };
}

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    kind: "urgency",
    severity: "critical",
    callId: "c1",
    subjectId: "s1",
    title: 'Critical call: "fire"',
    at: 1000,
    status: "open",
    level: 0,
    ...overrides,
  };
}

const takeOver: AuditEntry = {
  action: "take_over",
  actorUid: "u-dan",
  at: 2000,
  callId: "c1",
  details: { name: "Dan Dispatcher" },
};
const ack: AuditEntry = {
  action: "acknowledge",
  actorUid: "u-ada",
  at: 1500,
  callId: "c1",
  alertId: "a1",
  details: { status: "responding", note: "", kind: "urgency" },
};

describe("archive record", () => {
  it("lists every leading part of the phone from + and one digit", () => {
    expect(phonePrefixes("+1555")).to.deep.equal(["+1", "+15", "+155", "+1555"]);
  });

  it("names the outcome: missed, then ended by supervisor, then taken over, then unattended", () => {
    const open = [alert()];
    expect(archiveOutcome(call({ status: "missed" }), [], open, [])).to.equal("missed");
    expect(
      archiveOutcome(call({ endReason: "ended by supervisor" }), [], open, [takeOver]),
    ).to.equal("ended_by_supervisor");
    expect(archiveOutcome(call(), [], open, [takeOver])).to.equal("taken_over");
    expect(archiveOutcome(call(), [], open, [])).to.equal("ended_unattended");
    expect(archiveOutcome(call(), [], [], [])).to.equal("completed");
  });

  it("counts a hold as taken over from the owner, a lapse or a hand-back note too", () => {
    const held = call({ owner: { kind: "human", uid: "u-dan", name: "Dan", since: 2000 } });
    expect(archiveOutcome(held, [], [], [])).to.equal("taken_over");
    const lapsed = call({
      owner: { kind: "ai", since: 3000, lapsed: { uid: "u-dan", name: "Dan", reason: "offline" } },
    });
    expect(archiveOutcome(lapsed, [], [], [])).to.equal("taken_over");
    expect(archiveOutcome(call(), ["m1", "handback-3000"], [], [])).to.equal("taken_over");
    expect(archiveOutcome(call(), ["m1", "handback-x"], [], [])).to.equal("completed");
  });

  it("is unattended only when an urgency alert was left unanswered, before or after it closed", () => {
    const acknowledged = alert({
      status: "acknowledged",
      acks: { "u-ada": { status: "responding", note: "", at: 1500 } },
    });
    expect(archiveOutcome(call(), [], [acknowledged], [])).to.equal("completed");
    const declinedOnly = alert({
      severity: "urgent",
      acks: { "u-ada": { status: "declined", note: "in surgery", at: 1500 } },
    });
    expect(archiveOutcome(call(), [], [declinedOnly], [])).to.equal("ended_unattended");
    const closedAlready = alert({ status: "resolved", title: "Urgent call · ended unattended" });
    expect(archiveOutcome(call(), [], [closedAlready], [])).to.equal("ended_unattended");
    expect(archiveOutcome(call(), [], [alert({ kind: "vitals" })], [])).to.equal("completed");
  });

  it("names the members who acted, in order, by the entry's name or the member's", () => {
    const names = new Map([["u-ada", "Ada Admin"]]);
    const ended = call({ endRequest: { by: "u-eve", name: "Eve", at: 4500 } });
    expect(handlersOf(ended, [takeOver, ack], names)).to.deep.equal([
      "Ada Admin",
      "Dan Dispatcher",
      "Eve",
    ]);
    expect(handlersOf(call(), [{ ...ack, actorUid: "system" }], names)).to.deep.equal([]);
  });

  it("copies the query fields from the call and is the same when built again", () => {
    const inputs = {
      call: call(),
      transcript: [],
      alerts: [alert()],
      audit: [],
      memberNames: new Map<string, string>(),
    };
    const record = archiveRecord(inputs);
    expect(record).to.include({
      archivedAt: 5000,
      urgency: "critical",
      subjectId: "s1",
      phone: "+15550100",
      outcome: "ended_unattended",
      startedAt: 1000,
    });
    expect(archiveRecord(inputs)).to.deep.equal(record);
    expect(archiveRecord({ ...inputs, call: call({ subjectId: undefined }) })).to.not.have.property(
      "subjectId",
    );
  });
});
