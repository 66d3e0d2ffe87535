/**
 * Every client-writable leaf of database.rules.json: the valid write passes, and each kind of
 * invalid write (wrong type, too long, wrong uid, wrong time, extra or missing field, forbidden
 * state change) fails. Also the canary and the revocation cut-off. Each test uses fresh ids.
 */
import { expect } from "chai";
import {
  assertFails,
  assertSucceeds,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  alertAckPath,
  alertOutcomePath,
  alertPath,
  callLeadPath,
  callOwnerPath,
  callPath,
  callUrgencyOverridePath,
  callEndRequestPath,
  callGuidancePath,
  guidancePath,
  inboxItemPath,
  inboxPath,
  LIMITS,
  memberPath,
  outboxMessagePath,
  presencePath,
  pushTokenPath,
  pushTokensPath,
  pushTokensRootPath,
  revocationPath,
  type Role,
  tenantPath,
  callViewersPath,
  viewerPath,
  viewersRootPath,
} from "@lifeline/model";
import {
  SERVER_TIME,
  freshRunId,
  readAsOwner,
  onTarget,
  RULES_TARGETS,
  rulesTestEnvironment,
  seed,
  type Database,
} from "./env.js";

const RUN = freshRunId();
const TENANT = `${RUN}-T`;
const SUBJECT = "s-1";
const uid = (role: Role | "colleague") => `${RUN}-${role}`;
const nameOf = (who: string) => `Name of ${who}`;

let env: RulesTestEnvironment;
let counter = 0;
const fresh = (prefix: string) => `${prefix}-${counter++}`;

function as(role: Role, options: { who?: string; authTime?: number } = {}): Database {
  const who = options.who ?? uid(role);
  const claims: Record<string, unknown> = { tenant: TENANT, role };
  if (options.authTime !== undefined) claims.auth_time = options.authTime;
  return env.authenticatedContext(who, claims).database();
}

let dispatcher: Database;
let colleague: Database;
let nurse: Database;
let caregiver: Database;

interface CallSeed {
  status?: string;
  urgency?: string;
  owner?: Record<string, unknown>;
}

async function seedCall(options: CallSeed = {}): Promise<string> {
  const callId = fresh("call");
  await seed(env, {
    [callPath(TENANT, callId)]: {
      subjectId: SUBJECT,
      phone: "+15550100001",
      medium: "voice",
      status: options.status ?? "active",
      urgency: options.urgency ?? "normal",
      owner: options.owner ?? { kind: "ai", since: 1 },
      startedAt: 1,
      lastMessageAt: 1,
      messageCount: 0,
      lastSnippet: "",
    },
  });
  return callId;
}

async function seedAlert(
  status = "open",
  inboxOf: readonly string[] = [uid("nurse")],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const alertId = fresh("alert");
  const data: Record<string, unknown> = {
    [alertPath(TENANT, alertId)]: {
      kind: "urgency",
      severity: "critical",
      subjectId: SUBJECT,
      title: "Caller reports chest pain",
      at: 1,
      status,
      level: 0,
      ...extra,
    },
  };
  for (const who of inboxOf) {
    data[inboxItemPath(who, alertId)] = {
      tenantId: TENANT,
      kind: "urgency",
      severity: "critical",
      title: "Caller reports chest pain",
      at: 1,
      status,
    };
  }
  await seed(env, data);
  return alertId;
}

const humanOwner = (who: string) => ({ kind: "human", uid: who, name: nameOf(who), since: 1 });
const longText = (length: number) => "x".repeat(length);

