/**
 * The Twilio webhooks end to end: the Twilio stand-in (scripts/demo/twilio-stand-in.ts) signs and
 * posts each webhook as Twilio does and follows the TwiML it gets back, through the Functions
 * emulator; the databases are read afterwards. Supervisors act through the web SDK, so the rules
 * judge the take-over and the message.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { push, ref, serverTimestamp, set } from "firebase/database";
import {
  alertPath,
  callEndRequestPath,
  callOwnerPath,
  messagePath,
  callPath,
  firestore as firestorePaths,
  messagesPath,
  outboxPath,
  presencePath,
  tenantPath,
} from "@lifeline/model";
import { ENDED_BY_SUPERVISOR_GOODBYE, HOLDING_LINE } from "../../src/domain/turn/index.js";
import { GREETING } from "../../src/http/twilio/voice-twiml.js";
import { NOT_IN_SERVICE } from "../../src/http-kit/twilio.js";
import {
  localMessagesApiPort,
  localStandInOptions,
  parseTwiml,
  TwilioStandIn,
  type NumberWebhooks,
} from "../../../scripts/demo/twilio-stand-in.js";
import {
  addMember,
  adminSdk,
  functionUrl,
  webSession,
  type Admin,
  type WebSession,
} from "./support/emulators.js";
import {
  freshPhone,
  seedGatewayTenant,
  waitForValue,
  type GatewayTenant,
  type StoredMessage,
} from "./support/gateway-client.js";

let admin: Admin;
let webhooks: NumberWebhooks;

before(async () => {
  admin = adminSdk();
  webhooks = {
    voiceUrl: await functionUrl("twilioVoice"),
    messagingUrl: await functionUrl("twilioMessage"),
    statusCallbackUrl: await functionUrl("twilioStatus"),
  };
});

after(async () => {
  await admin.close();
});

/** `callIdFor("twilio", CallSid)`, as the functions derive it. */
function twilioCallId(callSid: string): string {
  const digest = createHash("sha256").update(`twilio\n${callSid}`).digest("base64url");
  return `call-${digest.slice(0, 22)}`;
}

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The call's summary once it holds `messages` messages. A turn answered within its budget may be
 * written a moment later (deferred, on a cold worker): wait for the data, never assume it.
 */
async function summaryWith(
  tenantId: string,
  callId: string,
  messages: number,
): Promise<Record<string, unknown>> {
  const value = await waitForValue(
    admin.database.ref(callPath(tenantId, callId)),
    (summary) => isObject(summary) && summary.messageCount === messages,
    60_000,
  );
  return isObject(value) ? value : {};
}

async function tenantTree(tenantId: string): Promise<unknown> {
  return (await admin.database.ref(tenantPath(tenantId)).get()).val();
}

/**
 * What webhooks write: calls, transcripts and turn records. Alerts are left out: the triggers
 * write them in their own time after a turn.
 */
async function recorded(tenantId: string): Promise<unknown> {
  const tree = ((await tenantTree(tenantId)) ?? {}) as Record<string, unknown>;
  return { calls: tree.calls, messages: tree.messages, turns: tree.turns };
}

interface Line {
  readonly tenant: GatewayTenant;
  /** The tenant's Twilio number. */
  readonly line: string;
}

async function seedLine(): Promise<Line> {
  const tenant = await seedGatewayTenant(admin);
  const line = freshPhone();
  await admin.firestore
    .doc(firestorePaths.lineDoc(line))
    .set({ tenantId: tenant.tenantId, label: "Test line", createdAt: Date.now() });
  return { tenant, line };
}

