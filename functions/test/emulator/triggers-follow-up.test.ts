/**
 * The follow-up of an unattended critical call, the owner-change audits (take-over from a colleague,
 * a lapsed hold), the append-only audit log, the lead and caller-message audits and presence
 * freshness, end to end through the Functions emulator. Data is written with the Admin SDK where the
 * gateway, the dashboard and the functions write it; every replay goes through the emulator's own
 * trigger route, as a second delivery would.
 */
import { expect } from "chai";
import {
  type Alert,
  alertAckPath,
  alertOutcomePath,
  alertPath,
  type Call,
  callLeadPath,
  callOwnerPath,
  callPath,
  type InboxItem,
  inboxItemPath,
  messagePath,
  outboxMessagePath,
  PRESENCE,
  tenantPath,
} from "@lifeline/model";
import {
  addMember,
  adminSdk,
  freshId,
  PROJECT_ID,
  signIn,
  type Admin,
} from "./support/emulators.js";
import { auditLog, auditOf, mirror, presence, waitForAudit } from "./support/triggers-audit.js";
import {
  functionsOrigin,
  newCall,
  newTenant,
  replayDatabaseEvent,
  waitFor,
  writeCall,
  writeMessage,
} from "./support/triggers-env.js";

const FOLLOW_UP = "Ended unattended: call back";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

function callerMessage(seq: number, text: string, at = Date.now()) {
  return { seq, role: "caller" as const, text, at };
}

async function read<T>(path: string): Promise<T | null> {
  return (await admin.database.ref(path).get()).val() as T | null;
}

/** The tenant's live data, the given inboxes and the audit log: what a replay must leave alone. */
async function everything(tenantId: string, uids: readonly string[]): Promise<unknown> {
  const [tenant, audit, ...inboxes] = await Promise.all([
    read(tenantPath(tenantId)),
    auditLog(admin, tenantId),
    ...uids.map((uid) => read(`inbox/${uid}`)),
  ]);
  return { tenant, audit, inboxes };
}

/** A call whose caller said something critical, once its alert reached `uid`'s inbox. */
async function criticalCall(
  tenantId: string,
  uid: string,
  overrides: Partial<Call> = {},
): Promise<{ callId: string; alertId: string }> {
  const callId = await writeCall(admin, tenantId, newCall(overrides));
  await writeMessage(admin, tenantId, callId, callerMessage(1, "there is a fire, we are trapped"));
  const alertId = `${callId}-urgency`;
  await waitFor(admin.database, inboxItemPath(uid, alertId), (i) => i !== null);
  await waitFor<Call>(admin.database, callPath(tenantId, callId), (c) => c?.messageCount === 1);
  return { callId, alertId };
}

async function endCall(tenantId: string, callId: string): Promise<number> {
  const endedAt = Date.now();
  await admin.database.ref(callPath(tenantId, callId)).update({ status: "ended", endedAt });
  return endedAt;
}

