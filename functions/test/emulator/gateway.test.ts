/**
 * The speech turn, call ended and missed call through the Functions emulator: what the gateway
 * gets back and what the databases hold afterwards. Supervisors act through the web SDK, so the
 * database rules judge every take-over, outbox message and hand-back.
 */
import { expect } from "chai";
import { push, ref, serverTimestamp, set } from "firebase/database";
import {
  alertPath,
  callOwnerPath,
  callPath,
  firestore as firestorePaths,
  messagesPath,
  outboxPath,
  presencePath,
  turnPath,
} from "@lifeline/model";
import { HOLDING_LINE } from "../../src/domain/turn/index.js";
import {
  addMember,
  adminSdk,
  freshId,
  tenantDatabaseOf,
  testPlacement,
  webSession,
  type Admin,
  type WebSession,
} from "./support/emulators.js";
import {
  freshPhone,
  freshTurnId,
  gatewayPost,
  gatewayToken,
  seedGatewayTenant,
  waitForValue,
  type GatewayTenant,
} from "./support/gateway-client.js";
import { turnAnswerOf as answerOf, type StoredMessage } from "./support/gateway-client.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

async function transcript(tenantId: string, callId: string): Promise<StoredMessage[]> {
  const value = (await admin.database.ref(messagesPath(tenantId, callId)).get()).val() as Record<
    string,
    StoredMessage
  > | null;
  return Object.values(value ?? {}).sort((a, b) => a.seq - b.seq);
}

async function callSummary(tenantId: string, callId: string): Promise<Record<string, unknown>> {
  return ((await admin.database.ref(callPath(tenantId, callId)).get()).val() ?? {}) as Record<
    string,
    unknown
  >;
}

function turn(tenant: GatewayTenant, callRef: string, text: string, turnId = freshTurnId()) {
  return { callRef, from: tenant.phone, text, medium: "voice", turnId };
}

