/**
 * The Listen stream as the Admin SDK's `onSnapshot` drives it, over a gRPC server carrying the
 * Listen handler and a Commit handler over the engine; then the raw protocol (resume tokens, RESET,
 * removeTarget, refused targets) through a plain gRPC client speaking protobuf-JSON.
 */
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { Firestore, type DocumentSnapshot, type QuerySnapshot } from "@google-cloud/firestore";
import { commit, type Write } from "../../../src/firestore/commit.js";
import { FirestoreError } from "../../../src/firestore/errors.js";
import { listenHandler, resumeToken } from "../../../src/firestore/listen.js";
import { DocumentStore } from "../../../src/firestore/store.js";
import { formatTimestamp, parseTimestamp } from "../../../src/firestore/values.js";
import {
  bidi,
  firestoreService,
  unary,
  type FirestoreHandlers,
} from "../../../src/firestore/wire/grpc.js";
import {
  loadFirestoreProtos,
  type Json,
  firestoreProtoDir,
} from "../../../src/firestore/wire/protojson.js";

const PROTOS = firestoreProtoDir();
const PROJECT = "demo-listen";
const DATABASE = `projects/${PROJECT}/databases/(default)`;
const ROOT = `${DATABASE}/documents`;

const n = (value: number): Json => ({ integerValue: String(value) });

/** Values pushed by a callback, awaited one at a time: tests wait on data, never on a clock. */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];
  count = 0;

  push = (item: T): void => {
    this.count++;
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.items.push(item);
    else waiter(item);
  };

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function record(value: Json | undefined): Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

function text(value: Json | undefined): string {
  return typeof value === "string" ? value : "";
}

/** A response's kind and the parts the assertions read. */
function describeResponse(response: Json): string {
  const r = record(response);
  const change = record(r.targetChange);
  if (r.targetChange !== undefined) {
    const ids = (change.targetIds ?? []) as number[];
    return `${text(change.targetChangeType) || "NO_CHANGE"}${ids.length > 0 ? `:${ids.join(",")}` : ""}`;
  }
  if (r.documentChange !== undefined) {
    const name = text(record(record(r.documentChange).document).name);
    return `change:${name.slice(ROOT.length + 1)}`;
  }
  if (r.documentDelete !== undefined) {
    return `delete:${text(record(r.documentDelete).document).slice(ROOT.length + 1)}`;
  }
  if (r.documentRemove !== undefined) {
    return `remove:${text(record(r.documentRemove).document).slice(ROOT.length + 1)}`;
  }
  return JSON.stringify(response);
}

