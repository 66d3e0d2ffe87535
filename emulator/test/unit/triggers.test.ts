import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import * as functionsV1 from "firebase-functions/v1";
import { app as functionsApp } from "firebase-functions/v2";
import {
  onValueCreated,
  onValueDeleted,
  onValueUpdated,
  onValueWritten,
} from "firebase-functions/v2/database";
import { TriggerRegistry, TriggerRegistrationError, deltaFor } from "../../src/engine/triggers.js";
import type { Node } from "../../src/engine/tree.js";
import { ADMIN, UNAUTHENTICATED, type AuthContext, type CommitEvent } from "../../src/engine/types.js";

interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** Stands in for the Functions emulator: records every POST and answers with `status`. */
class FunctionsStub {
  readonly received: Received[] = [];
  status = 200;
  /** Delay before answering, to expose concurrent deliveries. */
  answerAfterMs = 0;
  inFlight = 0;
  maxInFlight = 0;
  private readonly server = http.createServer((request, response) => {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (typeof parsed !== "object" || parsed === null) throw new Error("body is not an object");
      this.received.push({ path: request.url ?? "", body: { ...parsed } });
      setTimeout(() => {
        this.inFlight--;
        response.statusCode = this.status;
        response.end(this.status === 200 ? '{"status":"acknowledged"}' : "");
      }, this.answerAfterMs);
    });
  });

  async start(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = this.server.address() as AddressInfo;
    return { host: "127.0.0.1", port: address.port };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  bodies(): Record<string, unknown>[] {
    return this.received.map((entry) => entry.body);
  }
}

function v2Bundle(key: string, path: string, kind = "written", namespacePattern = "*"): object {
  return {
    name: `projects/demo-trig/locations/us-central1/triggers/${key}`,
    path,
    event: `google.firebase.database.ref.v1.${kind}`,
    topic: `projects/demo-trig/topics/${key}`,
    namespacePattern,
  };
}

function v1Bundle(key: string, path: string, kind = "write"): object {
  return {
    name: `projects/demo-trig/locations/_/functions/${key}`,
    path,
    event: `providers/google.firebase.database/eventTypes/ref.${kind}`,
    topic: `projects/demo-trig/topics/${key}`,
  };
}

function commit(
  namespace: string,
  before: Node,
  after: Node,
  auth: AuthContext = ADMIN,
  fireTriggers = true,
): CommitEvent {
  return { namespace, before, after, auth, fireTriggers };
}

const V2_DATA = {
  "@type": "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData",
};

const ALICE: AuthContext = {
  admin: false,
  variable: { uid: "alice", provider: "custom", token: { sub: "alice", role: "nurse" } },
};

let namespaceCounter = 0;
function freshNamespace(): string {
  namespaceCounter++;
  return `ns-${Date.now().toString(36)}-${namespaceCounter}`;
}