describe("speechTurn", function () {
  // Cold starts of extra emulator workers (racing requests, first use of a function) are slow.
  this.timeout(120_000);

  let tenant: GatewayTenant;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
  });

  it("records a conversation: caller and assistant messages in order, summary, urgency never lowered", async () => {
    const callRef = freshId("CA");
    const first = answerOf(
      await gatewayPost("speechTurn", turn(tenant, callRef, "Hi, I just wanted to check in.")),
    );
    expect(first.reply).to.be.a("string").and.not.empty;
    expect(first).to.include({ urgency: "normal" });
    expect(first.owner).to.deep.equal({ kind: "ai" });
    expect(first.say).to.deep.equal([]);

    const second = answerOf(
      await gatewayPost(
        "speechTurn",
        turn(tenant, callRef, "There is a fire in the kitchen and the smoke is everywhere"),
      ),
    );
    expect(second.callId).to.equal(first.callId);
    expect(second.urgency).to.be.oneOf(["urgent", "critical"]);
    expect(second.reply).to.be.a("string").and.not.empty;

    const third = answerOf(
      await gatewayPost("speechTurn", turn(tenant, callRef, "Okay, I am outside now.")),
    );
    expect(third.urgency, "triage never lowers a call by itself").to.equal(second.urgency);

    const messages = await transcript(tenant.tenantId, first.callId);
    expect(messages.map((m) => [m.seq, m.role])).to.deep.equal([
      [1, "caller"],
      [2, "assistant"],
      [3, "caller"],
      [4, "assistant"],
      [5, "caller"],
      [6, "assistant"],
    ]);
    expect(messages[2]?.text).to.equal(
      "There is a fire in the kitchen and the smoke is everywhere",
    );
    expect(messages[3]?.text).to.equal(second.reply);
    expect(messages[3]?.sources).to.be.an("array").that.is.not.empty;

    const summary = await callSummary(tenant.tenantId, first.callId);
    expect(summary).to.include({
      subjectId: tenant.subjectId,
      phone: tenant.phone,
      medium: "voice",
      status: "active",
      urgency: second.urgency,
      messageCount: 6,
      lastSnippet: "Okay, I am outside now.",
    });
    expect(summary.owner).to.have.property("kind", "ai");
    expect(summary.urgencyReason).to.deep.include({
      source: "triage",
      messageId: `${messages[2]?.turnId}-caller`,
    });
    expect((summary.urgencyReason as { terms: string[] }).terms.join(" ")).to.match(/fire|smoke/);
  });

  it("answers a retried turn with the first answer and writes nothing twice", async () => {
    const body = turn(tenant, freshId("CA"), "My father fell down the stairs");
    const first = answerOf(await gatewayPost("speechTurn", body));
    const before = (await admin.database.ref(`tenants/${tenant.tenantId}`).get()).val() as unknown;
    const again = answerOf(await gatewayPost("speechTurn", body));
    expect(again).to.deep.equal(first);
    const after = (await admin.database.ref(`tenants/${tenant.tenantId}`).get()).val() as unknown;
    expect(messagesOf(after, first.callId)).to.deep.equal(messagesOf(before, first.callId));
    expect((await transcript(tenant.tenantId, first.callId)).length).to.equal(2);
    const record = (
      await admin.database.ref(turnPath(tenant.tenantId, first.callId, body.turnId)).get()
    ).val() as { status: string };
    expect(record.status).to.equal("done");
  });

  it("gives racing retries of one turn the same answer and records the turn once", async () => {
    const callRef = freshId("CA");
    answerOf(await gatewayPost("speechTurn", turn(tenant, callRef, "Hello there")));
    const body = turn(tenant, callRef, "I can smell gas in the hallway");
    const token = await gatewayToken();
    const replies = await Promise.all(
      Array.from({ length: 2 }, () => gatewayPost("speechTurn", body, { token })),
    );
    const answers = replies.map(answerOf);
    for (const answer of answers.slice(1)) expect(answer).to.deep.equal(answers[0]);
    const callId = answers[0]?.callId ?? "";
    const messages = await transcript(tenant.tenantId, callId);
    expect(
      messages.filter((m) => m.turnId === body.turnId).map((m) => [m.seq, m.role]),
    ).to.deep.equal([
      [3, "caller"],
      [4, "assistant"],
    ]);
    expect(messages).to.have.length(4);
    expect(await callSummary(tenant.tenantId, callId)).to.include({ messageCount: 4 });
  });

  it("refuses a turn id reused for different words with 409", async () => {
    const body = turn(tenant, freshId("CA"), "Hello");
    const first = answerOf(await gatewayPost("speechTurn", body));
    const reply = await gatewayPost("speechTurn", { ...body, text: "Something else entirely" });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(409);
    expect(await transcript(tenant.tenantId, first.callId)).to.have.length(2);
  });

  it("sends an unknown number to the default tenant as a call without a subject", async () => {
    const routing = admin.firestore.doc(firestorePaths.routingConfigDoc());
    let defaultTenantId = (await routing.get()).data()?.defaultTenantId as string | undefined;
    if (defaultTenantId === undefined) {
      defaultTenantId = freshId("default");
      await admin.firestore.doc(firestorePaths.tenantDoc(defaultTenantId)).set({
        name: "Default",
        createdAt: Date.now(),
        settings: { escalationMinutes: 5, maxEscalationLevel: 1 },
        ...testPlacement(),
      });
      await routing.set({ defaultTenantId });
    }
    const phone = freshPhone();
    const answer = answerOf(
      await gatewayPost("speechTurn", {
        callRef: freshId("CA"),
        from: phone,
        text: "Hello, who is this?",
        medium: "sms",
        turnId: freshTurnId(),
      }),
    );
    // Another suite's seed may have made the default tenant, on whichever instance it chose.
    const database = await tenantDatabaseOf(admin, defaultTenantId);
    const summary = ((await database.ref(callPath(defaultTenantId, answer.callId)).get()).val() ??
      {}) as Record<string, unknown>;
    expect(summary).to.include({ phone, medium: "sms", status: "active", messageCount: 2 });
    expect(summary).to.not.have.property("subjectId");
  });

  describe("with a supervisor", () => {
    let session: WebSession;
    let dispatcher: { uid: string; name: string };

    beforeEach(async () => {
      const member = await addMember(admin, tenant.tenantId, "dispatcher");
      dispatcher = { uid: member.uid, name: member.name };
      session = await webSession(member.email, member.password);
    });

    afterEach(async () => {
      await session.close();
    });

    it("holds the assistant to a holding line on take-over, delivers the supervisor's message in say, and resumes on hand-back", async () => {
      // The holder's dashboard is open: its presence beats, so the hold does not lapse for being offline.
      await admin.database.ref(presencePath(tenant.tenantId, dispatcher.uid)).set({
        state: "online",
        lastSeen: Date.now(),
        name: dispatcher.name,
      });
      const callRef = freshId("CA");
      const opening = answerOf(
        await gatewayPost("speechTurn", turn(tenant, callRef, "I feel dizzy and my chest hurts")),
      );
      expect(opening.reply).to.be.a("string");
      const { callId } = opening;

      await set(ref(session.db, callOwnerPath(tenant.tenantId, callId)), {
        kind: "human",
        uid: dispatcher.uid,
        name: dispatcher.name,
        since: serverTimestamp(),
      });
      const silent = answerOf(
        await gatewayPost("speechTurn", turn(tenant, callRef, "Is anyone there?")),
      );
      expect(silent.reply, "the caller hears a holding line, not silence").to.equal(HOLDING_LINE);
      expect(silent.owner).to.deep.equal({ kind: "human", name: dispatcher.name });
      expect(silent.say).to.deep.equal([]);

      const typed = "This is Dana from the control room. An ambulance is on its way.";
      await set(push(ref(session.db, outboxPath(tenant.tenantId, callId))), {
        text: typed,
        by: dispatcher.uid,
        at: serverTimestamp(),
      });
      const delivered = answerOf(
        await gatewayPost("speechTurn", turn(tenant, callRef, "Okay, thank you.")),
      );
      expect(delivered.reply).to.equal(null);
      expect(delivered.say).to.deep.equal([typed]);
      expect((await admin.database.ref(outboxPath(tenant.tenantId, callId)).get()).exists()).to.be
        .false;

      const next = answerOf(
        await gatewayPost("speechTurn", turn(tenant, callRef, "I will wait here.")),
      );
      expect(next.say, "a message is delivered once").to.deep.equal([]);
      expect(next.reply).to.equal(HOLDING_LINE);

      await set(ref(session.db, callOwnerPath(tenant.tenantId, callId)), {
        kind: "ai",
        since: serverTimestamp(),
      });
      const resumed = answerOf(
        await gatewayPost("speechTurn", turn(tenant, callRef, "The pain is getting worse")),
      );
      expect(resumed.owner).to.deep.equal({ kind: "ai" });
      expect(resumed.reply).to.be.a("string").and.not.empty;

      const messages = (await transcript(tenant.tenantId, callId)).filter(
        (m) => m.role !== "system",
      );
      expect(messages.map((m) => m.role)).to.deep.equal([
        "caller",
        "assistant",
        "caller",
        "assistant",
        "caller",
        "agent",
        "caller",
        "assistant",
        "caller",
        "assistant",
      ]);
      expect(messages[3]).to.deep.include({ text: HOLDING_LINE, sources: ["holding"] });
      const agent = messages.find((m) => m.role === "agent");
      expect(agent).to.include({ text: typed, by: dispatcher.uid });
    });
  });
});

