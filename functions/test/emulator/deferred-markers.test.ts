/**
 * Deferred turns whose task never ran: the function instance died after answering, before the
 * queue took the task, and only the marker `deferredTurns/{id}` landed. The next turn of the call
 * (on any instance) records it before its own messages; the last turn of a call is recorded by the
 * sweeper once its marker is a minute old. The markers are written here with the Admin SDK exactly
 * as `deferTurn` writes them, and no task is enqueued.
 */
import { expect } from "chai";
import { deferredTurnId, fallbackTurn, type DeferredTurn } from "../../src/domain/deferred.js";
import { callIdFor, turnFingerprint } from "../../src/domain/turn/index.js";
import { deferredTurnDoc } from "../../src/store/deferred-turns.js";
import type { SpeechTurnRequest } from "../../src/requests.js";
import { callPath, messagesPath, turnPath } from "@lifeline/model";
import {
  addMember,
  adminSdk,
  freshId,
  functionUrl,
  signIn,
  type Admin,
  type Reply,
} from "./support/emulators.js";
import {
  freshTurnId,
  gatewayPost,
  gatewayToken,
  seedGatewayTenant,
  waitForValue,
  type GatewayTenant,
} from "./support/gateway-client.js";
import type { StoredMessage } from "./support/gateway-client.js";

/** The JWT `sub` of `gatewayToken()`'s tokens: call ids are made from it. */
const GATEWAY = "gateway-test";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

function turnBody(tenant: GatewayTenant, callRef: string, text: string): SpeechTurnRequest {
  return { callRef, from: tenant.phone, text, medium: "voice", turnId: freshTurnId() };
}

/** A marker as `deferTurn` writes it, for a turn answered from the playbook at `at`. */
async function writeMarker(
  tenant: GatewayTenant,
  body: SpeechTurnRequest,
  at: number,
  deferredAt = at,
): Promise<{ turn: DeferredTurn; id: string }> {
  const callId = callIdFor(GATEWAY, body.callRef);
  const turn = fallbackTurn({
    gateway: GATEWAY,
    request: body,
    fingerprint: turnFingerprint(body),
    callId,
    known: { tenantId: tenant.tenantId, subjectId: tenant.subjectId },
    now: at,
  });
  const id = deferredTurnId(callId, body.turnId);
  await admin.firestore.doc(deferredTurnDoc(id)).set({ ...turn, deferredAt });
  return { turn, id };
}

async function transcript(tenantId: string, callId: string): Promise<StoredMessage[]> {
  const value: unknown = (await admin.database.ref(messagesPath(tenantId, callId)).get()).val();
  return Object.values((value ?? {}) as Record<string, StoredMessage>).sort(
    (a, b) => a.seq - b.seq,
  );
}

async function markerExists(id: string): Promise<boolean> {
  return (await admin.firestore.doc(deferredTurnDoc(id)).get()).exists;
}

function answered(reply: Reply): { callId: string; reply: string | null } {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
  return reply.body as { callId: string; reply: string | null };
}