describe("TriggerRegistry", () => {
  let stub: FunctionsStub;
  let registry: TriggerRegistry;
  let errors: string[];

  beforeEach(async () => {
    stub = new FunctionsStub();
    errors = [];
    registry = new TriggerRegistry({
      functionsEmulator: await stub.start(),
      logError: (message) => errors.push(message),
    });
  });

  afterEach(async () => {
    registry.close();
    await stub.stop();
  });

  it("posts a v2 CloudEvent to the trigger's route", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-onIn-0", "in/{id}"));
    registry.handleCommit(commit(ns, null, { in: { a: { n: 1 } } }));
    await registry.idle();

    expect(stub.received).to.have.length(1);
    const [delivery] = stub.received;
    expect(delivery?.path).to.equal("/functions/projects/demo-trig/triggers/us-central1-onIn-0");
    const body = delivery?.body ?? {};
    expect(body).to.include({
      specversion: "1.0",
      type: "google.firebase.database.ref.v1.written",
      source: `//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/${ns}`,
      subject: "refs/in/a",
      instance: ns,
      ref: "in/a",
      location: "us-central1",
      firebasedatabasehost: "firebaseio.com",
      authtype: "admin",
    });
    expect(body["id"]).to.be.a("string").and.not.empty;
    expect(Number.isNaN(Date.parse(String(body["time"])))).to.equal(false);
    expect(body["data"]).to.deep.equal({
      "@type": "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData",
      data: null,
      delta: { n: 1 },
    });
    expect(errors).to.deep.equal([]);
  });

  it("posts a v1 legacy body with resource, params and auth", async () => {
    const ns = freshNamespace();
    registry.register(ns, v1Bundle("us-central1-v1in-0", "/in/{id}", "create"));
    registry.handleCommit(commit(ns, null, { in: { b: "x" } }, ALICE));
    await registry.idle();

    expect(stub.received.map((entry) => entry.path)).to.deep.equal([
      "/functions/projects/demo-trig/triggers/us-central1-v1in-0",
    ]);
    const body = stub.received[0]?.body ?? {};
    expect(body).to.include({
      eventType: "providers/google.firebase.database/eventTypes/ref.create",
      resource: `projects/_/instances/${ns}/refs/in/b`,
    });
    expect(body["params"]).to.deep.equal({ id: "b" });
    expect(body["auth"]).to.deep.equal({
      admin: false,
      variable: { uid: "alice", provider: "custom", token: { sub: "alice", role: "nurse" } },
    });
    expect(body["data"]).to.deep.equal({ data: null, delta: "x" });
  });

  it("reports app_user and unauthenticated auth types in v2 events", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-auth-0", "who/{id}"));
    registry.handleCommit(commit(ns, null, { who: { a: 1 } }, ALICE));
    registry.handleCommit(commit(ns, { who: { a: 1 } }, { who: { a: 1, b: 2 } }, UNAUTHENTICATED));
    await registry.idle();

    expect(stub.bodies().map((body) => [body["authtype"], body["authid"]])).to.deep.equal([
      ["app_user", "alice"],
      ["unauthenticated", undefined],
    ]);
  });

  it("fires one event per matched child when a parent is written", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-each-0", "in/{id}"));
    registry.handleCommit(commit(ns, null, { in: { a: 1, b: 2, c: 3 } }));
    await registry.idle();

    const refs = stub.bodies().map((body) => body["ref"]);
    expect(refs).to.have.members(["in/a", "in/b", "in/c"]);
    expect(refs).to.have.length(3);
  });

  it("fires at the pattern's location for writes below it, and not for unchanged siblings", async () => {
    const ns = freshNamespace();
    const before = { calls: { c1: { status: "active", n: 1 }, c2: { status: "active" } } };
    const after = { calls: { c1: { status: "active", n: 2 }, c2: before.calls.c2 } };
    registry.register(undefined, v2Bundle("us-central1-calls-0", "calls/{callId}"));
    registry.handleCommit(commit(ns, before, after));
    await registry.idle();

    expect(stub.bodies().map((body) => body["ref"])).to.deep.equal(["calls/c1"]);
    expect(stub.bodies()[0]?.["data"]).to.deep.include({
      data: { status: "active", n: 1 },
      delta: { status: "active", n: 2 },
    });
  });

  it("sends explicit nulls in the delta for keys that disappeared", async () => {
    const ns = freshNamespace();
    const before = { in: { x: { a: 1, b: 2, nested: { p: 1, q: 2 } } } };
    const after = { in: { x: { a: 1, nested: { p: 1 } } } };
    registry.register(undefined, v2Bundle("us-central1-delta-0", "in/{id}"));
    registry.handleCommit(commit(ns, before, after));
    await registry.idle();

    expect(stub.bodies()[0]?.["data"]).to.deep.include({
      data: { a: 1, b: 2, nested: { p: 1, q: 2 } },
      delta: { a: 1, b: null, nested: { p: 1, q: null } },
    });
  });

  it("classifies created, updated and deleted locations of one commit", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-created-0", "items/{id}", "created"));
    registry.register(undefined, v2Bundle("us-central1-updated-0", "items/{id}", "updated"));
    registry.register(undefined, v2Bundle("us-central1-deleted-0", "items/{id}", "deleted"));
    registry.register(undefined, v2Bundle("us-central1-written-0", "items/{id}", "written"));
    const before = { items: { old: 1, kept: 2 } };
    const after = { items: { kept: 3, fresh: 4 } };
    registry.handleCommit(commit(ns, before, after));
    await registry.idle();

    const byKey = (key: string): unknown[] =>
      stub.received
        .filter((entry) => entry.path.endsWith(`/${key}`))
        .map((entry) => entry.body["ref"]);
    expect(byKey("us-central1-created-0")).to.deep.equal(["items/fresh"]);
    expect(byKey("us-central1-updated-0")).to.deep.equal(["items/kept"]);
    expect(byKey("us-central1-deleted-0")).to.deep.equal(["items/old"]);
    expect(byKey("us-central1-written-0")).to.have.members([
      "items/old",
      "items/kept",
      "items/fresh",
    ]);
    const deleted = stub.received.find((entry) => entry.path.endsWith("/us-central1-deleted-0"));
    expect(deleted?.body["type"]).to.equal("google.firebase.database.ref.v1.deleted");
    expect(deleted?.body["data"]).to.deep.include({ data: 1, delta: null });
  });

  it("matches a trailing {x=**} at the deepest location holding the change", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-deep-0", "logs/{rest=**}"));
    const before = { logs: { a: { b: { c: 1, keep: true } } } };
    const after = { logs: { a: { b: { c: 2, keep: true } } } };
    registry.handleCommit(commit(ns, before, after));
    await registry.idle();

    expect(stub.bodies().map((body) => body["ref"])).to.deep.equal(["logs/a/b/c"]);
    expect(stub.bodies()[0]?.["data"]).to.deep.include({ data: 1, delta: 2 });
  });

  it("splits a trailing {x=**} into one event per changed child when several changed", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-split-0", "logs/{rest=**}"));
    registry.handleCommit(
      commit(ns, { logs: { a: { x: 1 } } }, { logs: { b: { y: { z: 2 } }, c: 3 } }),
    );
    await registry.idle();

    const seen = stub.bodies().map((body) => [body["ref"], body["data"]]);
    expect(seen).to.have.deep.members([
      ["logs/a/x", { ...V2_DATA, data: 1, delta: null }],
      ["logs/b/y/z", { ...V2_DATA, data: null, delta: 2 }],
      ["logs/c", { ...V2_DATA, data: null, delta: 3 }],
    ]);
  });

  it("matches {x=**} followed by more segments at every depth", async () => {
    const ns = freshNamespace();
    registry.register(ns, v1Bundle("us-central1-any-0", "/{any=**}/status"));
    const after = { a: { status: 1, b: { c: { status: 2 } } } };
    registry.handleCommit(commit(ns, null, after));
    await registry.idle();

    const seen = stub.bodies().map((body) => [body["resource"], body["params"]]);
    expect(seen).to.have.deep.members([
      [`projects/_/instances/${ns}/refs/a/status`, { any: "a" }],
      [`projects/_/instances/${ns}/refs/a/b/c/status`, { any: "a/b/c" }],
    ]);
  });

  it("applies v2 namespace patterns and v1 namespaces", async () => {
    const suffix = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-glob-0", "x", "written", `my-db-*`));
    registry.register(undefined, v2Bundle("us-central1-fixed-0", "x", "written", `only-${suffix}`));
    registry.register(`v1-${suffix}`, v1Bundle("us-central1-v1ns-0", "/x"));
    registry.register(undefined, v1Bundle("us-central1-v1default-0", "/x"));
    for (const ns of [
      `my-db-${suffix}`,
      `only-${suffix}`,
      `v1-${suffix}`,
      "fake-server",
      "other",
    ]) {
      registry.handleCommit(commit(ns, null, { x: ns }));
    }
    await registry.idle();

    const fired = stub.received.map((entry) => [entry.path.split("/").pop(), entry.body["data"]]);
    expect(fired).to.have.deep.members([
      ["us-central1-glob-0", { ...V2_DATA, data: null, delta: `my-db-${suffix}` }],
      ["us-central1-fixed-0", { ...V2_DATA, data: null, delta: `only-${suffix}` }],
      ["us-central1-v1ns-0", { data: null, delta: `v1-${suffix}` }],
      ["us-central1-v1default-0", { data: null, delta: "fake-server" }],
    ]);
  });

  it("replaces an older generation of a re-registered trigger", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-gen-0", "g/{id}"));
    registry.register(undefined, v2Bundle("us-central1-gen-1", "g/{id}"));
    registry.register(undefined, v2Bundle("us-central1-gen-1", "g/{id}"));
    registry.handleCommit(commit(ns, null, { g: { a: 1 } }));
    await registry.idle();

    expect(registry.names()).to.deep.equal([
      "projects/demo-trig/locations/us-central1/triggers/us-central1-gen-1",
    ]);
    expect(stub.received.map((entry) => entry.path)).to.deep.equal([
      "/functions/projects/demo-trig/triggers/us-central1-gen-1",
    ]);
  });

  it("fires nothing for commits without fireTriggers or without a visible change", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-quiet-0", "q/{id}"));
    registry.handleCommit(commit(ns, null, { q: { a: 1 } }, ADMIN, false));
    // Same value rebuilt as new objects, and a priority-only change: the function would see no change.
    registry.handleCommit(commit(ns, { q: { a: { v: 1 } } }, { q: { a: { v: 1 } } }));
    registry.handleCommit(
      commit(ns, { q: { b: 1 } }, { q: { b: { ".value": 1, ".priority": 5 } } }),
    );
    await registry.idle();

    expect(stub.received).to.deep.equal([]);
  });

  it("strips priorities from payload values", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-prio-0", "p/{id}"));
    registry.handleCommit(
      commit(ns, null, { p: { a: { ".priority": 3, x: { ".value": "v", ".priority": "q" } } } }),
    );
    await registry.idle();

    expect(stub.bodies()[0]?.["data"]).to.deep.include({ data: null, delta: { x: "v" } });
  });

  it("carries a __proto__ key in payload values", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-proto-0", "k/{id}"));
    const after = JSON.parse('{"k":{"a":{"__proto__":{"x":1}}}}') as Node;
    registry.handleCommit(commit(ns, null, after));
    await registry.idle();

    expect(JSON.stringify(stub.bodies()[0]?.["data"])).to.contain('"delta":{"__proto__":{"x":1}}');
  });

  it("delivers one trigger's events one at a time in commit order", async () => {
    const ns = freshNamespace();
    stub.answerAfterMs = 5;
    registry.register(undefined, v2Bundle("us-central1-order-0", "counter"));
    let value: Node = null;
    for (let count = 1; count <= 8; count++) {
      registry.handleCommit(
        commit(ns, value === null ? null : { counter: value }, { counter: count }),
      );
      value = count;
    }
    await registry.idle();

    expect(stub.bodies().map((body) => (body["data"] as { delta: unknown }).delta)).to.deep.equal([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(stub.maxInFlight).to.equal(1);
  });

  it("logs each failed delivery once and keeps going; a 204 is not a failure", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-fail-0", "f/{id}"));
    stub.status = 500;
    registry.handleCommit(commit(ns, null, { f: { a: 1 } }));
    await registry.idle();
    stub.status = 204;
    registry.handleCommit(commit(ns, { f: { a: 1 } }, { f: { a: 2 } }));
    await registry.idle();

    expect(stub.received).to.have.length(2);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/us-central1-fail-0.*HTTP 500/);
  });

  it("logs an unreachable Functions emulator without throwing", async () => {
    const ns = freshNamespace();
    const closed = new FunctionsStub();
    const address = await closed.start();
    await closed.stop();
    const unreachable = new TriggerRegistry({
      functionsEmulator: address,
      logError: (message) => errors.push(message),
    });
    unreachable.register(undefined, v2Bundle("us-central1-gone-0", "u/{id}"));
    unreachable.handleCommit(commit(ns, null, { u: { a: 1, b: 2 } }));
    await unreachable.idle();
    unreachable.close();

    expect(errors).to.have.length(2);
    expect(errors[0]).to.match(/us-central1-gone-0: delivery failed/);
  });

  it("rejects malformed bundles", () => {
    const bad: unknown[] = [
      null,
      [],
      { path: "a", event: "google.firebase.database.ref.v1.written", namespacePattern: "*" },
      {
        name: "projects/p/locations/us-central1/triggers/k",
        path: "a",
        event: "nope",
        namespacePattern: "*",
      },
      {
        name: "nothing",
        path: "a",
        event: "google.firebase.database.ref.v1.written",
        namespacePattern: "*",
      },
      { ...v2Bundle("k-0", "a"), namespacePattern: 3 },
      v2Bundle("k-0", "a/{bad"),
    ];
    for (const bundle of bad) {
      expect(() => {
        registry.register(undefined, bundle);
      }, JSON.stringify(bundle)).to.throw(TriggerRegistrationError);
    }
    expect(registry.names()).to.deep.equal([]);
  });
});

