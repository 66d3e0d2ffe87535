/**
 * The hold lease through the Functions emulator: a human's hold on a call lapses with its holder
 * (offline past the grace time, removed by an admin, or silent while the caller speaks
 * `holdLapseTurns` turns in a row), and the caller is answered in that same turn — never silence.
 */
import { expect } from "chai";
import { holdLapsedAlertId, lapseMessageId } from "../../src/domain/hold.js";
import { HOLDING_LINE } from "../../src/domain/turn/index.js";
import { alertPath, callOwnerPath, messagesPath, outboxPath, presencePath } from "@lifeline/model";
import {
  addMember,
  adminSdk,
  call,
  freshId,
  signIn,
  type Admin,
  type TestMember,
} from "./support/emulators.js";
import {
  freshTurnId,
  gatewayPost,
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

describe("speechTurn hold lease", function () {
  this.timeout(120_000);

  let tenant: GatewayTenant;
  let holder: TestMember;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
    holder = await addMember(admin, tenant.tenantId, "dispatcher");
  });

  function say(callRef: string, text: string) {
    return gatewayPost("speechTurn", {
      callRef,
      from: tenant.phone,
      text,
      medium: "voice",
      turnId: freshTurnId(),
    });
  }

  /** A call the assistant answered once, then taken over by `holder` `ago` ms before now. */
  async function heldCall(ago = 0): Promise<{ callRef: string; callId: string; since: number }> {
    const callRef = freshId("CA");
    const { callId } = answerOf(await say(callRef, "I think I broke my ankle"));
    const since = Date.now() - ago;
    await admin.database
      .ref(callOwnerPath(tenant.tenantId, callId))
      .set({ kind: "human", uid: holder.uid, name: holder.name, since });
    return { callRef, callId, since };
  }

  async function expectLapsed(callId: string, since: number, reason: string): Promise<void> {
    const owner: unknown = (
      await admin.database.ref(callOwnerPath(tenant.tenantId, callId)).get()
    ).val();
    expect(owner).to.deep.include({
      kind: "ai",
      lapsed: { uid: holder.uid, name: holder.name, reason },
    });
    const line = (
      await admin.database
        .ref(`${messagesPath(tenant.tenantId, callId)}/${lapseMessageId(since)}`)
        .get()
    ).val() as StoredMessage | null;
    expect(line).to.deep.include({ role: "system" });
    expect(line?.text).to.contain(holder.name);
    const alert = (
      await admin.database.ref(alertPath(tenant.tenantId, holdLapsedAlertId(callId, since))).get()
    ).val() as { kind: string; severity: string; title: string; status: string } | null;
    expect(alert).to.deep.include({ kind: "hold_lapsed", status: "open", callId });
    expect(alert?.severity).to.be.oneOf(["urgent", "critical"]);
    expect(alert?.title).to.match(
      new RegExp(`^Hold lapsed: ${holder.name} .* the assistant is answering$`),
    );
  }

  it("lapses the hold of a holder offline past the grace time: the assistant answers that turn", async () => {
    const { callRef, callId, since } = await heldCall(40_000);
    await admin.database.ref(presencePath(tenant.tenantId, holder.uid)).set({
      state: "offline",
      lastSeen: Date.now() - 30_000,
      name: holder.name,
    });
    const answer = answerOf(await say(callRef, "Hello? Is anyone still there?"));
    expect(answer.owner).to.deep.equal({ kind: "ai" });
    expect(answer.reply).to.be.a("string").and.not.equal(HOLDING_LINE);
    await expectLapsed(callId, since, "offline");
    const messages = await transcript(tenant.tenantId, callId);
    expect(messages.map((m) => m.role)).to.deep.equal([
      "caller",
      "assistant",
      "system",
      "caller",
      "assistant",
    ]);
    expect(messages[4]?.text).to.equal(answer.reply);
  });

  it("keeps a fresh holder's hold for one silent caller turn with a holding line, and lapses it at the second", async () => {
    await admin.database.ref(presencePath(tenant.tenantId, holder.uid)).set({
      state: "online",
      lastSeen: Date.now(),
      name: holder.name,
    });
    const { callRef, callId, since } = await heldCall();
    const first = answerOf(await say(callRef, "Hello?"));
    expect(first.reply).to.equal(HOLDING_LINE);
    expect(first.owner).to.deep.equal({ kind: "human", name: holder.name });
    const second = answerOf(await say(callRef, "Hello, can anybody hear me?"));
    expect(second.owner).to.deep.equal({ kind: "ai" });
    expect(second.reply).to.be.a("string").and.not.equal(HOLDING_LINE);
    await expectLapsed(callId, since, "caller_turns");
    const messages = await transcript(tenant.tenantId, callId);
    expect(messages.map((m) => m.role)).to.deep.equal([
      "caller",
      "assistant",
      "caller",
      "assistant",
      "system",
      "caller",
      "assistant",
    ]);
    expect(messages[3]).to.deep.include({ text: HOLDING_LINE, sources: ["holding"] });
  });

  it("lapses a holder's calls when an admin removes it, and drops its queued message unspoken", async () => {
    await admin.database.ref(presencePath(tenant.tenantId, holder.uid)).set({
      state: "online",
      lastSeen: Date.now(),
      name: holder.name,
    });
    const { callRef, callId, since } = await heldCall();
    await admin.database
      .ref(`${outboxPath(tenant.tenantId, callId)}/queued-before-removal`)
      .set({ text: "I am still here", by: holder.uid, at: Date.now() });
    const boss = await addMember(admin, tenant.tenantId, "admin");
    const { idToken } = await signIn(boss.email, boss.password);
    const removed = await call("members", "DELETE", `/${tenant.tenantId}/${holder.uid}`, {
      token: idToken,
    });
    expect(removed.status, JSON.stringify(removed.body)).to.equal(200);
    await expectLapsed(callId, since, "removed");

    const next = answerOf(await say(callRef, "Are you there?"));
    expect(next.owner).to.deep.equal({ kind: "ai" });
    expect(next.say, "a removed member's message never reaches the caller").to.deep.equal([]);
    expect(next.reply).to.be.a("string").and.not.equal(HOLDING_LINE);
    await waitForValue(admin.database.ref(outboxPath(tenant.tenantId, callId)), (v) => v === null);
    const messages = await transcript(tenant.tenantId, callId);
    expect(messages.some((m) => m.text === "I am still here")).to.equal(false);
  });
});
