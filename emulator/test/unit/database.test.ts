import { expect } from "chai";
import { Database, type ListenerSink, type PushBody } from "../../src/engine/database.js";
import { applyQuery, parseWireQuery } from "../../src/engine/query.js";
import { getAt } from "../../src/engine/tree.js";
import {
  ADMIN,
  UNAUTHENTICATED,
  type AuthContext,
  type CommitEvent,
} from "../../src/engine/types.js";

const NS = "unit";
const alice: AuthContext = {
  admin: false,
  variable: { uid: "alice", provider: "custom", token: {} },
};
const SIGNED_IN_RULES = '{"rules":{".read":"auth != null",".write":"auth != null"}}';

interface Recorded {
  readonly action: "d" | "m" | "revoked";
  readonly body?: PushBody;
}

function recorder(): { sink: ListenerSink; pushes: Recorded[] } {
  const pushes: Recorded[] = [];
  return {
    pushes,
    sink: {
      push: (action, body) => pushes.push({ action, body }),
      revoked: () => pushes.push({ action: "revoked" }),
    },
  };
}

function set(database: Database, path: string[], value: unknown, auth: AuthContext = ADMIN) {
  return database.write({ namespace: NS, path, operation: { kind: "set", value }, auth });
}

function update(database: Database, path: string[], values: Record<string, unknown>, auth = ADMIN) {
  return database.write({ namespace: NS, path, operation: { kind: "update", values }, auth });
}

function listen(database: Database, path: string[], auth: AuthContext = ADMIN) {
  const { sink, pushes } = recorder();
  const result = database.listen({ namespace: NS, path, query: null, auth: () => auth, sink });
  return { result, pushes };
}