describe("deferred turns whose task was lost", function () {
  this.timeout(60_000);

  let tenant: GatewayTenant;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
  });

  it("are recorded by the call's next turn before its own messages, seq in the order spoken", async () => {
    const token = await gatewayToken();
    const callRef = freshId("CA");
    const first = turnBody(tenant, callRef, "Hello, I wanted to ask about my appointment.");
    const lost = [
      turnBody(tenant, callRef, "Wait, there is smoke coming from the kitchen"),
      turnBody(tenant, callRef, "It is getting thicker"),
    ];
    const next = turnBody(tenant, callRef, "Okay, what should I do now?");
    const { callId } = answered(await gatewayPost("speechTurn", first, { token }));
    // Written in reverse: the order comes from the turns' times, not from the markers' writing.
    const at = Date.now();
    const markers = [
      await writeMarker(tenant, lost[1] as SpeechTurnRequest, at + 2),
      await writeMarker(tenant, lost[0] as SpeechTurnRequest, at + 1),
    ].reverse();

    const reply = await gatewayPost("speechTurn", next, { token });
    answered(reply);
    expect(reply.headers.get("lifeline-turn")).to.equal("live");

    const messages = await transcript(tenant.tenantId, callId);
    const bodies = [first, ...lost, next];
    expect(messages.map((m) => [m.seq, m.role, m.turnId])).to.deep.equal(
      bodies.flatMap((body, i) => [
        [2 * i + 1, "caller", body.turnId],
        [2 * i + 2, "assistant", body.turnId],
      ]),
    );
    markers.forEach(({ turn }, i) => {
      expect(messages[2 * (i + 1)]?.text).to.equal(turn.request.text);
      expect(messages[2 * (i + 1) + 1]?.text, "what the caller heard then").to.equal(
        turn.answer.reply,
      );
    });
    const summary = (await admin.database.ref(callPath(tenant.tenantId, callId)).get()).val() as {
      messageCount: number;
      urgency: string;
    };
    expect(summary.messageCount).to.equal(8);
    expect(summary.urgency, "the smoke turn's triage counts").to.be.oneOf(["urgent", "critical"]);
    for (const { id } of markers) expect(await markerExists(id)).to.equal(false);

    // Nothing doubled: the same turns again (a late task, a gateway retry) change nothing.
    const again = await gatewayPost("speechTurn", next, { token });
    expect(again.headers.get("lifeline-turn")).to.equal("replayed");
    expect(await transcript(tenant.tenantId, callId)).to.deep.equal(messages);
  });

  it("is recorded by a retry of that very turn, after the call's earlier lost turns", async () => {
    const token = await gatewayToken();
    const callRef = freshId("CA");
    const first = turnBody(tenant, callRef, "Hello, is anyone there?");
    const lost = turnBody(tenant, callRef, "I fell and cannot get up");
    const retried = turnBody(tenant, callRef, "My hip hurts a lot");
    const { callId } = answered(await gatewayPost("speechTurn", first, { token }));
    const at = Date.now();
    await writeMarker(tenant, lost, at + 1);
    const { turn, id } = await writeMarker(tenant, retried, at + 2);

    const reply = await gatewayPost("speechTurn", retried, { token });
    expect(reply.headers.get("lifeline-turn")).to.equal("replayed");
    expect(answered(reply).reply, "the answer the caller was given").to.equal(turn.answer.reply);

    const messages = await transcript(tenant.tenantId, callId);
    expect(messages.map((m) => [m.seq, m.role, m.turnId])).to.deep.equal(
      [first, lost, retried].flatMap((body, i) => [
        [2 * i + 1, "caller", body.turnId],
        [2 * i + 2, "assistant", body.turnId],
      ]),
    );
    const record = (
      await admin.database.ref(turnPath(tenant.tenantId, callId, retried.turnId)).get()
    ).val() as { status: string } | null;
    expect(record?.status).to.equal("done");
    expect(await markerExists(id)).to.equal(false);
  });
});

