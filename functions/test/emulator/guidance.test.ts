/**
 * Private guidance for the assistant, end to end: a dispatcher writes it through the rules (web
 * SDK), the next speech turn's reply follows it without reading it out, and `recordGuidance`
 * audits it.
 */
import { expect } from "chai";
import { push, ref, serverTimestamp, set } from "firebase/database";
import {
  callGuidancePath,
  firestore as firestorePaths,
  guidancePath,
  messagesPath,
} from "@lifeline/model";
import {
  addMember,
  adminSdk,
  freshId,
  webSession,
  type Admin,
  type WebSession,
} from "./support/emulators.js";
import {
  freshTurnId,
  gatewayPost,
  seedGatewayTenant,
  turnAnswerOf,
  type GatewayTenant,
} from "./support/gateway-client.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

const OPENING = "I slipped in the kitchen and my hip hurts, I can't get up.";
const NEXT = "It really hurts when I try to move.";
const GUIDANCE = "Ask her to unlock the front door so the paramedics can get in.";

function turn(tenant: GatewayTenant, callRef: string, text: string) {
  return { callRef, from: tenant.phone, text, medium: "voice", turnId: freshTurnId() };
}

function waitForGuideAudit(tenantId: string, callId: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no guide_assistant audit entry for ${callId}`));
    }, 30_000);
    const stop = admin.firestore
      .collection(firestorePaths.auditCollection(tenantId))
      .where("action", "==", "guide_assistant")
      .where("callId", "==", callId)
      .onSnapshot((snapshot) => {
        if (snapshot.empty) return;
        clearTimeout(timer);
        stop();
        resolve(snapshot.docs.map((doc) => doc.data()));
      }, reject);
  });
}

describe("guidance for the assistant", function () {
  this.timeout(120_000);

  let tenant: GatewayTenant;
  let session: WebSession;
  let dispatcher: { uid: string; name: string };

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
    const member = await addMember(admin, tenant.tenantId, "dispatcher");
    dispatcher = { uid: member.uid, name: member.name };
    session = await webSession(member.email, member.password);
  });

  afterEach(async () => {
    await session.close();
  });

  it("changes the next reply to the step it asks for, never says the guidance, and audits it", async () => {
    // The same two turns without guidance, on a call of their own: what the assistant would say.
    const controlRef = freshId("CA");
    turnAnswerOf(await gatewayPost("speechTurn", turn(tenant, controlRef, OPENING)));
    const unguided = turnAnswerOf(await gatewayPost("speechTurn", turn(tenant, controlRef, NEXT)));

    const callRef = freshId("CA");
    const { callId } = turnAnswerOf(
      await gatewayPost("speechTurn", turn(tenant, callRef, OPENING)),
    );
    const entry = push(ref(session.db, callGuidancePath(tenant.tenantId, callId)));
    await set(ref(session.db, guidancePath(tenant.tenantId, callId, entry.key)), {
      text: GUIDANCE,
      by: dispatcher.uid,
      at: serverTimestamp(),
    });
    const guided = turnAnswerOf(await gatewayPost("speechTurn", turn(tenant, callRef, NEXT)));

    expect(guided.reply).to.be.a("string").and.not.equal(unguided.reply);
    expect(guided.reply).to.contain("unlock your front door");
    expect(guided.reply).to.not.contain("paramedics");
    expect(guided.say).to.deep.equal([]);
    const transcript = JSON.stringify(
      (await admin.database.ref(messagesPath(tenant.tenantId, callId)).get()).val(),
    );
    expect(transcript).to.not.contain(GUIDANCE);

    const audit = await waitForGuideAudit(tenant.tenantId, callId);
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({
      action: "guide_assistant",
      actorUid: dispatcher.uid,
      callId,
    });
    expect(audit[0]?.details).to.deep.include({ text: GUIDANCE, length: GUIDANCE.length });
  });
});
