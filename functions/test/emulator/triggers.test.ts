/**
 * The live pipeline's triggers, end to end through the Functions emulator: data is written with the
 * Admin SDK exactly where the speech turn and the dashboard write it, and each test waits for what
 * the triggers derive (summary, alerts, inboxes, audit, archive). Every tenant is fresh.
 */
import { expect } from "chai";
import type { Query } from "firebase-admin/firestore";
import {
  type Alert,
  alertAckPath,
  alertPath,
  alertsPath,
  type Call,
  callOwnerPath,
  callPath,
  callUrgencyOverridePath,
  firestore,
  type InboxItem,
  inboxItemPath,
  type MemberMirror,
  memberPath,
  messagePath,
  messagesPath,
  outboxMessagePath,
  presencePath,
  type Role,
  tenantPath,
  turnPath,
  turnsPath,
  callViewersPath,
  viewerPath,
} from "@lifeline/model";
import {
  addMember,
  adminSdk,
  freshId,
  PROJECT_ID,
  signIn,
  type Admin,
} from "./support/emulators.js";
import {
  functionsOrigin,
  newCall,
  newTenant,
  replayDatabaseEvent,
  waitFor,
  waitForDoc,
  writeCall,
  writeMessage,
} from "./support/triggers-env.js";
import { startWebhookStandIn, type WebhookStandIn } from "./support/triggers-webhook.js";

let admin: Admin;
let webhook: WebhookStandIn;

before(async () => {
  admin = adminSdk();
  webhook = await startWebhookStandIn();
});

after(async () => {
  await webhook.close();
  await admin.close();
});

/** A member mirror only (no Auth user): enough for fan-out, which reads the mirror. */
async function mirror(
  tenantId: string,
  role: Role,
  subjects: readonly string[] = [],
): Promise<string> {
  const uid = freshId(role);
  await admin.database.ref(memberPath(tenantId, uid)).set({
    role,
    name: `${role} ${uid}`,
    ...(subjects.length === 0
      ? {}
      : { subjects: Object.fromEntries(subjects.map((s) => [s, true])) }),
  });
  return uid;
}

