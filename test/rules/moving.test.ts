/**
 * A tenant that moves to another database instance (`tenants move`) is marked `moving` on the
 * instance it leaves: from then on the rules refuse every client write under it, so nothing a
 * member does is written to a copy that is about to be left behind. Each client-writable record is
 * written whole by a member who may write it, on a steady tenant (allowed) and on its twin that is
 * moving (denied). The markers themselves: every member of the tenant reads them, no client
 * (not even an admin) writes them, and no one outside the tenant reads them.
 */
import { expect } from "chai";
import type { RulesTestEnvironment } from "@firebase/rules-unit-testing";
import {
  alertAckPath,
  alertOutcomePath,
  alertPath,
  callEndRequestPath,
  callLeadPath,
  callOwnerPath,
  callPath,
  callUrgencyOverridePath,
  guidancePath,
  memberPath,
  outboxMessagePath,
  presencePath,
  pushTokenPath,
  type Role,
  tenantMovedToPath,
  tenantMovingPath,
  tenantPath,
  viewerPath,
} from "@lifeline/model";
import {
  SERVER_TIME,
  expectOutcome,
  freshRunId,
  onTarget,
  RULES_TARGETS,
  rulesTestEnvironment,
  seedFresh,
  type Database,
} from "./env.js";

const RUN = freshRunId();
const STEADY = `${RUN}-steady`;
const MOVING = `${RUN}-moving`;
const SUBJECT = "s-1";
const CALL = "c-1";
const ALERT = "a-1";
const MOVE = { to: "demo-lifeline-shard-2", since: 1 };

const uidOf = (tenant: string, role: Role) => `${tenant}-${role}`;
const nameOf = (uid: string) => `Name of ${uid}`;

/** What a tenant holds before the writes: a call, an alert with a follow-up, its members. */
function tenantData(tenant: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    [callPath(tenant, CALL)]: {
      subjectId: SUBJECT,
      phone: "+15550100001",
      medium: "voice",
      status: "active",
      urgency: "normal",
      owner: { kind: "ai", since: 1 },
      startedAt: 1,
      lastMessageAt: 1,
      messageCount: 0,
      lastSnippet: "",
    },
    [alertPath(tenant, ALERT)]: {
      kind: "urgency",
      severity: "critical",
      callId: CALL,
      subjectId: SUBJECT,
      title: "Caller reports a fire",
      at: 1,
      status: "open",
      level: 0,
      followUp: { since: 1 },
    },
  };
  for (const role of ["admin", "dispatcher", "subject"] as const) {
    const uid = uidOf(tenant, role);
    data[memberPath(tenant, uid)] = { role, name: nameOf(uid), subjects: { [SUBJECT]: true } };
  }
  return data;
}

interface Write {
  readonly name: string;
  readonly run: (db: Database, tenant: string, uid: string) => Promise<unknown>;
}

/** One whole, valid write of every client-writable record, as a dispatcher makes it. */
const WRITES: readonly Write[] = [
  {
    name: "calls/{c}/owner (take over)",
    run: (db, t, uid) =>
      db
        .ref(callOwnerPath(t, CALL))
        .set({ kind: "human", uid, name: nameOf(uid), since: SERVER_TIME }),
  },
  {
    name: "calls/{c}/lead",
    run: (db, t, uid) =>
      db.ref(callLeadPath(t, CALL)).set({ status: "callback", by: uid, at: SERVER_TIME }),
  },
  {
    name: "calls/{c}/urgencyOverride",
    run: (db, t, uid) =>
      db
        .ref(callUrgencyOverridePath(t, CALL))
        .set({ level: "critical", reason: "Caller went quiet.", by: uid, at: SERVER_TIME }),
  },
  {
    name: "calls/{c}/endRequest",
    run: (db, t, uid) =>
      db.ref(callEndRequestPath(t, CALL)).set({ by: uid, name: nameOf(uid), at: SERVER_TIME }),
  },
  {
    name: "outbox/{c}/{m}",
    run: (db, t, uid) =>
      db
        .ref(outboxMessagePath(t, CALL, "m-1"))
        .set({ text: "Help is on its way.", by: uid, at: SERVER_TIME }),
  },
  {
    name: "guidance/{c}/{g}",
    run: (db, t, uid) =>
      db
        .ref(guidancePath(t, CALL, "g-1"))
        .set({ text: "Ask about the stairs.", by: uid, at: SERVER_TIME }),
  },
  {
    name: "alerts/{a}/acks/{own uid}",
    run: (db, t, uid) =>
      db
        .ref(alertAckPath(t, ALERT, uid))
        .set({ status: "acknowledged", note: "On it.", at: SERVER_TIME }),
  },
  {
    name: "alerts/{a}/outcome",
    run: (db, t, uid) =>
      db
        .ref(alertOutcomePath(t, ALERT))
        .set({ outcome: "reached", note: "Caller is safe.", by: uid, at: SERVER_TIME }),
  },
  {
    name: "presence/{own uid}",
    run: (db, t, uid) =>
      db
        .ref(presencePath(t, uid))
        .set({ state: "online", lastSeen: SERVER_TIME, name: nameOf(uid) }),
  },
  {
    name: "viewers/{c}/{own uid}",
    run: (db, t, uid) =>
      db.ref(viewerPath(t, CALL, uid)).set({ name: nameOf(uid), since: SERVER_TIME }),
  },
  {
    name: "pushTokens/{own uid}/{token}",
    run: (db, t, uid) =>
      db.ref(pushTokenPath(t, uid, "tok-1")).set({ token: "fcm-token", at: SERVER_TIME }),
  },
];

