import { expect } from "chai";
import {
  acknowledge,
  closeWithCall,
  escalate,
  isEndedUnattended,
  overrideUrgencyAlert,
  raiseUrgencyAlert,
  statusAfterAck,
} from "../../src/domain/alerts.js";
import {
  alertRecipients,
  audienceMembers,
  fanOutKey,
  inboxItem,
  inboxUpdate,
  unwatchedAlertId,
  urgencyAlertId,
  isWatching,
  watchers,
} from "../../src/domain/fanout.js";
import { summarize } from "../../src/domain/summary.js";
import { type Alert, type Call, inboxItemPath, type MemberMirror, PRESENCE } from "@lifeline/model";

const members: Record<string, MemberMirror> = {
  admin1: { role: "admin", name: "Ada" },
  disp1: { role: "dispatcher", name: "Dan" },
  nurseA: { role: "nurse", name: "Nia", subjects: { s1: true } },
  nurseB: { role: "nurse", name: "Nob", subjects: { s2: true } },
  doctorB: { role: "doctor", name: "Doc", subjects: { s2: true } },
  careA: { role: "caregiver", name: "Cai", subjects: { s1: true } },
  careB: { role: "caregiver", name: "Cob", subjects: { s2: true } },
  subj1: { role: "subject", name: "Sam", subjects: { s1: true } },
};

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    kind: "urgency",
    severity: "critical",
    callId: "c1",
    subjectId: "s1",
    title: "Critical call",
    at: 1000,
    status: "open",
    level: 0,
    ...overrides,
  };
}

const call: Call = {
  subjectId: "s1",
  phone: "+15550100001",
  medium: "voice",
  status: "active",
  urgency: "normal",
  owner: { kind: "ai", since: 1 },
  startedAt: 1,
  lastMessageAt: 10,
  messageCount: 2,
  lastSnippet: "hello",
};

describe("urgencyAlertId / unwatchedAlertId", () => {
  it("returns the same id for the same call, distinct ids per kind", () => {
    expect(urgencyAlertId("c1")).to.equal(urgencyAlertId("c1"));
    expect(urgencyAlertId("c1")).to.equal("c1-urgency");
    expect(unwatchedAlertId(urgencyAlertId("c1"))).to.equal("c1-urgency-unwatched");
  });
});

describe("alertRecipients", () => {
  it("returns tenant-wide roles and scoped roles assigned to the subject at level 0", () => {
    expect(alertRecipients(members, alert())).to.deep.equal(["admin1", "careA", "disp1", "nurseA"]);
  });

  it("never returns the subject member, even for its own call", () => {
    expect(alertRecipients(members, alert({ level: 5 }))).to.not.include("subj1");
  });

  it("returns only tenant-wide roles for an unknown caller (no subject)", () => {
    const unknown: Alert = { ...alert() };
    delete unknown.subjectId;
    expect(alertRecipients(members, unknown)).to.deep.equal(["admin1", "disp1"]);
  });

  it("adds every doctor and nurse of the tenant at level 1 and keeps the level-0 audience", () => {
    expect(alertRecipients(members, alert({ level: 1 }))).to.deep.equal([
      "admin1",
      "careA",
      "disp1",
      "doctorB",
      "nurseA",
      "nurseB",
    ]);
  });

  it("keeps the widest audience above the last policy level", () => {
    expect(alertRecipients(members, alert({ level: 7 }))).to.deep.equal(
      alertRecipients(members, alert({ level: 1 })),
    );
  });

  it("returns admins only for an unwatched alert", () => {
    expect(alertRecipients(members, alert({ kind: "unwatched" }))).to.deep.equal(["admin1"]);
  });

  it("returns an empty list for a tenant without members", () => {
    expect(alertRecipients({}, alert())).to.deep.equal([]);
  });
});

describe("audienceMembers", () => {
  it("excludes scoped roles assigned to other subjects", () => {
    const uids = audienceMembers(members, "s2", { tenantWide: [], assigned: ["caregiver"] });
    expect(uids).to.deep.equal(["careB"]);
  });
});

