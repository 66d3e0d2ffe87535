/**
 * Spec §16 items 25 and 33: the rules settings endpoint as rules-unit-testing and firebase-admin use
 * it, and admin's connection (upgrade headers, gauth owner, FIREBASE_DATABASE_EMULATOR_HOST).
 */
import { expect } from "chai";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
} from "@firebase/rules-unit-testing";
import * as adminApp from "firebase-admin/app";
import { getDatabase as getAdminDatabase } from "firebase-admin/database";
import {
  FrameProxy,
  clientRequest,
  connectAdmin,
  rest,
  startEmulator,
  uniqueName,
  type Emulator,
} from "./support.js";

const OWNER = { Authorization: "Bearer owner" };

const RULES_WITH_COMMENTS = `{
  // Everyone may read; only signed-in users write.
  "rules": {
    /* block comment */
    ".read": true,
    "notes": {
      ".write": "auth != null
                 && auth.uid != 'mallory'"
    }
  }
}`;

describe("rules settings and admin (§16 items 25, 33)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.25 rules settings", () => {
    it("accepts rules-unit-testing's raw body with comments and multi-line strings, and enforces it", async () => {
      const projectId = uniqueName("demo-rut");
      const env = await initializeTestEnvironment({
        projectId,
        database: { host: emulator.host, port: emulator.port, rules: RULES_WITH_COMMENTS },
      });
      try {
        const alice = env.authenticatedContext("alice").database();
        const mallory = env.authenticatedContext("mallory").database();
        const guest = env.unauthenticatedContext().database();
        await assertSucceeds(alice.ref("notes/a").set(1));
        await assertFails(mallory.ref("notes/m").set(1));
        await assertFails(guest.ref("notes/g").set(1));
        await assertSucceeds(guest.ref("notes").once("value"));
        const stored = await rest(emulator, "GET", `/.settings/rules.json?ns=${projectId}`, {
          headers: { Authorization: "Bearer owner" },
        });
        expect(stored.text).to.equal(RULES_WITH_COMMENTS);
      } finally {
        await env.cleanup();
      }
    });

    it("answers malformed rules with 400 {error} and keeps the previous rules", async () => {
      const ns = uniqueName("ns");
      const good = '{"rules":{".read":true,".write":false}}';
      expect(
        (
          await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
            body: good,
            headers: OWNER,
          })
        ).status,
      ).to.equal(200);
      for (const bad of ['{"rules": {', '{"rules":{".read":"auth.uid =="}}', "not json at all"]) {
        const response = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
          body: bad,
          headers: OWNER,
        });
        expect(response.status, bad).to.equal(400);
        expect(response.json(), bad).to.have.property("error").that.is.a("string");
      }
      const stored = await rest(emulator, "GET", `/.settings/rules.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(stored.text).to.equal(good);
      const write = await rest(emulator, "PUT", `/x.json?ns=${ns}`, { body: 1 });
      expect(write.status).to.equal(401);
    });

    it("makes rules-unit-testing's initializeTestEnvironment throw on malformed rules", async () => {
      const outcome = await initializeTestEnvironment({
        projectId: uniqueName("demo-bad"),
        database: { host: emulator.host, port: emulator.port, rules: '{"rules": {".read": }' },
      }).then(
        async (env) => {
          await env.cleanup();
          return null;
        },
        (error: unknown) => error,
      );
      expect(outcome).to.be.instanceOf(Error);
    });

    it("serves open rules for an untouched namespace", async () => {
      const ns = uniqueName("ns");
      const response = await rest(emulator, "GET", `/.settings/rules.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(response.status).to.equal(200);
      expect(JSON.parse(response.text)).to.deep.equal({ rules: { ".read": true, ".write": true } });
      const write = await rest(emulator, "PUT", `/anything.json?ns=${ns}`, { body: 1 });
      expect(write.status).to.equal(200);
    });

    it("strips comments with format=strict", async () => {
      const ns = uniqueName("ns");
      await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: RULES_WITH_COMMENTS,
        headers: OWNER,
      });
      const strict = await rest(emulator, "GET", `/.settings/rules.json?ns=${ns}&format=strict`, {
        headers: OWNER,
      });
      const parsed: unknown = JSON.parse(strict.text);
      expect(parsed).to.have.nested.property("rules.\\.read", true);
    });
  });

  describe("§16.33 firebase-admin", () => {
    it("sends Bearer owner and an AdminNode user agent on the upgrade, then gauth owner", async () => {
      const proxy = await FrameProxy.start(emulator.address);
      const admin = connectAdmin(emulator, uniqueName("ns"), { via: proxy.address });
      try {
        await admin.db.ref("touch").set(true);
        const connection = proxy.connections[0];
        expect(connection?.headers["authorization"]).to.equal("Bearer owner");
        expect(connection?.headers["user-agent"]).to.match(
          /^Firebase\/5\/13\.10\.0\/.*\/AdminNode$/,
        );
        const requests = proxy.clientMessages().map(clientRequest);
        expect(requests.find((r) => r?.a === "gauth")?.b).to.deep.equal({ cred: "owner" });
        expect(Object.keys(requests.find((r) => r?.a === "s")?.b["c"] ?? {})).to.deep.equal([
          "sdk.admin_node.13-10-0",
        ]);
      } finally {
        await admin.close();
        await proxy.close();
      }
    });

    it("connects through FIREBASE_DATABASE_EMULATOR_HOST with the namespace of databaseURL", async () => {
      const ns = uniqueName("env");
      const proxy = await FrameProxy.start(emulator.address);
      const previous = process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
      process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = proxy.address;
      const app = adminApp.initializeApp(
        { projectId: "demo-conformance", databaseURL: `https://${ns}.firebaseio.com` },
        uniqueName("admin-env"),
      );
      try {
        const db = getAdminDatabase(app);
        // The SDK reads the variable when the database is created; restore it for other tests.
        if (previous === undefined) delete process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
        else process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = previous;
        await db.ref("viaEnv").set("yes");
        expect(proxy.connections[0]?.path).to.contain(`ns=${ns}`);
        expect((await rest(emulator, "GET", `/viaEnv.json?ns=${ns}`)).json()).to.equal("yes");
      } finally {
        if (previous === undefined) delete process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
        else process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = previous;
        await adminApp.deleteApp(app);
        await proxy.close();
      }
    });

    it("sets and gets rules through admin with a stub credential", async () => {
      const ns = uniqueName("ns");
      const admin = connectAdmin(emulator, ns, { stubCredential: true });
      try {
        await admin.db.setRules(RULES_WITH_COMMENTS);
        expect(await admin.db.getRules()).to.equal(RULES_WITH_COMMENTS);
        const json = await admin.db.getRulesJSON();
        expect(json).to.have.nested.property("rules.notes");
        await admin.db.setRules({ rules: { ".read": false, ".write": false } });
        expect(JSON.parse(await admin.db.getRules())).to.deep.equal({
          rules: { ".read": false, ".write": false },
        });
        const denied = await rest(emulator, "GET", `/.json?ns=${ns}`);
        expect(denied.status).to.equal(401);
      } finally {
        await admin.close();
      }
    });

    it("requires the owner credential on /.settings, as firebase-tools sends it", async () => {
      const ns = uniqueName("ns");
      const rules = '{"rules":{".read":true}}';
      const refused = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: rules,
        headers: { Authorization: `Bearer ${uniqueName("arbitrary-token")}` },
      });
      expect(refused.status).to.equal(401);
      const anonymous = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: rules,
      });
      expect(anonymous.status).to.equal(401);
      const put = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: rules,
        headers: OWNER,
      });
      expect(put.status, put.text).to.equal(200);
      const get = await rest(emulator, "GET", `/.settings/rules.json?ns=${ns}`, { headers: OWNER });
      expect(get.text).to.equal(rules);
    });
  });
});
