import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { Database } from "../../src/engine/database.js";
import { nextPushId } from "../../src/engine/push-id.js";
import { handleRest, type RestOptions } from "../../src/rest/index.js";
import { TriggerRegistry } from "../../src/engine/triggers.js";
import type { Engine } from "../../src/engine/types.js";

interface Harness {
  readonly url: string;
  readonly database: Database;
  readonly triggers: TriggerRegistry;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

async function startRest(
  options: RestOptions = {},
  functionsEmulator?: { host: string; port: number },
): Promise<Harness> {
  const database = new Database();
  const triggers = new TriggerRegistry(
    functionsEmulator === undefined ? {} : { functionsEmulator },
  );
  database.onCommit((event) => {
    triggers.handleCommit(event);
  });
  const server = http.createServer((req, res) => {
    void handleRest(database, triggers, req, res, options);
  });
  const url = await listen(server);
  return {
    url,
    database,
    triggers,
    async close() {
      triggers.close();
      await closeServer(server);
    },
  };
}

/** An unsigned ID token like the ones rules-unit-testing makes. */
function idToken(uid: string, claims: Record<string, unknown> = {}): string {
  const encode = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", type: "JWT" })}.${encode({ sub: uid, user_id: uid, ...claims })}.`;
}

let counter = 0;
function freshNamespace(): string {
  counter++;
  return `rest-${Date.now().toString(36)}-${counter}`;
}

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  json(): unknown;
}