/** Waits until the query matches at least one document. */
function waitForQuery(query: Query, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error("timed out waiting for a matching document"));
    }, timeoutMs);
    const unsubscribe = query.onSnapshot(
      (snapshot) => {
        if (snapshot.empty) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function online(tenantId: string, uid: string): Promise<void> {
  await admin.database
    .ref(presencePath(tenantId, uid))
    .set({ state: "online", lastSeen: Date.now(), name: `member ${uid}` });
}

function callerMessage(seq: number, text: string, at = Date.now()) {
  return { seq, role: "caller" as const, text, at };
}

const urgencyAlert = (callId: string) => `${callId}-urgency`;

async function read<T>(path: string): Promise<T | null> {
  return (await admin.database.ref(path).get()).val() as T | null;
}

async function auditOf(tenantId: string, action: string): Promise<Record<string, unknown>[]> {
  const docs = await admin.firestore
    .collection(firestore.auditCollection(tenantId))
    .where("action", "==", action)
    .get();
  return docs.docs.map((doc) => doc.data());
}

async function waitForAudit(tenantId: string, action: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for a ${action} audit entry in ${tenantId}`));
    }, 20_000);
    const unsubscribe = admin.firestore
      .collection(firestore.auditCollection(tenantId))
      .where("action", "==", action)
      .onSnapshot((snapshot) => {
        if (snapshot.empty) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(snapshot.docs.map((doc) => doc.data()));
      }, reject);
  });
}

/** Everything of a tenant in the database plus the given inboxes, for "nothing changed" checks. */
async function liveState(tenantId: string, uids: readonly string[]): Promise<unknown> {
  const [tenant, ...inboxes] = await Promise.all([
    read(tenantPath(tenantId)),
    ...uids.map((uid) => read(`inbox/${uid}`)),
  ]);
  return { tenant, inboxes };
}

describe("fanOutMessage", () => {
  it("writes the summary, one alert and the inboxes of exactly the members allowed to see it", async () => {
    const tenantId = await newTenant(admin);
    const other = await newTenant(admin);
    const allowed = [
      await mirror(tenantId, "admin"),
      await mirror(tenantId, "dispatcher"),
      await mirror(tenantId, "nurse", ["s1"]),
      await mirror(tenantId, "caregiver", ["s1"]),
      await mirror(tenantId, "doctor", ["s1", "s2"]),
    ];
    const denied = [
      await mirror(tenantId, "nurse", ["s2"]),
      await mirror(tenantId, "caregiver", ["s2"]),
      await mirror(tenantId, "subject", ["s1"]),
      await mirror(other, "admin"),
      await mirror(other, "nurse", ["s1"]),
    ];
    for (const uid of allowed) await online(tenantId, uid);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(admin, tenantId, callId, callerMessage(1, "There is a fire in the kitchen"));

    const call = await waitFor<Call>(
      admin.database,
      callPath(tenantId, callId),
      (c) => c?.urgency === "critical",
    );
    expect(call).to.deep.include({
      messageCount: 1,
      lastSnippet: "There is a fire in the kitchen",
    });
    expect(call?.urgencyReason).to.deep.include({ source: "triage" });
    const alertId = urgencyAlert(callId);
    const alert = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a !== null,
    );
    expect(alert).to.deep.include({
      kind: "urgency",
      severity: "critical",
      status: "open",
      level: 0,
      callId,
      subjectId: "s1",
    });

    for (const uid of allowed) {
      const item = await waitFor<InboxItem>(
        admin.database,
        inboxItemPath(uid, alertId),
        (i) => i !== null,
      );
      expect(item).to.deep.include({ tenantId, severity: "critical", status: "open", callId });
    }
    // One multi-path update wrote every copy: had a denied member been a recipient, it would be there now.
    for (const uid of denied) expect(await read(`inbox/${uid}`), uid).to.equal(null);
    expect(
      Object.keys((await read<Record<string, unknown>>(alertsPath(tenantId))) ?? {}),
    ).to.deep.equal([alertId]);
  });

  it("upgrades the alert in place from urgent to critical", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall());
    const alertId = urgencyAlert(callId);
    await writeMessage(admin, tenantId, callId, callerMessage(1, "I fell and my arm is bleeding"));
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.severity === "urgent",
    );
    await writeMessage(admin, tenantId, callId, callerMessage(2, "now he is not breathing"));
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.severity === "critical",
    );
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.severity === "critical",
    );
    expect(
      Object.keys((await read<Record<string, unknown>>(alertsPath(tenantId))) ?? {}),
    ).to.deep.equal([alertId]);
    const call = await read<Call>(callPath(tenantId, callId));
    expect(call?.messageCount).to.equal(2);
  });

  it("never lowers urgency when a calm message follows", async () => {
    const tenantId = await newTenant(admin);
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(1, "there's smoke and fire everywhere"),
    );
    await waitFor<Call>(
      admin.database,
      callPath(tenantId, callId),
      (c) => c?.urgency === "critical",
    );
    await writeMessage(admin, tenantId, callId, callerMessage(2, "ok thanks, nobody is hurt"));
    const call = await waitFor<Call>(
      admin.database,
      callPath(tenantId, callId),
      (c) => c?.messageCount === 2,
    );
    expect(call?.urgency).to.equal("critical");
    expect(call?.lastSnippet).to.equal("ok thanks, nobody is hurt");
  });

  it("changes nothing when the same message event and alert event are delivered again", async () => {
    const tenantId = await newTenant(admin);
    const uids = [await mirror(tenantId, "dispatcher"), await mirror(tenantId, "nurse", ["s9"])];
    for (const uid of uids) await online(tenantId, uid);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s9" }));
    const message = callerMessage(1, "help, there is a fire");
    const messageId = await writeMessage(admin, tenantId, callId, message);
    const alertId = urgencyAlert(callId);
    for (const uid of uids) {
      await waitFor(admin.database, inboxItemPath(uid, alertId), (i) => i !== null);
    }
    const settled = await liveState(tenantId, uids);

    await replayDatabaseEvent(
      "fanOutMessage",
      "created",
      messagePath(tenantId, callId, messageId),
      null,
      message,
    );
    const alert = await read<Alert>(alertPath(tenantId, alertId));
    await replayDatabaseEvent("fanOutAlert", "written", alertPath(tenantId, alertId), null, alert);

    expect(await liveState(tenantId, uids)).to.deep.equal(settled);
  });
});

describe("applyAcknowledgement", () => {
  it("acknowledges the alert, updates every inbox copy and audits it, once", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    const nurse = await mirror(tenantId, "nurse", ["s1"]);
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(1, "he collapsed and is unconscious"),
    );
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(nurse, alertId), (i) => i !== null);

    const ack = { status: "responding", note: "on my way", at: Date.now() };
    await admin.database.ref(alertAckPath(tenantId, alertId, nurse)).set(ack);
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "acknowledged",
    );
    for (const uid of [dispatcher, nurse]) {
      await waitFor<InboxItem>(
        admin.database,
        inboxItemPath(uid, alertId),
        (i) => i?.status === "acknowledged",
      );
    }
    const audit = await waitForAudit(tenantId, "acknowledge");
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ actorUid: nurse, alertId, callId, at: ack.at });

    const settled = await liveState(tenantId, [dispatcher, nurse]);
    await replayDatabaseEvent(
      "applyAcknowledgement",
      "written",
      alertAckPath(tenantId, alertId, nurse),
      null,
      ack,
    );
    expect(await liveState(tenantId, [dispatcher, nurse])).to.deep.equal(settled);
    expect(await auditOf(tenantId, "acknowledge")).to.have.length(1);
  });

  it("resolves the alert on a false alarm", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(admin, tenantId, callId, callerMessage(1, "someone is attacking me"));
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);
    await admin.database
      .ref(alertAckPath(tenantId, alertId, dispatcher))
      .set({ status: "false_alarm", note: "prank", at: Date.now() });
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "resolved",
    );
  });
});

describe("applyAcknowledgement: decline", () => {
  it("raises a declined critical alert to the next level at once, reaching its members, once", async () => {
    // Escalation would take ten minutes: only the decline can raise it within the test.
    const tenantId = await newTenant(admin, { escalationMinutes: 10, maxEscalationLevel: 2 });
    const nurse = await mirror(tenantId, "nurse", ["s1"]);
    const doctorElsewhere = await mirror(tenantId, "doctor", ["other-subject"]);
    await online(tenantId, nurse);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(admin, tenantId, callId, callerMessage(1, "my husband is not breathing"));
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(nurse, alertId), (i) => i !== null);
    expect(await read(inboxItemPath(doctorElsewhere, alertId))).to.equal(null);

    const declined = { status: "declined", note: "In surgery", at: Date.now() };
    await admin.database.ref(alertAckPath(tenantId, alertId, nurse)).set(declined);

    const raised = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.level === 1,
      10_000,
    );
    expect(raised).to.deep.include({
      status: "open",
      lastDecline: { uid: nurse, at: declined.at },
    });
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(doctorElsewhere, alertId),
      (i) => i?.status === "open",
    );
    const [audit] = await waitForAudit(tenantId, "decline");
    expect(audit).to.deep.include({ actorUid: nurse, alertId, callId, at: declined.at });
    expect(audit?.details).to.deep.include({ note: "In surgery" });

    // A redelivered decline raises nothing more.
    await replayDatabaseEvent(
      "applyAcknowledgement",
      "written",
      alertAckPath(tenantId, alertId, nurse),
      null,
      declined,
    );
    expect(await read<Alert>(alertPath(tenantId, alertId))).to.deep.include({ level: 1 });
    expect(await auditOf(tenantId, "decline")).to.have.length(1);
  });
});

describe("reopenAcknowledged", () => {
  it("reopens an acknowledged critical alert nobody resolved in time and notifies its members again", async () => {
    const tenantId = await newTenant(admin, { ackTimeoutSeconds: 2, maxEscalationLevel: 0 });
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(admin, tenantId, callId, callerMessage(1, "my husband is not breathing"));
    const alertId = urgencyAlert(callId);
    const opened = await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "open",
    );
    const ackAt = Date.now();
    await admin.database
      .ref(alertAckPath(tenantId, alertId, dispatcher))
      .set({ status: "acknowledged", note: "", at: ackAt });
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "acknowledged",
    );

    const reopened = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "open",
      20_000,
    );
    // A new opening, not before the timeout: the old acknowledgement no longer counts.
    expect(reopened?.at).to.be.at.least(ackAt + 2_000);
    const copy = await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "open",
    );
    expect(copy?.at).to.be.greaterThan(opened?.at ?? Infinity);
  });

  it("leaves an alert resolved before the timeout alone", async () => {
    const tenantId = await newTenant(admin, { ackTimeoutSeconds: 1, maxEscalationLevel: 0 });
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(admin, tenantId, callId, callerMessage(1, "my husband is not breathing"));
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);
    const ref = admin.database.ref(alertAckPath(tenantId, alertId, dispatcher));
    await ref.set({ status: "acknowledged", note: "", at: Date.now() });
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "acknowledged",
    );
    await ref.set({ status: "resolved", note: "Ambulance on scene", at: Date.now() });
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "resolved",
    );

    // A control alert acknowledged after it, in the same tenant, reopens: its task ran after ours.
    const controlCall = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(
      admin,
      tenantId,
      controlCall,
      callerMessage(1, "there is a fire, we are trapped"),
    );
    const control = urgencyAlert(controlCall);
    await waitFor(admin.database, inboxItemPath(dispatcher, control), (i) => i !== null);
    await admin.database
      .ref(alertAckPath(tenantId, control, dispatcher))
      .set({ status: "acknowledged", note: "", at: Date.now() });
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, control),
      (a) => a?.status === "acknowledged",
    );
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, control),
      (a) => a?.status === "open",
      20_000,
    );

    expect(await read<Alert>(alertPath(tenantId, alertId))).to.deep.include({ status: "resolved" });
  });
});

describe("escalateAlert", () => {
  it("raises an unacknowledged critical alert level by level to the maximum, widening the inboxes", async () => {
    const tenantId = await newTenant(admin, { escalationSeconds: 1, maxEscalationLevel: 2 });
    const dispatcher = await mirror(tenantId, "dispatcher");
    const doctorElsewhere = await mirror(tenantId, "doctor", ["other-subject"]);
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(admin, tenantId, callId, callerMessage(1, "my husband is not breathing"));
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);
    expect(await read(inboxItemPath(doctorElsewhere, alertId))).to.equal(null);

    const level1 = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.level === 1,
      30_000,
    );
    expect(level1?.title).to.match(/escalated to level 1$/);
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(doctorElsewhere, alertId),
      (i) => i !== null,
    );
    const level2 = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.level === 2,
      30_000,
    );
    expect(level2).to.deep.include({ status: "open", severity: "critical" });
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.title.endsWith("level 2") === true,
    );
  });

  it("stops after an acknowledgement", async () => {
    const tenantId = await newTenant(admin, { escalationSeconds: 2, maxEscalationLevel: 2 });
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const acked = await writeCall(admin, tenantId, newCall());
    await writeMessage(admin, tenantId, acked, callerMessage(1, "there is a fire, we are trapped"));
    const ackedAlert = urgencyAlert(acked);
    await waitFor(admin.database, inboxItemPath(dispatcher, ackedAlert), (i) => i !== null);
    await admin.database
      .ref(alertAckPath(tenantId, ackedAlert, dispatcher))
      .set({ status: "acknowledged", note: "", at: Date.now() });
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, ackedAlert),
      (a) => a?.status === "acknowledged",
    );

    // A control alert opened after the acknowledgement, on the same timing: once it has gone up two
    // levels, the acknowledged alert's first step has long been due.
    const control = await writeCall(admin, tenantId, newCall());
    await writeMessage(
      admin,
      tenantId,
      control,
      callerMessage(1, "there is a fire, we are trapped"),
    );
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, urgencyAlert(control)),
      (a) => a?.level === 2,
      40_000,
    );

    const alert = await read<Alert>(alertPath(tenantId, ackedAlert));
    expect(alert).to.deep.include({ level: 0, status: "acknowledged" });
  });
});

describe("fanOutAlert: nobody watching", () => {
  it("alerts the admins and calls the webhook once when nobody allowed to act is online", async () => {
    const tenantId = await newTenant(admin, {
      unwatchedWebhookUrl: `${webhook.url}/${freshId("hook")}`,
    });
    const hookPath = new URL(
      (
        (await admin.firestore.doc(firestore.tenantDoc(tenantId)).get()).data() as {
          settings: { unwatchedWebhookUrl: string };
        }
      ).settings.unwatchedWebhookUrl,
    ).pathname;
    const tenantAdmin = await mirror(tenantId, "admin");
    const dispatcher = await mirror(tenantId, "dispatcher");
    await admin.database
      .ref(presencePath(tenantId, dispatcher))
      .set({ state: "away", lastSeen: Date.now(), name: "d" });
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(1, "I took too many pills, I want to die"),
    );
    const alertId = urgencyAlert(callId);
    const unwatchedId = `${alertId}-unwatched`;

    const unwatched = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, unwatchedId),
      (a) => a !== null,
    );
    expect(unwatched).to.deep.include({
      kind: "unwatched",
      severity: "critical",
      status: "open",
      callId,
    });
    await waitFor(admin.database, inboxItemPath(tenantAdmin, unwatchedId), (i) => i !== null);
    const [call] = await webhook.waitForCalls(hookPath);
    expect(call?.body).to.deep.include({
      event: "alert.unwatched",
      tenantId,
      alertId: unwatchedId,
      sourceAlertId: alertId,
      callId,
    });
    expect(await read(inboxItemPath(dispatcher, unwatchedId))).to.equal(null);

    const alert = await read<Alert>(alertPath(tenantId, alertId));
    await replayDatabaseEvent("fanOutAlert", "written", alertPath(tenantId, alertId), null, alert);
    expect(webhook.calls.filter((c) => c.path === hookPath)).to.have.length(1);
  });

  it("raises nothing when a member allowed to act is online", async () => {
    const hook = `/${freshId("hook")}`;
    const tenantId = await newTenant(admin, { unwatchedWebhookUrl: `${webhook.url}${hook}` });
    const tenantAdmin = await mirror(tenantId, "admin");
    const nurse = await mirror(tenantId, "nurse", ["s1"]);
    await online(tenantId, nurse);
    const callId = await writeCall(admin, tenantId, newCall({ subjectId: "s1" }));
    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(1, "she is having a seizure and not breathing"),
    );
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(nurse, alertId), (i) => i !== null);
    // The emulator delivers one function's events one after another: once a later alert of the
    // tenant is fanned out, the check for the first one has finished.
    const sentinel = freshId("sentinel");
    await admin.database.ref(alertPath(tenantId, sentinel)).set({
      kind: "missed_call",
      severity: "urgent",
      title: "Missed call",
      at: Date.now(),
      status: "open",
      level: 0,
    });
    await waitFor(admin.database, inboxItemPath(tenantAdmin, sentinel), (i) => i !== null);

    expect(await read(alertPath(tenantId, `${alertId}-unwatched`))).to.equal(null);
    expect(webhook.calls.filter((c) => c.path === hook)).to.have.length(0);
  });

  /** A critical call nobody allowed to act is watching, and the page it raised to the admins. */
  async function unwatchedCall(): Promise<{
    tenantId: string;
    callId: string;
    alertId: string;
    dispatcher: string;
    tenantAdmin: string;
  }> {
    const tenantId = await newTenant(admin);
    const tenantAdmin = await mirror(tenantId, "admin");
    const dispatcher = await mirror(tenantId, "dispatcher");
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(1, "there is a fire, we are trapped"),
    );
    const alertId = urgencyAlert(callId);
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(tenantAdmin, `${alertId}-unwatched`),
      (i) => i?.status === "open",
    );
    return { tenantId, callId, alertId, dispatcher, tenantAdmin };
  }

  it("resolves the page to the admins once the call's alert is acknowledged", async () => {
    const { tenantId, alertId, dispatcher, tenantAdmin } = await unwatchedCall();
    await admin.database
      .ref(alertAckPath(tenantId, alertId, dispatcher))
      .set({ status: "acknowledged", note: "", at: Date.now() });

    const page = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, `${alertId}-unwatched`),
      (a) => a?.status === "resolved",
    );
    expect(page).to.deep.include({ kind: "unwatched", status: "resolved" });
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(tenantAdmin, `${alertId}-unwatched`),
      (i) => i?.status === "resolved",
    );
    // The call's own alert is acknowledged, not closed: the call still needs someone.
    expect(await read<Alert>(alertPath(tenantId, alertId))).to.deep.include({
      status: "acknowledged",
    });
  });

  it("resolves the page to the admins once someone takes the call over", async () => {
    const { tenantId, callId, alertId, dispatcher, tenantAdmin } = await unwatchedCall();
    await admin.database
      .ref(callOwnerPath(tenantId, callId))
      .set({ kind: "human", uid: dispatcher, name: "Dana", since: Date.now() });

    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(tenantAdmin, `${alertId}-unwatched`),
      (i) => i?.status === "resolved",
    );
    // Taking over answers the page, not the call's alert: that still waits for an acknowledgement.
    expect(await read<Alert>(alertPath(tenantId, alertId))).to.deep.include({ status: "open" });
  });

  it("keeps the page open while nobody has answered the call", async () => {
    const { tenantId, callId, alertId, tenantAdmin } = await unwatchedCall();
    // An admin's look at the call is not an answer; a later event of the tenant shows the
    // triggers have run past this call.
    await writeMessage(admin, tenantId, callId, callerMessage(2, "please hurry"));
    const sentinel = freshId("sentinel");
    await admin.database.ref(alertPath(tenantId, sentinel)).set({
      kind: "missed_call",
      severity: "urgent",
      title: "Missed call",
      at: Date.now(),
      status: "open",
      level: 0,
    });
    await waitFor(admin.database, inboxItemPath(tenantAdmin, sentinel), (i) => i !== null);
    expect(await read<Alert>(alertPath(tenantId, `${alertId}-unwatched`))).to.deep.include({
      status: "open",
    });
  });
});

describe("recordOwnerChange", () => {
  it("audits take-over and hand-back and gives the assistant one note of what the human said and decided", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall({ messageCount: 0 }));
    await writeMessage(admin, tenantId, callId, callerMessage(1, "my father fell and is bleeding"));
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);

    const since = Date.now();
    await admin.database
      .ref(callOwnerPath(tenantId, callId))
      .set({ kind: "human", uid: dispatcher, name: "Dana", since });
    const takeOver = await waitForAudit(tenantId, "take_over");
    expect(takeOver[0]).to.deep.include({ actorUid: dispatcher, callId, at: since });

    // What the next turn would have recorded, and one message still waiting in the outbox.
    await writeMessage(admin, tenantId, callId, {
      seq: 2,
      role: "agent",
      text: "An ambulance is on its way.",
      at: since + 1,
      by: dispatcher,
    });
    await admin.database
      .ref(outboxMessagePath(tenantId, callId, freshId("out")))
      .set({ text: "Press a clean towel on the wound.", by: dispatcher, at: since + 2 });
    await admin.database
      .ref(alertAckPath(tenantId, alertId, dispatcher))
      .set({ status: "responding", note: "ambulance sent", at: since + 3 });
    await waitFor<Call>(admin.database, callPath(tenantId, callId), (c) => c?.messageCount === 2);

    const handedBack = since + 10;
    await admin.database
      .ref(callOwnerPath(tenantId, callId))
      .set({ kind: "ai", since: handedBack });
    const note = await waitFor<{ role: string; text: string; seq: number }>(
      admin.database,
      messagePath(tenantId, callId, `handback-${handedBack}`),
      (m) => m !== null,
    );
    expect(note?.role).to.equal("system");
    expect(note?.seq).to.equal(3);
    expect(note?.text).to.contain("An ambulance is on its way.");
    expect(note?.text).to.contain("Press a clean towel on the wound.");
    expect(note?.text).to.contain("ambulance sent");
    const handBack = await waitForAudit(tenantId, "hand_back");
    expect(handBack[0]).to.deep.include({ actorUid: dispatcher, at: handedBack });
    await waitFor<Call>(admin.database, callPath(tenantId, callId), (c) => c?.messageCount === 3);

    const settled = await liveState(tenantId, [dispatcher]);
    await replayDatabaseEvent(
      "recordOwnerChange",
      "written",
      callOwnerPath(tenantId, callId),
      { kind: "human", uid: dispatcher, name: "Dana", since },
      { kind: "ai", since: handedBack, uid: null, name: null },
    );
    expect(await liveState(tenantId, [dispatcher])).to.deep.equal(settled);
    expect(await auditOf(tenantId, "hand_back")).to.have.length(1);
  });
});

describe("applyUrgencyOverride", () => {
  it("lowers urgency, resolves the alert, audits, and a replay does not undo a later rise", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(1, "there is a fire", Date.now() - 1000),
    );
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);

    const override = {
      level: "normal",
      reason: "a candle, already out",
      by: dispatcher,
      at: Date.now(),
    };
    await admin.database.ref(callUrgencyOverridePath(tenantId, callId)).set(override);
    const call = await waitFor<Call>(
      admin.database,
      callPath(tenantId, callId),
      (c) => c?.urgency === "normal",
    );
    expect(call?.urgencyReason).to.deep.equal({ source: "override", note: override.reason });
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "resolved",
    );
    const audit = await waitForAudit(tenantId, "override_urgency");
    expect(audit[0]).to.deep.include({ actorUid: dispatcher, callId });

    await writeMessage(
      admin,
      tenantId,
      callId,
      callerMessage(2, "the fire is back, it is spreading"),
    );
    await waitFor<Call>(
      admin.database,
      callPath(tenantId, callId),
      (c) => c?.urgency === "critical",
    );
    await waitFor<Alert>(admin.database, alertPath(tenantId, alertId), (a) => a?.status === "open");

    await replayDatabaseEvent(
      "applyUrgencyOverride",
      "written",
      callUrgencyOverridePath(tenantId, callId),
      null,
      override,
    );
    expect((await read<Call>(callPath(tenantId, callId)))?.urgency).to.equal("critical");
    expect((await read<Alert>(alertPath(tenantId, alertId)))?.status).to.equal("open");
  });
});

describe("archiveEndedCall", () => {
  it("archives summary and transcript and resolves the alerts, flagging the unattended one", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall());
    // Urgent, not critical: an unattended critical call stays open as a follow-up instead
    // (triggers-follow-up.test.ts).
    await writeMessage(admin, tenantId, callId, callerMessage(1, "I fell and my arm is bleeding"));
    await writeMessage(admin, tenantId, callId, {
      seq: 2,
      role: "assistant",
      text: "Leave the building now.",
      at: Date.now(),
    });
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);
    await waitFor<Call>(admin.database, callPath(tenantId, callId), (c) => c?.messageCount === 2);

    const endedAt = Date.now();
    await admin.database.ref(callPath(tenantId, callId)).update({ status: "ended", endedAt });
    const archived = await waitForDoc(admin, firestore.archivedCallDoc(tenantId, callId));
    expect(archived.archivedAt).to.equal(endedAt);
    expect((archived.messages as { text: string }[]).map((m) => m.text)).to.deep.equal([
      "I fell and my arm is bleeding",
      "Leave the building now.",
    ]);
    expect(archived.call).to.deep.include({ status: "ended", endedAt });
    // The history endpoint's query fields, copied from the call at its end.
    const summary = archived.call as Call;
    expect(archived).to.deep.include({
      urgency: "urgent",
      phone: summary.phone,
      outcome: "ended_unattended",
      startedAt: summary.startedAt,
      handledBy: [],
    });
    expect(archived.phonePrefixes)
      .to.include(summary.phone)
      .and.to.include(summary.phone.slice(0, 5));
    const alert = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "resolved",
    );
    expect(alert?.title).to.match(/ended unattended$/);
    await waitFor<InboxItem>(
      admin.database,
      inboxItemPath(dispatcher, alertId),
      (i) => i?.status === "resolved",
    );
  });

  it("resolves an acknowledged alert without the unattended flag", async () => {
    const tenantId = await newTenant(admin);
    const dispatcher = await mirror(tenantId, "dispatcher");
    await online(tenantId, dispatcher);
    const callId = await writeCall(admin, tenantId, newCall());
    await writeMessage(admin, tenantId, callId, callerMessage(1, "there is a gas leak"));
    const alertId = urgencyAlert(callId);
    await waitFor(admin.database, inboxItemPath(dispatcher, alertId), (i) => i !== null);
    await admin.database
      .ref(alertAckPath(tenantId, alertId, dispatcher))
      .set({ status: "acknowledged", note: "", at: Date.now() });
    await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "acknowledged",
    );
    // The acknowledgement's audit entry is written after the alert: the archive reads the log.
    await waitForQuery(
      admin.firestore.collection(firestore.auditCollection(tenantId)).where("callId", "==", callId),
    );
    await admin.database
      .ref(callPath(tenantId, callId))
      .update({ status: "ended", endedAt: Date.now() });
    const alert = await waitFor<Alert>(
      admin.database,
      alertPath(tenantId, alertId),
      (a) => a?.status === "resolved",
    );
    expect(alert?.title).to.not.match(/unattended/);
    const archived = await waitForDoc(admin, firestore.archivedCallDoc(tenantId, callId));
    const dispatcherName = (await read<MemberMirror>(memberPath(tenantId, dispatcher)))?.name;
    expect(archived).to.deep.include({ outcome: "completed", handledBy: [dispatcherName] });
  });
});

describe("sweeper", () => {
  async function sweep(token?: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${await functionsOrigin()}/${PROJECT_ID}/us-central1/sweeper`, {
      method: "POST",
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  }

  it("closes stale calls (then archived) and prunes ended calls past retention, for an admin only", async () => {
    const tenantId = await newTenant(admin, { staleCallMinutes: 30, retentionHours: 1 });
    const tenantAdmin = await addMember(admin, tenantId, "admin");
    const dispatcher = await addMember(admin, tenantId, "dispatcher");
    const hourAgo = Date.now() - 2 * 3_600_000;
    const stale = await writeCall(
      admin,
      tenantId,
      newCall({ startedAt: hourAgo, lastMessageAt: hourAgo }),
    );
    const fresh = await writeCall(admin, tenantId, newCall());
    const old = await writeCall(
      admin,
      tenantId,
      newCall({
        status: "ended",
        startedAt: hourAgo - 10,
        lastMessageAt: hourAgo,
        endedAt: hourAgo,
        messageCount: 1,
      }),
    );
    await admin.database
      .ref(messagePath(tenantId, old, "m1"))
      .set({ seq: 1, role: "caller", text: "hello", at: hourAgo });
    await admin.database.ref(turnPath(tenantId, old, "turn-1")).set({
      status: "done",
      fingerprint: "f",
      at: hourAgo,
      answer: { callId: old, reply: "hi", urgency: "normal", owner: { kind: "ai" } },
    });
    await admin.database
      .ref(viewerPath(tenantId, old, dispatcher.uid))
      .set({ name: "Dispatcher", since: hourAgo });
    await admin.database
      .ref(viewerPath(tenantId, fresh, dispatcher.uid))
      .set({ name: "Dispatcher", since: hourAgo });
    await waitForDoc(admin, firestore.archivedCallDoc(tenantId, old));

    expect((await sweep()).status).to.equal(401);
    const dispatcherToken = (await signIn(dispatcher.email, dispatcher.password)).idToken;
    expect((await sweep(dispatcherToken)).status).to.equal(403);
    expect(await read(callPath(tenantId, stale))).to.deep.include({ status: "active" });

    const { idToken } = await signIn(tenantAdmin.email, tenantAdmin.password);
    const reply = await sweep(idToken);
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    expect(reply.body).to.deep.equal({ tenantId, closed: [stale], pruned: [old], deferred: [] });

    expect(await read(callPath(tenantId, stale))).to.deep.include({ status: "ended" });
    await waitForDoc(admin, firestore.archivedCallDoc(tenantId, stale));
    expect(await read(callPath(tenantId, fresh))).to.deep.include({ status: "active" });
    expect(await read(callPath(tenantId, old))).to.equal(null);
    expect(await read(messagesPath(tenantId, old))).to.equal(null);
    expect(await read(turnsPath(tenantId, old))).to.equal(null);
    expect(await read(callViewersPath(tenantId, old))).to.equal(null);
    expect(await read(viewerPath(tenantId, fresh, dispatcher.uid))).to.deep.include({
      name: "Dispatcher",
    });
    expect(
      (await admin.firestore.doc(firestore.archivedCallDoc(tenantId, old)).get()).exists,
    ).to.equal(true);
  });
});