describe("recordOwnerChange: take-over from a colleague and lapse", () => {
  it("audits a take-over from a colleague with from, fromName and reason, once", async () => {
    const tenantId = await newTenant(admin);
    const first = await mirror(admin, tenantId, "dispatcher");
    const second = await mirror(admin, tenantId, "admin");
    const callId = await writeCall(admin, tenantId, newCall());
    const since = Date.now();
    const held = { kind: "human", uid: first, name: "Dana", since };
    await admin.database.ref(callOwnerPath(tenantId, callId)).set(held);
    await waitForAudit(admin, tenantId, "take_over", 1);

    const taken = {
      kind: "human",
      uid: second,
      name: "Ari",
      since: since + 5,
      takenFrom: first,
      reason: "Dana's screen froze",
    };
    await admin.database.ref(callOwnerPath(tenantId, callId)).set(taken);
    const entries = await waitForAudit(admin, tenantId, "take_over", 2);
    expect(entries.find((e) => e.actorUid === second)).to.deep.include({
      callId,
      at: since + 5,
      details: { name: "Ari", from: first, fromName: "Dana", reason: "Dana's screen froze" },
    });
    expect(entries.find((e) => e.actorUid === first)).to.deep.include({
      details: { name: "Dana" },
    });

    const settled = await everything(tenantId, []);
    await replayDatabaseEvent(
      "recordOwnerChange",
      "written",
      callOwnerPath(tenantId, callId),
      held,
      taken,
    );
    expect(await everything(tenantId, [])).to.deep.equal(settled);
  });

  it("audits a lapsed hold as hold_lapsed by its holder, not hand_back, and adds no note of its own", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    const callId = await writeCall(admin, tenantId, newCall());
    const since = Date.now();
    const held = { kind: "human", uid: dispatcher, name: "Dana", since };
    await admin.database.ref(callOwnerPath(tenantId, callId)).set(held);
    await writeMessage(admin, tenantId, callId, {
      seq: 1,
      role: "agent",
      text: "Stay where you are, help is coming.",
      at: since + 1,
      by: dispatcher,
    });
    await waitFor<Call>(admin.database, callPath(tenantId, callId), (c) => c?.messageCount === 1);

    const lapsedAt = since + 30_000;
    const lapsed = {
      kind: "ai",
      since: lapsedAt,
      lapsed: { uid: dispatcher, name: "Dana", reason: "offline" },
    };
    await admin.database.ref(callOwnerPath(tenantId, callId)).set(lapsed);
    const [entry] = await waitForAudit(admin, tenantId, "hold_lapsed");
    expect(entry).to.deep.include({
      actorUid: dispatcher,
      callId,
      at: lapsedAt,
      details: { reason: "offline", name: "Dana" },
    });
    // The speech turn wrote the lapse's line with the caller's words; a note here would race
    // the caller's next turn for its seq.
    expect(await auditOf(admin, tenantId, "hand_back")).to.have.length(0);
    expect(
      (
        await admin.database.ref(messagePath(tenantId, callId, `handback-${lapsedAt}`)).get()
      ).exists(),
    ).to.equal(false);
    expect(
      (await admin.database.ref(callPath(tenantId, callId)).get()).child("messageCount").val(),
    ).to.equal(1);

    const settled = await everything(tenantId, []);
    await replayDatabaseEvent(
      "recordOwnerChange",
      "written",
      callOwnerPath(tenantId, callId),
      held,
      {
        ...lapsed,
        uid: null,
        name: null,
      },
    );
    expect(await everything(tenantId, [])).to.deep.equal(settled);
  });
});

describe("archiveEndedCall: follow-up", () => {
  it("keeps an unacknowledged critical alert open as a follow-up: in the inboxes, one card, audited once", async () => {
    const tenantId = await newTenant(admin);
    const tenantAdmin = await mirror(admin, tenantId, "admin");
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    // Nobody online: the alert gets its "nobody is watching" companion.
    const { callId, alertId } = await criticalCall(tenantId, dispatcher, { phone: "+15550100777" });
    const unwatchedId = `${alertId}-unwatched`;
    await waitFor(admin.database, inboxItemPath(tenantAdmin, unwatchedId), (i) => i !== null);

    const endedAt = await endCall(tenantId, callId);
    const alert = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.followUp !== undefined,
    );
    expect(alert).to.deep.include({
      status: "open",
      severity: "critical",
      followUp: { since: endedAt, phone: "+15550100777" },
    });
    expect(alert?.title).to.match(/^Ended unattended: call back \+15550100777 · Critical call/);
    for (const uid of [tenantAdmin, dispatcher]) {
      await waitFor<InboxItem>(
        admin.database,
        inboxItemPath(uid, alertId),
        (i) => i?.status === "open" && i.title.startsWith(FOLLOW_UP),
      );
    }
    // The follow-up is the one card left: its companion closed with the call.
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(tenantAdmin, unwatchedId),
      (i) => i?.status === "resolved",
    );
    const opened = await waitForAudit(admin, tenantId, "follow_up_open");
    expect(opened).to.have.length(1);
    expect(opened[0]).to.deep.include({ actorUid: "system", alertId, callId, at: endedAt });

    const settled = await everything(tenantId, [tenantAdmin, dispatcher]);
    await replayDatabaseEvent(
      "archiveEndedCall",
      "written",
      `${callPath(tenantId, callId)}/status`,
      "active",
      "ended",
    );
    expect(await everything(tenantId, [tenantAdmin, dispatcher])).to.deep.equal(settled);
  });

  it("goes on escalating a follow-up after its call ended, to the wider roles", async () => {
    // A first step due well after the call ends, even on a loaded machine.
    const tenantId = await newTenant(admin, { escalationSeconds: 8, maxEscalationLevel: 1 });
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    const doctorElsewhere = await mirror(admin, tenantId, "doctor", ["other-subject"]);
    await presence(admin, tenantId, dispatcher);
    const { callId, alertId } = await criticalCall(tenantId, dispatcher, { subjectId: "s1" });
    await endCall(tenantId, callId);
    const made = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.followUp !== undefined,
    );
    // The call ended before the first step was due, so any rise below happened to the follow-up.
    expect(made?.level).to.equal(0);
    expect(await read(inboxItemPath(doctorElsewhere, alertId))).to.equal(null);

    const raised = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.level === 1,
      30_000,
    );
    expect(raised).to.deep.include({ status: "open", severity: "critical" });
    expect(raised?.followUp).to.not.equal(undefined);
    expect(raised?.title).to.match(/^Ended unattended: call back .* · escalated to level 1$/);
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(doctorElsewhere, alertId),
      (i) => i?.title.startsWith(FOLLOW_UP) === true && i.status === "open",
    );
  });
});