for (const target of RULES_TARGETS) {
  describe(`while a tenant moves: ${onTarget(target)}`, function () {
    let env: RulesTestEnvironment;
    const member = (tenant: string, role: Role) =>
      env.authenticatedContext(uidOf(tenant, role), { tenant, role }).database();

    before(async function () {
      this.timeout(60_000);
      env = await rulesTestEnvironment(target);
      await seedFresh(env, {
        ...tenantData(STEADY),
        ...tenantData(MOVING),
        [tenantMovingPath(MOVING)]: MOVE,
        [tenantMovedToPath(MOVING)]: { to: MOVE.to, at: 2 },
      });
    });

    after(async function () {
      await env.cleanup();
    });

    for (const write of WRITES) {
      it(`allows ${write.name} on a steady tenant and refuses it on a moving one`, async function () {
        await expectOutcome(true, () =>
          write.run(member(STEADY, "dispatcher"), STEADY, uidOf(STEADY, "dispatcher")),
        );
        await expectOutcome(false, () =>
          write.run(member(MOVING, "dispatcher"), MOVING, uidOf(MOVING, "dispatcher")),
        );
      });
    }

    it("lets every member of the tenant read the move's markers, and no one else", async function () {
      for (const role of ["admin", "dispatcher", "subject"] as const) {
        const db = member(MOVING, role);
        await expectOutcome(true, () => db.ref(tenantMovingPath(MOVING)).get());
        await expectOutcome(true, () => db.ref(tenantMovedToPath(MOVING)).get());
      }
      const outsider = member(STEADY, "admin");
      await expectOutcome(false, () => outsider.ref(tenantMovingPath(MOVING)).get());
      await expectOutcome(false, () => outsider.ref(tenantMovedToPath(MOVING)).get());
      const anonymous = env.unauthenticatedContext().database();
      await expectOutcome(false, () => anonymous.ref(tenantMovedToPath(MOVING)).get());
      const snapshot = await member(MOVING, "subject").ref(tenantMovedToPath(MOVING)).get();
      expect(snapshot.val()).to.deep.equal({ to: MOVE.to, at: 2 });
    });

    it("refuses a multi-path update from the tenant's root on a moving tenant, as each write alone", async function () {
      const update = (tenant: string) => {
        const uid = uidOf(tenant, "dispatcher");
        const root = tenantPath(tenant);
        return member(tenant, "dispatcher")
          .ref(root)
          .update({
            [presencePath(tenant, uid).slice(root.length + 1)]: {
              state: "online",
              lastSeen: SERVER_TIME,
              name: nameOf(uid),
            },
            [viewerPath(tenant, CALL, uid).slice(root.length + 1)]: {
              name: nameOf(uid),
              since: SERVER_TIME,
            },
          });
      };
      await expectOutcome(true, () => update(STEADY));
      await expectOutcome(false, () => update(MOVING));
    });

    it("refuses the markers to another tenant's admin, on a tenant that does not exist, and through a parent's update", async function () {
      const outsider = member(STEADY, "admin");
      await expectOutcome(false, () => outsider.ref(tenantMovingPath(MOVING)).remove());
      await expectOutcome(false, () =>
        outsider.ref(tenantMovedToPath(MOVING)).set({ to: MOVE.to, at: 3 }),
      );
      const phantom = `${RUN}-phantom`;
      const own = env
        .authenticatedContext(uidOf(phantom, "admin"), { tenant: phantom, role: "admin" })
        .database();
      await expectOutcome(false, () => own.ref(tenantMovingPath(phantom)).set(MOVE));
      const admin = member(MOVING, "admin");
      await expectOutcome(false, () => admin.ref(tenantPath(MOVING)).update({ moving: null }));
      await expectOutcome(false, () => admin.ref(tenantPath(MOVING)).update({ movedTo: null }));
    });

    it("lets no client, not even an admin, write or remove the move's markers", async function () {
      for (const tenant of [STEADY, MOVING]) {
        const admin = member(tenant, "admin");
        await expectOutcome(false, () => admin.ref(tenantMovingPath(tenant)).set(MOVE));
        await expectOutcome(false, () => admin.ref(tenantMovingPath(tenant)).remove());
        await expectOutcome(false, () =>
          admin.ref(tenantMovedToPath(tenant)).set({ to: MOVE.to, at: 3 }),
        );
        await expectOutcome(false, () => admin.ref(tenantMovedToPath(tenant)).remove());
      }
    });
  });
}
