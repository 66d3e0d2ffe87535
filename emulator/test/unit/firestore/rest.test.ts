/**
 * The engine served over REST on the gRPC port, driven by the Node client with `preferRest: true`
 * (google-gax's HTTP/1.1 JSON fallback), and the wire shapes checked with plain HTTP.
 */
import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import {
  AggregateField,
  FieldValue,
  Firestore,
  type DocumentReference,
} from "@google-cloud/firestore";
import { startFirestoreEmulator } from "../../../src/firestore/index.js";
import { clientFailure as failure, emulatorClient } from "./helpers.js";

const PROJECT = "demo-rest";
const ROOT = `projects/${PROJECT}/databases/(default)/documents`;

/**
 * Over REST the client authenticates through google-auth-library even against an emulator
 * (googleapis/nodejs-firestore#1811): a throwaway key signs its tokens locally, no network.
 */
function throwawayCredentials(): { client_email: string; private_key: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    client_email: `test@${PROJECT}.iam.gserviceaccount.com`,
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function restClient(port: number): Firestore {
  return emulatorClient(port, {
    projectId: PROJECT,
    preferRest: true,
    credentials: throwawayCredentials(),
  });
}

const originalRequest = http.request.bind(http);

describe("Firestore emulator over REST (preferRest)", () => {
  let emulator: { port: number; close(): Promise<void> };
  let db: Firestore;
  let base: string;
  /** Every REST request the client sends, as "METHOD path". */
  const requests: string[] = [];
  let collectionCount = 0;
  const fresh = (prefix: string) => db.collection(`${prefix}${++collectionCount}`);

  before(async () => {
    emulator = await startFirestoreEmulator({
      host: "127.0.0.1",
      port: 0,
      projectId: PROJECT,
      enforceIndexes: true,
      http: (req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end(`extra ${req.url ?? ""}`);
      },
    });
    base = `http://127.0.0.1:${emulator.port}`;
    db = restClient(emulator.port);
    // Proves the client really speaks REST: gax's fallback uses node-fetch over HTTP/1.1.
    http.request = ((...args: Parameters<typeof http.request>) => {
      const request = originalRequest(...args);
      requests.push(`${request.method} ${request.path}`);
      return request;
    }) as typeof http.request;
  });

  after(async () => {
    http.request = originalRequest;
    await db.terminate();
    await emulator.close();
  });

  it("writes and reads documents over HTTP/1.1", async () => {
    const ref = fresh("rw").doc("one");
    await ref.set({ n: 1, big: 2n ** 62n, nan: NaN, at: FieldValue.serverTimestamp() });
    const read = await ref.get();
    expect(read.get("n")).to.equal(1);
    expect(read.get("nan")).to.be.NaN;
    expect(read.get("at")).to.have.property("toMillis");
    expect(requests.some((r) => r.startsWith("POST ") && r.includes("/documents:commit"))).to.equal(
      true,
    );
    expect(requests.some((r) => r.includes("/documents:batchGet"))).to.equal(true);
  });

  it("keeps 64-bit integers exact", async () => {
    const ref = fresh("int").doc("big");
    await ref.set({ big: 9007199254740993n });
    const snap = await ref.get();
    // Without useBigInt the client gives a number; the raw document keeps every digit.
    const response = await fetch(`${base}/v1/${ROOT}/${ref.path}`);
    const body = (await response.json()) as { fields: { big: { integerValue: string } } };
    expect(body.fields.big.integerValue).to.equal("9007199254740993");
    expect(snap.exists).to.equal(true);
  });

  it("runs queries with filters, order, limit and offset", async () => {
    const col = fresh("q");
    await Promise.all([1, 2, 3, 4].map((n) => col.doc(`d${n}`).set({ n, even: n % 2 === 0 })));
    const query = await col.where("n", ">", 1).orderBy("n", "desc").offset(1).limit(2).get();
    expect(query.docs.map((d) => d.id)).to.deep.equal(["d3", "d2"]);
    const none = await col.where("n", "==", 99).get();
    expect(none.empty).to.equal(true);
  });

  it("aggregates", async () => {
    const col = fresh("agg");
    await Promise.all([1, 2, 3].map((n) => col.doc(`d${n}`).set({ n })));
    const result = await col
      .aggregate({ count: AggregateField.count(), sum: AggregateField.sum("n") })
      .get();
    expect(result.data()).to.deep.equal({ count: 3, sum: 6 });
  });

  it("runs transactions that read, write and roll back", async () => {
    const ref = fresh("tx").doc("counter");
    await ref.set({ n: 1 });
    await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      tx.update(ref, { n: Number(snap.get("n")) + 1 });
    });
    expect((await ref.get()).get("n")).to.equal(2);
    const refused = await failure(
      db.runTransaction(async (tx) => {
        await tx.get(ref);
        throw new Error("changed my mind");
      }),
    );
    expect(refused.message).to.equal("changed my mind");
    expect(requests.some((r) => r.includes("/documents:rollback"))).to.equal(true);
    expect((await ref.get()).get("n")).to.equal(2);
  });

  it("writes with BulkWriter (BatchWrite) and reports each failure with its code", async () => {
    const col = fresh("bulk");
    const writer = db.bulkWriter();
    writer.onWriteError(() => false);
    const ok = writer.set(col.doc("a"), { a: 1 });
    const missing = writer.update(col.doc("nope"), { a: 1 });
    await writer.close();
    await ok;
    const error = await failure(missing);
    expect(error.code).to.equal(5);
    expect(requests.some((r) => r.includes("/documents:batchWrite"))).to.equal(true);
  });

  it("lists collection ids and documents", async () => {
    const parent = fresh("list").doc("parent");
    await parent.collection("kids").doc("k1").set({});
    await parent.collection("pets").doc("p1").set({});
    await parent.collection("pets").doc("p2").set({});
    const collections = await parent.listCollections();
    expect(collections.map((c) => c.id)).to.deep.equal(["kids", "pets"]);
    const docs: DocumentReference[] = await parent.collection("pets").listDocuments();
    expect(docs.map((d) => d.id).sort()).to.deep.equal(["p1", "p2"]);
  });

  it("refuses an update of a missing document with NOT_FOUND", async () => {
    const error = await failure(fresh("missing").doc("gone").update({ a: 1 }));
    expect(error.code).to.equal(5);
    expect(error.message).to.match(/No document to update/);
  });

  it("refuses a query that needs a missing index with status 400, as production's REST does", async () => {
    const col = fresh("idx");
    await col.doc("a").set({ status: "open", at: 1 });
    const error = await failure(col.where("status", "==", "open").orderBy("at").get());
    // FAILED_PRECONDITION travels as HTTP 400, which google-gax reads back as INVALID_ARGUMENT.
    expect(error.code).to.equal(3);
    expect(error.message).to.match(/The query requires an index/);
    const response = await fetch(`${base}/v1/${ROOT}:runQuery`, {
      method: "POST",
      body: JSON.stringify({
        structuredQuery: {
          from: [{ collectionId: col.id }],
          where: {
            fieldFilter: {
              field: { fieldPath: "status" },
              op: "EQUAL",
              value: { stringValue: "open" },
            },
          },
          orderBy: [{ field: { fieldPath: "at" } }],
        },
      }),
    });
    expect(response.status).to.equal(400);
    const body = (await response.json()) as { error: { code: number; status: string } };
    expect(body.error).to.include({ code: 400, status: "FAILED_PRECONDITION" });
  });

  it("takes fields by their proto names (snake_case) as well as their JSON names", async () => {
    const response = await fetch(`${base}/v1/${ROOT}:runQuery`, {
      method: "POST",
      body: JSON.stringify({ structured_query: { from: [{ collection_id: "routes-none" }] } }),
    });
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { readTime?: string; document?: unknown }[];
    expect(body).to.have.length(1);
    expect(body[0]?.document).to.equal(undefined);
    expect(body[0]?.readTime).to.be.a("string");
  });

  it("answers a missing document with Google's JSON error body and 404", async () => {
    const response = await fetch(`${base}/v1/${ROOT}/nowhere/none`);
    expect(response.status).to.equal(404);
    expect(await response.json()).to.deep.equal({
      error: {
        code: 404,
        message: `Document "${ROOT}/nowhere/none" not found.`,
        status: "NOT_FOUND",
      },
    });
  });

  it("routes a collection path to ListDocuments and a document path to GetDocument", async () => {
    await fetch(`${base}/v1/${ROOT}:commit`, {
      method: "POST",
      body: JSON.stringify({
        writes: [{ update: { name: `${ROOT}/routes/d1`, fields: { x: { integerValue: "7" } } } }],
      }),
    });
    const list = (await (await fetch(`${base}/v1/${ROOT}/routes`)).json()) as {
      documents: { name: string }[];
    };
    expect(list.documents.map((d) => d.name)).to.deep.equal([`${ROOT}/routes/d1`]);
    const masked = (await (
      await fetch(`${base}/v1/${ROOT}/routes/d1?mask.fieldPaths=y`)
    ).json()) as { name: string; fields?: unknown };
    expect(masked.name).to.equal(`${ROOT}/routes/d1`);
    expect(masked.fields).to.equal(undefined);
  });

  it("creates, patches and deletes single documents with query-string parameters", async () => {
    const created = await fetch(`${base}/v1/${ROOT}/single?documentId=s1`, {
      method: "POST",
      body: JSON.stringify({ fields: { a: { integerValue: "1" }, b: { booleanValue: true } } }),
    });
    expect(created.status).to.equal(200);
    expect(((await created.json()) as { name: string }).name).to.equal(`${ROOT}/single/s1`);
    const again = await fetch(`${base}/v1/${ROOT}/single?documentId=s1`, {
      method: "POST",
      body: "{}",
    });
    expect(again.status).to.equal(409);
    const patched = await fetch(
      `${base}/v1/${ROOT}/single/s1?updateMask.fieldPaths=a&currentDocument.exists=true&mask.fieldPaths=a`,
      { method: "PATCH", body: JSON.stringify({ fields: { a: { doubleValue: "NaN" } } }) },
    );
    expect(patched.status).to.equal(200);
    expect(((await patched.json()) as { fields: unknown }).fields).to.deep.equal({
      a: { doubleValue: "NaN" },
    });
    const deleted = await fetch(`${base}/v1/${ROOT}/single/s1?currentDocument.exists=true`, {
      method: "DELETE",
    });
    expect(deleted.status).to.equal(200);
    expect(await deleted.json()).to.deep.equal({});
    const gone = await fetch(`${base}/v1/${ROOT}/single/s1?currentDocument.exists=true`, {
      method: "DELETE",
    });
    expect(gone.status).to.equal(404);
  });

  it("answers a server-streaming method with a JSON array, numeric enums accepted", async () => {
    const response = await fetch(`${base}/v1/${ROOT}:runQuery?$alt=json%3Benum-encoding=int`, {
      method: "POST",
      body: JSON.stringify({
        structuredQuery: {
          from: [{ collectionId: "routes" }],
          // 5 is EQUAL, as clients asking for numeric enums send it.
          where: {
            fieldFilter: { field: { fieldPath: "x" }, op: 5, value: { integerValue: "7" } },
          },
        },
      }),
    });
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { document?: { name: string }; readTime: string }[];
    expect(body).to.have.length(1);
    expect(body[0]?.document?.name).to.equal(`${ROOT}/routes/d1`);
  });

  it("refuses malformed JSON and unknown fields with 400 INVALID_ARGUMENT", async () => {
    const malformed = await fetch(`${base}/v1/${ROOT}:commit`, { method: "POST", body: "{" });
    expect(malformed.status).to.equal(400);
    const unknown = await fetch(`${base}/v1/${ROOT}:commit`, {
      method: "POST",
      body: JSON.stringify({ nonsense: true }),
    });
    expect(unknown.status).to.equal(400);
    expect(((await unknown.json()) as { error: { status: string } }).error.status).to.equal(
      "INVALID_ARGUMENT",
    );
    const polluting = await fetch(`${base}/v1/${ROOT}/routes/d1?__proto__.polluted=1`);
    expect(polluting.status).to.equal(400);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it("leaves Listen to gRPC and other paths to the extra HTTP handler", async () => {
    const listen = await fetch(`${base}/v1/${ROOT.replace(/\/documents$/, "")}/documents:listen`, {
      method: "POST",
      body: "{}",
    });
    expect(listen.status).to.equal(501);
    const extra = await fetch(`${base}/emulator/v1/anything`);
    expect(await extra.text()).to.equal("extra /emulator/v1/anything");
  });
});
