/**
 * The caller is always answered: with the database's writes stalled (the emulator's fault control,
 * test/support/faults.ts; skipped under --official), each speech turn still gets an answer, a retry
 * gets the same one, and once writes flow again every turn is recorded exactly once, in the order
 * spoken, with exactly what the caller was told. Also the readiness view's access.
 */
import { expect } from "chai";
import { deferredTurnId } from "../../src/domain/deferred.js";
import { deferredTurnDoc } from "../../src/store/deferred-turns.js";
import { callPath, messagesPath, turnPath } from "@lifeline/model";
import { clearFaults, faultsAvailable, setFaults } from "../../../test/support/faults.js";
import { addMember, adminSdk, call, freshId, signIn, type Admin } from "./support/emulators.js";
import {
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

describe("speechTurn with the database's writes stalled (fault control)", function () {
  this.timeout(180_000);

  let tenant: GatewayTenant;

  before(async function () {
    if (!(await faultsAvailable())) this.skip();
  });

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
  });

  afterEach(async () => {
    if (await faultsAvailable()) await clearFaults();
  });

  it("answers each turn, gives a retry the same answer, then records every turn once and in order", async () => {
    const callRef = freshId("CA");
    const turn = (text: string) => ({
      callRef,
      from: tenant.phone,
      text,
      medium: "voice",
      turnId: freshTurnId(),
    });
    const token = await gatewayToken();
    const bodies = [
      turn("Hello, I wanted to ask about my appointment."),
      turn("Wait, there is smoke coming from the kitchen"),
      turn("Okay, what should I do now?"),
    ];
    const [firstBody, ...stalledBodies] = bodies;
    if (firstBody === undefined) throw new Error("no turns");
    const first = await gatewayPost("speechTurn", firstBody, { token });
    const answers = [answerOf(first)];
    expect(first.headers.get("lifeline-turn")).to.equal("live");

    await setFaults({ stallWrites: true });
    for (const body of stalledBodies) {
      const reply = await gatewayPost("speechTurn", body, { token });
      expect(reply.headers.get("lifeline-turn")).to.equal("deferred");
      const answer = answerOf(reply);
      expect(answer.reply, "the caller is answered").to.be.a("string").and.not.empty;
      answers.push(answer);
    }
    expect(answers[1]?.urgency, "triage still runs").to.be.oneOf(["urgent", "critical"]);
    const retry = answerOf(await gatewayPost("speechTurn", stalledBodies[0], { token }));
    expect(retry, "a retry during the stall gets the same answer").to.deep.equal(answers[1]);
    await clearFaults();

    const callId = answers[0]?.callId ?? "";
    const stored = await waitForValue(
      admin.database.ref(messagesPath(tenant.tenantId, callId)),
      (value) => Object.keys(value ?? {}).length >= 6,
      90_000,
    );
    const messages = Object.values(stored as Record<string, StoredMessage>).sort(
      (a, b) => a.seq - b.seq,
    );
    expect(messages.map((m) => [m.seq, m.role, m.turnId])).to.deep.equal(
      bodies.flatMap((body, i) => [
        [2 * i + 1, "caller", body.turnId],
        [2 * i + 2, "assistant", body.turnId],
      ]),
    );
    bodies.forEach((body, i) => {
      expect(messages[2 * i]?.text).to.equal(body.text);
      expect(messages[2 * i + 1]?.text, "the transcript has what the caller heard").to.equal(
        answers[i]?.reply,
      );
    });
    const summary = (await admin.database.ref(callPath(tenant.tenantId, callId)).get()).val() as {
      messageCount: number;
    };
    expect(summary.messageCount).to.equal(6);
    for (const body of bodies) {
      const record = (
        await admin.database.ref(turnPath(tenant.tenantId, callId, body.turnId)).get()
      ).val() as { status: string } | null;
      expect(record?.status).to.equal("done");
    }
    // The deferred-turn markers go once their turns are recorded.
    for (const body of stalledBodies) {
      const doc = admin.firestore.doc(deferredTurnDoc(deferredTurnId(callId, body.turnId)));
      for (let i = 0; i < 100 && (await doc.get()).exists; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await doc.get()).exists).to.equal(false);
    }
    // A retry after the turn was recorded replays the same answer and writes nothing new.
    const late = answerOf(await gatewayPost("speechTurn", stalledBodies[1], { token }));
    expect(late).to.deep.equal(answers[2]);
    const after: unknown = (
      await admin.database.ref(messagesPath(tenant.tenantId, callId)).get()
    ).val();
    expect(Object.keys(after as object)).to.have.length(6);
  });
});

describe("health/ready", function () {
  this.timeout(60_000);

  it("refuses a request without a token (401) and a member who is not an admin (403)", async () => {
    const anonymous = await call("health", "GET", "/ready");
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers.get("www-authenticate")).to.match(/^Bearer/);
    const tenantId = freshId("ready");
    const dispatcher = await addMember(admin, tenantId, "dispatcher");
    const { idToken } = await signIn(dispatcher.email, dispatcher.password);
    const refused = await call("health", "GET", "/ready", { token: idToken });
    expect(refused.status).to.equal(403);
    expect(refused.body).to.have.nested.property("error.status", "PERMISSION_DENIED");
  });

  it("tells an admin its tenant's readiness and an operator the deployment's", async () => {
    const tenantId = freshId("ready");
    const boss = await addMember(admin, tenantId, "admin");
    const token = (await signIn(boss.email, boss.password)).idToken;
    // The first probe of a cold instance pays the task client's setup; readiness is about warm ones.
    await call("health", "GET", "/ready", { token });
    const asAdmin = await call("health", "GET", "/ready", { token });
    expect(asAdmin.status, JSON.stringify(asAdmin.body)).to.equal(200);
    expect(asAdmin.body, JSON.stringify(asAdmin.body)).to.deep.include({
      ready: true,
      deferredTurns: 0,
      scope: { tenantId },
    });
    const body = asAdmin.body as { checks: Record<string, { ok: boolean; ms: number }> };
    expect(Object.keys(body.checks).sort()).to.deep.equal(["database", "firestore", "queue"]);

    const uid = freshId("operator");
    const email = `${uid}@ops.test`;
    await admin.auth.createUser({ uid, email, password: "correct-horse-battery" });
    await admin.auth.setCustomUserClaims(uid, { operator: true });
    const asOperator = await call("health", "GET", "/ready", {
      token: (await signIn(email, "correct-horse-battery")).idToken,
    });
    expect(asOperator.status, JSON.stringify(asOperator.body)).to.equal(200);
    expect(asOperator.body).to.deep.include({ ready: true, scope: { deployment: true } });
    expect((asOperator.body as { deferredTurns: unknown }).deferredTurns).to.be.a("number");

    const live = await call("health", "GET", "");
    expect(live.status).to.equal(200);
    expect(live.body).to.include({ status: "ok" });
  });
});