async function call(
  harness: Harness,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await fetch(harness.url + path, {
    method,
    ...(options.body === undefined ? {} : { body: options.body }),
    headers: options.headers ?? {},
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    headers: response.headers,
    json: () => JSON.parse(text) as unknown,
  };
}

const OWNER = { Authorization: "Bearer owner" };

describe("handleRest", () => {
  let harness: Harness;
  let ns: string;

  beforeEach(async () => {
    harness = await startRest();
    ns = freshNamespace();
  });

  afterEach(async () => {
    await harness.close();
  });

  const get = async (path: string, query = ""): Promise<unknown> => {
    const reply = await call(harness, "GET", `${path}.json?ns=${ns}${query}`, { headers: OWNER });
    expect(reply.status, reply.text).to.equal(200);
    return reply.json();
  };

  const put = async (path: string, value: unknown, query = ""): Promise<Reply> =>
    call(harness, "PUT", `${path}.json?ns=${ns}${query}`, {
      body: JSON.stringify(value),
      headers: OWNER,
    });

  describe("data endpoints", () => {
    it("returns null for a missing location and the value after a PUT", async () => {
      expect(await get("/a/b")).to.equal(null);
      const reply = await put("/a/b", { x: 1, y: "two" });
      expect(reply.status).to.equal(200);
      expect(reply.json()).to.deep.equal({ x: 1, y: "two" });
      expect(await get("/a/b")).to.deep.equal({ x: 1, y: "two" });
      expect(await get("/a")).to.deep.equal({ b: { x: 1, y: "two" } });
      expect(await get("/")).to.deep.equal({ a: { b: { x: 1, y: "two" } } });
    });

    it("resolves server values in a PUT and returns the resolved data", async () => {
      const before = Date.now();
      const reply = await put("/t", { at: { ".sv": "timestamp" }, n: { ".sv": { increment: 2 } } });
      const written = reply.json() as { at: number; n: number };
      expect(written.n).to.equal(2);
      expect(written.at).to.be.within(before, Date.now());
      expect(await get("/t")).to.deep.equal(written);
    });

    it("pushes with POST under a time-ordered 20-character id", async () => {
      const first = await call(harness, "POST", `/list.json?ns=${ns}`, {
        body: '{"n":1}',
        headers: OWNER,
      });
      const second = await call(harness, "POST", `/list.json?ns=${ns}`, {
        body: '{"n":2}',
        headers: OWNER,
      });
      expect(first.status).to.equal(200);
      const firstName = (first.json() as { name: string }).name;
      const secondName = (second.json() as { name: string }).name;
      expect(firstName).to.match(/^[-0-9A-Za-z_]{20}$/);
      expect(firstName < secondName).to.equal(true);
      expect(await get("/list")).to.deep.equal({ [firstName]: { n: 1 }, [secondName]: { n: 2 } });
    });

    it("applies a PATCH as one multi-path update and leaves siblings alone", async () => {
      await put("/p", { a: { keep: 1, change: 1 }, b: { gone: true }, c: 3 });
      const reply = await call(harness, "PATCH", `/p.json?ns=${ns}`, {
        body: JSON.stringify({ "a/change": 2, b: null, "d/e": "new" }),
        headers: OWNER,
      });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json()).to.deep.equal({ "a/change": 2, b: null, "d/e": "new" });
      expect(await get("/p")).to.deep.equal({ a: { keep: 1, change: 2 }, c: 3, d: { e: "new" } });
    });

    it("deletes with DELETE and answers null", async () => {
      await put("/d", { a: 1, b: 2 });
      const reply = await call(harness, "DELETE", `/d/a.json?ns=${ns}`, { headers: OWNER });
      expect(reply.status).to.equal(200);
      expect(reply.text).to.equal("null");
      expect(await get("/d")).to.deep.equal({ b: 2 });
    });

    it("honours X-HTTP-Method-Override on POST only", async () => {
      await put("/o", { a: 1, b: 2 });
      const reply = await call(harness, "POST", `/o/a.json?ns=${ns}`, {
        headers: { ...OWNER, "X-HTTP-Method-Override": "DELETE" },
      });
      expect(reply.status).to.equal(200);
      const patched = await call(harness, "POST", `/o.json?ns=${ns}`, {
        body: '{"c":3}',
        headers: { ...OWNER, "X-HTTP-Method-Override": "PATCH" },
      });
      expect(patched.status).to.equal(200);
      const ignored = await call(harness, "GET", `/o/b.json?ns=${ns}`, {
        headers: { ...OWNER, "X-HTTP-Method-Override": "DELETE" },
      });
      expect(ignored.json()).to.equal(2);
      expect(await get("/o")).to.deep.equal({ b: 2, c: 3 });
    });

    it("filters with orderBy, ranges and limits", async () => {
      await put("/q", { a: { n: 3 }, b: { n: 1 }, c: { n: 2 }, d: { n: 5 } });
      expect(await get("/q", `&orderBy="$key"&limitToFirst=2`)).to.deep.equal({
        a: { n: 3 },
        b: { n: 1 },
      });
      expect(await get("/q", `&orderBy="n"&startAt=2&endAt=3`)).to.deep.equal({
        a: { n: 3 },
        c: { n: 2 },
      });
      expect(await get("/q", `&orderBy="n"&limitToLast=1`)).to.deep.equal({ d: { n: 5 } });
      expect(await get("/q", `&orderBy="n"&equalTo=1`)).to.deep.equal({ b: { n: 1 } });
      expect(await get("/q", `&orderBy="$key"&startAfter="c"`)).to.deep.equal({ d: { n: 5 } });
      expect(await get("/q", `&orderBy="$key"&endBefore="b"`)).to.deep.equal({ a: { n: 3 } });
    });

    it("returns shallow data, also combined with a limit", async () => {
      await put("/s", { obj: { deep: { x: 1 } }, leaf: "v", num: 4 });
      expect(await get("/s", "&shallow=true")).to.deep.equal({ obj: true, leaf: "v", num: 4 });
      expect(await get("/s/leaf", "&shallow=true")).to.equal("v");
      expect(await get("/", "&shallow=true&limitToFirst=1")).to.deep.equal({ s: true });
    });

    it("includes priorities only with format=export", async () => {
      await put("/prio", { a: { ".value": 1, ".priority": 5 }, b: { x: 1, ".priority": "p" } });
      expect(await get("/prio")).to.deep.equal({ a: 1, b: { x: 1 } });
      expect(await get("/prio", "&format=export")).to.deep.equal({
        a: { ".value": 1, ".priority": 5 },
        b: { x: 1, ".priority": "p" },
      });
    });

    it("sets a priority through a .priority path", async () => {
      await put("/pp", { x: 1 });
      const reply = await put("/pp/.priority", 7);
      expect(reply.status, reply.text).to.equal(200);
      expect(await get("/pp", "&format=export")).to.deep.equal({ x: 1, ".priority": 7 });
    });

    it("renders integer-keyed objects as arrays, and stores arrays as objects", async () => {
      await put("/arr", ["a", "b", "c"]);
      expect(await get("/arr")).to.deep.equal(["a", "b", "c"]);
      expect(await get("/arr", "&format=export")).to.deep.equal({ 0: "a", 1: "b", 2: "c" });
    });

    it("pretty-prints with print=pretty and answers 204 with print=silent", async () => {
      await put("/pr", { a: { b: 1 } });
      const pretty = await call(harness, "GET", `/pr.json?ns=${ns}&print=pretty`, {
        headers: OWNER,
      });
      expect(pretty.text).to.equal(JSON.stringify({ a: { b: 1 } }, null, 2));
      const silentRead = await call(harness, "GET", `/pr.json?ns=${ns}&print=silent`, {
        headers: OWNER,
      });
      expect(silentRead.status).to.equal(204);
      expect(silentRead.text).to.equal("");
      const silentWrite = await put("/pr", { z: 9 }, "&print=silent");
      expect(silentWrite.status).to.equal(204);
      expect(silentWrite.text).to.equal("");
      expect(await get("/pr")).to.deep.equal({ z: 9 });
    });

    it("keeps namespaces apart and defaults to fake-server", async () => {
      await put("/iso", "mine");
      const other = freshNamespace();
      const elsewhere = await call(harness, "GET", `/iso.json?ns=${other}`, { headers: OWNER });
      expect(elsewhere.json()).to.equal(null);
      const key = `k${counter}${Date.now()}`;
      await call(harness, "PUT", `/${key}.json`, { body: '"default"', headers: OWNER });
      expect(harness.database.root("fake-server")).to.include({ [key]: "default" });
    });

    it("supports conditional writes with ETags", async () => {
      await put("/etag", { v: 1 });
      const read = await call(harness, "GET", `/etag.json?ns=${ns}`, {
        headers: { ...OWNER, "X-Firebase-ETag": "true" },
      });
      const etag = read.headers.get("etag") ?? "";
      expect(etag).to.not.equal("");
      const stale = await call(harness, "PUT", `/etag.json?ns=${ns}`, {
        body: '{"v":3}',
        headers: { ...OWNER, "if-match": "not-the-etag" },
      });
      expect(stale.status).to.equal(412);
      expect(stale.headers.get("etag")).to.equal(etag);
      expect(stale.json()).to.have.property("error");
      expect(await get("/etag")).to.deep.equal({ v: 1 });
      const fresh = await call(harness, "PUT", `/etag.json?ns=${ns}`, {
        body: '{"v":2}',
        headers: { ...OWNER, "if-match": etag },
      });
      expect(fresh.status).to.equal(200);
      expect(await get("/etag")).to.deep.equal({ v: 2 });
      const missing = await call(harness, "PUT", `/etag-none.json?ns=${ns}`, {
        body: "1",
        headers: { ...OWNER, "if-match": "null_etag" },
      });
      expect(missing.status).to.equal(200);
    });
  });

  describe("authentication and rules", () => {
    const RULES = `{
      // Each user owns users/$uid.
      "rules": {
        "users": { "$uid": { ".read": "auth != null && auth.uid == $uid", ".write": "auth != null && auth.uid == $uid" } }
      }
    }`;

    beforeEach(async () => {
      const reply = await call(harness, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: RULES,
        headers: OWNER,
      });
      expect(reply.status, reply.text).to.equal(200);
    });

    it("treats ?auth=<ID token> as that user", async () => {
      const allowed = await call(
        harness,
        "PUT",
        `/users/alice.json?ns=${ns}&auth=${idToken("alice")}`,
        {
          body: '{"name":"A"}',
        },
      );
      expect(allowed.status, allowed.text).to.equal(200);
      const read = await call(
        harness,
        "GET",
        `/users/alice.json?ns=${ns}&auth=${idToken("alice")}`,
      );
      expect(read.json()).to.deep.equal({ name: "A" });
    });

    it("denies another user's write with 401 Permission denied and writes nothing", async () => {
      const denied = await call(
        harness,
        "PUT",
        `/users/alice.json?ns=${ns}&auth=${idToken("bob")}`,
        {
          body: '{"name":"B"}',
        },
      );
      expect(denied.status).to.equal(401);
      expect(denied.json()).to.deep.equal({ error: "Permission denied" });
      expect(await get("/users/alice")).to.equal(null);
    });

    it("denies unauthenticated reads and writes", async () => {
      await put("/users/carol", { name: "C" });
      const read = await call(harness, "GET", `/users/carol.json?ns=${ns}`);
      expect(read.status).to.equal(401);
      expect(read.json()).to.deep.equal({ error: "Permission denied" });
      const write = await call(harness, "DELETE", `/users/carol.json?ns=${ns}`);
      expect(write.status).to.equal(401);
      expect(await get("/users/carol")).to.deep.equal({ name: "C" });
    });

    it("treats only Bearer owner and ?access_token=owner as admin", async () => {
      const bearer = await call(harness, "PUT", `/users/dave.json?ns=${ns}`, {
        body: "1",
        headers: OWNER,
      });
      expect(bearer.status).to.equal(200);
      const accessToken = await call(
        harness,
        "GET",
        `/users/dave.json?ns=${ns}&access_token=owner`,
      );
      expect(accessToken.status).to.equal(200);
      expect(accessToken.json()).to.equal(1);
    });

    it("refuses a bearer that is neither owner nor an ID token with 401, writing nothing", async () => {
      for (const headers of [
        { Authorization: "Bearer some-google-access-token" },
        { Authorization: "Bearer Owner" },
      ]) {
        const write = await call(harness, "PUT", `/users/dave.json?ns=${ns}`, {
          body: "2",
          headers,
        });
        expect(write.status, headers.Authorization).to.equal(401);
        expect(write.json()).to.deep.equal({ error: "Unauthorized request." });
      }
      const accessToken = await call(harness, "GET", `/users/dave.json?ns=${ns}&access_token=x`);
      expect(accessToken.status).to.equal(401);
      expect(await get("/users/dave")).to.equal(null);
    });

    it("treats a bearer ID token as that user, not as admin", async () => {
      const own = await call(harness, "PUT", `/users/erin.json?ns=${ns}`, {
        body: "1",
        headers: { Authorization: `Bearer ${idToken("erin")}` },
      });
      expect(own.status, own.text).to.equal(200);
      const other = await call(harness, "PUT", `/users/frank.json?ns=${ns}`, {
        body: "1",
        headers: { Authorization: `Bearer ${idToken("erin")}` },
      });
      expect(other.status).to.equal(401);
      expect(other.json()).to.deep.equal({ error: "Permission denied" });
      expect(await get("/users/frank")).to.equal(null);
    });

    it("rejects an undecodable ?auth= with 401", async () => {
      const reply = await call(harness, "GET", `/users/alice.json?ns=${ns}&auth=garbage`);
      expect(reply.status).to.equal(401);
      expect(reply.json()).to.deep.equal({ error: "Could not parse auth token." });
    });
  });

  describe("errors", () => {
    function expectError(reply: Reply, status: number): void {
      expect(reply.status, reply.text).to.equal(status);
      const body = reply.json() as { error?: unknown };
      expect(body.error).to.be.a("string").and.not.empty;
      expect(Object.keys(body)).to.deep.equal(["error"]);
      expect(harness.database.root(ns)).to.equal(null);
    }

    it("rejects bad JSON with 400", async () => {
      expectError(
        await call(harness, "PUT", `/e.json?ns=${ns}`, { body: "{nope", headers: OWNER }),
        400,
      );
      expectError(await call(harness, "PUT", `/e.json?ns=${ns}`, { headers: OWNER }), 400);
    });

    it("rejects invalid keys in the body or the path with 400", async () => {
      expectError(await put("/e", { "bad.key": 1 }), 400);
      expectError(await put("/e", { ok: { "a#b": 1 } }), 400);
      expectError(await put("/e$x", 1), 400);
      expectError(await put("/e%5Bx", 1), 400);
      expectError(
        await call(harness, "PATCH", `/e.json?ns=${ns}`, {
          body: JSON.stringify({ "a/b]": 1, ok: 2 }),
          headers: OWNER,
        }),
        400,
      );
    });

    it("rejects a PATCH whose body is not an object, and overlapping paths", async () => {
      for (const body of ["1", "[1,2]", "null", '"s"']) {
        expectError(
          await call(harness, "PATCH", `/e.json?ns=${ns}`, { body, headers: OWNER }),
          400,
        );
      }
      expectError(
        await call(harness, "PATCH", `/e.json?ns=${ns}`, {
          body: JSON.stringify({ a: 1, "a/b": 2 }),
          headers: OWNER,
        }),
        400,
      );
    });

    it("rejects bad query parameters with 400", async () => {
      for (const query of [
        "&limitToFirst=abc",
        "&startAt=1",
        '&orderBy="$key"&limitToFirst=1&limitToLast=1',
        "&orderBy=$key",
        "&print=loud",
        "&format=xml",
        "&shallow=maybe",
      ]) {
        expectError(
          await call(harness, "GET", `/e.json?ns=${ns}${query}`, { headers: OWNER }),
          400,
        );
      }
      expectError(await put("/e", 1, "&writeSizeLimit=huge"), 400);
    });

    it("answers 404 for paths that are not REST paths", async () => {
      for (const path of ["/e", "/", "/.settings/other.json", "/.inspect/nothing.json"]) {
        expectError(await call(harness, "GET", `${path}?ns=${ns}`, { headers: OWNER }), 404);
      }
    });

    it("answers 405 for methods REST does not have", async () => {
      expectError(await call(harness, "PROPFIND", `/e.json?ns=${ns}`, { headers: OWNER }), 405);
    });

    it("answers 413 for bodies over the limit unless writeSizeLimit=unlimited", async () => {
      const small = await startRest({ maxBodyBytes: 64 });
      try {
        const big = JSON.stringify({ text: "x".repeat(200) });
        const refused = await call(small, "PUT", `/big.json?ns=${ns}`, {
          body: big,
          headers: OWNER,
        });
        expect(refused.status).to.equal(413);
        expect(refused.json()).to.have.property("error");
        expect(small.database.root(ns)).to.equal(null);
        const accepted = await call(small, "PUT", `/big.json?ns=${ns}&writeSizeLimit=unlimited`, {
          body: big,
          headers: OWNER,
        });
        expect(accepted.status).to.equal(200);
        expect(small.database.root(ns)).to.deep.equal({ big: { text: "x".repeat(200) } });
      } finally {
        await small.close();
      }
    });

    it("answers 500 with an error body when the engine fails unexpectedly", async () => {
      const broken: Engine = {
        read: () => {
          throw new Error("boom");
        },
        write: () => {
          throw new Error("boom");
        },
        setRules: () => undefined,
        getRules: () => "",
        namespaces: () => [],
        writeStats: () => {
          throw new Error("boom");
        },
        connectionStats: () => {
          throw new Error("boom");
        },
        onCommit: () => () => undefined,
      };
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      const server = http.createServer((req, res) => {
        void handleRest(broken, new TriggerRegistry({}), req, res);
      });
      try {
        const url = await listen(server);
        const response = await fetch(`${url}/x.json`);
        expect(response.status).to.equal(500);
        expect(await response.json()).to.deep.equal({ error: "Internal error" });
        expect(errors).to.have.length(1);
      } finally {
        console.error = original;
        await closeServer(server);
      }
    });
  });

  describe("CORS", () => {
    it("answers preflight requests and marks responses readable by any origin", async () => {
      const preflight = await call(harness, "OPTIONS", `/c.json?ns=${ns}`, {
        headers: {
          Origin: "http://localhost:5000",
          "Access-Control-Request-Method": "PATCH",
          "Access-Control-Request-Headers": "authorization,content-type",
        },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
      expect(preflight.headers.get("access-control-allow-methods")).to.include("PATCH");
      expect(preflight.headers.get("access-control-allow-headers")).to.equal(
        "authorization,content-type",
      );
      const read = await call(harness, "GET", `/c.json?ns=${ns}`, {
        headers: { Origin: "http://localhost:5000" },
      });
      expect(read.headers.get("access-control-allow-origin")).to.equal("*");
      const error = await call(harness, "GET", `/c?ns=${ns}`);
      expect(error.headers.get("access-control-allow-origin")).to.equal("*");
    });
  });

  describe("rules endpoint", () => {
    it("returns the open default rules for an untouched namespace", async () => {
      const reply = await call(harness, "GET", `/.settings/rules.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(reply.status).to.equal(200);
      expect(JSON.parse(reply.text)).to.deep.equal({ rules: { ".read": true, ".write": true } });
    });

    it("stores rules with comments verbatim and returns strict JSON on request", async () => {
      const source = `{
  // Everything is readable.
  "rules": { ".read": true, /* nothing is writable */ ".write": false }
}`;
      const stored = await call(harness, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: source,
        headers: OWNER,
      });
      expect(stored.status).to.equal(200);
      expect(stored.json()).to.deep.equal({ status: "ok" });
      const raw = await call(harness, "GET", `/.settings/rules.json?ns=${ns}`, { headers: OWNER });
      expect(raw.text).to.equal(source);
      const strict = await call(harness, "GET", `/.settings/rules.json?ns=${ns}&format=strict`, {
        headers: OWNER,
      });
      expect(strict.json()).to.deep.equal({ rules: { ".read": true, ".write": false } });
      const denied = await call(harness, "PUT", `/x.json?ns=${ns}`, { body: "1" });
      expect(denied.status).to.equal(401);
    });

    it("rejects a broken rules file with 400 and keeps the old rules", async () => {
      await call(harness, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: '{"rules":{".read":true,".write":false}}',
        headers: OWNER,
      });
      for (const broken of ['{"rules":{".read":"auth.uid ==="}}', "{not json", '{"nope":1}']) {
        const reply = await call(harness, "PUT", `/.settings/rules.json?ns=${ns}`, {
          body: broken,
          headers: OWNER,
        });
        expect(reply.status, broken).to.equal(400);
        expect(reply.json()).to.have.property("error").that.is.a("string").and.not.empty;
      }
      const current = await call(harness, "GET", `/.settings/rules.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(current.text).to.equal('{"rules":{".read":true,".write":false}}');
    });

    it("refuses rules reads and changes without owner credentials, keeping the rules", async () => {
      const body = '{"rules":{".read":true,".write":false}}';
      for (const [label, query, headers] of [
        ["no credentials", "", {}],
        ["an ID token", `&auth=${idToken("eve")}`, {}],
        ["a bearer ID token", "", { Authorization: `Bearer ${idToken("eve")}` }],
      ] as const) {
        const put = await call(harness, "PUT", `/.settings/rules.json?ns=${ns}${query}`, {
          body,
          headers,
        });
        expect(put.status, label).to.equal(401);
        expect(put.json(), label).to.deep.equal({ error: "Permission denied" });
        const read = await call(harness, "GET", `/.settings/rules.json?ns=${ns}${query}`, {
          headers,
        });
        expect(read.status, label).to.equal(401);
      }
      const garbage = await call(harness, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body,
        headers: { Authorization: "Bearer not-owner" },
      });
      expect(garbage.status).to.equal(401);
      const current = await call(harness, "GET", `/.settings/rules.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(JSON.parse(current.text)).to.deep.equal({ rules: { ".read": true, ".write": true } });
      const owner = await call(harness, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body,
        headers: OWNER,
      });
      expect(owner.status).to.equal(200);
    });
  });

  describe("inspect endpoint", () => {
    it("lists the namespaces in use", async () => {
      await put("/here", 1);
      const reply = await call(harness, "GET", `/.inspect/databases.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(reply.status).to.equal(200);
      expect(reply.json()).to.deep.include({ name: ns });
    });

    it("counts the writes a namespace applied, for the owner only", async () => {
      expect((await put("/a", { b: 1, c: 2 })).status).to.equal(200);
      const patched = await call(harness, "PATCH", `/a.json?ns=${ns}`, {
        body: JSON.stringify({ b: 1 }),
        headers: OWNER,
      });
      expect(patched.status).to.equal(200);
      const reply = await call(harness, "GET", `/.inspect/stats.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(reply.status, reply.text).to.equal(200);
      expect(reply.json()).to.deep.equal({
        namespace: ns,
        writes: {
          admin: { requests: 2, paths: 2, leaves: 3, unchanged: 1, stale: 0 },
          client: { requests: 0, paths: 0, leaves: 0, unchanged: 0, stale: 0 },
        },
        connections: { open: 0, peak: 0, opened: 0 },
      });
      const anonymous = await call(harness, "GET", `/.inspect/stats.json?ns=${ns}`);
      expect(anonymous.status).to.equal(401);
      const posted = await call(harness, "POST", `/.inspect/stats.json?ns=${ns}`, {
        headers: OWNER,
      });
      expect(posted.status).to.equal(405);
    });
  });
});

describe("handleRest with function triggers", () => {
  let received: { path: string; body: Record<string, unknown> }[];
  let functions: http.Server;
  let harness: Harness;
  let ns: string;

  beforeEach(async () => {
    received = [];
    functions = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        });
        res.end("{}");
      });
    });
    const url = new URL(await listen(functions));
    harness = await startRest({}, { host: url.hostname, port: Number(url.port) });
    ns = freshNamespace();
  });

  afterEach(async () => {
    await harness.close();
    await closeServer(functions);
  });

  const registerV2 = async (key: string, path: string): Promise<Reply> =>
    call(harness, "POST", "/.settings/functionTriggers.json", {
      body: JSON.stringify({
        name: `projects/demo-rest/locations/us-central1/triggers/${key}`,
        path,
        event: "google.firebase.database.ref.v1.written",
        topic: `projects/demo-rest/topics/${key}`,
        namespacePattern: ns,
      }),
      headers: OWNER,
    });

  it("registers triggers before the namespace exists and fires them on REST writes", async () => {
    const registered = await registerV2("us-central1-rest-0", "in/{id}");
    expect(registered.status, registered.text).to.equal(200);
    await call(harness, "PUT", `/in.json?ns=${ns}`, {
      body: JSON.stringify({ a: 1, b: 2, c: 3 }),
      headers: OWNER,
    });
    await harness.triggers.idle();
    expect(received.map((entry) => entry.body["ref"])).to.have.members(["in/a", "in/b", "in/c"]);
    expect(received[0]?.path).to.equal("/functions/projects/demo-rest/triggers/us-central1-rest-0");
  });

  it("registers v1 triggers on the ?ns= namespace", async () => {
    const reply = await call(harness, "POST", `/.settings/functionTriggers.json?ns=${ns}`, {
      body: JSON.stringify({
        name: "projects/demo-rest/locations/_/functions/us-central1-v1-0",
        path: "/v1/{id}",
        event: "providers/google.firebase.database/eventTypes/ref.create",
        topic: "projects/demo-rest/topics/us-central1-v1-0",
      }),
      headers: OWNER,
    });
    expect(reply.status).to.equal(200);
    await call(harness, "PUT", `/v1/x.json?ns=${ns}&auth=${idToken("alice")}`, { body: "1" });
    await call(harness, "PUT", `/v1/y.json?ns=${freshNamespace()}`, { body: "1", headers: OWNER });
    await harness.triggers.idle();
    expect(received.map((entry) => [entry.body["resource"], entry.body["auth"]])).to.deep.equal([
      [
        `projects/_/instances/${ns}/refs/v1/x`,
        {
          admin: false,
          variable: {
            uid: "alice",
            provider: "custom",
            token: { sub: "alice", user_id: "alice" },
          },
        },
      ],
    ]);
  });

  it("rejects malformed trigger registrations with 400", async () => {
    for (const body of ["{oops", '{"name":"x"}', "[]"]) {
      const reply = await call(harness, "POST", "/.settings/functionTriggers.json", {
        body,
        headers: OWNER,
      });
      expect(reply.status, body).to.equal(400);
      expect(reply.json()).to.have.property("error");
    }
    expect(harness.triggers.names()).to.deep.equal([]);
  });

  it("refuses disableTriggers without admin credentials", async () => {
    const reply = await call(harness, "PUT", `/items/x.json?ns=${ns}&disableTriggers=true`, {
      body: "1",
    });
    expect(reply.status).to.equal(401);
    expect(reply.json()).to.have.property("error");
    expect(harness.database.root(ns)).to.equal(null);
  });

  it("exports with priorities and imports without firing triggers", async () => {
    await registerV2("us-central1-import-0", "items/{id}");
    const dump = { items: { a: { ".value": 1, ".priority": 2 }, b: { n: 1 } } };
    const imported = await call(
      harness,
      "PUT",
      `/.json?ns=${ns}&disableTriggers=true&writeSizeLimit=unlimited`,
      { body: JSON.stringify(dump), headers: { ...OWNER, "Content-Type": "application/json" } },
    );
    expect(imported.status, imported.text).to.equal(200);
    await harness.triggers.idle();
    expect(received).to.deep.equal([]);

    const exported = await call(harness, "GET", `/.json?ns=${ns}&format=export`, {
      headers: OWNER,
    });
    expect(exported.json()).to.deep.equal(dump);
    const probe = await call(harness, "GET", `/.json?ns=${ns}&shallow=true&limitToFirst=1`, {
      headers: OWNER,
    });
    expect(probe.json()).to.deep.equal({ items: true });

    // The same write without disableTriggers does fire: the import's silence is not an accident.
    await call(harness, "PUT", `/items/c.json?ns=${ns}`, { body: "3", headers: OWNER });
    await harness.triggers.idle();
    expect(received.map((entry) => entry.body["ref"])).to.deep.equal(["items/c"]);
  });
});

describe("nextPushId", () => {
  it("returns ids that sort in creation order, also within one millisecond", () => {
    const ids = [1000, 1000, 1000, 1001, 5_000_000_000_000].map((time) => nextPushId(time));
    expect([...ids].sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.have.length(20);
  });
});
