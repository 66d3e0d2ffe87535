/**
 * The identity endpoints (`members`, `sessions`) and the demo seed, against the running emulator
 * suite: Firebase Auth, the Functions emulator serving our build, our database emulator with
 * firebase.json's rules, and Firestore. Every error path also checks that nothing was written.
 */
import { expect } from "chai";
import { get, ref } from "firebase/database";
import {
  addMember,
  addSubject,
  adminSdk,
  authTimeOf,
  call,
  clockPastSecondOf,
  errorStatus,
  freshId,
  PASSWORD,
  refreshedIdToken,
  signIn,
  tenantState,
  webSession,
  type Admin,
  type Reply,
  type TestMember,
  type WebSession,
} from "./support/emulators.js";
import { seedDemo, DEMO_PASSWORD, DEMO_TENANTS } from "../../../scripts/seed.js";
import {
  callsPath,
  firestore,
  inboxPath,
  memberPath,
  presencePath,
  pushTokenPath,
  pushTokensPath,
  revocationPath,
} from "@lifeline/model";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

async function expectDenied(read: Promise<unknown>): Promise<void> {
  let failure: unknown;
  try {
    await read;
  } catch (error) {
    failure = error;
  }
  expect(failure, "the read was allowed").to.be.instanceOf(Error);
  expect(String(failure)).to.match(/permission.denied/i);
}

/** A refresh token of a revoked session yields no ID token that any endpoint accepts. */
async function expectRefreshRefused(refreshToken: string): Promise<void> {
  const idToken = await refreshedIdToken(refreshToken);
  if (idToken === null) return;
  expectError(await call("sessions", "DELETE", "/", { token: idToken }), 401, "UNAUTHENTICATED");
}

function expectError(reply: Reply, httpStatus: number, status: string): void {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(httpStatus);
  expect(errorStatus(reply)).to.equal(status);
}

function issuesOf(reply: Reply): { path: unknown[]; message: string }[] {
  const body = reply.body as {
    error?: { details?: { issues?: { path: unknown[]; message: string }[] } };
  };
  return body.error?.details?.issues ?? [];
}

async function auditActions(tenantId: string): Promise<Record<string, unknown>[]> {
  const docs = await admin.firestore.collection(firestore.auditCollection(tenantId)).get();
  return docs.docs.map((doc) => doc.data());
}

/** A tenant with its own admin (signed in) and two subjects. */
interface Tenant {
  readonly id: string;
  readonly admin: TestMember;
  readonly adminToken: string;
  readonly subjects: readonly [string, string];
}

async function freshTenant(): Promise<Tenant> {
  const id = freshId("t");
  const tenantAdmin = await addMember(admin, id, "admin");
  const subjects = [
    await addSubject(admin, id, "Ada"),
    await addSubject(admin, id, "Ben"),
  ] as const;
  const { idToken } = await signIn(tenantAdmin.email, tenantAdmin.password);
  return { id, admin: tenantAdmin, adminToken: idToken, subjects };
}

function newMemberBody(
  tenant: Tenant,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    email: `${freshId("new")}@${tenant.id}.test`,
    password: PASSWORD,
    name: "Nia Nurse",
    role: "nurse",
    subjects: [tenant.subjects[0]],
    ...extra,
  };
}

/** Runs `act` and checks that the tenant's Auth users, database and Firestore did not change. */
async function expectNothingWritten(
  tenant: Tenant,
  act: () => Promise<void>,
  uids: readonly string[] = [],
): Promise<void> {
  const before = await tenantState(admin, tenant.id, uids);
  await act();
  expect(await tenantState(admin, tenant.id, uids)).to.deep.equal(before);
}

