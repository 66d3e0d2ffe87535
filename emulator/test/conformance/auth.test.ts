/**
 * Spec §16 items 16–21: get, denials, listen revocation, mock tokens, ID tokens and unauth,
 * admin credentials (owner, authvar, noauth).
 */
import { expect } from "chai";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  get,
  limitToFirst,
  limitToLast,
  onValue,
  orderByChild,
  query,
  ref,
  set,
} from "firebase/database";
import {
  FrameProxy,
  RawClient,
  clientRequest,
  connectAdmin,
  connectClient,
  idTokenClaims,
  isJsonObject,
  layer,
  pushBody,
  rest,
  startEmulator,
  uniqueName,
  unsignedJwt,
  until,
  watch,
  withTimeout,
  type Emulator,
  type Json,
} from "./support.js";

const RULES = {
  rules: {
    open: { ".read": true, ".write": true },
    secret: { ".read": "auth != null", ".write": "auth != null" },
    users: {
      $uid: {
        ".read": "auth != null && auth.uid == $uid",
        ".write": "auth != null && auth.uid == $uid",
      },
    },
    verified: {
      $uid: {
        ".write":
          "auth.uid == $uid && auth.token.email_verified == true && auth.provider == 'custom'",
      },
    },
    admins: { ".read": "auth.token.admin == true" },
    anonymous: { ".write": "auth.provider == 'anonymous'" },
    password: { ".write": "auth.provider == 'password' && auth.token.email == 'p@example.com'" },
    guests: { ".write": "auth == null" },
    locked: { ".read": false, ".write": false, ".validate": "false" },
    strict: { ".write": true, ".validate": "newData.isNumber()" },
  },
};

async function putRules(emulator: Emulator, ns: string, rules: object | string): Promise<void> {
  const response = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
    body: typeof rules === "string" ? rules : JSON.stringify(rules),
    headers: { Authorization: "Bearer owner" },
  });
  expect(response.status, response.text).to.equal(200);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("expected the operation to be rejected");
  return outcome;
}

