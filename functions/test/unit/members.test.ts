import { expect } from "chai";
import {
  assignmentProblem,
  auditId,
  mirrorOf,
  newMemberRecord,
  planCreate,
  planRemove,
  planRevokeSessions,
  planUpdate,
} from "../../src/domain/members.js";
import { parseMemberRoute, requireMemberManager } from "../../src/http/members.js";
import { HttpError } from "../../src/http-kit/errors.js";
import { createMemberRequestSchema, updateMemberRequestSchema } from "@lifeline/model";

const T0 = 1_700_000_000_000;
const nurse = newMemberRecord(
  "t1",
  "u1",
  { email: "n@t1.test", name: "Noor", role: "nurse", subjects: ["s1", "s2"] },
  T0,
);

describe("mirrorOf", () => {
  it("holds role, name and assigned subjects as a set, and no subjects key when there are none", () => {
    expect(mirrorOf(nurse)).to.deep.equal({
      role: "nurse",
      name: "Noor",
      subjects: { s1: true, s2: true },
    });
    expect(mirrorOf({ ...nurse, role: "dispatcher", subjects: [] })).to.deep.equal({
      role: "dispatcher",
      name: "Noor",
    });
  });
});

describe("assignmentProblem", () => {
  it("requires exactly one subject of a subject member and nothing of other roles", () => {
    expect(assignmentProblem("subject", ["s1"])).to.equal(undefined);
    expect(assignmentProblem("subject", [])).to.be.a("string");
    expect(assignmentProblem("subject", ["s1", "s2"])).to.be.a("string");
    expect(assignmentProblem("caregiver", [])).to.equal(undefined);
  });
});

describe("planCreate", () => {
  it("writes the mirror, the record and a member_create audit entry", () => {
    const plan = planCreate(nurse, "admin1");
    expect(plan.rtdb).to.deep.equal({ "tenants/t1/members/u1": mirrorOf(nurse) });
    expect(plan.rtdbUndo).to.deep.equal({ "tenants/t1/members/u1": null });
    expect(Object.keys(plan.firestore)).to.deep.equal(["tenants/t1/members/u1"]);
    expect(plan.audit.path).to.equal(`tenants/t1/audit/${T0}_member_create_u1`);
    expect(plan.audit.entry).to.include({
      action: "member_create",
      actorUid: "admin1",
      targetUid: "u1",
    });
  });
});

describe("planUpdate", () => {
  it("revokes sessions (and the browsers registered for push) when the role changes, and records from/to of each change", () => {
    const plan = planUpdate(nurse, { role: "caregiver", name: "Noor" }, "admin1", T0 + 5);
    expect(plan.changed).to.deep.equal(["role"]);
    expect(plan.revokeSessions).to.be.true;
    expect(plan.rtdb).to.deep.equal({
      "tenants/t1/members/u1": {
        role: "caregiver",
        name: "Noor",
        subjects: { s1: true, s2: true },
      },
      "revocations/u1": T0 + 5,
      "tenants/t1/pushTokens/u1": null,
    });
    expect(plan.rtdbUndo).to.deep.equal({ "tenants/t1/members/u1": mirrorOf(nurse) });
    expect(plan.audit.entry.details).to.deep.equal({ role: { from: "nurse", to: "caregiver" } });
    expect(plan.record.updatedAt).to.equal(T0 + 5);
  });

  it("changes assignments without revoking sessions", () => {
    const plan = planUpdate(nurse, { subjects: ["s3"] }, "admin1", T0 + 5);
    expect(plan.changed).to.deep.equal(["subjects"]);
    expect(plan.revokeSessions).to.be.false;
    expect(plan.rtdb).to.not.have.property("revocations/u1");
    expect(plan.rtdb).to.not.have.property("tenants/t1/pushTokens/u1");
  });

  it("reports no change when the request repeats the current values", () => {
    expect(
      planUpdate(nurse, { role: "nurse", subjects: ["s1", "s2"] }, "a", T0).changed,
    ).to.deep.equal([]);
  });
});