describe("members", () => {
  let tenant: Tenant;

  before(async () => {
    tenant = await freshTenant();
  });

  describe("POST /{tenantId}", () => {
    it("creates a member: Auth user with claims, mirror, record and audit entry", async () => {
      const body = newMemberBody(tenant);
      const reply = await call("members", "POST", `/${tenant.id}`, {
        token: tenant.adminToken,
        body,
      });
      expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
      const created = reply.body as { uid: string; role: string; subjects: string[] };
      expect(created).to.include({ tenantId: tenant.id, role: "nurse", email: body.email });
      const { uid } = created;

      const user = await admin.auth.getUser(uid);
      expect(user.email).to.equal(body.email);
      expect(user.displayName).to.equal("Nia Nurse");
      expect(user.customClaims).to.deep.equal({ tenant: tenant.id, role: "nurse" });
      expect((await admin.database.ref(memberPath(tenant.id, uid)).get()).val()).to.deep.equal({
        role: "nurse",
        name: "Nia Nurse",
        subjects: { [tenant.subjects[0]]: true },
      });
      const record = await admin.firestore.doc(firestore.memberDoc(tenant.id, uid)).get();
      expect(record.data()).to.include({ role: "nurse", name: "Nia Nurse", email: body.email });
      expect(record.data()?.subjects).to.deep.equal([tenant.subjects[0]]);
      const audit = await auditActions(tenant.id);
      expect(audit.filter((entry) => entry.action === "member_create" && entry.targetUid === uid))
        .to.have.length(1)
        .and.to.have.nested.property("[0].actorUid", tenant.admin.uid);

      const session = await webSession(String(body.email), PASSWORD);
      try {
        const mine = await get(ref(session.db, memberPath(tenant.id, uid)));
        expect(mine.child("role").val()).to.equal("nurse");
      } finally {
        await session.close();
      }
    });

    it("rejects bodies that break the schema with 400 and zod's issues, writing nothing", async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ["missing email", newMemberBody(tenant, { email: undefined }), "email"],
        ["unknown field", newMemberBody(tenant, { admin: true }), ""],
        ["unknown role", newMemberBody(tenant, { role: "owner" }), "role"],
        ["short password", newMemberBody(tenant, { password: "short" }), "password"],
        ["name too long", newMemberBody(tenant, { name: "x".repeat(101) }), "name"],
        ["bad subject id", newMemberBody(tenant, { subjects: ["a/b"] }), "subjects"],
        [
          "subject member with two subjects",
          newMemberBody(tenant, { role: "subject", subjects: [...tenant.subjects] }),
          "subjects",
        ],
      ];
      for (const [label, body, field] of cases) {
        await expectNothingWritten(tenant, async () => {
          const reply = await call("members", "POST", `/${tenant.id}`, {
            token: tenant.adminToken,
            body,
          });
          expectError(reply, 400, "INVALID_ARGUMENT");
          const issues = issuesOf(reply);
          expect(issues, label).to.not.be.empty;
          if (field !== "")
            expect(
              issues.map((issue) => issue.path[0]),
              label,
            ).to.include(field);
        });
      }
    });

    it("rejects an unknown subject with 400 naming it, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const body = newMemberBody(tenant, { subjects: [tenant.subjects[0], "no-such-subject"] });
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: tenant.adminToken,
          body,
        });
        expectError(reply, 400, "INVALID_ARGUMENT");
        expect(issuesOf(reply)).to.deep.equal([
          {
            path: ["subjects", 1],
            code: "custom",
            message: 'no subject "no-such-subject" in this tenant',
          },
        ]);
      });
    });

    it("rejects malformed JSON with 400, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: tenant.adminToken,
          rawBody: '{"email": ',
        });
        expect(reply.status).to.equal(400);
      });
    });

    it("rejects a body that is not JSON with 415, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: tenant.adminToken,
          rawBody: "email=a@b.test",
          contentType: "text/plain",
        });
        expectError(reply, 415, "UNSUPPORTED_MEDIA_TYPE");
      });
    });

    it("rejects a body over the size limit with 413, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const body = newMemberBody(tenant, { name: "x".repeat(20_000) });
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: tenant.adminToken,
          body,
        });
        expectError(reply, 413, "PAYLOAD_TOO_LARGE");
      });
    });

    it("rejects a request without a token with 401 and a Bearer challenge, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          body: newMemberBody(tenant),
        });
        expectError(reply, 401, "UNAUTHENTICATED");
        expect(reply.headers.get("www-authenticate")).to.equal('Bearer realm="lifeline"');
      });
    });

    it("rejects an invalid token with 401 invalid_token, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: "not.a.token",
          body: newMemberBody(tenant),
        });
        expectError(reply, 401, "UNAUTHENTICATED");
        expect(reply.headers.get("www-authenticate")).to.match(
          /^Bearer realm="lifeline", error="invalid_token"/,
        );
      });
    });

    it("rejects a dispatcher with 403, writing nothing", async () => {
      const dispatcher = await addMember(admin, tenant.id, "dispatcher");
      const { idToken } = await signIn(dispatcher.email, dispatcher.password);
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: idToken,
          body: newMemberBody(tenant),
        });
        expectError(reply, 403, "PERMISSION_DENIED");
      });
    });

    it("rejects an admin of another tenant with 403, writing nothing", async () => {
      const other = await freshTenant();
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: other.adminToken,
          body: newMemberBody(tenant),
        });
        expectError(reply, 403, "PERMISSION_DENIED");
      });
    });

    it("rejects a signed-in user without member claims with 403, writing nothing", async () => {
      const email = `${freshId("nobody")}@${tenant.id}.test`;
      await admin.auth.createUser({ email, password: PASSWORD });
      const { idToken } = await signIn(email, PASSWORD);
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: idToken,
          body: newMemberBody(tenant),
        });
        expectError(reply, 403, "PERMISSION_DENIED");
      });
    });

    it("rejects an email already in use with 409, writing nothing", async () => {
      const existing = await addMember(admin, tenant.id, "caregiver");
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "POST", `/${tenant.id}`, {
          token: tenant.adminToken,
          body: newMemberBody(tenant, { email: existing.email }),
        });
        expectError(reply, 409, "ALREADY_EXISTS");
      });
    });

    it("rejects other methods with 405 and an Allow header", async () => {
      const getReply = await call("members", "GET", `/${tenant.id}`, { token: tenant.adminToken });
      expectError(getReply, 405, "METHOD_NOT_ALLOWED");
      expect(getReply.headers.get("allow")).to.equal("POST, PATCH, DELETE");
      const patchReply = await call("members", "PATCH", `/${tenant.id}`, {
        token: tenant.adminToken,
        body: { name: "x" },
      });
      expectError(patchReply, 405, "METHOD_NOT_ALLOWED");
      expect(patchReply.headers.get("allow")).to.equal("POST");
    });

    it("answers a path that names no tenant with 404", async () => {
      const reply = await call("members", "POST", "/", {
        token: tenant.adminToken,
        body: newMemberBody(tenant),
      });
      expectError(reply, 404, "NOT_FOUND");
    });
  });

  describe("PATCH /{tenantId}/{uid}", () => {
    it("reassigns subjects at once, without revoking the member's sessions", async () => {
      const nurse = await addMember(admin, tenant.id, "nurse", [tenant.subjects[0]]);
      const callId = freshId("call");
      await admin.database
        .ref(`${callsPath(tenant.id)}/${callId}`)
        .set({ subjectId: tenant.subjects[1], phone: "+15555550999", status: "active" });
      const session = await webSession(nurse.email, nurse.password);
      try {
        await expectDenied(get(ref(session.db, `${callsPath(tenant.id)}/${callId}`)));
        const reply = await call("members", "PATCH", `/${tenant.id}/${nurse.uid}`, {
          token: tenant.adminToken,
          body: { subjects: [tenant.subjects[1]] },
        });
        expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
        expect(reply.body).to.deep.include({ role: "nurse", subjects: [tenant.subjects[1]] });
        const visible = await get(ref(session.db, `${callsPath(tenant.id)}/${callId}`));
        expect(visible.child("subjectId").val()).to.equal(tenant.subjects[1]);
      } finally {
        await session.close();
      }
      expect((await admin.database.ref(revocationPath(nurse.uid)).get()).exists()).to.be.false;
      const record = await admin.firestore.doc(firestore.memberDoc(tenant.id, nurse.uid)).get();
      expect(record.data()?.subjects).to.deep.equal([tenant.subjects[1]]);
      const audit = await auditActions(tenant.id);
      const entry = audit.find((e) => e.action === "member_update" && e.targetUid === nurse.uid);
      expect(entry?.details).to.deep.equal({
        subjects: { from: [tenant.subjects[0]], to: [tenant.subjects[1]] },
      });
    });

    it("changes a role: new claims, old tokens refused by HTTPS and the rules at once, a new sign-in carries the new role", async () => {
      const member = await addMember(admin, tenant.id, "dispatcher");
      const old = await signIn(member.email, member.password);
      const oldSession = await webSession(member.email, member.password);
      let newSession: WebSession | undefined;
      try {
        await get(ref(oldSession.db, callsPath(tenant.id)));
        const reply = await call("members", "PATCH", `/${tenant.id}/${member.uid}`, {
          token: tenant.adminToken,
          body: { role: "caregiver", subjects: [tenant.subjects[0]] },
        });
        expect(reply.status, JSON.stringify(reply.body)).to.equal(200);

        expect((await admin.auth.getUser(member.uid)).customClaims).to.deep.equal({
          tenant: tenant.id,
          role: "caregiver",
        });
        const revokedAt: unknown = (
          await admin.database.ref(revocationPath(member.uid)).get()
        ).val();
        expect(revokedAt)
          .to.be.a("number")
          .above(authTimeOf(old.idToken) * 1000);
        expect(
          (await admin.database.ref(memberPath(tenant.id, member.uid)).get()).val(),
        ).to.deep.equal({
          role: "caregiver",
          name: member.name,
          subjects: { [tenant.subjects[0]]: true },
        });

        await expectDenied(get(ref(oldSession.db, callsPath(tenant.id))));
        await expectDenied(get(ref(oldSession.db, memberPath(tenant.id, member.uid))));
        await expectRefreshRefused(old.refreshToken);
        const stale = await call("sessions", "DELETE", "/", { token: old.idToken });
        expectError(stale, 401, "UNAUTHENTICATED");
        expect(stale.headers.get("www-authenticate")).to.contain('error="invalid_token"');

        await clockPastSecondOf(Number(revokedAt));
        newSession = await webSession(member.email, member.password);
        const own = await get(ref(newSession.db, memberPath(tenant.id, member.uid)));
        expect(own.child("role").val()).to.equal("caregiver");
        await expectDenied(get(ref(newSession.db, callsPath(tenant.id))));
      } finally {
        await oldSession.close();
        await newSession?.close();
      }
    });

    it("answers 404 for a member of another tenant and for an unknown uid, writing nothing", async () => {
      const other = await freshTenant();
      const outsider = await addMember(admin, other.id, "nurse");
      await expectNothingWritten(other, async () => {
        for (const uid of [outsider.uid, "no-such-member"]) {
          const reply = await call("members", "PATCH", `/${tenant.id}/${uid}`, {
            token: tenant.adminToken,
            body: { role: "admin" },
          });
          expectError(reply, 404, "NOT_FOUND");
        }
      });
      expect((await admin.auth.getUser(outsider.uid)).customClaims).to.deep.equal({
        tenant: other.id,
        role: "nurse",
      });
    });

    it("rejects an empty change and a subject member without exactly one subject with 400", async () => {
      const member = await addMember(admin, tenant.id, "caregiver");
      await expectNothingWritten(tenant, async () => {
        const empty = await call("members", "PATCH", `/${tenant.id}/${member.uid}`, {
          token: tenant.adminToken,
          body: {},
        });
        expectError(empty, 400, "INVALID_ARGUMENT");
        const subject = await call("members", "PATCH", `/${tenant.id}/${member.uid}`, {
          token: tenant.adminToken,
          body: { role: "subject" },
        });
        expectError(subject, 400, "INVALID_ARGUMENT");
        expect(issuesOf(subject).map((issue) => issue.path)).to.deep.equal([["subjects"]]);
      }, [member.uid]);
    });

    it("refuses an admin's change of its own role with 409, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "PATCH", `/${tenant.id}/${tenant.admin.uid}`, {
          token: tenant.adminToken,
          body: { role: "dispatcher" },
        });
        expectError(reply, 409, "FAILED_PRECONDITION");
      }, [tenant.admin.uid]);
    });

    it("rejects a caregiver with 403, writing nothing", async () => {
      const caregiver = await addMember(admin, tenant.id, "caregiver");
      const { idToken } = await signIn(caregiver.email, caregiver.password);
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "PATCH", `/${tenant.id}/${caregiver.uid}`, {
          token: idToken,
          body: { role: "admin" },
        });
        expectError(reply, 403, "PERMISSION_DENIED");
      }, [caregiver.uid]);
    });
  });

  describe("DELETE /{tenantId}/{uid}", () => {
    it("removes a member everywhere, and the rules refuse its open session at once", async () => {
      const member = await addMember(admin, tenant.id, "dispatcher");
      await admin.database.ref().update({
        [presencePath(tenant.id, member.uid)]: {
          state: "online",
          lastSeen: Date.now(),
          name: member.name,
        },
        [`${inboxPath(member.uid)}/alert-1`]: { tenantId: tenant.id, title: "x" },
        [pushTokenPath(tenant.id, member.uid, "tok-1")]: { token: "fcm-token-1", at: Date.now() },
      });
      const old = await signIn(member.email, member.password);
      const session = await webSession(member.email, member.password);
      try {
        await get(ref(session.db, callsPath(tenant.id)));
        const reply = await call("members", "DELETE", `/${tenant.id}/${member.uid}`, {
          token: tenant.adminToken,
        });
        expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
        await expectDenied(get(ref(session.db, callsPath(tenant.id))));
        await expectDenied(get(ref(session.db, `tenants/${tenant.id}/presence`)));
      } finally {
        await session.close();
      }
      const user = await admin.auth.getUser(member.uid);
      expect(user.disabled).to.be.true;
      expect(user.customClaims ?? {}).to.deep.equal({});
      for (const path of [
        memberPath(tenant.id, member.uid),
        presencePath(tenant.id, member.uid),
        inboxPath(member.uid),
        pushTokensPath(tenant.id, member.uid),
      ]) {
        expect((await admin.database.ref(path).get()).exists(), path).to.be.false;
      }
      expect((await admin.database.ref(revocationPath(member.uid)).get()).val()).to.be.a("number");
      expect((await admin.firestore.doc(firestore.memberDoc(tenant.id, member.uid)).get()).exists)
        .to.be.false;
      const audit = await auditActions(tenant.id);
      expect(audit.some((e) => e.action === "member_remove" && e.targetUid === member.uid)).to.be
        .true;
      expectError(
        await call("sessions", "DELETE", "/", { token: old.idToken }),
        401,
        "UNAUTHENTICATED",
      );
      await expectRefreshRefused(old.refreshToken);
      let signInError: unknown;
      await signIn(member.email, member.password).catch((error: unknown) => {
        signInError = error;
      });
      expect(String(signInError)).to.contain("USER_DISABLED");
    });

    it("refuses a removed nurse's open session the call of its formerly assigned subject", async () => {
      const nurse = await addMember(admin, tenant.id, "nurse", [tenant.subjects[0]]);
      const callId = freshId("call");
      await admin.database
        .ref(`${callsPath(tenant.id)}/${callId}`)
        .set({ subjectId: tenant.subjects[0], phone: "+15555550998", status: "active" });
      const session = await webSession(nurse.email, nurse.password);
      try {
        await get(ref(session.db, `${callsPath(tenant.id)}/${callId}`));
        const reply = await call("members", "DELETE", `/${tenant.id}/${nurse.uid}`, {
          token: tenant.adminToken,
        });
        expect(reply.status).to.equal(200);
        await expectDenied(get(ref(session.db, `${callsPath(tenant.id)}/${callId}`)));
      } finally {
        await session.close();
      }
    });

    it("answers 404 for an unknown member and 409 for an admin removing itself, writing nothing", async () => {
      await expectNothingWritten(tenant, async () => {
        expectError(
          await call("members", "DELETE", `/${tenant.id}/no-such-member`, {
            token: tenant.adminToken,
          }),
          404,
          "NOT_FOUND",
        );
        expectError(
          await call("members", "DELETE", `/${tenant.id}/${tenant.admin.uid}`, {
            token: tenant.adminToken,
          }),
          409,
          "FAILED_PRECONDITION",
        );
      }, [tenant.admin.uid]);
    });

    it("rejects an admin of another tenant with 403, writing nothing", async () => {
      const other = await freshTenant();
      const member = await addMember(admin, tenant.id, "nurse");
      await expectNothingWritten(tenant, async () => {
        const reply = await call("members", "DELETE", `/${tenant.id}/${member.uid}`, {
          token: other.adminToken,
        });
        expectError(reply, 403, "PERMISSION_DENIED");
      }, [member.uid]);
    });
  });
});