describe("deltaFor", () => {
  it("returns the after value with explicit nulls for removed keys, recursively", () => {
    expect(deltaFor({ a: 1, b: { c: 1, d: 2 }, e: 3 }, { a: 2, b: { c: 1 } })).to.deep.equal({
      a: 2,
      b: { c: 1, d: null },
      e: null,
    });
  });

  it("keeps a __proto__ key as data", () => {
    const before: unknown = JSON.parse('{"__proto__":{"a":1},"b":1}');
    const after: unknown = JSON.parse('{"b":2,"c":{"__proto__":3}}');
    expect(JSON.stringify(deltaFor(before, after))).to.equal(
      '{"__proto__":null,"b":2,"c":{"__proto__":3}}',
    );
  });

  it("returns the after value when either side is not an object", () => {
    expect(deltaFor(null, { a: 1 })).to.deep.equal({ a: 1 });
    expect(deltaFor({ a: 1 }, null)).to.equal(null);
    expect(deltaFor({ a: 1 }, 5)).to.equal(5);
    expect(deltaFor(5, { a: { b: 1 } })).to.deep.equal({ a: { b: 1 } });
  });
});

/**
 * Feeds the payloads through the real firebase-functions handlers, the way the Functions emulator's
 * runtime does: CloudEvents as they are, legacy bodies split into `data` and the rest as context.
 */