describe("a deferred turn being recorded by another applier", function () {
  this.timeout(120_000);

  it("makes the call's next turn defer behind it, not write first; each turn is recorded once, in order", async () => {
    const tenant = await seedGatewayTenant(admin);
    const token = await gatewayToken();
    const callRef = freshId("CA");
    const first = turnBody(tenant, callRef, "Hello, I need to talk to someone.");
    const busy = turnBody(tenant, callRef, "My neighbour is not answering her door");
    const next = turnBody(tenant, callRef, "Should I call someone?");
    const { callId } = answered(await gatewayPost("speechTurn", first, { token }));
    const { turn, id } = await writeMarker(tenant, busy, Date.now());
    // An applier (a queue delivery, another instance's turn) holds the turn record right now.
    await admin.database.ref(turnPath(tenant.tenantId, callId, busy.turnId)).set({
      status: "pending",
      fingerprint: turn.fingerprint,
      claimedAt: Date.now(),
      applier: true,
    });

    const reply = await gatewayPost("speechTurn", next, { token });
    const answer = answered(reply);
    expect(reply.headers.get("lifeline-turn")).to.equal("deferred");
    expect(
      (await transcript(tenant.tenantId, callId)).map((m) => m.turnId),
      "nothing of the next turn is written before the busy one",
    ).to.deep.equal([first.turnId, first.turnId]);

    // The next turn's task carries the busy one and takes it over once that claim has lapsed.
    const stored = await waitForValue(
      admin.database.ref(messagesPath(tenant.tenantId, callId)),
      (value) => Object.keys(value ?? {}).length >= 6,
      100_000,
    );
    const messages = Object.values(stored as Record<string, StoredMessage>).sort(
      (a, b) => a.seq - b.seq,
    );
    expect(messages.map((m) => [m.seq, m.role, m.turnId])).to.deep.equal(
      [first, busy, next].flatMap((body, i) => [
        [2 * i + 1, "caller", body.turnId],
        [2 * i + 2, "assistant", body.turnId],
      ]),
    );
    expect(messages[3]?.text).to.equal(turn.answer.reply);
    expect(messages[5]?.text).to.equal(answer.reply);
    const summary = (await admin.database.ref(callPath(tenant.tenantId, callId)).get()).val() as {
      messageCount: number;
    };
    expect(summary.messageCount, "no turn numbered twice").to.equal(6);
    for (let i = 0; i < 100 && (await markerExists(id)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await markerExists(id)).to.equal(false);
  });
});

describe("sweeper: orphaned deferred turns", function () {
  this.timeout(60_000);

  async function sweep(token: string): Promise<Reply> {
    const response = await fetch(await functionUrl("sweeper"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as unknown,
    };
  }

  it("records a call's last turn whose marker is a minute old, and leaves fresh and other tenants' markers", async () => {
    const tenant = await seedGatewayTenant(admin);
    const other = await seedGatewayTenant(admin);
    const boss = await addMember(admin, tenant.tenantId, "admin");
    const old = Date.now() - 2 * 60_000;
    const orphan = turnBody(tenant, freshId("CA"), "There is smoke in the hallway");
    const orphanCall = callIdFor(GATEWAY, orphan.callRef);
    const { turn, id } = await writeMarker(tenant, orphan, old);
    // Deferred seconds ago: its task may still come.
    const fresh = turnBody(tenant, freshId("CA"), "Hello?");
    const freshMarker = await writeMarker(tenant, fresh, Date.now());
    const elsewhere = turnBody(other, freshId("CA"), "Hello from another tenant");
    const otherMarker = await writeMarker(other, elsewhere, old);

    try {
      const { idToken } = await signIn(boss.email, boss.password);
      const reply = await sweep(idToken);
      expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
      expect(reply.body).to.deep.equal({
        tenantId: tenant.tenantId,
        closed: [],
        pruned: [],
        deferred: [id],
      });

      const messages = await transcript(tenant.tenantId, orphanCall);
      expect(messages.map((m) => [m.seq, m.role, m.text])).to.deep.equal([
        [1, "caller", orphan.text],
        [2, "assistant", turn.answer.reply],
      ]);
      expect(await markerExists(id)).to.equal(false);
      expect(await markerExists(freshMarker.id)).to.equal(true);
      expect(await markerExists(otherMarker.id)).to.equal(true);
      const freshCall = callIdFor(GATEWAY, fresh.callRef);
      expect(await transcript(tenant.tenantId, freshCall)).to.deep.equal([]);

      // A second sweep finds nothing left to do and writes nothing twice.
      const second = await sweep(idToken);
      expect(second.body).to.deep.include({ deferred: [] });
      expect(await transcript(tenant.tenantId, orphanCall)).to.deep.equal(messages);
    } finally {
      await admin.firestore.doc(deferredTurnDoc(freshMarker.id)).delete();
      await admin.firestore.doc(deferredTurnDoc(otherMarker.id)).delete();
    }
  });
});
