/**
 * The gRPC service as the Admin SDK's Firestore client reaches it: a small in-test store behind the
 * handlers, so what is proven here is the wire — every message through Firestore's own protos,
 * server streams, status codes — not the engine.
 */
import { expect } from "chai";
import * as grpc from "@grpc/grpc-js";
import { Firestore, Timestamp } from "@google-cloud/firestore";
import {
  firestoreService,
  serverStreaming,
  unary,
  type FirestoreHandlers,
} from "../../../src/firestore/wire/grpc.js";
import {
  loadFirestoreProtos,
  type Json,
  firestoreProtoDir,
} from "../../../src/firestore/wire/protojson.js";

const PROTOS = firestoreProtoDir();
const PROJECT = "demo-wire";
const ROOT = `projects/${PROJECT}/databases/(default)/documents`;
const TIME = "2026-12-06T04:00:00.000001Z";

class StatusError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A string field of a decoded message ("" when absent or not a string). */
function text(value: Json | undefined): string {
  return typeof value === "string" ? value : "";
}

function record(value: Json): Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

describe("Firestore gRPC service (wire)", () => {
  let server: grpc.Server;
  let db: Firestore;
  let previousHost: string | undefined;
  const documents = new Map<string, Json>();
  const seen: string[] = [];

  const handlers: FirestoreHandlers = {
    Commit: unary(async (request) => {
      seen.push("Commit");
      const writes = (record(request).writes ?? []) as Json[];
      for (const write of writes) {
        const update = record(record(write).update ?? null);
        const name = text(update.name);
        if (name.endsWith("/taken"))
          throw new StatusError("ALREADY_EXISTS", `Document already exists: ${name}`);
        documents.set(name, { ...update, createTime: TIME, updateTime: TIME });
      }
      return Promise.resolve({
        commitTime: TIME,
        writeResults: writes.map(() => ({ updateTime: TIME })),
      });
    }),
    BatchGetDocuments: serverStreaming(async (request, send) => {
      seen.push("BatchGetDocuments");
      for (const name of (record(request).documents ?? []) as string[]) {
        const found = documents.get(name);
        send(found === undefined ? { missing: name, readTime: TIME } : { found, readTime: TIME });
      }
      return Promise.resolve();
    }),
    RunQuery: serverStreaming(async (request, send) => {
      seen.push("RunQuery");
      const query = record(record(request).structuredQuery ?? null);
      const from = record(((query.from ?? []) as Json[])[0] ?? null);
      const prefix = `${text(record(request).parent)}/${text(from.collectionId)}/`;
      for (const [name, document] of documents) {
        if (name.startsWith(prefix) && !name.slice(prefix.length).includes("/")) {
          send({ document, readTime: TIME });
        }
      }
      send({ readTime: TIME });
      return Promise.resolve();
    }),
    RunAggregationQuery: serverStreaming(async () => {
      seen.push("RunAggregationQuery");
      return Promise.reject(new StatusError("FAILED_PRECONDITION", "The query requires an index."));
    }),
  };

  before(async () => {
    const { definition, implementation } = firestoreService(loadFirestoreProtos(PROTOS), handlers);
    server = new grpc.Server();
    server.addService(definition, implementation);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    previousHost = process.env.FIRESTORE_EMULATOR_HOST;
    process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
    db = new Firestore({ projectId: PROJECT });
  });

  after(async () => {
    await db.terminate();
    if (previousHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previousHost;
    server.forceShutdown();
  });

  it("carries a write and a read of every value type through the protos, exactly", async () => {
    const big = 9007199254740993n;
    await db.doc("calls/constructor").set({
      note: "Ana ☎",
      big: BigInt.asIntN(64, big),
      ratio: 0.5,
      flag: true,
      nothing: null,
      at: new Date(Date.UTC(2026, 0, 1)),
      list: [1, "two"],
      nested: { deep: { ok: 1 } },
    });
    const read = await db.doc("calls/constructor").get();
    expect(read.exists).to.equal(true);
    expect(read.get("note")).to.equal("Ana ☎");
    expect(read.get("nested.deep.ok")).to.equal(1);
    const at: unknown = read.get("at");
    expect(at).to.be.instanceOf(Timestamp);
    expect((at as Timestamp).toDate().toISOString()).to.equal("2026-01-01T00:00:00.000Z");
    expect(read.updateTime?.toDate().toISOString()).to.equal("2026-12-06T04:00:00.000Z");
    expect(documents.get(`${ROOT}/calls/constructor`)).to.deep.include({
      name: `${ROOT}/calls/constructor`,
    });
    const stored = record(
      record(documents.get(`${ROOT}/calls/constructor`) ?? null).fields ?? null,
    );
    expect(stored.big).to.deep.equal({ integerValue: "9007199254740993" });
    expect((await db.doc("calls/absent").get()).exists).to.equal(false);
    expect(seen).to.include.members(["Commit", "BatchGetDocuments"]);
  });

  it("streams query results back in order", async () => {
    await db.doc("tenants/a").set({ n: 1 });
    await db.doc("tenants/b").set({ n: 2 });
    const snapshot = await db.collection("tenants").get();
    expect(snapshot.docs.map((doc) => doc.id)).to.deep.equal(["a", "b"]);
  });

  it("sends a handler's status name and message as the gRPC status", async () => {
    const failed = await db
      .doc("calls/taken")
      .create({ x: 1 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failed).to.include({ code: grpc.status.ALREADY_EXISTS });
    expect(String(failed)).to.contain(`Document already exists: ${ROOT}/calls/taken`);
  });

  it("ends a failing stream with its status at once, so the client neither hangs nor retries", async () => {
    const before = seen.filter((name) => name === "RunAggregationQuery").length;
    const failed = await db
      .collection("tenants")
      .count()
      .get()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failed).to.include({ code: grpc.status.FAILED_PRECONDITION });
    expect(String(failed)).to.contain("The query requires an index.");
    expect(seen.filter((name) => name === "RunAggregationQuery").length - before).to.equal(1);
  });

  it("answers UNIMPLEMENTED for a method with no handler", async () => {
    const failed = await db.listCollections().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).to.include({ code: grpc.status.UNIMPLEMENTED });
    expect(String(failed)).to.contain("ListCollectionIds is not implemented");
  });
});