describe("closeFollowUp", () => {
  it("lets an acknowledgement, even `resolved`, only acknowledge a follow-up; its outcome resolves it and is audited once", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    await presence(admin, tenantId, dispatcher);
    const { callId, alertId } = await criticalCall(tenantId, dispatcher);
    await endCall(tenantId, callId);
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.followUp !== undefined,
    );

    await admin.database
      .ref(alertAckPath(tenantId, alertId, dispatcher))
      .set({ status: "resolved", note: "called, no answer yet", at: Date.now() });
    // The audit entry is written after the status: the acknowledgement has been applied in full.
    await waitForAudit(admin, tenantId, "acknowledge");
    expect((await read<Alert>(alertPath(tenantId, alertId)))?.status).to.equal("acknowledged");
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "acknowledged",
    );

    const outcome = {
      outcome: "reached",
      note: "caller safe at a neighbour's",
      by: dispatcher,
      at: Date.now(),
    };
    await admin.database.ref(alertOutcomePath(tenantId, alertId)).set(outcome);
    const closed = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "resolved",
    );
    expect(closed?.outcome).to.deep.equal(outcome);
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "resolved",
    );
    const audit = await waitForAudit(admin, tenantId, "follow_up_close");
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({
      actorUid: dispatcher,
      alertId,
      callId,
      at: outcome.at,
      details: { outcome: "reached", note: "caller safe at a neighbour's" },
    });

    const settled = await everything(tenantId, [dispatcher]);
    await replayDatabaseEvent(
      "closeFollowUp",
      "written",
      alertOutcomePath(tenantId, alertId),
      null,
      outcome,
    );
    expect(await everything(tenantId, [dispatcher])).to.deep.equal(settled);
  });
});

describe("applyAcknowledgement: append-only audit", () => {
  it("keeps the first entry when an acknowledgement is changed later, one entry per change, none for a replay", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    await presence(admin, tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(admin, tenantId, callId, callerMessage(1, "I fell and my arm is bleeding"));
    const alertId = `${callId}-urgency`;
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);

    const ackPath = alertAckPath(tenantId, alertId, dispatcher);
    const first = { status: "acknowledged", note: "looking", at: Date.now() };
    await admin.database.ref(ackPath).set(first);
    await waitForAudit(admin, tenantId, "acknowledge", 1);
    // A change that keeps `at` (a partial update; the rules refuse it from a client, the audit
    // must not depend on that) is a new entry too.
    await admin.database.ref(ackPath).update({ status: "resolved" });
    await waitForAudit(admin, tenantId, "acknowledge", 2);
    await admin.database
      .ref(ackPath)
      .set({ status: "false_alarm", note: "a neighbour's radio", at: first.at + 1000 });
    const entries = await waitForAudit(admin, tenantId, "acknowledge", 3);
    const details = entries.map((e) => e.details as { status: string; note: string });
    expect(details.map((d) => d.status).sort()).to.deep.equal([
      "acknowledged",
      "false_alarm",
      "resolved",
    ]);
    expect(details.find((d) => d.status === "acknowledged")?.note).to.equal("looking");
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "resolved",
    );

    const settled = await everything(tenantId, [dispatcher]);
    await replayDatabaseEvent("applyAcknowledgement", "written", ackPath, null, first);
    expect(await everything(tenantId, [dispatcher])).to.deep.equal(settled);
    expect(await auditOf(admin, tenantId, "acknowledge")).to.have.length(3);
  });
});

describe("recordLeadChange", () => {
  it("audits each lead status as set_lead by its member; a replay writes nothing", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    const callId = await writeCall(admin, tenantId, newCall());
    const contacted = { status: "callback", by: dispatcher, at: Date.now() };
    await admin.database.ref(callLeadPath(tenantId, callId)).set(contacted);
    const [entry] = await waitForAudit(admin, tenantId, "set_lead", 1);
    expect(entry).to.deep.include({
      actorUid: dispatcher,
      callId,
      at: contacted.at,
      details: { status: "callback" },
    });
    const qualified = { status: "referred", by: dispatcher, at: contacted.at + 1000 };
    await admin.database.ref(callLeadPath(tenantId, callId)).set(qualified);
    await waitForAudit(admin, tenantId, "set_lead", 2);

    const settled = await everything(tenantId, []);
    await replayDatabaseEvent(
      "recordLeadChange",
      "written",
      callLeadPath(tenantId, callId),
      contacted,
      qualified,
    );
    expect(await everything(tenantId, [])).to.deep.equal(settled);
  });
});

