/**
 * A member ends a call: the request goes through the rules (web SDK), `applyEndRequest` ends the
 * call with the reason "ended by supervisor" and audits it, and the gateway's next turn is told
 * to hang up, with nothing more written.
 */
import { expect } from "chai";
import { ref, serverTimestamp, set } from "firebase/database";
import {
  callEndRequestPath,
  callPath,
  firestore as firestorePaths,
  messagesPath,
  tenantPath,
} from "@lifeline/model";
import { ENDED_BY_SUPERVISOR_GOODBYE } from "../../src/domain/turn/index.js";
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
  waitForValue,
  type GatewayTenant,
} from "./support/gateway-client.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

function turn(tenant: GatewayTenant, callRef: string, text: string, turnId = freshTurnId()) {
  return { callRef, from: tenant.phone, text, medium: "voice", turnId };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

async function endAuditOf(tenantId: string, callId: string): Promise<Record<string, unknown>[]> {
  const docs = await admin.firestore
    .collection(firestorePaths.auditCollection(tenantId))
    .where("action", "==", "end_call")
    .where("callId", "==", callId)
    .get();
  return docs.docs.map((doc) => doc.data());
}

/** The call's end_call audit entries once there is one; rejects after 30 s. */
function waitForEndAudit(tenantId: string, callId: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no end_call audit entry for ${callId}`));
    }, 30_000);
    const stop = admin.firestore
      .collection(firestorePaths.auditCollection(tenantId))
      .where("action", "==", "end_call")
      .where("callId", "==", callId)
      .onSnapshot((snapshot) => {
        if (snapshot.empty) return;
        clearTimeout(timer);
        stop();
        resolve(snapshot.docs.map((doc) => doc.data()));
      }, reject);
  });
}

describe("applyEndRequest", function () {
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

  it("ends the call as ended by supervisor, audits it once, and the next turn gets hangup: true and writes nothing", async () => {
    const callRef = freshId("CA");
    const opening = turnAnswerOf(
      await gatewayPost("speechTurn", turn(tenant, callRef, "I fell and hurt my leg")),
    );
    expect(opening.hangup).to.equal(undefined);
    const { callId } = opening;
    // On a loaded machine the turn is answered before it is written (a deferred turn): the rules
    // take an end request only for a call that is there and active.
    await waitForValue(
      admin.database.ref(callPath(tenant.tenantId, callId)),
      (call) => isObject(call) && call.status === "active",
      60_000,
    );

    await set(ref(session.db, callEndRequestPath(tenant.tenantId, callId)), {
      by: dispatcher.uid,
      name: dispatcher.name,
      at: serverTimestamp(),
    });
    const ended = await waitForValue(
      admin.database.ref(callPath(tenant.tenantId, callId)),
      (call) => isObject(call) && call.status === "ended",
      60_000,
    );
    expect(ended).to.deep.include({ status: "ended", endReason: "ended by supervisor" });
    // The audit is written after the call ends.
    const entries = await waitForEndAudit(tenant.tenantId, callId);
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({
      action: "end_call",
      actorUid: dispatcher.uid,
      callId,
      details: { reason: "ended by supervisor", name: dispatcher.name },
    });

    const before = (await admin.database.ref(tenantPath(tenant.tenantId)).get()).val() as unknown;
    const next = turnAnswerOf(
      await gatewayPost("speechTurn", turn(tenant, callRef, "Hello? Are you still there?")),
    );
    expect(next).to.deep.include({
      callId,
      hangup: true,
      endReason: "ended by supervisor",
      reply: ENDED_BY_SUPERVISOR_GOODBYE,
      say: [],
    });
    const after = (await admin.database.ref(tenantPath(tenant.tenantId)).get()).val() as unknown;
    expect(isObject(after) ? after.calls : undefined).to.deep.equal(
      isObject(before) ? before.calls : undefined,
    );
    expect(isObject(after) ? after.messages : undefined).to.deep.equal(
      isObject(before) ? before.messages : undefined,
    );
    expect(isObject(after) ? after.turns : undefined).to.deep.equal(
      isObject(before) ? before.turns : undefined,
    );
    const transcript: unknown = (
      await admin.database.ref(messagesPath(tenant.tenantId, callId)).get()
    ).val();
    expect(JSON.stringify(transcript)).to.not.contain("Are you still there");
  });

  it("refuses a second end request and leaves a call the caller ended with its own reason", async () => {
    const callRef = freshId("CA");
    const { callId } = turnAnswerOf(
      await gatewayPost("speechTurn", turn(tenant, callRef, "Just checking in")),
    );
    const endedByCaller = await gatewayPost("callEnded", { callRef, from: tenant.phone });
    expect(endedByCaller.status).to.equal(200);
    let refused = false;
    await set(ref(session.db, callEndRequestPath(tenant.tenantId, callId)), {
      by: dispatcher.uid,
      name: dispatcher.name,
      at: serverTimestamp(),
    }).catch(() => {
      refused = true;
    });
    expect(refused, "an ended call cannot be ended again").to.equal(true);
    const next = await gatewayPost("speechTurn", turn(tenant, callRef, "Hello?"));
    expect(next.status, "a call the caller ended is refused, not hung up").to.equal(409);
    expect(await endAuditOf(tenant.tenantId, callId)).to.deep.equal([]);
  });
});
