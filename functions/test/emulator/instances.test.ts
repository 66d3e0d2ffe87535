/**
 * Tenants on two database instances in one emulator: the default `<project>-default-rtdb` and
 * `<project>-shard-2` (firebase.json's database targets, the same rules on both). A tenant placed
 * on the second instance has its calls, alerts and inboxes there and nowhere else; a trigger fired
 * by a copy of its data on another instance does nothing; its members carry the `db` claim the
 * dashboard connects with.
 */
import { expect } from "chai";
import { getDatabaseWithUrl, type Database } from "firebase-admin/database";
import {
  type Alert,
  alertPath,
  callPath,
  firestore,
  inboxItemPath,
  inboxPath,
  memberPath,
  subjectPath,
  tenantPath,
} from "@lifeline/model";
import { instanceUrl } from "../../src/store/instances.js";
import { addMember as addMemberWithCli } from "../../../scripts/admin/operations.js";
import { adminSdk, DATABASE_URL, freshId, PROJECT_ID, type Admin } from "./support/emulators.js";
import {
  freshTurnId,
  gatewayPost,
  seedGatewayTenant,
  type GatewayTenant,
  type TurnAnswerBody,
} from "./support/gateway-client.js";
import { replayDatabaseEvent, waitFor } from "./support/triggers-env.js";

const SECOND = `${PROJECT_ID}-shard-2`;
const DEFAULT = `${PROJECT_ID}-default-rtdb`;
/** A trigger's first run starts a worker: on a loaded two-core machine that can take long. */
const SLOW = 45_000;

let admin: Admin;
let second: Database;

before(() => {
  admin = adminSdk();
  second = getDatabaseWithUrl(instanceUrl(SECOND, DATABASE_URL), admin.app);
});

after(async () => {
  second.goOffline();
  await admin.close();
});

/** A gateway tenant whose record places it on the second instance, with a dispatcher mirror. */
async function tenantOnSecond(): Promise<GatewayTenant & { dispatcher: string }> {
  const tenant = await seedGatewayTenant(admin);
  await admin.defaultDatabase.ref(tenantPath(tenant.tenantId)).remove();
  await admin.firestore.doc(firestore.tenantDoc(tenant.tenantId)).update({ database: SECOND });
  const dispatcher = freshId("dispatcher");
  await second.ref().update({
    [subjectPath(tenant.tenantId, tenant.subjectId)]: { name: tenant.subjectName },
    [memberPath(tenant.tenantId, dispatcher)]: { role: "dispatcher", name: "Dana" },
  });
  return { ...tenant, dispatcher };
}