describe("sessions", () => {
  let tenant: Tenant;

  before(async () => {
    tenant = await freshTenant();
  });

  it("revokes the caller's own sessions: refresh tokens, old ID tokens at HTTPS and in the rules", async () => {
    const nurse = await addMember(admin, tenant.id, "nurse", [tenant.subjects[0]]);
    const old = await signIn(nurse.email, nurse.password);
    const session = await webSession(nurse.email, nurse.password);
    try {
      await get(ref(session.db, memberPath(tenant.id, nurse.uid)));
      const reply = await call("sessions", "DELETE", "/", { token: old.idToken });
      expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
      const { revokedAt } = reply.body as { revokedAt: number };
      expect((await admin.database.ref(revocationPath(nurse.uid)).get()).val()).to.equal(revokedAt);
      await expectDenied(get(ref(session.db, memberPath(tenant.id, nurse.uid))));
    } finally {
      await session.close();
    }
    await expectRefreshRefused(old.refreshToken);
    expectError(
      await call("sessions", "DELETE", "/", { token: old.idToken }),
      401,
      "UNAUTHENTICATED",
    );
    const audit = await auditActions(tenant.id);
    expect(
      audit.filter((e) => e.action === "sessions_revoke" && e.actorUid === nurse.uid),
    ).to.have.length(1);
    // The member itself is untouched: same claims, still enabled, can sign in again.
    const user = await admin.auth.getUser(nurse.uid);
    expect(user.disabled).to.be.false;
    expect(user.customClaims).to.deep.equal({ tenant: tenant.id, role: "nurse" });
  });

  it("rejects a request without a token with 401, and other methods with 405", async () => {
    const anonymous = await call("sessions", "DELETE", "/");
    expectError(anonymous, 401, "UNAUTHENTICATED");
    expect(anonymous.headers.get("www-authenticate")).to.equal('Bearer realm="lifeline"');
    const wrongMethod = await call("sessions", "POST", "/", { token: tenant.adminToken, body: {} });
    expectError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    expect(wrongMethod.headers.get("allow")).to.equal("DELETE");
  });
});

describe("seedDemo", () => {
  it("seeds the demo tenants, and a second run writes nothing", async () => {
    await seedDemo(admin);
    const before = await Promise.all(DEMO_TENANTS.map((t) => tenantState(admin, t.id)));
    const second = await seedDemo(admin);
    expect(second.written).to.deep.equal([]);
    expect(await Promise.all(DEMO_TENANTS.map((t) => tenantState(admin, t.id)))).to.deep.equal(
      before,
    );
  });

  it("gives every demo member the demo password and its claims", async () => {
    await seedDemo(admin);
    for (const tenant of DEMO_TENANTS) {
      for (const member of tenant.members) {
        const { idToken, uid } = await signIn(member.email, DEMO_PASSWORD);
        expect(uid).to.equal(member.uid);
        const claims = JSON.parse(
          Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8"),
        ) as Record<string, unknown>;
        expect(claims).to.include({ tenant: tenant.id, role: member.role });
      }
    }
  });
});