describe("Database", () => {
  describe("write", () => {
    it("commits a set and returns the normalised value", () => {
      const database = new Database();
      const result = set(database, ["a"], { b: 1, c: null, d: {} });
      expect(result).to.deep.equal({ status: "ok", value: { b: 1 } });
      expect(database.root(NS)).to.deep.equal({ a: { b: 1 } });
    });

    it("applies a multi-path update atomically, deleting null entries", () => {
      const database = new Database();
      set(database, ["items"], { a: 1, b: 2 });
      expect(update(database, ["items"], { a: null, "c/d": 3 }).status).to.equal("ok");
      expect(database.root(NS)).to.deep.equal({ items: { b: 2, c: { d: 3 } } });
    });

    it("rejects an update whose paths overlap and writes nothing", () => {
      const database = new Database();
      const result = update(database, [], { a: 1, "a/b": 2 });
      expect(result.status).to.equal("invalid");
      expect(database.root(NS)).to.equal(null);
    });

    it("sets the priority of the parent for a path ending in .priority", () => {
      const database = new Database();
      set(database, ["p"], { x: 1 });
      set(database, ["p", ".priority"], 5);
      expect(database.root(NS)).to.deep.equal({ p: { x: 1, ".priority": 5 } });
    });

    it("resolves timestamps and increments with one now for the whole write", () => {
      const database = new Database({ clock: () => 1234 });
      set(database, ["n"], 5);
      set(database, [], {
        n: { ".sv": { increment: 2 } },
        t: { ".sv": "timestamp" },
        u: { ".sv": "timestamp" },
      });
      expect(database.root(NS)).to.deep.equal({ n: 7, t: 1234, u: 1234 });
    });

    it("answers datastale when the transaction hash does not match, without writing", () => {
      const database = new Database();
      set(database, ["counter"], 1);
      const stale = database.write({
        namespace: NS,
        path: ["counter"],
        operation: { kind: "set", value: 2 },
        auth: ADMIN,
        hash: "",
      });
      expect(stale.status).to.equal("datastale");
      expect(database.root(NS)).to.deep.equal({ counter: 1 });
    });

    it("commits a transaction whose hash matches the current value", () => {
      const database = new Database();
      const empty = database.write({
        namespace: NS,
        path: ["counter"],
        operation: { kind: "set", value: 1 },
        auth: ADMIN,
        hash: "",
      });
      expect(empty.status).to.equal("ok");
      expect(database.root(NS)).to.deep.equal({ counter: 1 });
    });

    it("denies a user write the rules refuse and lets admin bypass them", () => {
      const database = new Database({ defaultRules: SIGNED_IN_RULES });
      expect(set(database, ["x"], 1, UNAUTHENTICATED).status).to.equal("permission_denied");
      expect(database.root(NS)).to.equal(null);
      expect(set(database, ["x"], 1, alice).status).to.equal("ok");
      expect(set(database, ["y"], 1, ADMIN).status).to.equal("ok");
    });

    it("rejects invalid data and writes over the size limit", () => {
      const database = new Database({ maxWriteBytes: 100 });
      expect(set(database, ["a"], { "bad.key": 1 }).status).to.equal("invalid");
      expect(set(database, ["a"], "x".repeat(200)).status).to.equal("invalid");
      const unlimited = database.write({
        namespace: NS,
        path: ["a"],
        operation: { kind: "set", value: "x".repeat(200) },
        auth: ADMIN,
        unlimitedSize: true,
      });
      expect(unlimited.status).to.equal("ok");
    });

    it("emits one CommitEvent per write with the roots before and after", () => {
      const database = new Database();
      const events: CommitEvent[] = [];
      database.onCommit((event) => events.push(event));
      set(database, ["a"], 1);
      set(database, ["a"], 2, UNAUTHENTICATED);
      expect(events).to.have.length(2);
      expect(events[1]).to.deep.include({
        namespace: NS,
        before: { a: 1 },
        after: { a: 2 },
        fireTriggers: true,
      });
    });

    it("keeps namespaces apart", () => {
      const database = new Database();
      database.write({
        namespace: "one",
        path: ["a"],
        operation: { kind: "set", value: 1 },
        auth: ADMIN,
      });
      expect(database.root("two")).to.equal(null);
      expect(database.namespaces()).to.include.members(["one", "two"]);
    });
  });

  describe("read", () => {
    it("returns the value at a path, query-filtered, and denies what the rules refuse", () => {
      const database = new Database({ defaultRules: SIGNED_IN_RULES });
      set(database, ["items"], { a: { n: 3 }, b: { n: 1 }, c: { n: 2 } });
      const query = parseWireQuery({ l: 2, vf: "l", i: "n" });
      expect(database.read({ namespace: NS, path: ["items"], query, auth: alice })).to.deep.equal({
        status: "ok",
        node: { b: { n: 1 }, c: { n: 2 } },
      });
      expect(
        database.read({ namespace: NS, path: ["items"], query: null, auth: UNAUTHENTICATED }),
      ).to.deep.equal({ status: "permission_denied" });
    });

    it("shows the rules a plain read as ordered by key, and a filtered query as itself", () => {
      const database = new Database({
        defaultRules:
          '{"rules":{".read":"query.orderByKey == true && query.limitToFirst == null"}}',
      });
      set(database, ["items"], { a: 1 });
      const read = (query: ReturnType<typeof parseWireQuery> | null) =>
        database.read({ namespace: NS, path: ["items"], query, auth: alice }).status;
      expect(read(null)).to.equal("ok");
      expect(read(parseWireQuery({ i: ".key" }))).to.equal("ok");
      expect(read(parseWireQuery({ l: 1, vf: "l", i: ".key" }))).to.equal("permission_denied");
      expect(read(parseWireQuery({ l: 1, vf: "l", i: "n" }))).to.equal("permission_denied");
    });
  });

  describe("listen", () => {
    it("returns the current data and pushes a set below the listen at the written path", () => {
      const database = new Database();
      set(database, ["room", "a"], 1);
      const { result, pushes } = listen(database, ["room"]);
      expect(result.status === "ok" && result.data).to.deep.equal({ a: 1 });
      set(database, ["room", "b", "c"], 2);
      expect(pushes).to.deep.equal([{ action: "d", body: { p: "room/b/c", d: 2 } }]);
    });

    it("pushes the listened location when a write replaces an ancestor", () => {
      const database = new Database();
      const { pushes } = listen(database, ["room", "a"]);
      set(database, ["room"], { a: { x: 1 }, b: 2 });
      expect(pushes).to.deep.equal([{ action: "d", body: { p: "room/a", d: { x: 1 } } }]);
    });

    it("does not push to listeners of unrelated or unchanged locations", () => {
      const database = new Database();
      set(database, ["room", "a"], 1);
      const sibling = listen(database, ["other"]);
      const unchanged = listen(database, ["room", "a"]);
      set(database, ["room", "b"], 2);
      update(database, [], { "x/y": 1 });
      expect(sibling.pushes).to.deep.equal([]);
      expect(unchanged.pushes).to.deep.equal([]);
    });

    it("pushes a merge for a multi-path update below the listen, with null deletes", () => {
      const database = new Database();
      set(database, ["items"], { a: 1, b: 2 });
      const { pushes } = listen(database, ["items"]);
      update(database, ["items"], { a: null, "c/d": 3 });
      expect(pushes).to.deep.equal([
        { action: "m", body: { p: "items", d: { a: null, "c/d": 3 } } },
      ]);
    });

    it("pushes a tagged listen's changed children with its tag, and nothing when the window is unchanged", () => {
      const database = new Database();
      set(database, ["q"], { b: { n: 1 }, c: { n: 2 }, d: { n: 5 } });
      const { sink, pushes } = recorder();
      const query = parseWireQuery({ l: 2, vf: "l", i: "n" });
      const result = database.listen({
        namespace: NS,
        path: ["q"],
        query,
        tag: 7,
        auth: () => ADMIN,
        sink,
      });
      expect(result.status === "ok" && result.data).to.deep.equal({ b: { n: 1 }, c: { n: 2 } });
      set(database, ["q", "d", "n"], 6);
      expect(pushes).to.deep.equal([]);
      set(database, ["q", "f"], { n: 0 });
      // f enters the window and c leaves it: one merge, at the query's location.
      expect(pushes).to.deep.equal([
        { action: "m", body: { p: "q", d: { c: null, f: { n: 0 } }, t: 7 } },
      ]);
      pushes.length = 0;
      set(database, ["q", "b", "m"], "x");
      // One child changed within the window: that child alone, whole, at its own path.
      expect(pushes).to.deep.equal([
        { action: "d", body: { p: "q/b", d: { m: "x", n: 1 }, t: 7 } },
      ]);
      pushes.length = 0;
      set(database, ["q"], null);
      expect(pushes).to.deep.equal([{ action: "d", body: { p: "q", d: null, t: 7 } }]);
      pushes.length = 0;
      set(database, ["q", "z"], { n: 3 });
      // From an empty window, the whole window.
      expect(pushes).to.deep.equal([{ action: "d", body: { p: "q", d: { z: { n: 3 } }, t: 7 } }]);
    });

    it("keeps every tagged window equal to a full recomputation across random writes", () => {
      const queries = [
        { l: 3, vf: "l", i: "n" },
        { l: 3, vf: "r", i: "n" },
        { l: 2, vf: "r", i: ".key" },
        { l: 4, vf: "l", i: ".value" },
        { sp: 2, ep: 6, i: "n" },
        { sp: 1, sin: true, l: 2, vf: "l", i: "n" },
        { ep: 5, en: "[MIN_NAME]", ein: false, l: 3, vf: "r", i: "n" },
        { l: 1, vf: "l" },
      ];
      let seed = 42;
      const random = (below: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % below;
      };
      const database = new Database();
      // Each query twice, as two dashboards would listen to it: listeners sharing a window share
      // its recomputation, and each must still end up with the right window.
      const listeners = [...queries, ...queries].map((wire, tag) => {
        const { sink, pushes } = recorder();
        const query = parseWireQuery(wire);
        const result = database.listen({
          namespace: NS,
          path: ["list"],
          query,
          tag,
          auth: () => ADMIN,
          sink,
        });
        return { query, pushes, window: result.status === "ok" ? result.data : null };
      });
      for (let step = 0; step < 400; step++) {
        const key = `k${String(random(12))}`;
        const choice = random(6);
        if (choice === 0) set(database, ["list", key], null);
        else if (choice === 1) set(database, ["list", key], random(8));
        else if (choice === 2) set(database, ["list", key, ".priority"], random(3));
        else if (choice === 3)
          update(database, ["list"], { [`${key}/n`]: random(8), k0: { n: random(8) } });
        else set(database, ["list", key, "n"], random(8));
        for (const listener of listeners) {
          // Applied as the client applies them: a push at the location replaces the window, one at
          // a child replaces that child, a merge replaces each child it names.
          for (const push of listener.pushes) {
            if (push.body === undefined) continue;
            const { p, d } = push.body;
            if (push.action === "d" && p === "list") {
              listener.window = d as typeof listener.window;
              continue;
            }
            const changes: Record<string, unknown> =
              push.action === "m"
                ? { ...(d as Record<string, unknown>) }
                : { [p.slice("list/".length)]: d };
            expect(p.startsWith("list"), `step ${String(step)}`).to.equal(true);
            const next = new Map(Object.entries(listener.window as Record<string, unknown>));
            for (const [key, value] of Object.entries(changes)) {
              expect(key, `step ${String(step)}`).to.not.include("/");
              if (value === null) next.delete(key);
              else next.set(key, value);
            }
            listener.window = (
              next.size === 0 ? null : Object.fromEntries(next)
            ) as typeof listener.window;
          }
          listener.pushes.length = 0;
          const expected = applyQuery(getAt(database.root(NS), ["list"]), listener.query);
          expect(listener.window, `step ${String(step)}`).to.deep.equal(expected);
        }
      }
    });

    it("stops pushing after unlisten", () => {
      const database = new Database();
      const { result, pushes } = listen(database, ["a"]);
      if (result.status !== "ok") throw new Error("listen failed");
      database.unlisten(result.handle);
      set(database, ["a"], 1);
      expect(pushes).to.deep.equal([]);
    });

    it("pushes to listeners before the write returns", () => {
      const database = new Database();
      const { pushes } = listen(database, ["a"]);
      const result = set(database, ["a"], 1);
      expect(result.status).to.equal("ok");
      expect(pushes).to.have.length(1);
    });

    it("denies a listen the rules refuse", () => {
      const database = new Database({ defaultRules: SIGNED_IN_RULES });
      expect(listen(database, ["a"], UNAUTHENTICATED).result.status).to.equal("permission_denied");
      expect(listen(database, ["a"], alice).result.status).to.equal("ok");
    });
  });

  describe("setRules", () => {
    it("revokes listens the new rules deny and keeps the others", () => {
      const database = new Database();
      const user = listen(database, ["a"], alice);
      const guest = listen(database, ["a"], UNAUTHENTICATED);
      database.setRules(NS, SIGNED_IN_RULES);
      expect(guest.pushes).to.deep.equal([{ action: "revoked" }]);
      expect(user.pushes).to.deep.equal([]);
      set(database, ["a"], 1);
      expect(guest.pushes).to.have.length(1);
      expect(user.pushes).to.have.length(1);
    });

    it("stores the text and returns open rules for an untouched namespace", () => {
      const database = new Database();
      expect(JSON.parse(database.getRules("fresh"))).to.deep.equal({
        rules: { ".read": true, ".write": true },
      });
      database.setRules("fresh", SIGNED_IN_RULES);
      expect(database.getRules("fresh")).to.equal(SIGNED_IN_RULES);
    });
  });

  describe("writeStats", () => {
    it("counts each applied write once, its locations and its leaves, by writer", () => {
      const database = new Database({ defaultRules: SIGNED_IN_RULES });
      set(database, ["calls", "c1"], { status: "active", meta: { from: "+1", turns: 2 } });
      update(database, ["calls", "c1"], { status: "ended", "meta/turns": 3, gone: null });
      set(database, ["presence", "alice"], "online", alice);
      expect(set(database, ["x"], 1, UNAUTHENTICATED).status).to.equal("permission_denied");
      expect(database.writeStats(NS)).to.deep.equal({
        admin: { requests: 2, paths: 4, leaves: 6, unchanged: 0, stale: 0 },
        client: { requests: 1, paths: 1, leaves: 1, unchanged: 0, stale: 0 },
      });
      expect(database.writeStats("other").admin.requests, "per namespace").to.equal(0);
    });

    it("counts a write that changes nothing as unchanged and a refused transaction as stale", () => {
      const database = new Database();
      set(database, ["a"], { b: 1 });
      set(database, ["a"], { b: 1 });
      update(database, ["a"], { b: 1, c: 2 });
      const stale = database.write({
        namespace: NS,
        path: ["a"],
        operation: { kind: "set", value: 5 },
        auth: ADMIN,
        hash: "",
      });
      expect(stale.status).to.equal("datastale");
      expect(database.writeStats(NS).admin).to.deep.equal({
        requests: 3,
        paths: 4,
        leaves: 4,
        unchanged: 1,
        stale: 1,
      });
    });

    it("counts an onDisconnect queue run as one write and returns copies", () => {
      const database = new Database({ defaultRules: SIGNED_IN_RULES });
      const request = {
        namespace: NS,
        path: ["presence", "alice"],
        operation: { kind: "set" as const, value: { state: "offline" } },
        auth: alice,
      };
      const before = database.writeStats(NS);
      database.applyOnDisconnect([request, { ...request, path: ["presence", "bob"] }], alice);
      expect(before.client.requests, "a copy, not the live counts").to.equal(0);
      expect(database.writeStats(NS).client).to.include({ requests: 1, paths: 2, leaves: 2 });
    });
  });

  describe("authorizeWrite and applyOnDisconnect", () => {
    it("checks rules at registration and applies later with server values resolved then", () => {
      let now = 1;
      const database = new Database({ defaultRules: SIGNED_IN_RULES, clock: () => now });
      const request = {
        namespace: NS,
        path: ["presence", "alice"],
        operation: { kind: "set" as const, value: { at: { ".sv": "timestamp" } } },
        auth: alice,
      };
      expect(database.authorizeWrite(request).status).to.equal("ok");
      expect(database.authorizeWrite({ ...request, auth: UNAUTHENTICATED }).status).to.equal(
        "permission_denied",
      );
      expect(database.root(NS)).to.equal(null);
      now = 99;
      const { pushes } = listen(database, ["presence"], alice);
      database.applyOnDisconnect([request, { ...request, path: ["presence", "bob"] }], alice);
      expect(database.root(NS)).to.deep.equal({ presence: { alice: { at: 99 }, bob: { at: 99 } } });
      expect(pushes).to.have.length(1);
    });
  });
});