describe("planRemove", () => {
  it("deletes the mirror, presence, inbox and push tokens, stamps the revocation and restores all but it on undo", () => {
    const tokens = { tok1: { token: "fcm-1", at: T0 } };
    const plan = planRemove(nurse, "admin1", T0 + 9, {
      presence: { state: "online" },
      inbox: null,
      pushTokens: tokens,
    });
    expect(plan.rtdb).to.deep.equal({
      "tenants/t1/members/u1": null,
      "tenants/t1/presence/u1": null,
      "inbox/u1": null,
      "tenants/t1/pushTokens/u1": null,
      "revocations/u1": T0 + 9,
    });
    expect(plan.rtdbUndo).to.deep.equal({
      "tenants/t1/members/u1": mirrorOf(nurse),
      "tenants/t1/presence/u1": { state: "online" },
      "inbox/u1": null,
      "tenants/t1/pushTokens/u1": tokens,
    });
    expect(plan.firestore).to.deep.equal({ "tenants/t1/members/u1": null });
    expect(plan.audit.entry).to.include({ action: "member_remove", targetUid: "u1" });
  });
});

describe("planRevokeSessions", () => {
  it("stamps only the caller's revocation and audits it as its own action", () => {
    const plan = planRevokeSessions("t1", "u1", T0);
    expect(plan.rtdb).to.deep.equal({ "revocations/u1": T0, "tenants/t1/pushTokens/u1": null });
    expect(plan.audit.entry).to.include({
      action: "sessions_revoke",
      actorUid: "u1",
      targetUid: "u1",
    });
  });
});

describe("auditId", () => {
  it("differs for different actions or members at the same instant", () => {
    const ids = new Set([
      auditId({ at: T0, action: "member_create", targetUid: "a", actorUid: "x" }),
      auditId({ at: T0, action: "member_update", targetUid: "a", actorUid: "x" }),
      auditId({ at: T0, action: "member_create", targetUid: "b", actorUid: "x" }),
    ]);
    expect(ids.size).to.equal(3);
  });
});

describe("parseMemberRoute", () => {
  it("reads /{tenantId} and /{tenantId}/{uid}, decoding each segment", () => {
    expect(parseMemberRoute("/t1")).to.deep.equal({ tenantId: "t1" });
    expect(parseMemberRoute("/t1/")).to.deep.equal({ tenantId: "t1" });
    expect(parseMemberRoute("/t1/u%201")).to.deep.equal({ tenantId: "t1", uid: "u 1" });
  });

  it("rejects paths that name no tenant, go deeper, or hold invalid ids", () => {
    for (const path of ["/", "", "/t1/u1/x", "/t%2E1", "/t1/%E0%A4%A", "/__x__"]) {
      expect(parseMemberRoute(path), path).to.equal(undefined);
    }
  });
});

describe("requireMemberManager", () => {
  const member = (tenant: string, role: "admin" | "dispatcher") => ({
    uid: "u",
    tenant,
    role,
    authTime: 0,
  });

  it("lets an admin of the tenant through and refuses others' admins and non-admins with 403", () => {
    expect(() => {
      requireMemberManager(member("t1", "admin"), "t1");
    }).not.to.throw();
    for (const [who, tenant] of [
      [member("t2", "admin"), "t1"],
      [member("t1", "dispatcher"), "t1"],
    ] as const) {
      let error: unknown;
      try {
        requireMemberManager(who, tenant);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(HttpError);
      expect((error as HttpError).httpStatus).to.equal(403);
    }
  });
});

describe("createMemberRequestSchema", () => {
  it("defaults subjects to none, trims the name and rejects unknown fields and repeated subjects", () => {
    const parsed = createMemberRequestSchema.parse({
      email: "a@b.test",
      password: "long-enough",
      name: "  Ann ",
      role: "caregiver",
    });
    expect(parsed).to.include({ name: "Ann" });
    expect(parsed.subjects).to.deep.equal([]);
    const base = { email: "a@b.test", password: "long-enough", name: "Ann", role: "caregiver" };
    expect(createMemberRequestSchema.safeParse({ ...base, tenant: "t2" }).success).to.be.false;
    expect(createMemberRequestSchema.safeParse({ ...base, subjects: ["s", "s"] }).success).to.be
      .false;
  });
});

describe("updateMemberRequestSchema", () => {
  it("requires at least one change", () => {
    expect(updateMemberRequestSchema.safeParse({}).success).to.be.false;
    expect(updateMemberRequestSchema.safeParse({ name: "New" }).success).to.be.true;
  });
});