describe("Firestore Listen", function () {
  let server: grpc.Server;
  let db: Firestore;
  let address: string;
  let previousHost: string | undefined;
  let refuse: string | undefined;
  const store = new DocumentStore();
  const streamsEnded = new Inbox<true>();
  let openStreams = 0;
  /** Runs, and then ends the stream from the server side, after the next consistent snapshot. */
  let dropAfterSnapshot: (() => void) | undefined;
  const received: Json[] = [];
  const root = loadFirestoreProtos(PROTOS);

  const listen = listenHandler({
    store,
    gate: {
      check(_parent, query) {
        const field = query.orderBy?.[0]?.field.fieldPath;
        if (refuse !== undefined && field === refuse)
          throw new FirestoreError(
            "FAILED_PRECONDITION",
            `The query requires an index on ${field}.`,
          );
      },
    },
  });
  const handlers: FirestoreHandlers = {
    Commit: unary((request) =>
      Promise.resolve(commit(store, (record(request).writes ?? []) as Write[]) as unknown as Json),
    ),
    Listen: bidi(async (requests, send, metadata, signal) => {
      if (listen.kind !== "bidi") throw new Error("Listen must be a bidi handler");
      openStreams++;
      // The server ending a stream (as production does now and then) makes the SDK resume.
      const ended = new AbortController();
      signal.addEventListener("abort", () => {
        ended.abort();
      });
      const sendOrDrop = (response: Json) => {
        send(response);
        const change = record(record(response).targetChange);
        const drop = dropAfterSnapshot;
        if (drop !== undefined && change.targetChangeType === "NO_CHANGE") {
          dropAfterSnapshot = undefined;
          queueMicrotask(() => {
            drop();
            ended.abort();
          });
        }
      };
      async function* recorded() {
        for await (const request of requests) {
          received.push(request);
          yield request;
        }
      }
      try {
        await listen.run(recorded(), sendOrDrop, metadata, ended.signal);
      } finally {
        openStreams--;
        streamsEnded.push(true);
      }
    }),
  };

  const put = (path: string, fields: Record<string, Json>) =>
    commit(store, [{ update: { name: `${ROOT}/${path}`, fields } } as unknown as Write]);
  const del = (path: string) => commit(store, [{ delete: `${ROOT}/${path}` }]);

  before(async function () {
    const { definition, implementation } = firestoreService(root, handlers);
    server = new grpc.Server();
    server.addService(definition, implementation);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    address = `127.0.0.1:${port}`;
    previousHost = process.env.FIRESTORE_EMULATOR_HOST;
    process.env.FIRESTORE_EMULATOR_HOST = address;
    db = new Firestore({ projectId: PROJECT });
  });

  after(async function () {
    await db.terminate();
    if (previousHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previousHost;
    server.forceShutdown();
  });

  beforeEach(function () {
    refuse = undefined;
    store.clear();
  });

  describe("through the Admin SDK", function () {
    it("shows a document listener the initial value, an update and a delete", async function () {
      await db.doc("calls/a").set({ status: "open" });
      const seen = new Inbox<DocumentSnapshot>();
      const stop = db.doc("calls/a").onSnapshot(seen.push);
      const first = await seen.next();
      expect(first.exists).to.equal(true);
      expect(first.get("status")).to.equal("open");
      await db.doc("calls/a").update({ status: "closed" });
      const updated = await seen.next();
      expect(updated.get("status")).to.equal("closed");
      expect(updated.updateTime?.toMillis()).to.be.greaterThan(first.updateTime?.toMillis() ?? 0);
      await db.doc("calls/a").delete();
      const deleted = await seen.next();
      expect(deleted.exists).to.equal(false);
      stop();
    });

    it("shows a document listener nothing of another document's writes", async function () {
      const seen = new Inbox<DocumentSnapshot>();
      const stop = db.doc("calls/watched").onSnapshot(seen.push);
      expect((await seen.next()).exists).to.equal(false);
      await db.doc("calls/other").set({ status: "open" });
      await db.doc("calls/other").delete();
      await db.doc("calls/watched").set({ n: 1 });
      const next = await seen.next();
      expect(next.get("n")).to.equal(1);
      expect(seen.count).to.equal(2);
      stop();
    });

    it("gives a query listener added, modified and removed changes in order, and the right docs", async function () {
      await db.doc("calls/a").set({ status: "open", at: 1 });
      await db.doc("calls/b").set({ status: "open", at: 2 });
      await db.doc("calls/c").set({ status: "closed", at: 3 });
      const seen = new Inbox<QuerySnapshot>();
      const stop = db
        .collection("calls")
        .where("status", "==", "open")
        .orderBy("at", "desc")
        .limit(2)
        .onSnapshot(seen.push);
      const changes = (s: QuerySnapshot) =>
        s.docChanges().map((c) => `${c.type}:${c.doc.id}:${c.oldIndex}>${c.newIndex}`);
      const ids = (s: QuerySnapshot) => s.docs.map((d) => d.id);

      const initial = await seen.next();
      expect(ids(initial)).to.deep.equal(["b", "a"]);
      expect(changes(initial)).to.deep.equal(["added:b:-1>0", "added:a:-1>1"]);

      await db.doc("calls/d").set({ status: "open", at: 4 }); // enters on top, pushes a out
      const entered = await seen.next();
      expect(ids(entered)).to.deep.equal(["d", "b"]);
      expect(changes(entered)).to.deep.equal(["removed:a:1>-1", "added:d:-1>0"]);

      await db.doc("calls/b").update({ note: "called back" });
      const modified = await seen.next();
      expect(changes(modified)).to.deep.equal(["modified:b:1>1"]);
      expect(modified.docs[1]?.get("note")).to.equal("called back");

      await db.doc("calls/d").update({ status: "closed" }); // leaves; a comes back
      const left = await seen.next();
      expect(ids(left)).to.deep.equal(["b", "a"]);
      expect(changes(left)).to.deep.equal(["removed:d:0>-1", "added:a:-1>1"]);
      stop();
    });

    it("raises no query snapshot for a write the query does not match", async function () {
      const seen = new Inbox<QuerySnapshot>();
      const stop = db.collection("calls").where("status", "==", "open").onSnapshot(seen.push);
      expect((await seen.next()).size).to.equal(0);
      await db.doc("calls/x").set({ status: "closed" });
      await db.doc("other/y").set({ status: "open" });
      await db.doc("calls/z").set({ status: "open" });
      const next = await seen.next();
      expect(next.docs.map((d) => d.id)).to.deep.equal(["z"]);
      expect(seen.count).to.equal(2);
      stop();
    });

    it("reports a query the index gate refuses through onError, with production's code", async function () {
      refuse = "at";
      const errors = new Inbox<Error>();
      const seen = new Inbox<QuerySnapshot>();
      db.collection("calls").orderBy("at").onSnapshot(seen.push, errors.push);
      const error = await errors.next();
      expect(error.message).to.equal("Error 9: The query requires an index on at.");
      expect(seen.count).to.equal(0);
    });

    it("serves two listeners on one client, each its own changes", async function () {
      const first = new Inbox<DocumentSnapshot>();
      const second = new Inbox<QuerySnapshot>();
      const stopFirst = db.doc("calls/one").onSnapshot(first.push);
      const stopSecond = db.collection("lines").onSnapshot(second.push);
      expect((await first.next()).exists).to.equal(false);
      expect((await second.next()).size).to.equal(0);
      await db.doc("calls/one").set({ n: 1 });
      await db.doc("lines/l1").set({ n: 2 });
      expect((await first.next()).get("n")).to.equal(1);
      const lines = await second.next();
      expect(lines.docs.map((d) => d.id)).to.deep.equal(["l1"]);
      expect(first.count).to.equal(2);
      expect(second.count).to.equal(2);
      stopFirst();
      stopSecond();
    });

    it("ends the server's stream when a listener unsubscribes, and the other one goes on", async function () {
      while (openStreams > 0) await streamsEnded.next();
      const kept = new Inbox<DocumentSnapshot>();
      const dropped = new Inbox<DocumentSnapshot>();
      const stopKept = db.doc("calls/kept").onSnapshot(kept.push);
      const stopDropped = db.doc("calls/dropped").onSnapshot(dropped.push);
      await kept.next();
      await dropped.next();
      expect(openStreams).to.equal(2);
      stopDropped();
      while (openStreams > 1) await streamsEnded.next();
      await db.doc("calls/dropped").set({ n: 1 });
      await db.doc("calls/kept").set({ n: 2 });
      expect((await kept.next()).get("n")).to.equal(2);
      expect(dropped.count).to.equal(1);
      stopKept();
      while (openStreams > 0) await streamsEnded.next();
      expect(openStreams).to.equal(0);
    });

    it("resumes with its token after the server ends the stream, and gets what changed meanwhile", async function () {
      await db.doc("calls/r").set({ n: 1 });
      received.length = 0;
      // Written after the snapshot is sent and before the stream ends: the SDK learns of it only
      // by resuming.
      dropAfterSnapshot = () => put("calls/r", { n: n(2) });
      const seen = new Inbox<DocumentSnapshot>();
      const stop = db.doc("calls/r").onSnapshot(seen.push);
      expect((await seen.next()).get("n")).to.equal(1);
      expect((await seen.next()).get("n")).to.equal(2);
      const tokens = received.map((r) => record(record(r).addTarget).resumeToken);
      expect(tokens).to.have.length(2);
      expect(tokens[0]).to.equal(undefined);
      expect(tokens[1]).to.be.a("string").and.not.equal("");
      expect(seen.count).to.equal(2);
      stop();
    });
  });

  describe("the protocol", function () {
    let client: grpc.Client;

    before(function () {
      client = new grpc.Client(address, grpc.credentials.createInsecure());
    });
    after(function () {
      client.close();
    });

    function open() {
      const { definition } = firestoreService(root, {});
      const method = definition.Listen as grpc.MethodDefinition<Json, Json>;
      const call = client.makeBidiStreamRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
      );
      const responses = new Inbox<Json>();
      call.on("data", responses.push);
      call.on("error", () => undefined);
      const take = async (n: number) => {
        const out: Json[] = [];
        for (let i = 0; i < n; i++) out.push(await responses.next());
        return out;
      };
      return {
        call,
        take,
        kinds: async (n: number) => (await take(n)).map(describeResponse),
        add: (target: Record<string, Json>) =>
          call.write({ database: DATABASE, addTarget: target }),
      };
    }

    const docs = (...paths: string[]) => ({ documents: paths.map((p) => `${ROOT}/${p}`) });

    it("sends ADD, the documents, CURRENT, then NO_CHANGE with a read time and token; later each commit's changes", async function () {
      put("c/a", { n: n(1) });
      const stream = open();
      stream.add({ targetId: 7, documents: docs("c/a", "c/b") });
      const initial = await stream.take(4);
      expect(initial.map(describeResponse)).to.deep.equal([
        "ADD:7",
        "change:c/a",
        "CURRENT:7",
        "NO_CHANGE",
      ]);
      const consistent = record(record(initial[3]).targetChange);
      expect(consistent.readTime).to.be.a("string");
      expect(consistent.resumeToken).to.be.a("string").and.not.equal("");
      const { commitTime } = put("c/b", { n: n(2) });
      const later = await stream.take(2);
      expect(later.map(describeResponse)).to.deep.equal(["change:c/b", "NO_CHANGE"]);
      // Consistent at the commit or later (the stream may flush a moment after the commit).
      const readTime = record(record(later[1]).targetChange).readTime;
      if (typeof readTime !== "string") expect.fail("NO_CHANGE without a read time");
      expect(parseTimestamp(readTime) >= parseTimestamp(commitTime)).to.equal(true);
      del("c/a");
      expect(await stream.kinds(2)).to.deep.equal(["delete:c/a", "NO_CHANGE"]);
      stream.call.end();
    });

    it("resumes from a token with only what changed since, and resets for an unknown token", async function () {
      put("c/a", { n: n(1) });
      put("c/b", { n: n(1) });
      put("c/gone", { n: n(1) });
      const since = store.currentReadTime();
      put("c/b", { n: n(2) });
      del("c/gone");
      put("c/new", { n: n(3) });
      const query = {
        parent: ROOT,
        structuredQuery: { from: [{ collectionId: "c" }] },
      };
      const resumed = open();
      resumed.add({ targetId: 1, query, resumeToken: resumeToken(since) });
      expect(await resumed.kinds(6)).to.deep.equal([
        "ADD:1",
        "change:c/b",
        "change:c/new",
        "delete:c/gone",
        "CURRENT:1",
        "NO_CHANGE",
      ]);
      resumed.call.end();

      const unknown = open();
      unknown.add({ targetId: 1, query, resumeToken: Buffer.from("junk").toString("base64") });
      expect(await unknown.kinds(7)).to.deep.equal([
        "ADD:1",
        "RESET:1",
        "change:c/a",
        "change:c/b",
        "change:c/new",
        "CURRENT:1",
        "NO_CHANGE",
      ]);
      unknown.call.end();
    });

    it("resumes from a read time like from a token, and resets for one older than the history", async function () {
      put("c/a", { n: n(1) });
      const since = store.currentReadTime();
      put("c/b", { n: n(2) });
      const target = { targetId: 3, documents: docs("c/a", "c/b") };
      const resumed = open();
      resumed.add({ ...target, readTime: formatTimestamp(since) });
      expect(await resumed.kinds(4)).to.deep.equal([
        "ADD:3",
        "change:c/b",
        "CURRENT:3",
        "NO_CHANGE",
      ]);
      resumed.call.end();
      const stale = open();
      stale.add({ ...target, readTime: "2000-01-01T00:00:00Z" });
      expect(await stale.kinds(6)).to.deep.equal([
        "ADD:3",
        "RESET:3",
        "change:c/a",
        "change:c/b",
        "CURRENT:3",
        "NO_CHANGE",
      ]);
      stale.call.end();
    });

    it("ends the handler when the client cancels, and sends nothing after", async function () {
      while (openStreams > 0) await streamsEnded.next();
      const stream = open();
      stream.add({ targetId: 1, documents: docs("c/a") });
      await stream.take(3);
      expect(openStreams).to.equal(1);
      stream.call.cancel();
      while (openStreams > 0) await streamsEnded.next();
      put("c/a", { n: n(1) });
      expect(openStreams).to.equal(0);
    });

    it("removes a target on request and sends nothing more for it", async function () {
      const stream = open();
      stream.add({ targetId: 1, documents: docs("c/a") });
      stream.add({ targetId: 2, documents: docs("c/b") });
      expect(await stream.kinds(6)).to.deep.equal([
        "ADD:1",
        "CURRENT:1",
        "NO_CHANGE",
        "ADD:2",
        "CURRENT:2",
        "NO_CHANGE",
      ]);
      stream.call.write({ database: DATABASE, removeTarget: 1 });
      expect(await stream.kinds(1)).to.deep.equal(["REMOVE:1"]);
      put("c/a", { n: n(1) });
      put("c/b", { n: n(2) });
      expect(await stream.kinds(2)).to.deep.equal(["change:c/b", "NO_CHANGE"]);
      stream.call.end();
    });

    it("answers a target it cannot serve with REMOVE and the error as cause, leaving the others", async function () {
      const stream = open();
      stream.add({
        targetId: 1,
        documents: { documents: ["projects/x/databases/y/documents/c/a"] },
      });
      const [removed] = await stream.take(1);
      expect(describeResponse(removed ?? null)).to.equal("REMOVE:1");
      expect(record(record(removed ?? null).targetChange).cause).to.deep.include({ code: 3 });
      stream.add({ targetId: 2, documents: docs("c/a") });
      expect(await stream.kinds(3)).to.deep.equal(["ADD:2", "CURRENT:2", "NO_CHANGE"]);
      stream.call.end();
    });

    it("refuses a vector search target (no real-time vector queries) and serves a plain query", async function () {
      const vector = {
        mapValue: {
          fields: {
            __type__: { stringValue: "__vector__" },
            value: { arrayValue: { values: [{ doubleValue: 1 }] } },
          },
        },
      };
      const structuredQuery = { from: [{ collectionId: "c" }] };
      const stream = open();
      stream.add({
        targetId: 1,
        query: {
          parent: ROOT,
          structuredQuery: {
            ...structuredQuery,
            findNearest: {
              vectorField: { fieldPath: "v" },
              queryVector: vector,
              distanceMeasure: "EUCLIDEAN",
              limit: 1,
            },
          },
        },
      });
      const [removed] = await stream.take(1);
      expect(describeResponse(removed ?? null)).to.equal("REMOVE:1");
      expect(record(record(removed ?? null).targetChange).cause).to.deep.include({ code: 3 });
      stream.add({ targetId: 2, query: { parent: ROOT, structuredQuery } });
      expect(await stream.kinds(3)).to.deep.equal(["ADD:2", "CURRENT:2", "NO_CHANGE"]);
      stream.call.end();
    });
  });
});