describe("tenants on two database instances", function () {
  this.timeout(120_000);

  it("has the rules on both instances: an unauthenticated read of / is denied, the owner's is not", async () => {
    const host = process.env.FIREBASE_DATABASE_EMULATOR_HOST ?? "";
    for (const instance of [DEFAULT, SECOND]) {
      const url = `http://${host}/.json?shallow=true&ns=${instance}`;
      expect((await fetch(url)).status, instance).to.equal(401);
      const owner = await fetch(url, { headers: { Authorization: "Bearer owner" } });
      expect(owner.status, instance).to.equal(200);
    }
  });

  it("keeps a tenant's call, alert and inboxes on its own instance only", async () => {
    const tenant = await tenantOnSecond();
    const reply = await gatewayPost("speechTurn", {
      callRef: freshId("CA"),
      from: tenant.phone,
      text: "There is a fire in the kitchen and my husband is not breathing",
      medium: "voice",
      turnId: freshTurnId(),
    });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    const { callId } = reply.body as TurnAnswerBody;

    // Through fanOutMessage and fanOutAlert, on the second instance.
    const inbox = await waitFor(
      second,
      inboxPath(tenant.dispatcher),
      (value) => value !== null,
      SLOW,
    );
    expect(Object.values(inbox as Record<string, { tenantId: string }>)[0]?.tenantId).to.equal(
      tenant.tenantId,
    );
    expect((await second.ref(callPath(tenant.tenantId, callId)).get()).exists()).to.equal(true);

    expect((await admin.defaultDatabase.ref(tenantPath(tenant.tenantId)).get()).exists()).to.equal(
      false,
    );
    expect((await admin.defaultDatabase.ref(inboxPath(tenant.dispatcher)).get()).exists()).to.equal(
      false,
    );
  });

  it("ignores an event from an instance that is not the tenant's, and acts on one from its own", async () => {
    const tenant = await tenantOnSecond();
    const alertId = freshId("alert");
    const alert: Alert = {
      kind: "urgency",
      severity: "urgent",
      title: "A copy left on the old instance",
      at: Date.now(),
      status: "open",
      level: 0,
    };
    // The same alert on both instances, as during or after a move.
    await Promise.all([
      admin.defaultDatabase.ref(alertPath(tenant.tenantId, alertId)).set(alert),
      second.ref(alertPath(tenant.tenantId, alertId)).set(alert),
    ]);
    const item = inboxItemPath(tenant.dispatcher, alertId);
    await waitFor(second, item, (value) => value !== null, SLOW);
    await second.ref(item).remove();

    await replayDatabaseEvent(
      "fanOutAlert",
      "written",
      alertPath(tenant.tenantId, alertId),
      null,
      alert,
      DEFAULT,
    );
    expect((await second.ref(item).get()).exists(), "acted on the stale copy").to.equal(false);
    expect((await admin.defaultDatabase.ref(item).get()).exists()).to.equal(false);

    await replayDatabaseEvent(
      "fanOutAlert",
      "written",
      alertPath(tenant.tenantId, alertId),
      null,
      alert,
      SECOND,
    );
    expect((await second.ref(item).get()).val()).to.include({
      tenantId: tenant.tenantId,
      status: "open",
    });
  });

  it("fans out, while the tenant moves, an event from the instance it is leaving, there, and ignores the copy on the target", async () => {
    const tenant = await tenantOnSecond();
    // Marked before any function has read the placement: every run here sees "moving".
    await admin.firestore
      .doc(firestore.tenantDoc(tenant.tenantId))
      .update({ moving: { to: DEFAULT, since: Date.now() } });
    const alertId = freshId("alert");
    const alert: Alert = {
      kind: "urgency",
      severity: "urgent",
      title: "Raised just before the move was seen",
      at: Date.now(),
      status: "open",
      level: 0,
    };
    await second.ref(alertPath(tenant.tenantId, alertId)).set(alert);
    const item = inboxItemPath(tenant.dispatcher, alertId);
    expect(await waitFor(second, item, (value) => value !== null, SLOW)).to.include({
      tenantId: tenant.tenantId,
      status: "open",
    });

    await admin.database.ref(alertPath(tenant.tenantId, alertId)).set(alert);
    await replayDatabaseEvent(
      "fanOutAlert",
      "written",
      alertPath(tenant.tenantId, alertId),
      null,
      alert,
      DEFAULT,
    );
    expect((await admin.database.ref(item).get()).exists(), "acted on the copy").to.equal(false);
  });

  it("gives a member of a tenant on another instance the db claim, and its mirror there", async () => {
    const tenant = await tenantOnSecond();
    const targets = {
      auth: admin.auth,
      database: admin.defaultDatabase,
      firestore: admin.firestore,
    };
    const { member } = await addMemberWithCli(targets, tenant.tenantId, {
      email: `${freshId("nurse")}@example.test`,
      name: "Noor",
      role: "nurse",
      subjects: [tenant.subjectId],
    });
    const user = await admin.auth.getUser(member.uid);
    expect(user.customClaims).to.deep.equal({ tenant: tenant.tenantId, role: "nurse", db: SECOND });
    expect((await second.ref(memberPath(tenant.tenantId, member.uid)).get()).val()).to.include({
      role: "nurse",
    });
    expect(
      (await admin.defaultDatabase.ref(memberPath(tenant.tenantId, member.uid)).get()).exists(),
    ).to.equal(false);
  });
});