describe("inboxItem / inboxUpdate", () => {
  it("copies the fields a member's inbox shows, without acks or level", () => {
    const item = inboxItem(
      "t1",
      alert({ acks: { disp1: { status: "acknowledged", note: "", at: 2 } } }),
    );
    expect(item).to.deep.equal({
      tenantId: "t1",
      kind: "urgency",
      severity: "critical",
      title: "Critical call",
      at: 1000,
      status: "open",
      callId: "c1",
      subjectId: "s1",
    });
  });

  it("writes one copy per recipient under inbox/{uid}/{alertId}", () => {
    const update = inboxUpdate("t1", "a1", alert(), ["u1", "u2"], inboxItemPath);
    expect(Object.keys(update)).to.deep.equal(["inbox/u1/a1", "inbox/u2/a1"]);
  });
});

describe("fanOutKey", () => {
  it("ignores acks and changes with anything a copy or the audience depends on", () => {
    const base = alert();
    expect(fanOutKey(base)).to.equal(
      fanOutKey({ ...base, acks: { u: { status: "acknowledged", note: "", at: 5 } } }),
    );
    expect(fanOutKey(base)).to.not.equal(fanOutKey({ ...base, level: 1 }));
    expect(fanOutKey(base)).to.not.equal(fanOutKey({ ...base, status: "acknowledged" }));
    expect(fanOutKey(null)).to.not.equal(fanOutKey(base));
  });
});

describe("watchers", () => {
  const now = 1_000_000;
  it("returns recipients whose presence is online, not away or offline", () => {
    const presence = {
      a: { state: "online", lastSeen: now },
      b: { state: "away", lastSeen: now },
      c: { state: "offline", lastSeen: now },
    };
    expect(watchers(["a", "b", "c", "d"], presence, now)).to.deep.equal(["a"]);
    expect(watchers(["b", "c"], presence, now)).to.deep.equal([]);
  });

  it("counts an online record only while its lastSeen is within PRESENCE.freshMs", () => {
    const presence = {
      fresh: { state: "online", lastSeen: now - PRESENCE.freshMs },
      stale: { state: "online", lastSeen: now - PRESENCE.freshMs - 1 },
      ahead: { state: "online", lastSeen: now + 500 },
    };
    expect(watchers(["fresh", "stale", "ahead"], presence, now)).to.deep.equal(["fresh", "ahead"]);
    expect(watchers(["stale"], presence, now)).to.deep.equal([]);
    expect(isWatching(presence.stale, now - 1)).to.equal(true);
  });
});

describe("raiseUrgencyAlert", () => {
  it("returns null for a normal call", () => {
    expect(raiseUrgencyAlert(null, "c1", call, 5)).to.equal(null);
  });

  it("opens an urgency alert at level 0 with the triage terms in the title", () => {
    const opened = raiseUrgencyAlert(
      null,
      "c1",
      { ...call, urgency: "critical", urgencyReason: { source: "triage", terms: ["fire"] } },
      5,
    );
    expect(opened).to.deep.include({
      kind: "urgency",
      severity: "critical",
      status: "open",
      level: 0,
      at: 5,
    });
    expect(opened?.title).to.equal('Critical call: "fire"');
  });

  it("upgrades and reopens an acknowledged urgent alert in place, keeping its level", () => {
    const current = alert({ severity: "urgent", status: "acknowledged", level: 1, at: 3 });
    const upgraded = raiseUrgencyAlert(current, "c1", { ...call, urgency: "critical" }, 9);
    expect(upgraded).to.deep.include({ severity: "critical", status: "open", level: 1, at: 9 });
    expect(upgraded?.title).to.match(/escalated to level 1$/);
  });

  it("returns null when the alert is already at the call's urgency (a replay)", () => {
    expect(raiseUrgencyAlert(alert(), "c1", { ...call, urgency: "critical" }, 9)).to.equal(null);
    expect(raiseUrgencyAlert(alert(), "c1", { ...call, urgency: "urgent" }, 9)).to.equal(null);
  });
});

describe("overrideUrgencyAlert", () => {
  it("resolves the alert when lowered to normal, and only once", () => {
    const resolved = overrideUrgencyAlert(alert(), "c1", { ...call, urgency: "normal" }, 9);
    expect(resolved).to.deep.include({ status: "resolved", severity: "normal" });
    expect(resolved && overrideUrgencyAlert(resolved, "c1", call, 9)).to.equal(null);
  });

  it("reopens an alert resolved by an override when the call rises again", () => {
    const resolved = alert({ status: "resolved", severity: "normal" });
    const reopened = raiseUrgencyAlert(resolved, "c1", { ...call, urgency: "critical" }, 2000);
    expect(reopened).to.deep.include({ status: "open", severity: "critical", at: 2000 });
  });

  it("lowers critical to urgent without changing the status", () => {
    const lowered = overrideUrgencyAlert(alert(), "c1", { ...call, urgency: "urgent" }, 9);
    expect(lowered).to.deep.include({ severity: "urgent", status: "open" });
  });

  it("opens an alert when raised from normal", () => {
    expect(overrideUrgencyAlert(null, "c1", { ...call, urgency: "critical" }, 9)?.status).to.equal(
      "open",
    );
  });
});

