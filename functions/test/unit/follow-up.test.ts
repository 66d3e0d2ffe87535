import { expect } from "chai";
import {
  acknowledge,
  closeWithCall,
  escalate,
  FOLLOW_UP_PREFIX,
  overrideUrgencyAlert,
  resolveFollowUp,
  statusAfterAck,
} from "../../src/domain/alerts.js";
import { stepApplies } from "../../src/domain/escalation.js";
import { fanOutKey } from "../../src/domain/fanout.js";
import { auditDocId, type AuditEntry } from "../../src/store/live-store.js";
import type { Alert, Call } from "@lifeline/model";

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

const ended = { endedAt: 5000, phone: "+15550100001" };

function followUp(overrides: Partial<Alert> = {}): Alert {
  const made = closeWithCall(alert(overrides), ended);
  if (made === null) throw new Error("expected a follow-up");
  return made;
}

const call: Pick<Call, "urgency" | "subjectId" | "urgencyReason"> = {
  urgency: "normal",
  subjectId: "s1",
};

describe("closeWithCall (follow-up)", () => {
  it("keeps an open critical urgency alert open as a follow-up with the phone in its title", () => {
    const made = followUp({ level: 1, title: 'Critical call: "fire" · escalated to level 1' });
    expect(made).to.deep.include({
      status: "open",
      at: 1000,
      level: 1,
      followUp: { since: 5000, phone: "+15550100001" },
    });
    expect(made.title).to.equal(
      `${FOLLOW_UP_PREFIX} +15550100001 · Critical call: "fire" · escalated to level 1`,
    );
    expect(closeWithCall(made, ended)).to.equal(null);
  });

  it("opens no follow-up and marks nothing unattended when a supervisor ended the call", () => {
    const bySupervisor = { ...ended, endReason: "ended by supervisor" as const };
    for (const kind of ["urgency", "unwatched", "escalation", "hold_lapsed"] as const) {
      const closed = closeWithCall(alert({ kind }), bySupervisor);
      expect(closed, kind).to.deep.equal({ ...alert({ kind }), status: "resolved" });
      // The same alert on a call that simply ended is a follow-up or marked unattended.
      const plain = closeWithCall(alert({ kind }), ended);
      expect(plain?.title, kind).to.not.equal(alert({ kind }).title);
    }
    expect(closeWithCall(alert({ kind: "vitals" }), bySupervisor)).to.equal(null);
  });

  it("resolves acknowledged, urgent-only, companion and lapsed-hold alerts; leaves a missed call open", () => {
    expect(closeWithCall(alert({ status: "acknowledged" }), ended)?.status).to.equal("resolved");
    expect(closeWithCall(alert({ severity: "urgent" }), ended)?.status).to.equal("resolved");
    const companion = closeWithCall(alert({ kind: "unwatched" }), ended);
    expect(companion?.status).to.equal("resolved");
    expect(companion?.followUp).to.equal(undefined);
    expect(
      closeWithCall(alert({ kind: "hold_lapsed", severity: "urgent" }), ended)?.status,
    ).to.equal("resolved");
    expect(closeWithCall(alert({ kind: "missed_call" }), ended)).to.equal(null);
  });

  it("stays escalatable: its opening and level are unchanged, and escalating keeps the prefix", () => {
    const made = followUp();
    expect(stepApplies({ openedAt: 1000, toLevel: 1 }, made)).to.equal(true);
    const raised = escalate(made, 1);
    expect(raised.title.startsWith(FOLLOW_UP_PREFIX)).to.equal(true);
    expect(raised.title).to.match(/ · escalated to level 1$/);
    // Becoming a follow-up is not a new opening: fan-out would otherwise start a second chain.
    expect(fanOutKey(made)).to.not.equal(fanOutKey(alert()));
  });
});

describe("acknowledge / statusAfterAck on a follow-up", () => {
  it("acknowledges, never resolves, whatever the acknowledgement says", () => {
    for (const status of ["acknowledged", "responding", "resolved", "false_alarm"] as const) {
      expect(acknowledge(followUp(), { status, at: 6000 })?.status, status).to.equal(
        "acknowledged",
      );
    }
    expect(statusAfterAck("open", "resolved", true)).to.equal("acknowledged");
    expect(statusAfterAck("open", "resolved", false)).to.equal("resolved");
  });
});

describe("overrideUrgencyAlert on a follow-up", () => {
  it("leaves it open: only an outcome closes it", () => {
    expect(overrideUrgencyAlert(followUp(), "c1", call, 7000)).to.equal(null);
  });
});

describe("resolveFollowUp", () => {
  const outcome = { outcome: "reached" as const, note: "safe", by: "u1", at: 8000 };

  it("resolves a follow-up holding the outcome", () => {
    // Not before the outcome is on the alert: the trigger reads it there.
    expect(resolveFollowUp(followUp(), outcome)).to.equal(null);
    const holding = { ...followUp(), outcome };
    expect(resolveFollowUp(holding, outcome)).to.deep.include({ status: "resolved", outcome });
    const acknowledged = { ...holding, status: "acknowledged" as const };
    expect(resolveFollowUp(acknowledged, outcome)?.status).to.equal("resolved");
  });

  it("ignores a superseded outcome, a resolved follow-up and an alert that is not a follow-up", () => {
    const holding = { ...followUp(), outcome };
    expect(resolveFollowUp(holding, { by: "u1", at: 7999 })).to.equal(null);
    expect(resolveFollowUp(holding, { by: "u2", at: 8000 })).to.equal(null);
    expect(resolveFollowUp({ ...holding, status: "resolved" }, outcome)).to.equal(null);
    expect(resolveFollowUp({ ...alert(), outcome }, outcome)).to.equal(null);
  });
});

describe("auditDocId", () => {
  const ack: AuditEntry = {
    action: "acknowledge",
    actorUid: "u1",
    at: 100,
    alertId: "a1",
    details: { status: "acknowledged", note: "", kind: "urgency" },
  };

  it("is the same for the same entry, whatever the key order", () => {
    const reordered: AuditEntry = {
      details: { kind: "urgency", note: "", status: "acknowledged" },
      alertId: "a1",
      at: 100,
      actorUid: "u1",
      action: "acknowledge",
    };
    expect(auditDocId(reordered)).to.equal(auditDocId(ack));
    expect(auditDocId(ack)).to.match(/^100_acknowledge_u1_a1_[0-9a-f]{16}$/);
  });

  it("differs when anything about the event differs, its time unchanged", () => {
    const changed = { ...ack, details: { ...ack.details, status: "resolved" } };
    expect(auditDocId(changed)).to.not.equal(auditDocId(ack));
    expect(auditDocId({ ...ack, actorUid: "u2" })).to.not.equal(auditDocId(ack));
  });

  it("stays a valid key when the actor and object ids are long", () => {
    const long = { ...ack, actorUid: "u".repeat(500), alertId: "a".repeat(500) };
    expect(auditDocId(long)).to.match(/^100_acknowledge_[0-9a-f]{16}$/);
    expect(auditDocId({ ...long, at: 101 })).to.not.equal(auditDocId(long));
  });
});