describe("recordCallerMessage", () => {
  it("audits a message to the caller as message_caller with its id and length; a replay writes nothing", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    const callId = await writeCall(admin, tenantId, newCall());
    const messageId = freshId("out");
    const message = { text: "Open the door for the crew.", by: dispatcher, at: Date.now() };
    await admin.database.ref(outboxMessagePath(tenantId, callId, messageId)).set(message);
    const [entry] = await waitForAudit(admin, tenantId, "message_caller");
    expect(entry).to.deep.include({ actorUid: dispatcher, callId, at: message.at });
    expect(entry?.details).to.deep.include({ messageId, length: message.text.length });

    const settled = await everything(tenantId, []);
    await replayDatabaseEvent(
      "recordCallerMessage",
      "created",
      outboxMessagePath(tenantId, callId, messageId),
      null,
      message,
    );
    expect(await everything(tenantId, [])).to.deep.equal(settled);
    expect(await auditOf(admin, tenantId, "message_caller")).to.have.length(1);
  });
});

describe("fanOutAlert: presence freshness", () => {
  it("counts an online member whose heartbeat is older than PRESENCE.freshMs as not watching", async () => {
    const tenantId = await newTenant(admin);
    const tenantAdmin = await mirror(admin, tenantId, "admin");
    const dispatcher = await mirror(admin, tenantId, "dispatcher");
    await presence(admin, tenantId, tenantAdmin, "online", PRESENCE.freshMs + 5_000);
    await presence(admin, tenantId, dispatcher, "online", PRESENCE.freshMs + 5_000);
    const { alertId } = await criticalCall(tenantId, dispatcher);
    const unwatched = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, `${alertId}-unwatched`),
      (a) => a !== null,
    );
    expect(unwatched).to.deep.include({ kind: "unwatched", status: "open" });
  });
});

describe("sweeper: follow-up", () => {
  async function sweep(token: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${await functionsOrigin()}/${PROJECT_ID}/us-central1/sweeper`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  }

  it("keeps a call past retention while its follow-up is open, and prunes it once closed", async () => {
    const tenantId = await newTenant(admin, { retentionHours: 1 });
    const tenantAdmin = await addMember(admin, tenantId, "admin");
    const hoursAgo = Date.now() - 2 * 3_600_000;
    const ended = { status: "ended" as const, startedAt: hoursAgo - 10, lastMessageAt: hoursAgo };
    const followedId = freshId("call");
    const alertId = `${followedId}-urgency`;
    // An urgency alert left open at critical, then the call's end as the gateway writes it.
    await admin.database.ref(alertPath(tenantId, alertId)).set({
      kind: "urgency",
      severity: "critical",
      callId: followedId,
      title: "Critical call",
      at: hoursAgo - 5,
      status: "open",
      level: 0,
    });
    await writeCall(admin, tenantId, newCall({ ...ended, endedAt: hoursAgo }), followedId);
    const control = await writeCall(admin, tenantId, newCall({ ...ended, endedAt: hoursAgo }));
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.followUp !== undefined,
    );
    await waitForAudit(admin, tenantId, "follow_up_open");

    const { idToken } = await signIn(tenantAdmin.email, tenantAdmin.password);
    const first = await sweep(idToken);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.deep.equal({ tenantId, closed: [], pruned: [control], deferred: [] });
    expect(await read(callPath(tenantId, followedId))).to.deep.include({ status: "ended" });
    expect(await read(alertPath(tenantId, alertId))).to.deep.include({ status: "open" });

    await admin.database.ref(alertOutcomePath(tenantId, alertId)).set({
      outcome: "unreachable",
      note: "",
      by: tenantAdmin.uid,
      at: Date.now(),
    });
    await waitForAudit(admin, tenantId, "follow_up_close");
    const second = await sweep(idToken);
    expect(second.body).to.deep.equal({ tenantId, closed: [], pruned: [followedId], deferred: [] });
    expect(await read(callPath(tenantId, followedId))).to.equal(null);
    expect(await read(alertPath(tenantId, alertId))).to.equal(null);
  });
});