describe("statusAfterAck / acknowledge", () => {
  it("moves open to acknowledged and anything to resolved, never back", () => {
    expect(statusAfterAck("open", "acknowledged")).to.equal("acknowledged");
    expect(statusAfterAck("open", "responding")).to.equal("acknowledged");
    expect(statusAfterAck("open", "false_alarm")).to.equal("resolved");
    expect(statusAfterAck("acknowledged", "resolved")).to.equal("resolved");
    expect(statusAfterAck("resolved", "acknowledged")).to.equal("resolved");
  });

  it("returns null for an ack older than the alert's last opening, or one already applied", () => {
    expect(acknowledge(alert({ at: 100 }), { status: "acknowledged", at: 50 })).to.equal(null);
    expect(
      acknowledge(alert({ status: "acknowledged" }), { status: "responding", at: 2000 }),
    ).to.equal(null);
    expect(acknowledge(alert(), { status: "acknowledged", at: 2000 })?.status).to.equal(
      "acknowledged",
    );
  });
});

describe("escalate", () => {
  it("raises the level and shows it in the title, replacing an earlier level", () => {
    const once = escalate(alert(), 1);
    const twice = escalate(once, 2);
    expect(twice.level).to.equal(2);
    expect(twice.title).to.equal("Critical call · escalated to level 2");
  });
});

describe("closeWithCall", () => {
  it("marks an alert nobody acknowledged as ended unattended", () => {
    const closed = closeWithCall(alert());
    expect(closed?.status).to.equal("resolved");
    expect(closed && isEndedUnattended(closed)).to.equal(true);
  });

  it("resolves an acknowledged alert without the mark", () => {
    const closed = closeWithCall(alert({ status: "acknowledged" }));
    expect(closed?.status).to.equal("resolved");
    expect(closed && isEndedUnattended(closed)).to.equal(false);
  });

  it("leaves missed-call and vitals alerts, and resolved ones, alone", () => {
    expect(closeWithCall(alert({ kind: "missed_call" }))).to.equal(null);
    expect(closeWithCall(alert({ kind: "vitals" }))).to.equal(null);
    expect(closeWithCall(alert({ status: "resolved" }))).to.equal(null);
  });
});

describe("summarize", () => {
  const message = { seq: 3, role: "caller" as const, text: "  there is a   fire ", at: 20 };

  it("counts a message the summary does not include yet and takes its snippet", () => {
    const next = summarize(call, "m3", message, null);
    expect(next).to.deep.include({
      messageCount: 3,
      lastMessageAt: 20,
      lastSnippet: "there is a fire",
    });
  });

  it("returns null for a message the summary already counts (written with the turn, or a replay)", () => {
    expect(summarize({ ...call, messageCount: 3 }, "m3", message, null)).to.equal(null);
  });

  it("raises urgency with the triage terms and never lowers it", () => {
    const raised = summarize(call, "m3", message, { level: "critical", matched: ["fire"] });
    expect(raised).to.deep.include({ urgency: "critical" });
    expect(raised?.urgencyReason).to.deep.equal({
      source: "triage",
      terms: ["fire"],
      messageId: "m3",
    });
    const kept = summarize({ ...call, urgency: "critical", messageCount: 3 }, "m3", message, {
      level: "urgent",
      matched: ["hurt"],
    });
    expect(kept).to.equal(null);
  });

  it("does not undo a later supervisor override with an older message", () => {
    const overridden: Call = {
      ...call,
      messageCount: 3,
      urgencyOverride: { level: "normal", reason: "false alarm", by: "d", at: 30 },
    };
    expect(summarize(overridden, "m3", message, { level: "critical", matched: ["fire"] })).to.equal(
      null,
    );
  });

  it("counts a system note without touching the snippet or lastMessageAt", () => {
    const next = summarize(call, "n", { seq: 3, role: "system", text: "note", at: 99 }, null);
    expect(next).to.deep.include({ messageCount: 3, lastMessageAt: 10, lastSnippet: "hello" });
  });
});