describe("auth and permissions (§16 items 16–21)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.16 get", () => {
    it("sends g with a query object on an uncached path and gets the filtered data", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const seeder = connectClient(emulator, ns);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await set(ref(seeder.db, "other"), { a: { n: 3 }, b: { n: 1 }, c: { n: 2 } });
        const snapshot = await get(
          query(ref(client.db, "other"), orderByChild("n"), limitToLast(1)),
        );
        expect(snapshot.val()).to.deep.equal({ a: { n: 3 } });
        const getRequest = proxy
          .clientMessages()
          .map(clientRequest)
          .find((r) => r?.a === "g");
        expect(getRequest?.b).to.deep.equal({ p: "/other", q: { l: 1, vf: "r", i: "n" } });
      } finally {
        await seeder.close();
        await client.close();
        await proxy.close();
      }
    });

    it('answers a denied g with permission_denied / "Permission denied"', async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      const client = connectClient(emulator, ns);
      try {
        expect(await raw.request("g", { p: "/secret", q: {} })).to.deep.equal({
          s: "permission_denied",
          d: "Permission denied",
        });
        const error = await rejection(get(ref(client.db, "secret")));
        expect(error.message).to.equal("Permission denied");
        await assertFails(get(ref(client.db, "secret/x")));
        await assertSucceeds(get(ref(client.db, "open")));
      } finally {
        raw.close();
        await client.close();
      }
    });
  });

  describe("§16.17 denials", () => {
    it("rejects a denied write with code PERMISSION_DENIED", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      const client = connectClient(emulator, ns);
      try {
        expect(await raw.request("p", { p: "/secret/x", d: 1 })).to.deep.equal({
          s: "permission_denied",
          d: "Permission denied",
        });
        const error = await rejection(set(ref(client.db, "secret/x"), 1));
        expect(error).to.have.property("code", "PERMISSION_DENIED");
        expect(error.message).to.equal("PERMISSION_DENIED: Permission denied");
        await set(ref(client.db, "open/x"), 1);
      } finally {
        raw.close();
        await client.close();
      }
    });

    it("cancels a denied listen with permission_denied at /path", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      const client = connectClient(emulator, ns);
      try {
        const reply = await raw.request("q", { p: "/secret", h: "" });
        expect(reply.s).to.equal("permission_denied");
        const listener = watch(ref(client.db, "secret"));
        const error = await listener.waitForError("the cancel callback");
        listener.off();
        expect(error.message).to.match(/^permission_denied at \/secret/);
        expect(error).to.have.property("code", "PERMISSION_DENIED");
        expect(listener.snapshots).to.have.length(0);
      } finally {
        raw.close();
        await client.close();
      }
    });

    it("cancels a denied tagged query", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const client = connectClient(emulator, ns);
      try {
        const listener = watch(query(ref(client.db, "secret"), orderByChild("n"), limitToFirst(1)));
        const error = await listener.waitForError("the cancel callback");
        listener.off();
        expect(error).to.have.property("code", "PERMISSION_DENIED");
      } finally {
        await client.close();
      }
    });
  });

  describe("§16.18 listen revocation", () => {
    it("sends a:c without q for a default listen and with q:[…] for a query after unauth", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      try {
        const token = unsignedJwt(idTokenClaims("alice", ns));
        expect((await raw.request("auth", { cred: token })).s).to.equal("ok");
        expect((await raw.request("q", { p: "/secret", h: "" })).s).to.equal("ok");
        const q = { l: 1, vf: "l", i: "n" };
        expect((await raw.request("q", { p: "/secret/list", q, t: 1, h: "" })).s).to.equal("ok");
        const from = raw.messages.length;
        const unauth = await raw.request("unauth", {});
        expect(unauth.s).to.equal("ok");
        await raw.ping();
        const revocations = raw.messages
          .slice(from)
          .map((m) => pushBody(m, "c"))
          .filter((b) => b !== undefined);
        const normal = (p: Json | undefined): string =>
          typeof p === "string" ? p.replace(/^\//, "") : "";
        const forDefault = revocations.find((b) => normal(b["p"]) === "secret" && !("q" in b));
        const forQuery = revocations.find((b) => normal(b["p"]) === "secret/list");
        expect(forDefault, JSON.stringify(revocations)).to.not.equal(undefined);
        expect(forQuery?.["q"], JSON.stringify(revocations)).to.deep.equal([q]);
      } finally {
        raw.close();
      }
    });

    it("fires the real client's cancel callbacks when a rules change denies its listens", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, { rules: { doc: { ".read": true, ".write": true } } });
      const client = connectClient(emulator, ns);
      const whole = watch(ref(client.db, "doc/a"));
      const windowed = watch(query(ref(client.db, "doc/b"), orderByChild("n"), limitToFirst(1)));
      try {
        await whole.waitFor(() => true, "the initial value");
        await windowed.waitFor(() => true, "the initial window");
        await putRules(emulator, ns, { rules: { doc: { ".read": false, ".write": true } } });
        const [first, second] = await Promise.all([
          whole.waitForError("the default listen's cancel"),
          windowed.waitForError("the query's cancel"),
        ]);
        expect(first).to.have.property("code", "PERMISSION_DENIED");
        expect(second).to.have.property("code", "PERMISSION_DENIED");
      } finally {
        whole.off();
        windowed.off();
        await client.close();
      }
    });

    it("does not revoke a listen that stays readable after a rules change", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, { rules: { ".read": true, ".write": true } });
      const raw = await RawClient.open(emulator, ns);
      try {
        await raw.request("q", { p: "/stays", h: "" });
        const from = raw.messages.length;
        await putRules(emulator, ns, { rules: { stays: { ".read": true } } });
        await raw.ping();
        expect(
          raw.messages.slice(from).filter((m) => pushBody(m, "c") !== undefined),
        ).to.deep.equal([]);
      } finally {
        raw.close();
      }
    });
  });

  describe("§16.19 rules-unit-testing mock tokens", () => {
    let env: RulesTestEnvironment;
    before(async () => {
      env = await initializeTestEnvironment({
        projectId: uniqueName("demo-rut"),
        database: { host: emulator.host, port: emulator.port, rules: JSON.stringify(RULES) },
      });
    });
    after(async () => {
      await env.cleanup();
    });

    it("lets rules see auth.uid, auth.token.email_verified and auth.provider == custom", async () => {
      const alice = env.authenticatedContext("alice", { email_verified: true }).database();
      const unverified = env.authenticatedContext("carol", { email_verified: false }).database();
      await assertSucceeds(alice.ref("verified/alice").set(1));
      await assertFails(alice.ref("verified/bob").set(1));
      await assertFails(unverified.ref("verified/carol").set(1));
    });

    it("lets rules see custom claims", async () => {
      const boss = env.authenticatedContext("boss", { admin: true }).database();
      const worker = env.authenticatedContext("worker", { admin: false }).database();
      await assertSucceeds(boss.ref("admins").once("value"));
      await assertFails(worker.ref("admins").once("value"));
    });

    it("evaluates unauthenticatedContext with auth == null", async () => {
      const guest = env.unauthenticatedContext().database();
      await assertSucceeds(guest.ref("guests/x").set(1));
      await assertFails(guest.ref("secret").set(1));
      await assertFails(guest.ref("secret").once("value"));
    });

    it("bypasses rules in withSecurityRulesDisabled and clears with clearDatabase", async () => {
      await env.withSecurityRulesDisabled(async (context) => {
        await context.database().ref("locked/seed").set("x");
      });
      const alice = env.authenticatedContext("alice").database();
      await assertFails(alice.ref("locked").once("value"));
      let seeded: unknown = null;
      await env.withSecurityRulesDisabled(async (context) => {
        seeded = (await context.database().ref("locked/seed").once("value")).val();
      });
      expect(seeded).to.equal("x");
      await env.clearDatabase();
      let cleared: unknown = "not read";
      await env.withSecurityRulesDisabled(async (context) => {
        cleared = (await context.database().ref("/").once("value")).val();
      });
      expect(cleared).to.equal(null);
    });

    it("receives the mock token on auth with alg none, iat 0 and exp 3600", async () => {
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, uniqueName("ns"), {
        via: proxy.address,
        mockUserToken: { sub: "alice", email_verified: true, admin: true },
      });
      try {
        await set(ref(client.db, "x"), 1);
        const authRequest = proxy
          .clientMessages()
          .map(clientRequest)
          .find((r) => r?.a === "auth");
        const cred = typeof authRequest?.b["cred"] === "string" ? authRequest.b["cred"] : "";
        const [header, payload] = cred
          .split(".")
          .slice(0, 2)
          .map((part) => JSON.parse(Buffer.from(part, "base64url").toString()) as Json);
        expect(header).to.deep.include({ alg: "none" });
        expect(payload).to.deep.include({
          iat: 0,
          exp: 3600,
          sub: "alice",
          email_verified: true,
          admin: true,
        });
        const reply = proxy
          .serverMessages()
          .map((m) => layer(m, "d"))
          .find((d) => d?.["r"] === authRequest?.r);
        expect(isJsonObject(reply?.["b"]) ? reply["b"]["s"] : undefined).to.equal("ok");
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });

  describe("§16.20 ID tokens mid-session and unauth", () => {
    it("changes what a socket may do as auth and unauth arrive", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      try {
        expect((await raw.request("p", { p: "/users/alice/v", d: 1 })).s).to.equal(
          "permission_denied",
        );
        const alice = unsignedJwt(
          idTokenClaims("alice", ns, {
            email: "p@example.com",
            email_verified: false,
            firebase: { identities: { email: ["p@example.com"] }, sign_in_provider: "password" },
          }),
        );
        expect((await raw.request("auth", { cred: alice })).s).to.equal("ok");
        expect((await raw.request("p", { p: "/users/alice/v", d: 2 })).s).to.equal("ok");
        expect((await raw.request("p", { p: "/password/v", d: 2 })).s).to.equal("ok");
        expect((await raw.request("p", { p: "/users/bob/v", d: 2 })).s).to.equal(
          "permission_denied",
        );
        const bob = unsignedJwt(idTokenClaims("bob", ns));
        expect((await raw.request("auth", { cred: bob })).s).to.equal("ok");
        expect((await raw.request("p", { p: "/users/alice/v", d: 3 })).s).to.equal(
          "permission_denied",
        );
        expect((await raw.request("p", { p: "/users/bob/v", d: 3 })).s).to.equal("ok");
        const unauth = await raw.request("unauth", {});
        expect(unauth).to.deep.equal({ s: "ok", d: "unauthenticated" });
        expect((await raw.request("p", { p: "/users/bob/v", d: 4 })).s).to.equal(
          "permission_denied",
        );
        expect((await raw.request("p", { p: "/guests/v", d: 4 })).s).to.equal("ok");
      } finally {
        raw.close();
      }
    });

    it("sees auth.provider == anonymous for an anonymous ID token", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      try {
        const anon = unsignedJwt(
          idTokenClaims("anon-1", ns, {
            firebase: { identities: {}, sign_in_provider: "anonymous" },
          }),
        );
        await raw.request("auth", { cred: anon });
        expect((await raw.request("p", { p: "/anonymous/v", d: 1 })).s).to.equal("ok");
        const custom = unsignedJwt(idTokenClaims("c-1", ns));
        await raw.request("auth", { cred: custom });
        expect((await raw.request("p", { p: "/anonymous/v", d: 2 })).s).to.equal(
          "permission_denied",
        );
      } finally {
        raw.close();
      }
    });

    it("accepts an RS256-looking token without verifying its signature", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      try {
        const token = unsignedJwt(idTokenClaims("alice", ns), {
          alg: "RS256",
          kid: "k1",
          typ: "JWT",
        });
        expect((await raw.request("auth", { cred: `${token}c2lnbmF0dXJl` })).s).to.equal("ok");
        expect((await raw.request("p", { p: "/users/alice/v", d: 1 })).s).to.equal("ok");
      } finally {
        raw.close();
      }
    });
  });

  describe("§16.21 admin credentials", () => {
    it("sends gauth owner and bypasses .read, .write and .validate", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const proxy = await FrameProxy.start(emulator.address);
      const adminApp = connectAdmin(emulator, ns, { via: proxy.address });
      try {
        await adminApp.db.ref("locked/x").set("written");
        await adminApp.db.ref("strict").set("not a number");
        expect((await adminApp.db.ref("locked").once("value")).val()).to.deep.equal({
          x: "written",
        });
        const gauth = proxy
          .clientMessages()
          .map(clientRequest)
          .find((r) => r?.a === "gauth");
        expect(gauth?.b).to.deep.equal({ cred: "owner" });
      } finally {
        await adminApp.close();
        await proxy.close();
      }
    });

    it("evaluates databaseAuthVariableOverride as that auth (authvar)", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const proxy = await FrameProxy.start(emulator.address);
      const bob = connectAdmin(emulator, ns, {
        via: proxy.address,
        authOverride: { uid: "bob", token: { role: "x" } },
      });
      try {
        await bob.db.ref("users/bob/v").set(1);
        const denied = await rejection(bob.db.ref("users/alice/v").set(1));
        expect(denied.message).to.match(/permission_denied/i);
        const deniedRead = await rejection(
          withTimeout(bob.db.ref("locked").once("value"), "a denied read"),
        );
        expect(deniedRead.message).to.match(/permission_denied/i);
        const gauth = proxy
          .clientMessages()
          .map(clientRequest)
          .find((r) => r?.a === "gauth");
        expect(gauth?.b).to.deep.equal({
          cred: "owner",
          authvar: { uid: "bob", token: { role: "x" } },
        });
      } finally {
        await bob.close();
        await proxy.close();
      }
    });

    it("evaluates databaseAuthVariableOverride null as unauthenticated (noauth)", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const proxy = await FrameProxy.start(emulator.address);
      const guest = connectAdmin(emulator, ns, { via: proxy.address, authOverride: null });
      try {
        await guest.db.ref("guests/v").set(1);
        const denied = await rejection(guest.db.ref("secret/v").set(1));
        expect(denied.message).to.match(/permission_denied/i);
        const gauth = proxy
          .clientMessages()
          .map(clientRequest)
          .find((r) => r?.a === "gauth");
        expect(gauth?.b).to.deep.equal({ cred: "owner", noauth: true });
      } finally {
        await guest.close();
        await proxy.close();
      }
    });

    it("treats gauth with any other credential as admin", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, RULES);
      const raw = await RawClient.open(emulator, ns);
      try {
        expect((await raw.request("gauth", { cred: "ya29.some-access-token" })).s).to.equal("ok");
        expect((await raw.request("p", { p: "/locked/y", d: 1 })).s).to.equal("ok");
      } finally {
        raw.close();
      }
    });
  });

  it("§16.17 a real client listener on an allowed path keeps working beside denied ones", async () => {
    const ns = uniqueName("ns");
    await putRules(emulator, ns, RULES);
    const client = connectClient(emulator, ns);
    try {
      const values: unknown[] = [];
      const off = onValue(ref(client.db, "open/live"), (s) => values.push(s.val()));
      await rejection(set(ref(client.db, "secret/x"), 1));
      await set(ref(client.db, "open/live"), "ok");
      await until(() => values.includes("ok"), "the allowed value");
      off();
    } finally {
      await client.close();
    }
  });
});
