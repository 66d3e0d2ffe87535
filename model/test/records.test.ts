import { expect } from "chai";
import {
  CAPABILITIES,
  LineRecord,
  ROLES,
  auditEntrySchema,
  memberClaimsSchema,
  memberMirrorSchema,
  ownerSchema,
} from "@lifeline/model";

describe("records", () => {
  it("takes an assistant owner and a human owner, and refuses a mix of the two", () => {
    expect(ownerSchema.safeParse({ kind: "ai", since: 1 }).success).to.be.true;
    expect(ownerSchema.safeParse({ kind: "human", uid: "u", name: "N", since: 1 }).success).to.be
      .true;
    expect(ownerSchema.safeParse({ kind: "ai", uid: "u", since: 1 }).success).to.be.false;
    expect(ownerSchema.safeParse({ kind: "human", since: 1 }).success).to.be.false;
    expect(
      ownerSchema.safeParse({
        kind: "ai",
        since: 1,
        lapsed: { uid: "u", name: "N", reason: "bored" },
      }).success,
    ).to.be.false;
  });

  it("gives a subject member exactly its own subject", () => {
    const one = { role: "subject", name: "S", subjects: { s1: true } };
    expect(memberMirrorSchema.safeParse(one).success).to.be.true;
    expect(memberMirrorSchema.safeParse({ ...one, subjects: {} }).success).to.be.false;
    expect(memberMirrorSchema.safeParse({ ...one, subjects: { s1: true, s2: true } }).success).to.be
      .false;
  });

  it("refuses claims with a role outside the role set, and audit entries with unknown actions", () => {
    expect(memberClaimsSchema.safeParse({ tenant: "t", role: "nurse" }).success).to.be.true;
    expect(memberClaimsSchema.safeParse({ tenant: "t", role: "root" }).success).to.be.false;
    expect(auditEntrySchema.safeParse({ action: "acknowledge", actorUid: "u", at: 1 }).success).to
      .be.true;
    expect(auditEntrySchema.safeParse({ action: "delete_all", actorUid: "u", at: 1 }).success).to.be
      .false;
  });

  it("takes a line with its tenant, and refuses one without or with unknown fields", () => {
    expect(LineRecord.safeParse({ tenantId: "t", createdAt: 1 }).success).to.be.true;
    expect(LineRecord.safeParse({ tenantId: "t", label: "Main", createdAt: 1 }).success).to.be.true;
    expect(LineRecord.safeParse({ label: "Main", createdAt: 1 }).success).to.be.false;
    expect(LineRecord.safeParse({ tenantId: "t", createdAt: 1, subjectId: "s" }).success).to.be
      .false;
  });
});

describe("roles", () => {
  it("describes every role, and only admins manage members", () => {
    expect(Object.keys(CAPABILITIES).sort()).to.deep.equal([...ROLES].sort());
    const managers = ROLES.filter((role) => CAPABILITIES[role].manageMembers);
    expect(managers).to.deep.equal(["admin"]);
  });
});