describe("Twilio webhooks", function () {
  // Cold starts of the Twilio functions' emulator workers are slow on a loaded machine.
  this.timeout(120_000);

  let twilio: TwilioStandIn;
  let seeded: Line;

  beforeEach(async () => {
    twilio = new TwilioStandIn(localStandInOptions(webhooks));
    await twilio.listen(localMessagesApiPort());
    seeded = await seedLine();
  });

  afterEach(async () => {
    await twilio.close();
  });

  it("answers a call with the greeting, escalates it to critical turn by turn, and ends it on completed", async () => {
    const { tenant, line } = seeded;
    const call = await twilio.dial(tenant.phone, line);
    expect(call.heard()).to.deep.equal([GREETING]);
    const callId = twilioCallId(call.callSid);
    expect(
      await tenantTree(tenant.tenantId),
      "the greeting writes nothing",
    ).to.not.have.nested.property(`calls.${callId}`);

    const first = await call.say("I feel a bit dizzy, and my chest feels tight.");
    const second = await call.say(
      "It's getting worse, I can hardly breathe and I'm sweating a lot.",
    );
    expect(first).to.have.length(1);
    expect(second).to.have.length(1);
    const summary = await summaryWith(tenant.tenantId, callId, 4);
    expect(summary).to.include({
      subjectId: tenant.subjectId,
      phone: tenant.phone,
      medium: "voice",
      status: "active",
      urgency: "critical",
      messageCount: 4,
    });
    const messages = await transcript(tenant.tenantId, callId);
    expect(messages.map((m) => [m.role, m.text])).to.deep.equal([
      ["caller", "I feel a bit dizzy, and my chest feels tight."],
      ["assistant", first[0]],
      ["caller", "It's getting worse, I can hardly breathe and I'm sweating a lot."],
      ["assistant", second[0]],
    ]);
    expect(messages.map((m) => m.turnId)).to.deep.equal(["t1", "t1", "t2", "t2"]);
    // The alert is raised at the first urgent turn and raised to critical by a later trigger run.
    const alert = await waitForValue(
      admin.database.ref(alertPath(tenant.tenantId, `${callId}-urgency`)),
      (value) =>
        typeof value === "object" &&
        value !== null &&
        "severity" in value &&
        value.severity === "critical",
      60_000,
    );
    expect(alert).to.deep.include({ severity: "critical", callId });

    // The caller says nothing: the Redirect posts the same turn without SpeechResult.
    const silent = await call.silence();
    expect(silent).to.have.length(1);
    await summaryWith(tenant.tenantId, callId, 6);
    expect((await transcript(tenant.tenantId, callId)).at(-2)).to.include({
      role: "caller",
      text: "…",
      turnId: "t3",
    });

    const ended = await call.hangUp();
    expect(ended.status).to.equal(200);
    expect(await callSummary(tenant.tenantId, callId)).to.include({ status: "ended" });
    console.log(`      caller heard: ${JSON.stringify(call.heard())}`);
  });

  describe("with a supervisor", () => {
    let session: WebSession;
    let dispatcher: { uid: string; name: string };

    beforeEach(async () => {
      const member = await addMember(admin, seeded.tenant.tenantId, "dispatcher");
      dispatcher = { uid: member.uid, name: member.name };
      session = await webSession(member.email, member.password);
      await admin.database.ref(presencePath(seeded.tenant.tenantId, dispatcher.uid)).set({
        state: "online",
        lastSeen: Date.now(),
        name: dispatcher.name,
      });
    });

    afterEach(async () => {
      await session.close();
    });

    it("lets the caller hear the supervisor's words after a take-over, and never an AI reply", async () => {
      const { tenant, line } = seeded;
      const call = await twilio.dial(tenant.phone, line);
      const opening = await call.say("I fell down the stairs and I can't get up");
      expect(opening).to.have.length(1);
      const callId = twilioCallId(call.callSid);

      await set(ref(session.db, callOwnerPath(tenant.tenantId, callId)), {
        kind: "human",
        uid: dispatcher.uid,
        name: dispatcher.name,
        since: serverTimestamp(),
      });
      expect(await call.say("Is anyone there?")).to.deep.equal([HOLDING_LINE]);

      const typed = "This is Dana from the control room. An ambulance is on its way.";
      await set(push(ref(session.db, outboxPath(tenant.tenantId, callId))), {
        text: typed,
        by: dispatcher.uid,
        at: serverTimestamp(),
      });
      expect(await call.say("Okay, thank you.")).to.deep.equal([typed]);
      expect(twilio.texts, "a voice caller hears it; nothing is texted").to.deep.equal([]);

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
      ]);
      expect(messages[3]).to.deep.include({ text: HOLDING_LINE, sources: ["holding"] });
      expect(messages[5]).to.include({ text: typed, by: dispatcher.uid });
    });

    it("says goodbye and hangs up on the caller's next turn once a supervisor ended the call", async () => {
      const { tenant, line } = seeded;
      const call = await twilio.dial(tenant.phone, line);
      expect(await call.say("I'm fine now, just a bit shaken.")).to.have.length(1);
      const callId = twilioCallId(call.callSid);

      await set(ref(session.db, callEndRequestPath(tenant.tenantId, callId)), {
        by: dispatcher.uid,
        name: dispatcher.name,
        at: serverTimestamp(),
      });
      await waitForValue(
        admin.database.ref(callPath(tenant.tenantId, callId)),
        (summary) => isObject(summary) && summary.endReason === "ended by supervisor",
        60_000,
      );
      const before = await recorded(tenant.tenantId);
      expect(await call.say("Hello?")).to.deep.equal([ENDED_BY_SUPERVISOR_GOODBYE]);
      expect(call.isOver, "the TwiML hung up").to.equal(true);
      expect(call.events.at(-1)).to.deep.equal({ kind: "hangup", by: "twiml" });
      expect(await recorded(tenant.tenantId), "the last turn writes nothing").to.deep.equal(before);
    });

    it("starts a new conversation for a text after a supervisor ended the last one, instead of the goodbye", async () => {
      const { tenant, line } = seeded;
      const first = await twilio.text(tenant.phone, line, "hi, is the pharmacy open on sunday");
      expect(first.messages).to.have.length(1);
      const ended = await smsConversation(tenant.tenantId, 2);
      await set(ref(session.db, callEndRequestPath(tenant.tenantId, ended)), {
        by: dispatcher.uid,
        name: dispatcher.name,
        at: serverTimestamp(),
      });
      await waitForValue(
        admin.database.ref(callPath(tenant.tenantId, ended)),
        (summary) => isObject(summary) && summary.endReason === "ended by supervisor",
        60_000,
      );

      const again = await twilio.text(tenant.phone, line, "sorry, one more thing: is it open late");
      expect(again.exchange.status, again.exchange.body).to.equal(200);
      expect(again.messages).to.have.length(1);
      expect(again.messages[0]).to.not.equal(ENDED_BY_SUPERVISOR_GOODBYE);
      const calls = (await waitForValue(
        admin.database.ref(`${tenantPath(tenant.tenantId)}/calls`),
        (value) => isObject(value) && Object.keys(value).length === 2,
        60_000,
      )) as Record<string, Record<string, unknown>>;
      const fresh = Object.keys(calls).find((id) => id !== ended) ?? "";
      expect(calls[ended]).to.include({ status: "ended", messageCount: 2 });
      expect(calls[fresh]).to.include({ status: "active", medium: "sms", line });
      expect((await transcript(tenant.tenantId, fresh)).map((m) => m.text)).to.deep.equal([
        "sorry, one more thing: is it open late",
        again.messages[0],
      ]);

      // Twilio's retry of that text is the same turn of the new conversation: nothing new.
      const before = await recorded(tenant.tenantId);
      const replay = await twilio.post(again.exchange.url, { ...again.exchange.params });
      expect(replay.body).to.equal(again.exchange.body);
      expect(await recorded(tenant.tenantId)).to.deep.equal(before);
      // The next text joins the new conversation.
      await twilio.text(tenant.phone, line, "thanks");
      await waitForValue(
        admin.database.ref(callPath(tenant.tenantId, fresh)),
        (summary) => isObject(summary) && summary.messageCount === 4,
        60_000,
      );
      const after: unknown = (
        await admin.database.ref(`${tenantPath(tenant.tenantId)}/calls`).get()
      ).val();
      expect(Object.keys(isObject(after) ? after : {})).to.have.length(2);
    });

    /** The one conversation of `tenantId` once its summary holds `messages` messages. */
    async function smsConversation(tenantId: string, messages: number): Promise<string> {
      const calls = await waitForValue(
        admin.database.ref(`${tenantPath(tenantId)}/calls`),
        (value) =>
          isObject(value) &&
          Object.values(value).some((call) => isObject(call) && call.messageCount === messages),
        60_000,
      );
      const ids = Object.keys(isObject(calls) ? calls : {});
      expect(ids).to.have.length(1);
      return ids[0] ?? "";
    }

    async function typeForCaller(tenantId: string, callId: string, text: string): Promise<string> {
      const entry = push(ref(session.db, outboxPath(tenantId, callId)));
      await set(entry, { text, by: dispatcher.uid, at: serverTimestamp() });
      return entry.key;
    }

    async function deliveryOf(
      tenantId: string,
      callId: string,
      outboxId: string,
      status: string,
    ): Promise<Record<string, unknown>> {
      const message = await waitForValue(
        admin.database.ref(messagePath(tenantId, callId, `agent-${outboxId}`)),
        (value) => isObject(value) && isObject(value.delivery) && value.delivery.status === status,
        60_000,
      );
      return isObject(message) ? message : {};
    }

    it("texts a supervisor's message to an SMS caller at once, and its delivery comes back on the transcript", async () => {
      const { tenant, line } = seeded;
      const first = await twilio.text(tenant.phone, line, "someone is following me home im scared");
      expect(first.messages).to.have.length(1);
      const callId = await smsConversation(tenant.tenantId, 2);
      expect(await callSummary(tenant.tenantId, callId)).to.include({ line, medium: "sms" });

      const typed = "This is Dana at Lifeline. Walk to the lit petrol station; we are calling you.";
      const outboxId = await typeForCaller(tenant.tenantId, callId, typed);
      const [sent] = await twilio.textsTo(tenant.phone);
      expect(sent, "sent before the caller writes again").to.include({
        from: line,
        to: tenant.phone,
        body: typed,
      });
      const message = await deliveryOf(tenant.tenantId, callId, outboxId, "delivered");
      expect(message).to.deep.include({ seq: 3, role: "agent", text: typed, by: dispatcher.uid });
      expect(message.delivery).to.include({ status: "delivered", sid: sent?.sid });
      expect(sent?.reported).to.deep.equal(["sent", "delivered"]);
      expect(
        (await admin.database.ref(outboxPath(tenant.tenantId, callId)).get()).exists(),
        "the outbox is empty",
      ).to.equal(false);

      const next = await twilio.text(tenant.phone, line, "ok im walking there now");
      expect(next.messages, "the caller's next text is not answered with it again")
        .to.have.length(1)
        .and.not.include(typed);
      expect(twilio.texts).to.have.length(1);
      const roles = (await transcript(tenant.tenantId, callId)).map((m) => m.role);
      expect(roles).to.deep.equal(["caller", "assistant", "agent", "caller", "assistant"]);
    });

    it("shows a text the carrier could not deliver as failed, with Twilio's error", async () => {
      const { tenant, line } = seeded;
      twilio.unreachable.add(tenant.phone);
      await twilio.text(tenant.phone, line, "i need to talk to someone");
      const callId = await smsConversation(tenant.tenantId, 2);
      const outboxId = await typeForCaller(tenant.tenantId, callId, "We are here. Are you safe?");
      const message = await deliveryOf(tenant.tenantId, callId, outboxId, "failed");
      expect(message.delivery).to.include({ status: "failed", error: "Twilio error 30003" });
      expect((await twilio.textsTo(tenant.phone))[0]?.reported).to.deep.equal([
        "sent",
        "undelivered",
      ]);
    });

    it("refuses a delivery report Twilio did not sign, and never moves a delivery back", async () => {
      const { tenant, line } = seeded;
      await twilio.text(tenant.phone, line, "can someone text me back");
      const callId = await smsConversation(tenant.tenantId, 2);
      const outboxId = await typeForCaller(tenant.tenantId, callId, "Yes, this is Dana.");
      const delivered = await deliveryOf(tenant.tenantId, callId, outboxId, "delivered");
      const [sent] = await twilio.textsTo(tenant.phone);
      const url = sent?.statusCallback ?? "";
      const report = {
        MessageSid: sent?.sid ?? "",
        MessageStatus: "failed",
        ErrorCode: "30008",
        AccountSid: twilio.accountSid,
      };
      const forged = await twilio.post(url, report, { "X-Twilio-Signature": "Zm9yZ2Vk" });
      expect(forged.status).to.equal(403);
      const late = await twilio.post(url, { ...report, MessageStatus: "sent" });
      expect(late.status).to.equal(200);
      const other = await twilio.post(url, { ...report, MessageSid: `SM${"0".repeat(32)}` });
      expect(other.status).to.equal(200);
      const path = messagePath(tenant.tenantId, callId, `agent-${outboxId}`);
      expect((await admin.database.ref(path).get()).val()).to.deep.equal(delivered);
    });
  });

  it("holds an SMS conversation: each text a turn of one call, answered in <Message>", async () => {
    const { tenant, line } = seeded;
    const first = await twilio.text(
      tenant.phone,
      line,
      "hi theres smoke coming out of the flat next door",
    );
    expect(first.exchange.status, first.exchange.body).to.equal(200);
    expect(first.messages).to.have.length(1);
    const second = await twilio.text(
      tenant.phone,
      line,
      "now i can see flames, the fire is spreading to our stairwell",
    );
    expect(second.messages).to.have.length(1);

    const calls = (await waitForValue(
      admin.database.ref(`${tenantPath(tenant.tenantId)}/calls`),
      (value) =>
        isObject(value) &&
        Object.values(value).some((call) => isObject(call) && call.messageCount === 4),
      60_000,
    )) as Record<string, Record<string, unknown>>;
    const ids = Object.keys(calls);
    expect(ids, "both texts are one conversation").to.have.length(1);
    const callId = ids[0] ?? "";
    expect(calls[callId]).to.include({
      medium: "sms",
      messageCount: 4,
      subjectId: tenant.subjectId,
    });
    expect(calls[callId]?.urgency).to.be.oneOf(["urgent", "critical"]);
    const messages = await transcript(tenant.tenantId, callId);
    expect(messages.map((m) => m.text)).to.deep.equal([
      "hi theres smoke coming out of the flat next door",
      first.messages[0],
      "now i can see flames, the fire is spreading to our stairwell",
      second.messages[0],
    ]);
    expect(messages[0]?.turnId).to.equal(first.exchange.params.MessageSid);
  });

  it("records an unanswered call as missed with its alert, once", async () => {
    const { tenant, line } = seeded;
    const reply = await twilio.unanswered(tenant.phone, line, "no-answer");
    expect(reply.status, reply.body).to.equal(200);
    const callId = twilioCallId(reply.params.CallSid ?? "");
    expect(await callSummary(tenant.tenantId, callId)).to.include({
      status: "missed",
      subjectId: tenant.subjectId,
      messageCount: 0,
    });
    const alert = await waitForValue(
      admin.database.ref(alertPath(tenant.tenantId, `missed-${callId}`)),
      (value) => value !== null,
      60_000,
    );
    expect(alert).to.deep.include({ kind: "missed_call", callId });
    const before = await recorded(tenant.tenantId);
    const again = await twilio.post(reply.url, { ...reply.params });
    expect(again.status).to.equal(200);
    expect(await recorded(tenant.tenantId), "a repeat writes nothing").to.deep.equal(before);
  });

  it("records a call that hung up during the greeting as missed, so someone calls back", async () => {
    const { tenant, line } = seeded;
    const call = await twilio.dial(tenant.phone, line);
    const callId = twilioCallId(call.callSid);
    const ended = await call.hangUp();
    expect(ended.status, ended.body).to.equal(200);
    expect(await callSummary(tenant.tenantId, callId)).to.include({
      status: "missed",
      subjectId: tenant.subjectId,
      messageCount: 0,
    });
  });

  it("answers a call to a number no tenant has politely, writing nothing", async () => {
    const { tenant } = seeded;
    const before = await tenantTree(tenant.tenantId);
    const call = await twilio.dial(tenant.phone, freshPhone());
    expect(call.heard()).to.deep.equal([NOT_IN_SERVICE]);
    expect(call.isOver).to.equal(true);
    const text = await twilio.text(tenant.phone, freshPhone(), "hello?");
    expect(text.messages).to.deep.equal([NOT_IN_SERVICE]);
    expect(await tenantTree(tenant.tenantId)).to.deep.equal(before);
  });

  describe("refuses what Twilio did not send", () => {
    it("refuses a missing, forged or wrongly keyed signature with 403, writing nothing", async () => {
      const { tenant, line } = seeded;
      const params = {
        MessageSid: `SM${"a".repeat(32)}`,
        From: tenant.phone,
        To: line,
        Body: "there is a fire",
      };
      const before = await tenantTree(tenant.tenantId);
      const missing = await twilio.post(webhooks.messagingUrl, params, {});
      const forged = await twilio.post(webhooks.messagingUrl, params, {
        "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl",
      });
      const otherToken = new TwilioStandIn({ authToken: "0".repeat(32), webhooks });
      const wrongKey = await otherToken.post(webhooks.messagingUrl, params);
      // Signed for other words than those posted.
      const tampered = await twilio.post(
        webhooks.messagingUrl,
        { ...params, Body: "all is well" },
        { "X-Twilio-Signature": twilio.sign(webhooks.messagingUrl, params) },
      );
      for (const reply of [missing, forged, wrongKey, tampered]) {
        expect(reply.status, reply.body).to.equal(403);
        expect(JSON.parse(reply.body)).to.have.nested.property("error.status", "PERMISSION_DENIED");
      }
      expect(await tenantTree(tenant.tenantId)).to.deep.equal(before);
    });

    it("answers a replayed turn with the same TwiML and writes nothing new", async () => {
      const { tenant, line } = seeded;
      const call = await twilio.dial(tenant.phone, line);
      await call.say("My neighbour collapsed in the garden");
      const turn = twilio.exchanges.at(-1);
      if (turn === undefined) throw new Error("no turn posted");
      const callId = twilioCallId(call.callSid);
      const before = await recorded(tenant.tenantId);
      const replay = await twilio.post(turn.url, { ...turn.params });
      expect(replay.status).to.equal(200);
      expect(replay.body).to.equal(turn.body);
      expect(await recorded(tenant.tenantId)).to.deep.equal(before);
      expect(await transcript(tenant.tenantId, callId)).to.have.length(2);
    });

    it("refuses a turn signed for another turn's URL, and a stale turn on an ended call, writing nothing", async () => {
      const { tenant, line } = seeded;
      const call = await twilio.dial(tenant.phone, line);
      await call.say("I think my leg is broken");
      const turn = twilio.exchanges.at(-1);
      if (turn === undefined) throw new Error("no turn posted");
      const params = { ...turn.params, SpeechResult: "It is fine now, cancel everything" };
      const nextUrl = turn.url.replace("turn=1", "turn=2");
      const before = await recorded(tenant.tenantId);
      const moved = await twilio.post(nextUrl, params, {
        "X-Twilio-Signature": twilio.sign(turn.url, params),
      });
      expect(moved.status, moved.body).to.equal(403);
      expect(await recorded(tenant.tenantId)).to.deep.equal(before);

      await call.hangUp();
      const ended = await recorded(tenant.tenantId);
      const stale = await twilio.post(nextUrl, params);
      expect(stale.status, stale.body).to.equal(409);
      expect(await recorded(tenant.tenantId)).to.deep.equal(ended);
      expect(parseTwiml(turn.body).map((verb) => verb.name)).to.deep.equal(["Gather", "Redirect"]);
    });
  });
});
