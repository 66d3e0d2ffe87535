/**
 * Web push as FCM sees it: `fanOutAlert` pages, through the FCM HTTP v1 stand-in
 * (scripts/demo/fcm-stand-in.ts, on FCM_API_BASE_URL), each recipient of an open critical alert
 * who has no dashboard open, once per opening even when the trigger's event is delivered again,
 * and deletes a registered browser FCM reports as unregistered.
 */
import { expect } from "chai";
import {
  type Alert,
  alertPath,
  memberPath,
  presencePath,
  pushClaimPath,
  pushTokenPath,
} from "@lifeline/model";
import { pushKey } from "../../src/domain/push.js";
import { FcmStandIn, localFcmPort, type SentPush } from "../../../scripts/demo/fcm-stand-in.js";
import { adminSdk, freshId, PROJECT_ID, type Admin } from "./support/emulators.js";
import { newTenant, replayDatabaseEvent, waitFor } from "./support/triggers-env.js";

let admin: Admin;
let fcm: FcmStandIn;

before(async () => {
  admin = adminSdk();
  fcm = await FcmStandIn.start(PROJECT_ID, localFcmPort());
});

after(async () => {
  await fcm.close();
  await admin.close();
});

/** Resolves with the pushes to `token` once there are `count`; rejects after 20 s. */
async function pushesTo(token: string, count = 1): Promise<SentPush[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const sent = fcm.sent.filter((push) => push.token === token);
    if (sent.length >= count) return sent;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${count} push(es); refused: ${JSON.stringify(fcm.refused)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Dispatcher {
  readonly uid: string;
  readonly token: string;
  readonly tokenId: string;
}

/** A dispatcher of `tenantId` with one registered browser; `present` gives it a live dashboard. */
async function dispatcher(
  tenantId: string,
  present = false,
  token = fcm.register(),
): Promise<Dispatcher> {
  const uid = freshId("dispatcher");
  const tokenId = freshId("tok");
  await admin.database.ref().update({
    [memberPath(tenantId, uid)]: { role: "dispatcher", name: `Name ${uid}` },
    [pushTokenPath(tenantId, uid, tokenId)]: { token, at: Date.now(), userAgent: "test" },
    ...(present
      ? {
          [presencePath(tenantId, uid)]: {
            state: "online",
            lastSeen: Date.now(),
            name: `Name ${uid}`,
          },
        }
      : {}),
  });
  return { uid, token, tokenId };
}

async function openCritical(
  tenantId: string,
  callId = freshId("call"),
): Promise<{ alertId: string; alert: Alert }> {
  const alertId = `${callId}-urgency`;
  const alert: Alert = {
    kind: "urgency",
    severity: "critical",
    callId,
    title: 'Critical call: "he\'s not breathing"',
    at: Date.now(),
    status: "open",
    level: 0,
  };
  await admin.database.ref(alertPath(tenantId, alertId)).set(alert);
  return { alertId, alert };
}

describe("fanOutAlert web push", function () {
  this.timeout(90_000);

  it("pushes once to a recipient with no dashboard open, in FCM HTTP v1's shape, and claims it", async () => {
    const tenantId = await newTenant(admin);
    const member = await dispatcher(tenantId);
    const { alertId, alert } = await openCritical(tenantId);
    const [push] = await pushesTo(member.token);
    expect(push?.webpush.notification).to.include({ title: alert.title });
    expect(push?.webpush.notification.tag).to.equal(`call:${alert.callId ?? ""}`);
    expect(push?.webpush.fcm_options?.link).to.match(/^http:\/\/127\.0\.0\.1:5000\/\?call=/);
    expect(push?.data).to.include({ tenantId, alertId, kind: "urgency", severity: "critical" });
    expect(push?.name).to.match(new RegExp(`^projects/${PROJECT_ID}/messages/`));
    const claim = await admin.database
      .ref(pushClaimPath(tenantId, pushKey(alertId, alert, member.uid)))
      .get();
    expect(claim.val()).to.include({ uid: member.uid, alertId });
  });

  it("does not push to a recipient whose dashboard is open", async () => {
    const tenantId = await newTenant(admin);
    const present = await dispatcher(tenantId, true);
    const absent = await dispatcher(tenantId);
    await openCritical(tenantId);
    // The absent colleague's push shows the trigger ran; the present one got none.
    await pushesTo(absent.token);
    expect(fcm.sent.filter((push) => push.token === present.token)).to.deep.equal([]);
  });

  it("does not push twice when the trigger's event is delivered again", async () => {
    const tenantId = await newTenant(admin);
    const member = await dispatcher(tenantId);
    const { alertId } = await openCritical(tenantId);
    await pushesTo(member.token);
    const stored = (await admin.database.ref(alertPath(tenantId, alertId)).get()).val() as Alert;
    await replayDatabaseEvent("fanOutAlert", "written", alertPath(tenantId, alertId), null, stored);
    // fanOutAlert handles events one after another: once a later alert's push arrives, the replay is done.
    const sentinelTenant = await newTenant(admin);
    const sentinel = await dispatcher(sentinelTenant);
    await openCritical(sentinelTenant);
    await pushesTo(sentinel.token);
    expect(fcm.sent.filter((push) => push.token === member.token)).to.have.length(1);
  });

  it("deletes a registered browser FCM reports unregistered, and still pushes to the others", async () => {
    const tenantId = await newTenant(admin);
    const member = await dispatcher(tenantId);
    const goneId = freshId("tok");
    await admin.database
      .ref(pushTokenPath(tenantId, member.uid, goneId))
      .set({ token: "unsubscribed-browser-token", at: Date.now() });
    await openCritical(tenantId);
    await pushesTo(member.token);
    await waitFor(
      admin.database,
      pushTokenPath(tenantId, member.uid, goneId),
      (value) => value === null,
    );
    expect(
      (
        await admin.database.ref(pushTokenPath(tenantId, member.uid, member.tokenId)).get()
      ).exists(),
    ).to.equal(true);
    expect(fcm.refused.some((refusal) => refusal.status === 404)).to.equal(true);
  });
});