function messagesOf(tree: unknown, callId: string): unknown {
  const messages = (tree as { messages?: Record<string, unknown> } | null)?.messages;
  return messages?.[callId];
}

describe("callEnded", function () {
  // Cold starts of extra emulator workers (racing requests, first use of a function) are slow.
  this.timeout(120_000);

  let tenant: GatewayTenant;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
  });

  it("ends the call once; a repeat answers the same; a later turn on it is refused", async () => {
    const callRef = freshId("CA");
    const { callId } = answerOf(await gatewayPost("speechTurn", turn(tenant, callRef, "Hello")));
    const ended = await gatewayPost("callEnded", { callRef, from: tenant.phone });
    expect(ended.status, JSON.stringify(ended.body)).to.equal(200);
    const body = ended.body as { callId: string; status: string; endedAt: number };
    expect(body).to.include({ callId, status: "ended" });
    const summary = await callSummary(tenant.tenantId, callId);
    expect(summary).to.include({ status: "ended", endedAt: body.endedAt });

    const again = await gatewayPost("callEnded", { callRef, from: tenant.phone });
    expect(again.body).to.deep.equal(body);

    const late = turn(tenant, callRef, "Are you still there?");
    const refused = await gatewayPost("speechTurn", late);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(
      (await admin.database.ref(turnPath(tenant.tenantId, callId, late.turnId)).get()).exists(),
    ).to.be.false;
  });

  it("answers 404 for a call it never saw, writing nothing", async () => {
    const before = (await admin.database.ref(`tenants/${tenant.tenantId}`).get()).val() as unknown;
    const reply = await gatewayPost("callEnded", { callRef: freshId("CA"), from: tenant.phone });
    expect(reply.status).to.equal(404);
    expect((await admin.database.ref(`tenants/${tenant.tenantId}`).get()).val()).to.deep.equal(
      before,
    );
  });
});

describe("missedCall", function () {
  // Cold starts of extra emulator workers (racing requests, first use of a function) are slow.
  this.timeout(120_000);

  let tenant: GatewayTenant;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
  });

  it("records the missed call and raises one missed_call alert, also when repeated", async () => {
    const callRef = freshId("CA");
    const reply = await gatewayPost("missedCall", { callRef, from: tenant.phone });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    const body = reply.body as { callId: string; status: string; alertId: string };
    expect(body.status).to.equal("missed");
    const summary = await callSummary(tenant.tenantId, body.callId);
    expect(summary).to.include({ status: "missed", subjectId: tenant.subjectId, messageCount: 0 });
    const alert = await waitForValue(
      admin.database.ref(alertPath(tenant.tenantId, body.alertId)),
      (value) => value !== null,
    );
    expect(alert).to.deep.include({
      kind: "missed_call",
      severity: "urgent",
      callId: body.callId,
      subjectId: tenant.subjectId,
    });

    const again = await gatewayPost("missedCall", { callRef, from: tenant.phone });
    expect(again.body).to.deep.equal(body);
    const alerts = (
      await admin.database.ref(`tenants/${tenant.tenantId}/alerts`).get()
    ).val() as Record<string, { kind: string }>;
    expect(Object.values(alerts).filter((a) => a.kind === "missed_call")).to.have.length(1);
  });

  it("refuses a missed-call notice for a call that was answered", async () => {
    const callRef = freshId("CA");
    answerOf(await gatewayPost("speechTurn", turn(tenant, callRef, "Hello")));
    const reply = await gatewayPost("missedCall", { callRef, from: tenant.phone });
    expect(reply.status).to.equal(409);
  });
});