describe("TriggerRegistry payloads in firebase-functions", () => {
  let stub: FunctionsStub;
  let registry: TriggerRegistry;
  let adminApp: App;

  before(() => {
    adminApp = initializeApp({ projectId: "demo-trig" }, "trigger-payloads");
    functionsApp.setEmulatedAdminApp(adminApp);
  });

  after(async () => {
    functionsApp.setEmulatedAdminApp(undefined);
    await deleteApp(adminApp);
  });

  beforeEach(async () => {
    stub = new FunctionsStub();
    registry = new TriggerRegistry({ functionsEmulator: await stub.start() });
  });

  afterEach(async () => {
    registry.close();
    await stub.stop();
  });

  async function deliveredBodies(event: CommitEvent): Promise<Record<string, unknown>[]> {
    registry.handleCommit(event);
    await registry.idle();
    return stub.bodies();
  }

  it("gives onValueWritten the right before, after, params and auth", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-w-0", "tenants/{tenant}/calls/{callId}"));
    const before = { tenants: { t1: { calls: { c1: { status: "active", urgency: "normal" } } } } };
    const after = { tenants: { t1: { calls: { c1: { status: "ended" } } } } };
    const [body] = await deliveredBodies(commit(ns, before, after, ALICE));

    let seen: unknown;
    const handler = onValueWritten({ ref: "tenants/{tenant}/calls/{callId}" }, (event) => {
      seen = {
        before: event.data.before.val() as unknown,
        after: event.data.after.val() as unknown,
        params: event.params,
        authType: event.authType,
        authId: event.authId,
        instance: event.instance,
        ref: event.data.after.key,
      };
    });
    await handler(body as never);

    expect(seen).to.deep.equal({
      before: { status: "active", urgency: "normal" },
      after: { status: "ended" },
      params: { tenant: "t1", callId: "c1" },
      authType: "app_user",
      authId: "alice",
      instance: ns,
      ref: "c1",
    });
  });

  it("gives onValueCreated, onValueUpdated and onValueDeleted their snapshots", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-c-0", "m/{id}", "created"));
    registry.register(undefined, v2Bundle("us-central1-u-0", "m/{id}", "updated"));
    registry.register(undefined, v2Bundle("us-central1-d-0", "m/{id}", "deleted"));
    const before = { m: { gone: { t: "bye" }, kept: { t: "old", x: 1 } } };
    const after = { m: { kept: { t: "new" }, born: { t: "hi" } } };
    const bodies = await deliveredBodies(commit(ns, before, after));
    const bodyOf = (type: string): unknown =>
      bodies.find((body) => body["type"] === `google.firebase.database.ref.v1.${type}`);

    const seen: Record<string, unknown> = {};
    await onValueCreated("m/{id}", (event) => {
      seen["created"] = [event.params["id"], event.data.val()];
    })(bodyOf("created") as never);
    await onValueUpdated("m/{id}", (event) => {
      seen["updated"] = [event.params["id"], event.data.before.val(), event.data.after.val()];
    })(bodyOf("updated") as never);
    await onValueDeleted("m/{id}", (event) => {
      seen["deleted"] = [event.params["id"], event.data.val()];
    })(bodyOf("deleted") as never);

    expect(seen).to.deep.equal({
      created: ["born", { t: "hi" }],
      updated: ["kept", { t: "old", x: 1 }, { t: "new" }],
      deleted: ["gone", { t: "bye" }],
    });
  });

  it("gives a {x=**} handler the multi-segment param", async () => {
    const ns = freshNamespace();
    registry.register(undefined, v2Bundle("us-central1-deep-0", "logs/{rest=**}"));
    const [body] = await deliveredBodies(commit(ns, null, { logs: { a: { b: { c: 1 } } } }));

    let seen: unknown;
    await onValueWritten("logs/{rest=**}", (event) => {
      seen = [event.params["rest"], event.data.after.val()];
    })(body as never);
    expect(seen).to.deep.equal(["a/b/c", 1]);
  });

  it("gives the v1 onWrite handler the right change, params and auth", async () => {
    const ns = freshNamespace();
    registry.register(ns, v1Bundle("us-central1-v1w-0", "/rooms/{room}/members/{uid}"));
    const before = { rooms: { r1: { members: { u1: { name: "A", role: "x" } } } } };
    const after = { rooms: { r1: { members: { u1: { name: "B" } } } } };
    const [body] = await deliveredBodies(commit(ns, before, after, ALICE));

    let seen: unknown;
    const cloudFunction = functionsV1.database
      .instance(ns)
      .ref("/rooms/{room}/members/{uid}")
      .onWrite((change, context) => {
        seen = {
          before: change.before.val() as unknown,
          after: change.after.val() as unknown,
          params: context.params,
          authType: context.authType,
          auth: context.auth,
          resource: context.resource.name,
        };
      });
    const { data, ...context } = body ?? {};
    await cloudFunction(data, context);

    expect(seen).to.deep.equal({
      before: { name: "A", role: "x" },
      after: { name: "B" },
      params: { room: "r1", uid: "u1" },
      authType: "USER",
      auth: { uid: "alice", token: { sub: "alice", role: "nurse" } },
      resource: `projects/_/instances/${ns}/refs/rooms/r1/members/u1`,
    });
  });

  it("gives the v1 onDelete handler the old data and ADMIN auth", async () => {
    const ns = freshNamespace();
    registry.register(ns, v1Bundle("us-central1-v1d-0", "/rooms/{room}", "delete"));
    const [body] = await deliveredBodies(commit(ns, { rooms: { r9: { a: 1 } } }, null));

    let seen: unknown;
    const cloudFunction = functionsV1.database
      .instance(ns)
      .ref("/rooms/{room}")
      .onDelete((snapshot, context) => {
        seen = [snapshot.val(), context.params, context.authType, context.auth];
      });
    const { data, ...context } = body ?? {};
    await cloudFunction(data, context);

    expect(seen).to.deep.equal([{ a: 1 }, { room: "r9" }, "ADMIN", undefined]);
  });
});