for (const target of RULES_TARGETS) {
  describe(`validation: ${onTarget(target)}`, function () {
    before(async function () {
      env = await rulesTestEnvironment(target);
      const members: Record<string, unknown> = {};
      for (const role of [
        "admin",
        "dispatcher",
        "doctor",
        "nurse",
        "caregiver",
        "subject",
      ] as const) {
        members[memberPath(TENANT, uid(role))] = {
          role,
          name: nameOf(uid(role)),
          subjects: { [SUBJECT]: true },
        };
      }
      members[memberPath(TENANT, uid("colleague"))] = {
        role: "dispatcher",
        name: nameOf(uid("colleague")),
      };
      await seed(env, members);
      dispatcher = as("dispatcher");
      colleague = as("dispatcher", { who: uid("colleague") });
      nurse = as("nurse");
      caregiver = as("caregiver");
    });

    after(async function () {
      await env.cleanup();
    });

    describe("database.rules.json canary", function () {
      it("rejects an unauthenticated read of /", async function () {
        await assertFails(env.unauthenticatedContext().database().ref("/").get());
      });

      it("lets an admin read its own tenant (the rules are the project's, not deny-all)", async function () {
        await assertSucceeds(as("admin").ref(tenantPath(TENANT)).get());
      });
    });

    describe("calls/{c}/owner", function () {
      const takeOver = (who: string, extra: Record<string, unknown> = {}) => ({
        kind: "human",
        uid: who,
        name: nameOf(who),
        since: SERVER_TIME,
        ...extra,
      });

      it("lets a nurse take over an active call the AI owns, stamped with the server time", async function () {
        const callId = await seedCall();
        await assertSucceeds(nurse.ref(callOwnerPath(TENANT, callId)).set(takeOver(uid("nurse"))));
        const owner = await readAsOwner(env, callOwnerPath(TENANT, callId));
        expect(owner).to.include({ kind: "human", uid: uid("nurse"), name: nameOf(uid("nurse")) });
      });

      const invalidTakeOvers: [string, (who: string) => Record<string, unknown>][] = [
        ["kind of the wrong type", (who) => takeOver(who, { kind: 1 })],
        ["an unknown kind", (who) => takeOver(who, { kind: "robot" })],
        ["someone else's uid", () => takeOver(uid("colleague"))],
        ["a name other than its member name", (who) => takeOver(who, { name: "Dr. Nobody" })],
        ["a name of the wrong type", (who) => takeOver(who, { name: 7 })],
        ["a client-chosen time", (who) => takeOver(who, { since: Date.now() - 60_000 })],
        ["an extra field", (who) => takeOver(who, { phone: "+15550100002" })],
        ["a missing field", (who) => ({ kind: "human", uid: who, name: nameOf(who) })],
        ["a takenFrom while the AI owns the call", (who) => takeOver(who, { takenFrom: "ai" })],
        ["a reason while the AI owns the call", (who) => takeOver(who, { reason: "Mine now." })],
        [
          "a lapse (written by functions only)",
          (who) => takeOver(who, { lapsed: { uid: who, name: nameOf(who), reason: "offline" } }),
        ],
      ];
      for (const [what, value] of invalidTakeOvers) {
        it(`rejects a take-over with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(nurse.ref(callOwnerPath(TENANT, callId)).set(value(uid("nurse"))));
        });
      }

      it("rejects a take-over while a human owns the call (one owner at a time)", async function () {
        const callId = await seedCall();
        await assertSucceeds(
          colleague.ref(callOwnerPath(TENANT, callId)).set(takeOver(uid("colleague"))),
        );
        await assertFails(nurse.ref(callOwnerPath(TENANT, callId)).set(takeOver(uid("nurse"))));
        await assertFails(
          dispatcher.ref(callOwnerPath(TENANT, callId)).set(takeOver(uid("dispatcher"))),
        );
      });

      it("rejects a take-over of a call that does not exist (no phantom call)", async function () {
        const missing = fresh("missing-call");
        await assertFails(
          dispatcher.ref(callOwnerPath(TENANT, missing)).set(takeOver(uid("dispatcher"))),
        );
        expect(await readAsOwner(env, callPath(TENANT, missing))).to.equal(null);
      });

      it("rejects a take-over of an ended call", async function () {
        const callId = await seedCall({ status: "ended" });
        await assertFails(
          dispatcher.ref(callOwnerPath(TENANT, callId)).set(takeOver(uid("dispatcher"))),
        );
      });

      it("rejects a take-over by a caregiver of an assigned subject's call", async function () {
        const callId = await seedCall();
        await assertFails(
          caregiver.ref(callOwnerPath(TENANT, callId)).set(takeOver(uid("caregiver"))),
        );
      });

      it("lets the owner hand back to the AI", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("nurse")) });
        await assertSucceeds(
          nurse.ref(callOwnerPath(TENANT, callId)).set({ kind: "ai", since: SERVER_TIME }),
        );
        expect(await readAsOwner(env, `${callOwnerPath(TENANT, callId)}/kind`)).to.equal("ai");
      });

      it("rejects a hand-back by anyone but the current owner", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("colleague")) });
        await assertFails(
          dispatcher.ref(callOwnerPath(TENANT, callId)).set({ kind: "ai", since: SERVER_TIME }),
        );
      });

      it("rejects a hand-back with an extra field, a client time, or a leftover uid", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("nurse")) });
        const ref = nurse.ref(callOwnerPath(TENANT, callId));
        await assertFails(ref.set({ kind: "ai", since: SERVER_TIME, note: "bye" }));
        await assertFails(ref.set({ kind: "ai", since: 5 }));
        await assertFails(ref.update({ kind: "ai", since: SERVER_TIME }));
      });

      it("rejects a hand-back that carries a lapse (written by functions only)", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("nurse")) });
        await assertFails(
          nurse.ref(callOwnerPath(TENANT, callId)).set({
            kind: "ai",
            since: SERVER_TIME,
            lapsed: { uid: uid("nurse"), name: nameOf(uid("nurse")), reason: "offline" },
          }),
        );
      });

      it("rejects a take-over that keeps a lapse by naming only some children, and allows the whole record", async function () {
        const lapsedAi = {
          kind: "ai",
          since: 1,
          lapsed: { uid: uid("colleague"), name: nameOf(uid("colleague")), reason: "offline" },
        };
        const callId = await seedCall({ owner: lapsedAi });
        const ref = nurse.ref(callOwnerPath(TENANT, callId));
        await assertFails(ref.update(takeOver(uid("nurse"))));
        await assertSucceeds(ref.set(takeOver(uid("nurse"))));
      });

      it("rejects the owner editing its claim in place or deleting it", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("nurse")) });
        await assertFails(
          nurse.ref(`${callOwnerPath(TENANT, callId)}/name`).set(nameOf(uid("nurse"))),
        );
        await assertFails(nurse.ref(callOwnerPath(TENANT, callId)).remove());
      });
    });

    describe("calls/{c}/owner: take over from a colleague", function () {
      const reason = "Colleague's line went quiet; the caller is still talking.";
      const takeFrom = (who: string, from: string, extra: Record<string, unknown> = {}) => ({
        kind: "human",
        uid: who,
        name: nameOf(who),
        since: SERVER_TIME,
        takenFrom: from,
        reason,
        ...extra,
      });

      it("lets a dispatcher take an active call from a colleague, naming it and giving a reason", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("colleague")) });
        await assertSucceeds(
          dispatcher
            .ref(callOwnerPath(TENANT, callId))
            .set(takeFrom(uid("dispatcher"), uid("colleague"))),
        );
        expect(await readAsOwner(env, callOwnerPath(TENANT, callId))).to.include({
          kind: "human",
          uid: uid("dispatcher"),
          takenFrom: uid("colleague"),
          reason,
        });
      });

      it("lets an admin take a call from a nurse, with a reason of exactly the limit", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("nurse")) });
        await assertSucceeds(
          as("admin")
            .ref(callOwnerPath(TENANT, callId))
            .set(takeFrom(uid("admin"), uid("nurse"), { reason: longText(LIMITS.takeOverReason) })),
        );
      });

      it("rejects a doctor or nurse taking a call from a colleague, even of an assigned subject", async function () {
        for (const role of ["doctor", "nurse"] as const) {
          const callId = await seedCall({ owner: humanOwner(uid("colleague")) });
          await assertFails(
            as(role)
              .ref(callOwnerPath(TENANT, callId))
              .set(takeFrom(uid(role), uid("colleague"))),
          );
        }
      });

      const invalid: [string, (who: string) => Record<string, unknown>][] = [
        ["no reason", (who) => ({ ...takeFrom(who, uid("colleague")), reason: null })],
        ["an empty reason", (who) => takeFrom(who, uid("colleague"), { reason: "" })],
        [
          "a reason that is too long",
          (who) => takeFrom(who, uid("colleague"), { reason: longText(LIMITS.takeOverReason + 1) }),
        ],
        ["a reason of the wrong type", (who) => takeFrom(who, uid("colleague"), { reason: 5 })],
        ["no takenFrom", (who) => ({ ...takeFrom(who, uid("colleague")), takenFrom: null })],
        ["a takenFrom other than the holder", (who) => takeFrom(who, uid("nurse"))],
        ["someone else's uid", () => takeFrom(uid("admin"), uid("colleague"))],
        [
          "a name other than its member name",
          (who) => takeFrom(who, uid("colleague"), { name: "X" }),
        ],
        ["a client-chosen time", (who) => takeFrom(who, uid("colleague"), { since: 1 })],
        ["an extra field", (who) => takeFrom(who, uid("colleague"), { urgent: true })],
        [
          "a lapse",
          (who) =>
            takeFrom(who, uid("colleague"), {
              lapsed: { uid: uid("colleague"), name: "x", reason: "offline" },
            }),
        ],
      ];
      for (const [what, value] of invalid) {
        it(`rejects a take-over from a colleague with ${what}`, async function () {
          const callId = await seedCall({ owner: humanOwner(uid("colleague")) });
          await assertFails(
            dispatcher.ref(callOwnerPath(TENANT, callId)).set(value(uid("dispatcher"))),
          );
        });
      }

      it("rejects a take-over from a colleague of an ended call", async function () {
        const callId = await seedCall({ status: "ended", owner: humanOwner(uid("colleague")) });
        await assertFails(
          dispatcher
            .ref(callOwnerPath(TENANT, callId))
            .set(takeFrom(uid("dispatcher"), uid("colleague"))),
        );
      });

      it("rejects taking over one's own hold again or a call the AI holds as if from a colleague", async function () {
        const own = await seedCall({ owner: humanOwner(uid("dispatcher")) });
        await assertFails(
          dispatcher
            .ref(callOwnerPath(TENANT, own))
            .set(takeFrom(uid("dispatcher"), uid("dispatcher"))),
        );
        const ai = await seedCall();
        await assertFails(
          dispatcher
            .ref(callOwnerPath(TENANT, ai))
            .set(takeFrom(uid("dispatcher"), uid("colleague"))),
        );
      });

      it("rejects a take-over from a colleague that keeps the previous take-over's reason", async function () {
        const callId = await seedCall({
          owner: { ...humanOwner(uid("colleague")), takenFrom: uid("nurse"), reason },
        });
        const ref = dispatcher.ref(callOwnerPath(TENANT, callId));
        // update() naming every child but `reason`: the colleague's reason would stay.
        const whole = takeFrom(uid("dispatcher"), uid("colleague"));
        await assertFails(
          ref.update(Object.fromEntries(Object.entries(whole).filter(([key]) => key !== "reason"))),
        );
        await assertFails(ref.set(takeFrom(uid("dispatcher"), uid("colleague"))));
        await assertSucceeds(
          ref.set(takeFrom(uid("dispatcher"), uid("colleague"), { reason: "Taking it over." })),
        );
      });

      it("lets the new holder hand back, and not the colleague it took the call from", async function () {
        const callId = await seedCall({
          owner: { ...humanOwner(uid("dispatcher")), takenFrom: uid("colleague"), reason },
        });
        await assertFails(
          colleague.ref(callOwnerPath(TENANT, callId)).set({ kind: "ai", since: SERVER_TIME }),
        );
        await assertSucceeds(
          dispatcher.ref(callOwnerPath(TENANT, callId)).set({ kind: "ai", since: SERVER_TIME }),
        );
      });
    });

    describe("calls/{c}/lead", function () {
      const lead = (extra: Record<string, unknown> = {}) => ({
        status: "callback",
        by: uid("dispatcher"),
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a dispatcher set the lead status", async function () {
        const callId = await seedCall();
        await assertSucceeds(dispatcher.ref(callLeadPath(TENANT, callId)).set(lead()));
        expect(await readAsOwner(env, `${callLeadPath(TENANT, callId)}/status`)).to.equal(
          "callback",
        );
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["a status outside the closed set", lead({ status: "hot" })],
        // The earlier sales-style ids are readable on old calls but never written again.
        ["an id of the earlier list", lead({ status: "qualified" })],
        ["a status of the wrong type", lead({ status: 3 })],
        ["someone else's uid", lead({ by: uid("colleague") })],
        ["a client-chosen time", lead({ at: 1 })],
        ["an extra field", lead({ score: 10 })],
        ["a missing field", { status: "open", by: uid("dispatcher") }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects a lead status with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(dispatcher.ref(callLeadPath(TENANT, callId)).set(value));
        });
      }

      it("rejects re-stamping the current status (credit for a colleague's decision)", async function () {
        const callId = await seedCall();
        await assertSucceeds(
          colleague.ref(callLeadPath(TENANT, callId)).set(lead({ by: uid("colleague") })),
        );
        await assertFails(dispatcher.ref(callLeadPath(TENANT, callId)).set(lead()));
        await assertSucceeds(
          dispatcher.ref(callLeadPath(TENANT, callId)).set(lead({ status: "referred" })),
        );
      });

      it("rejects a lead on a call that does not exist (no phantom call)", async function () {
        const missing = fresh("missing-call");
        await assertFails(dispatcher.ref(callLeadPath(TENANT, missing)).set(lead()));
        expect(await readAsOwner(env, callPath(TENANT, missing))).to.equal(null);
      });

      it("rejects deleting the lead status", async function () {
        const callId = await seedCall();
        await assertSucceeds(dispatcher.ref(callLeadPath(TENANT, callId)).set(lead()));
        await assertFails(dispatcher.ref(callLeadPath(TENANT, callId)).remove());
      });
    });

    describe("calls/{c}/urgencyOverride", function () {
      const override = (extra: Record<string, unknown> = {}) => ({
        level: "critical",
        reason: "Caller stopped answering.",
        by: uid("dispatcher"),
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a dispatcher override the urgency with a reason", async function () {
        const callId = await seedCall();
        await assertSucceeds(
          dispatcher.ref(callUrgencyOverridePath(TENANT, callId)).set(override()),
        );
      });

      it(`accepts a reason of exactly ${LIMITS.overrideReason} characters`, async function () {
        const callId = await seedCall();
        const value = override({ reason: longText(LIMITS.overrideReason) });
        await assertSucceeds(dispatcher.ref(callUrgencyOverridePath(TENANT, callId)).set(value));
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["a level outside the closed set", override({ level: "apocalyptic" })],
        ["a level of the wrong type", override({ level: 2 })],
        ["an empty reason", override({ reason: "" })],
        ["a reason that is too long", override({ reason: longText(LIMITS.overrideReason + 1) })],
        ["a reason of the wrong type", override({ reason: true })],
        ["no reason", { level: "critical", by: uid("dispatcher"), at: SERVER_TIME }],
        ["someone else's uid", override({ by: uid("colleague") })],
        ["a client-chosen time", override({ at: Date.now() - 60_000 })],
        ["an extra field", override({ silent: true })],
        ["the level the call already has", override({ level: "normal" })],
      ];
      for (const [what, value] of invalid) {
        it(`rejects an override with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(dispatcher.ref(callUrgencyOverridePath(TENANT, callId)).set(value));
        });
      }

      it("rejects an override that repeats the previous override's reason", async function () {
        const callId = await seedCall();
        const first = override({ by: uid("colleague") });
        await assertSucceeds(colleague.ref(callUrgencyOverridePath(TENANT, callId)).set(first));
        const ref = dispatcher.ref(callUrgencyOverridePath(TENANT, callId));
        await assertFails(ref.set(override({ level: "urgent" })));
        await assertSucceeds(
          ref.set(override({ level: "urgent", reason: "Caller is calmer now." })),
        );
      });

      it("rejects an override on a call that does not exist (no phantom call)", async function () {
        const missing = fresh("missing-call");
        await assertFails(dispatcher.ref(callUrgencyOverridePath(TENANT, missing)).set(override()));
        expect(await readAsOwner(env, callPath(TENANT, missing))).to.equal(null);
      });

      it("rejects an override on an ended call", async function () {
        const callId = await seedCall({ status: "ended" });
        await assertFails(dispatcher.ref(callUrgencyOverridePath(TENANT, callId)).set(override()));
      });

      it("rejects writing urgency itself (functions apply overrides)", async function () {
        const callId = await seedCall();
        await assertFails(dispatcher.ref(`${callPath(TENANT, callId)}/urgency`).set("critical"));
      });
    });

    describe("guidance/{c}/{g}", function () {
      const guidance = (who: string, extra: Record<string, unknown> = {}) => ({
        text: "Ask whether the front door is unlocked.",
        by: who,
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a dispatcher guide the assistant once per entry, never rewriting or withdrawing it", async function () {
        const callId = await seedCall();
        const ref = dispatcher.ref(guidancePath(TENANT, callId, fresh("g")));
        await assertSucceeds(ref.set(guidance(uid("dispatcher"))));
        await assertFails(ref.set(guidance(uid("dispatcher"), { text: "Changed my mind." })));
        await assertFails(ref.remove());
      });

      it("lets a nurse guide on a call it holds, and not on one the AI holds", async function () {
        const held = await seedCall({ owner: humanOwner(uid("nurse")) });
        await assertSucceeds(
          nurse.ref(guidancePath(TENANT, held, fresh("g"))).set(guidance(uid("nurse"))),
        );
        const aiCall = await seedCall();
        await assertFails(
          nurse.ref(guidancePath(TENANT, aiCall, fresh("g"))).set(guidance(uid("nurse"))),
        );
      });

      it("keeps guidance from subjects (the caller never learns of it) and lets caregivers read but not write it", async function () {
        const callId = await seedCall();
        await assertFails(as("subject").ref(callGuidancePath(TENANT, callId)).get());
        await assertSucceeds(caregiver.ref(callGuidancePath(TENANT, callId)).get());
        await assertFails(
          caregiver.ref(guidancePath(TENANT, callId, fresh("g"))).set(guidance(uid("caregiver"))),
        );
      });

      it(`accepts a text of exactly ${LIMITS.guidanceText} characters`, async function () {
        const callId = await seedCall();
        await assertSucceeds(
          dispatcher
            .ref(guidancePath(TENANT, callId, fresh("g")))
            .set(guidance(uid("dispatcher"), { text: longText(LIMITS.guidanceText) })),
        );
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["an empty text", guidance(uid("dispatcher"), { text: "" })],
        [
          "a text over the limit",
          guidance(uid("dispatcher"), { text: longText(LIMITS.guidanceText + 1) }),
        ],
        ["someone else's uid", guidance(uid("colleague"))],
        ["a client-chosen time", guidance(uid("dispatcher"), { at: Date.now() })],
        ["an extra field", guidance(uid("dispatcher"), { say: true })],
      ];
      for (const [what, value] of invalid) {
        it(`rejects guidance with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(dispatcher.ref(guidancePath(TENANT, callId, fresh("g"))).set(value));
        });
      }

      it("rejects guidance on an ended call or on no call at all", async function () {
        const ended = await seedCall({ status: "ended" });
        await assertFails(
          dispatcher.ref(guidancePath(TENANT, ended, fresh("g"))).set(guidance(uid("dispatcher"))),
        );
        await assertFails(
          dispatcher
            .ref(guidancePath(TENANT, fresh("call"), fresh("g")))
            .set(guidance(uid("dispatcher"))),
        );
      });
    });

    describe("calls/{c}/endRequest", function () {
      const request = (who: string, extra: Record<string, unknown> = {}) => ({
        by: who,
        name: nameOf(who),
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a dispatcher end an active call once, and never withdraw or rewrite the request", async function () {
        const callId = await seedCall();
        const ref = dispatcher.ref(callEndRequestPath(TENANT, callId));
        await assertSucceeds(ref.set(request(uid("dispatcher"))));
        await assertFails(ref.set(request(uid("dispatcher"))));
        await assertFails(ref.remove());
        await assertFails(
          colleague.ref(callEndRequestPath(TENANT, callId)).set(request(uid("colleague"))),
        );
      });

      it("lets a nurse end an assigned subject's call it holds, and not one the AI or a colleague holds", async function () {
        const held = await seedCall({ owner: humanOwner(uid("nurse")) });
        await assertSucceeds(
          nurse.ref(callEndRequestPath(TENANT, held)).set(request(uid("nurse"))),
        );
        const aiCall = await seedCall();
        await assertFails(nurse.ref(callEndRequestPath(TENANT, aiCall)).set(request(uid("nurse"))));
        const colleagues = await seedCall({ owner: humanOwner(uid("colleague")) });
        await assertFails(
          nurse.ref(callEndRequestPath(TENANT, colleagues)).set(request(uid("nurse"))),
        );
      });

      it("rejects a caregiver or the subject ending a call, even one of its own subject", async function () {
        const callId = await seedCall({ owner: humanOwner(uid("caregiver")) });
        await assertFails(
          caregiver.ref(callEndRequestPath(TENANT, callId)).set(request(uid("caregiver"))),
        );
        await assertFails(
          as("subject")
            .ref(callEndRequestPath(TENANT, callId))
            .set(request(uid("subject"))),
        );
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["someone else's uid", request(uid("colleague"))],
        ["someone else's name", request(uid("dispatcher"), { name: nameOf(uid("colleague")) })],
        ["a client-chosen time", request(uid("dispatcher"), { at: Date.now() })],
        ["an extra field", request(uid("dispatcher"), { reason: "ended by supervisor" })],
        ["a missing field", { by: uid("dispatcher"), at: SERVER_TIME }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects an end request with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(dispatcher.ref(callEndRequestPath(TENANT, callId)).set(value));
        });
      }

      it("rejects ending a call that ended, was missed, or does not exist", async function () {
        for (const status of ["ended", "missed"]) {
          const callId = await seedCall({ status });
          await assertFails(
            dispatcher.ref(callEndRequestPath(TENANT, callId)).set(request(uid("dispatcher"))),
          );
        }
        await assertFails(
          dispatcher.ref(callEndRequestPath(TENANT, fresh("call"))).set(request(uid("dispatcher"))),
        );
      });

      it("rejects writing the end reason or the status itself (functions end the call)", async function () {
        const callId = await seedCall();
        await assertFails(
          dispatcher.ref(`${callPath(TENANT, callId)}/endReason`).set("ended by supervisor"),
        );
        await assertFails(dispatcher.ref(`${callPath(TENANT, callId)}/status`).set("ended"));
      });
    });

    describe("outbox/{c}/{m}", function () {
      const message = (who: string, extra: Record<string, unknown> = {}) => ({
        text: "An ambulance is on its way.",
        by: who,
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a dispatcher post a message for the caller", async function () {
        const callId = await seedCall();
        const path = outboxMessagePath(TENANT, callId, fresh("m"));
        await assertSucceeds(dispatcher.ref(path).set(message(uid("dispatcher"))));
      });

      it("lets a nurse post a message on a call it owns, and not on one it does not", async function () {
        const owned = await seedCall({ owner: humanOwner(uid("nurse")) });
        const path = outboxMessagePath(TENANT, owned, fresh("m"));
        await assertSucceeds(nurse.ref(path).set(message(uid("nurse"))));
        const notOwned = await seedCall({ owner: humanOwner(uid("colleague")) });
        const other = outboxMessagePath(TENANT, notOwned, fresh("m"));
        await assertFails(nurse.ref(other).set(message(uid("nurse"))));
      });

      it(`accepts a text of exactly ${LIMITS.outboxText} characters`, async function () {
        const callId = await seedCall();
        const value = message(uid("dispatcher"), { text: longText(LIMITS.outboxText) });
        await assertSucceeds(
          dispatcher.ref(outboxMessagePath(TENANT, callId, fresh("m"))).set(value),
        );
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["an empty text", message(uid("dispatcher"), { text: "" })],
        [
          "a text that is too long",
          message(uid("dispatcher"), { text: longText(LIMITS.outboxText + 1) }),
        ],
        ["a text of the wrong type", message(uid("dispatcher"), { text: ["hi"] })],
        ["someone else's uid", message(uid("colleague"))],
        ["a client-chosen time", message(uid("dispatcher"), { at: 1 })],
        ["an extra field", message(uid("dispatcher"), { role: "assistant" })],
        ["a missing field", { text: "Hello", by: uid("dispatcher") }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects a message with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(
            dispatcher.ref(outboxMessagePath(TENANT, callId, fresh("m"))).set(value),
          );
        });
      }

      it("rejects rewriting or withdrawing a posted message", async function () {
        const callId = await seedCall();
        const path = outboxMessagePath(TENANT, callId, fresh("m"));
        await assertSucceeds(dispatcher.ref(path).set(message(uid("dispatcher"))));
        await assertFails(dispatcher.ref(path).set(message(uid("dispatcher"), { text: "Edited" })));
        await assertFails(dispatcher.ref(path).remove());
      });

      it("rejects a message on an ended call or on no call at all", async function () {
        const ended = await seedCall({ status: "ended" });
        await assertFails(
          dispatcher
            .ref(outboxMessagePath(TENANT, ended, fresh("m")))
            .set(message(uid("dispatcher"))),
        );
        await assertFails(
          dispatcher
            .ref(outboxMessagePath(TENANT, fresh("missing-call"), fresh("m")))
            .set(message(uid("dispatcher"))),
        );
      });
    });

    describe("alerts/{a}/acks/{uid}", function () {
      const ack = (extra: Record<string, unknown> = {}) => ({
        status: "responding",
        note: "Calling the subject now.",
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a nurse acknowledge an alert in its inbox", async function () {
        const alertId = await seedAlert();
        await assertSucceeds(nurse.ref(alertAckPath(TENANT, alertId, uid("nurse"))).set(ack()));
        expect(
          await readAsOwner(env, `${alertAckPath(TENANT, alertId, uid("nurse"))}/status`),
        ).to.equal("responding");
      });

      it(`accepts a note of exactly ${LIMITS.ackNote} characters, and an empty note`, async function () {
        const alertId = await seedAlert();
        const ref = nurse.ref(alertAckPath(TENANT, alertId, uid("nurse")));
        await assertSucceeds(ref.set(ack({ note: longText(LIMITS.ackNote) })));
        await assertSucceeds(ref.set(ack({ note: "", status: "resolved" })));
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["a status outside the closed set", ack({ status: "meh" })],
        ["a status of the wrong type", ack({ status: 1 })],
        ["a note that is too long", ack({ note: longText(LIMITS.ackNote + 1) })],
        ["a note of the wrong type", ack({ note: 42 })],
        ["a client-chosen time", ack({ at: Date.now() - 60_000 })],
        ["an extra field", ack({ uid: uid("nurse") })],
        ["a missing field", { status: "acknowledged", at: SERVER_TIME }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects an acknowledgement with ${what}`, async function () {
          const alertId = await seedAlert();
          await assertFails(nurse.ref(alertAckPath(TENANT, alertId, uid("nurse"))).set(value));
        });
      }

      it("rejects acknowledging in someone else's name", async function () {
        const alertId = await seedAlert("open", [uid("nurse"), uid("colleague")]);
        await assertFails(nurse.ref(alertAckPath(TENANT, alertId, uid("colleague"))).set(ack()));
      });

      it("rejects acknowledging an alert that is not in the member's inbox", async function () {
        const alertId = await seedAlert("open", [uid("nurse")]);
        await assertFails(
          caregiver.ref(alertAckPath(TENANT, alertId, uid("caregiver"))).set(ack()),
        );
      });

      it("rejects acknowledging a resolved alert or one that does not exist", async function () {
        const resolved = await seedAlert("resolved");
        await assertFails(nurse.ref(alertAckPath(TENANT, resolved, uid("nurse"))).set(ack()));
        const missing = fresh("missing-alert");
        await assertFails(
          dispatcher.ref(alertAckPath(TENANT, missing, uid("dispatcher"))).set(ack()),
        );
      });

      const decline = (note: string) => ack({ status: "declined", note });

      it("lets a nurse with the alert in its inbox, and a dispatcher, decline an open alert with a reason", async function () {
        const alertId = await seedAlert();
        await assertSucceeds(
          nurse.ref(alertAckPath(TENANT, alertId, uid("nurse"))).set(decline("In surgery")),
        );
        await assertSucceeds(
          dispatcher
            .ref(alertAckPath(TENANT, alertId, uid("dispatcher")))
            .set(decline("On another critical call")),
        );
      });

      it("rejects a decline without a reason, with a blank one, or of an alert no longer open", async function () {
        const alertId = await seedAlert();
        const ref = nurse.ref(alertAckPath(TENANT, alertId, uid("nurse")));
        await assertFails(ref.set(decline("")));
        await assertFails(ref.set(decline("   ")));
        const acknowledged = await seedAlert("acknowledged");
        await assertFails(
          nurse.ref(alertAckPath(TENANT, acknowledged, uid("nurse"))).set(decline("In surgery")),
        );
      });

      it("rejects a decline by an admin (nobody above) and by a caregiver without the alert", async function () {
        const alertId = await seedAlert("open", [uid("nurse")]);
        await assertFails(
          as("admin")
            .ref(alertAckPath(TENANT, alertId, uid("admin")))
            .set(decline("Busy")),
        );
        await assertFails(
          caregiver.ref(alertAckPath(TENANT, alertId, uid("caregiver"))).set(decline("Busy")),
        );
        await assertSucceeds(
          as("admin")
            .ref(alertAckPath(TENANT, alertId, uid("admin")))
            .set(ack()),
        );
      });

      it("lets a member update its acknowledgement but never delete it", async function () {
        const alertId = await seedAlert("acknowledged");
        const ref = nurse.ref(alertAckPath(TENANT, alertId, uid("nurse")));
        await assertSucceeds(ref.set(ack({ status: "acknowledged" })));
        await assertSucceeds(ref.set(ack({ status: "resolved", note: "Subject is fine." })));
        await assertFails(ref.remove());
      });
    });

    describe("alerts/{a}/outcome", function () {
      const followUp = { followUp: { since: 1, phone: "+15550100001" } };
      const outcome = (who: string, extra: Record<string, unknown> = {}) => ({
        outcome: "reached",
        note: "Spoke to the caller; the fire brigade had been.",
        by: who,
        at: SERVER_TIME,
        ...extra,
      });

      it("lets a dispatcher record a follow-up's outcome once", async function () {
        const alertId = await seedAlert("open", [], followUp);
        const ref = dispatcher.ref(alertOutcomePath(TENANT, alertId));
        await assertSucceeds(ref.set(outcome(uid("dispatcher"))));
        expect(await readAsOwner(env, `${alertOutcomePath(TENANT, alertId)}/outcome`)).to.equal(
          "reached",
        );
        await assertFails(ref.set(outcome(uid("dispatcher"), { outcome: "unreachable" })));
        await assertFails(ref.remove());
      });

      it("lets a nurse or caregiver record it only for a follow-up in its inbox", async function () {
        const inInbox = await seedAlert("open", [uid("nurse"), uid("caregiver")], followUp);
        await assertSucceeds(
          caregiver.ref(alertOutcomePath(TENANT, inInbox)).set(outcome(uid("caregiver"))),
        );
        const notInInbox = await seedAlert("open", [], followUp);
        await assertFails(
          nurse.ref(alertOutcomePath(TENANT, notInInbox)).set(outcome(uid("nurse"))),
        );
        await assertFails(
          caregiver.ref(alertOutcomePath(TENANT, notInInbox)).set(outcome(uid("caregiver"))),
        );
      });

      it("rejects a subject recording an outcome, even for a follow-up in its inbox", async function () {
        const alertId = await seedAlert("open", [uid("subject")], followUp);
        await assertFails(
          as("subject")
            .ref(alertOutcomePath(TENANT, alertId))
            .set(outcome(uid("subject"))),
        );
      });

      it(`accepts a note of exactly ${LIMITS.followUpNote} characters, and an empty note`, async function () {
        for (const note of [longText(LIMITS.followUpNote), ""]) {
          const alertId = await seedAlert("acknowledged", [], followUp);
          await assertSucceeds(
            dispatcher
              .ref(alertOutcomePath(TENANT, alertId))
              .set(outcome(uid("dispatcher"), { note })),
          );
        }
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["an outcome outside the closed set", outcome(uid("dispatcher"), { outcome: "resolved" })],
        ["an outcome of the wrong type", outcome(uid("dispatcher"), { outcome: 1 })],
        [
          "a note that is too long",
          outcome(uid("dispatcher"), { note: longText(LIMITS.followUpNote + 1) }),
        ],
        ["a note of the wrong type", outcome(uid("dispatcher"), { note: false })],
        ["someone else's uid", outcome(uid("colleague"))],
        ["a client-chosen time", outcome(uid("dispatcher"), { at: Date.now() - 60_000 })],
        ["an extra field", outcome(uid("dispatcher"), { status: "resolved" })],
        ["a missing field", { outcome: "reached", by: uid("dispatcher"), at: SERVER_TIME }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects an outcome with ${what}`, async function () {
          const alertId = await seedAlert("open", [], followUp);
          await assertFails(dispatcher.ref(alertOutcomePath(TENANT, alertId)).set(value));
        });
      }

      it("rejects an outcome on an alert without a follow-up, a resolved one, or none at all", async function () {
        const plain = await seedAlert("open", []);
        await assertFails(
          dispatcher.ref(alertOutcomePath(TENANT, plain)).set(outcome(uid("dispatcher"))),
        );
        const resolved = await seedAlert("resolved", [], followUp);
        await assertFails(
          dispatcher.ref(alertOutcomePath(TENANT, resolved)).set(outcome(uid("dispatcher"))),
        );
        const missing = fresh("missing-alert");
        await assertFails(
          dispatcher.ref(alertOutcomePath(TENANT, missing)).set(outcome(uid("dispatcher"))),
        );
        expect(await readAsOwner(env, alertPath(TENANT, missing))).to.equal(null);
      });
    });

    describe("pushTokens/{uid}/{tokenId}", function () {
      const token = (extra: Record<string, unknown> = {}) => ({
        token: "fcm-token-abc:APA91b",
        at: SERVER_TIME,
        userAgent: "Mozilla/5.0 (test)",
        ...extra,
      });

      it("lets a nurse register, rewrite, read and remove its own browser's token", async function () {
        const ref = nurse.ref(pushTokenPath(TENANT, uid("nurse"), fresh("tok")));
        await assertSucceeds(ref.set(token()));
        await assertSucceeds(ref.set({ token: "fcm-token-abc:APA91b", at: SERVER_TIME }));
        await assertSucceeds(nurse.ref(pushTokensPath(TENANT, uid("nurse"))).get());
        await assertSucceeds(ref.remove());
      });

      it("rejects registering, reading or removing a colleague's token", async function () {
        const tokenId = fresh("tok");
        await seed(env, {
          [pushTokenPath(TENANT, uid("colleague"), tokenId)]: { token: "theirs", at: 1 },
        });
        const theirs = dispatcher.ref(pushTokenPath(TENANT, uid("colleague"), tokenId));
        await assertFails(theirs.set(token()));
        await assertFails(theirs.remove());
        await assertFails(dispatcher.ref(pushTokensPath(TENANT, uid("colleague"))).get());
        await assertFails(nurse.ref(pushTokensRootPath(TENANT)).get());
        expect(
          await readAsOwner(env, pushTokenPath(TENANT, uid("colleague"), tokenId)),
        ).to.deep.equal({ token: "theirs", at: 1 });
      });

      it("rejects a token in another tenant", async function () {
        const outsider = env
          .authenticatedContext(uid("nurse"), { tenant: `${RUN}-other`, role: "nurse" })
          .database();
        await assertFails(
          outsider.ref(pushTokenPath(TENANT, uid("nurse"), fresh("tok"))).set(token()),
        );
        await assertFails(outsider.ref(pushTokensPath(TENANT, uid("nurse"))).get());
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["an empty token", token({ token: "" })],
        ["a token that is too long", token({ token: longText(LIMITS.pushToken + 1) })],
        ["a token of the wrong type", token({ token: 42 })],
        ["a client-chosen time", token({ at: Date.now() - 60_000 })],
        ["a user agent that is too long", token({ userAgent: longText(LIMITS.pushUserAgent + 1) })],
        ["a user agent of the wrong type", token({ userAgent: true })],
        ["an extra field", token({ uid: uid("nurse") })],
        ["a missing token", { at: SERVER_TIME }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects a push token with ${what}`, async function () {
          await assertFails(
            nurse.ref(pushTokenPath(TENANT, uid("nurse"), fresh("tok"))).set(value),
          );
        });
      }

      it("accepts the longest token and user agent the limits allow", async function () {
        await assertSucceeds(
          nurse.ref(pushTokenPath(TENANT, uid("nurse"), fresh("tok"))).set(
            token({
              token: longText(LIMITS.pushToken),
              userAgent: longText(LIMITS.pushUserAgent),
            }),
          ),
        );
      });

      it("rejects a subject, a member whose record is gone, and a revoked session", async function () {
        await assertFails(
          as("subject")
            .ref(pushTokenPath(TENANT, uid("subject"), fresh("tok")))
            .set(token()),
        );
        const gone = fresh(`${RUN}-gone`);
        await assertFails(
          as("nurse", { who: gone })
            .ref(pushTokenPath(TENANT, gone, fresh("tok")))
            .set(token()),
        );
        const revoked = fresh(`${RUN}-revoked`);
        await seed(env, {
          [memberPath(TENANT, revoked)]: { role: "nurse", name: nameOf(revoked) },
          [revocationPath(revoked)]: 2_000_000,
        });
        const path = pushTokenPath(TENANT, revoked, fresh("tok"));
        await assertFails(as("nurse", { who: revoked, authTime: 1 }).ref(path).set(token()));
        await assertFails(
          as("nurse", { who: revoked, authTime: 1 }).ref(pushTokensPath(TENANT, revoked)).get(),
        );
        await assertSucceeds(as("nurse", { who: revoked, authTime: 3_000 }).ref(path).set(token()));
      });
    });

    describe("presence/{uid}", function () {
      const presence = (who: string, extra: Record<string, unknown> = {}) => ({
        state: "online",
        lastSeen: SERVER_TIME,
        name: nameOf(who),
        ...extra,
      });

      it("lets a caregiver publish and remove its own presence", async function () {
        const ref = caregiver.ref(presencePath(TENANT, uid("caregiver")));
        await assertSucceeds(ref.set(presence(uid("caregiver"))));
        await assertSucceeds(ref.set(presence(uid("caregiver"), { state: "away" })));
        await assertSucceeds(ref.remove());
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["a state outside the closed set", presence(uid("caregiver"), { state: "busy" })],
        ["a state of the wrong type", presence(uid("caregiver"), { state: false })],
        ["a client-chosen time", presence(uid("caregiver"), { lastSeen: Date.now() - 60_000 })],
        ["someone else's name", presence(uid("caregiver"), { name: nameOf(uid("dispatcher")) })],
        ["an extra field", presence(uid("caregiver"), { role: "admin" })],
        ["a missing field", { state: "online", lastSeen: SERVER_TIME }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects presence with ${what}`, async function () {
          await assertFails(caregiver.ref(presencePath(TENANT, uid("caregiver"))).set(value));
        });
      }

      it("rejects presence for a member whose record is gone or is a subject (stale claims)", async function () {
        const gone = fresh(`${RUN}-gone`);
        await assertFails(
          as("caregiver", { who: gone }).ref(presencePath(TENANT, gone)).set(presence(gone)),
        );
        const demoted = fresh(`${RUN}-demoted`);
        await seed(env, {
          [memberPath(TENANT, demoted)]: { role: "subject", name: nameOf(demoted) },
        });
        await assertFails(
          as("caregiver", { who: demoted })
            .ref(presencePath(TENANT, demoted))
            .set(presence(demoted)),
        );
        const member = fresh(`${RUN}-member`);
        await seed(env, {
          [memberPath(TENANT, member)]: { role: "caregiver", name: nameOf(member) },
        });
        await assertSucceeds(
          as("caregiver", { who: member }).ref(presencePath(TENANT, member)).set(presence(member)),
        );
      });

      it("rejects a heartbeat that keeps the old time or an old name by naming only some children", async function () {
        const ref = caregiver.ref(presencePath(TENANT, uid("caregiver")));
        await seed(env, {
          [presencePath(TENANT, uid("caregiver"))]: {
            state: "away",
            lastSeen: 1,
            name: "Old name",
          },
        });
        await assertFails(ref.update({ state: "online" }));
        await assertFails(ref.update({ state: "online", lastSeen: SERVER_TIME }));
        await assertSucceeds(ref.set(presence(uid("caregiver"))));
      });

      it("rejects writing a colleague's presence", async function () {
        await assertFails(
          caregiver.ref(presencePath(TENANT, uid("colleague"))).set(presence(uid("colleague"))),
        );
      });
    });

    describe("viewers/{c}/{uid}", function () {
      const viewer = (who: string, extra: Record<string, unknown> = {}) => ({
        name: nameOf(who),
        since: SERVER_TIME,
        ...extra,
      });

      it("lets a caregiver mark an assigned subject's call as open and remove the mark", async function () {
        const callId = await seedCall();
        const ref = caregiver.ref(viewerPath(TENANT, callId, uid("caregiver")));
        await assertSucceeds(ref.set(viewer(uid("caregiver"))));
        await assertSucceeds(ref.remove());
      });

      const invalid: [string, Record<string, unknown>][] = [
        ["a client-chosen time", viewer(uid("caregiver"), { since: Date.now() - 60_000 })],
        ["someone else's name", viewer(uid("caregiver"), { name: nameOf(uid("dispatcher")) })],
        ["a name of the wrong type", viewer(uid("caregiver"), { name: 42 })],
        ["an extra field", viewer(uid("caregiver"), { role: "admin" })],
        ["a missing field", { name: nameOf(uid("caregiver")) }],
      ];
      for (const [what, value] of invalid) {
        it(`rejects a viewer entry with ${what}`, async function () {
          const callId = await seedCall();
          await assertFails(caregiver.ref(viewerPath(TENANT, callId, uid("caregiver"))).set(value));
        });
      }

      it("rejects an entry in a colleague's name, and lets the colleague write its own", async function () {
        const callId = await seedCall();
        const path = viewerPath(TENANT, callId, uid("colleague"));
        await assertFails(dispatcher.ref(path).set(viewer(uid("colleague"))));
        await assertSucceeds(colleague.ref(path).set(viewer(uid("colleague"))));
        await assertFails(dispatcher.ref(path).remove());
      });

      it("rejects an entry on a call that does not exist, and on an unassigned subject's call", async function () {
        const phantom = fresh("call");
        await assertFails(
          dispatcher
            .ref(viewerPath(TENANT, phantom, uid("dispatcher")))
            .set(viewer(uid("dispatcher"))),
        );
        const other = fresh("call");
        await seed(env, {
          [callPath(TENANT, other)]: {
            subjectId: "s-other",
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
        });
        await assertFails(
          nurse.ref(viewerPath(TENANT, other, uid("nurse"))).set(viewer(uid("nurse"))),
        );
        await assertSucceeds(
          dispatcher
            .ref(viewerPath(TENANT, other, uid("dispatcher")))
            .set(viewer(uid("dispatcher"))),
        );
      });

      it("rejects a subject, a member whose record is a subject's (stale claims), and a revoked member", async function () {
        const callId = await seedCall();
        await assertFails(
          as("subject")
            .ref(viewerPath(TENANT, callId, uid("subject")))
            .set(viewer(uid("subject"))),
        );
        const demoted = fresh(`${RUN}-demoted`);
        await seed(env, {
          [memberPath(TENANT, demoted)]: {
            role: "subject",
            name: nameOf(demoted),
            subjects: { [SUBJECT]: true },
          },
        });
        await assertFails(
          as("caregiver", { who: demoted })
            .ref(viewerPath(TENANT, callId, demoted))
            .set(viewer(demoted)),
        );
        const revoked = fresh(`${RUN}-revoked`);
        await seed(env, {
          [memberPath(TENANT, revoked)]: { role: "dispatcher", name: nameOf(revoked) },
          [revocationPath(revoked)]: 2_000_000,
        });
        const path = viewerPath(TENANT, callId, revoked);
        await assertFails(
          as("dispatcher", { who: revoked, authTime: 1 }).ref(path).set(viewer(revoked)),
        );
        await assertSucceeds(
          as("dispatcher", { who: revoked, authTime: 3_000 }).ref(path).set(viewer(revoked)),
        );
      });

      it("rejects an entry in another tenant", async function () {
        const callId = await seedCall();
        const outsider = env
          .authenticatedContext(uid("dispatcher"), { tenant: `${RUN}-other`, role: "dispatcher" })
          .database();
        await assertFails(
          outsider
            .ref(viewerPath(TENANT, callId, uid("dispatcher")))
            .set(viewer(uid("dispatcher"))),
        );
      });

      it("lets a member remove its own entry after the call is gone (closing an archived call)", async function () {
        const callId = await seedCall();
        const path = viewerPath(TENANT, callId, uid("nurse"));
        await assertSucceeds(nurse.ref(path).set(viewer(uid("nurse"))));
        await seed(env, { [callPath(TENANT, callId)]: null });
        await assertSucceeds(nurse.ref(path).remove());
      });

      it("lets whoever may read the call read who is watching it, and only tenant-wide roles read them all", async function () {
        const callId = await seedCall();
        await assertSucceeds(caregiver.ref(viewerPath(TENANT, callId, uid("caregiver"))).get());
        await assertSucceeds(as("subject").ref(callViewersPath(TENANT, callId)).get());
        await assertSucceeds(dispatcher.ref(viewersRootPath(TENANT)).get());
        await assertFails(nurse.ref(viewersRootPath(TENANT)).get());
      });
    });

    describe("revocations/{uid}", function () {
      // auth_time is in seconds, the revocation in ms (a whole second, as Firebase Auth records it).
      const revokedAtSeconds = 1_700_000_000;

      async function revokedMember(): Promise<string> {
        const who = fresh(`${RUN}-revoked`);
        const alertId = fresh("alert");
        await seed(env, {
          [memberPath(TENANT, who)]: { role: "dispatcher", name: nameOf(who) },
          [revocationPath(who)]: revokedAtSeconds * 1000,
          [inboxItemPath(who, alertId)]: {
            tenantId: TENANT,
            kind: "urgency",
            severity: "urgent",
            title: "x",
            at: 1,
            status: "open",
          },
        });
        return who;
      }

      it("refuses a token signed in before the revocation, on tenant nodes and on the inbox", async function () {
        const who = await revokedMember();
        const db = as("dispatcher", { who, authTime: revokedAtSeconds - 1 });
        await assertFails(db.ref(`${tenantPath(TENANT)}/calls`).get());
        await assertFails(db.ref(inboxPath(who)).get());
        await assertFails(db.ref(memberPath(TENANT, who)).get());
      });

      it("accepts a token signed in at or after the revocation", async function () {
        const who = await revokedMember();
        for (const authTime of [revokedAtSeconds, revokedAtSeconds + 60]) {
          const db = as("dispatcher", { who, authTime });
          await assertSucceeds(db.ref(`${tenantPath(TENANT)}/calls`).get());
          await assertSucceeds(db.ref(inboxPath(who)).get());
        }
      });

      it("lets a member read its own revocation, never clear it or read another's", async function () {
        const who = await revokedMember();
        const db = as("dispatcher", { who, authTime: revokedAtSeconds + 60 });
        expect((await assertSucceeds(db.ref(revocationPath(who)).get())).val()).to.equal(
          revokedAtSeconds * 1000,
        );
        await assertFails(db.ref(revocationPath(who)).remove());
        await assertFails(db.ref(revocationPath(who)).set(0));
        const other = await revokedMember();
        await assertFails(db.ref(revocationPath(other)).get());
      });

      it("refuses the revoked token its own revocation too, like every rule", async function () {
        const who = await revokedMember();
        const db = as("dispatcher", { who, authTime: revokedAtSeconds - 1 });
        await assertFails(db.ref(revocationPath(who)).get());
      });

      it("lets a member read its own member record, and not a colleague's unless tenant-wide", async function () {
        const own = nurse.ref(memberPath(TENANT, uid("nurse")));
        expect((await assertSucceeds(own.get())).val()).to.include({ role: "nurse" });
        await assertFails(nurse.ref(memberPath(TENANT, uid("colleague"))).get());
      });
    });
  });
}
