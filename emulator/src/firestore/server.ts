/**
 * The Firestore v1 methods over the engine, as gRPC handlers taking and returning protobuf-JSON
 * (wire/grpc.ts does the encoding). Listen and Write (the bidirectional streams) live elsewhere.
 *
 * Reads follow the request's consistency selector: `transaction` reads inside an open transaction
 * (locking what a read-write one reads), `newTransaction` starts one and returns its id with the
 * first response, `readTime` reads the stored history at that time; without one, the latest state.
 */
import { randomBytes } from "node:crypto";
import type { CommitOptions, Write } from "./commit.js";
import { FirestoreError, invalidArgument } from "./errors.js";
import { runAggregation } from "./aggregate.js";
import {
  aggregationExecution,
  explainMetrics,
  explainOptionsOf,
  queryExecution,
} from "./explain.js";
import { IndexEnforcer } from "./indexes.js";
import { runQuery, type QueryDocument, type StructuredQuery } from "./query.js";
import {
  checkDocumentName,
  checkParentName,
  toDocument,
  type Document,
  type DocumentStore,
  type StoredDocument,
} from "./store.js";
import type { TransactionManager } from "./transactions.js";
import {
  compareUtf8,
  emptyFields,
  formatTimestamp,
  getField,
  parseFieldPath,
  parseTimestamp,
  setField,
  type Fields,
} from "./values.js";
import { serverStreaming, unary, type FirestoreHandlers } from "./wire/grpc.js";
import type { Json } from "./wire/protojson.js";

export interface FirestoreHandlersOptions {
  store: DocumentStore;
  transactions: TransactionManager;
  /**
   * Decides whether a query may run and names the indexes it reads (Query Explain); without one
   * every query runs, planned over single-field indexes.
   */
  indexes?: IndexEnforcer;
  /**
   * The project the emulator was started for. Requests for other projects are still served, each
   * project's documents kept apart by name, as firebase-tools' single-project mode only warns.
   */
  projectId?: string;
}

type Request = Record<string, Json>;

function record(value: Json | undefined): Request {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

function text(value: Json | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function required(request: Request, field: string): string {
  const value = text(request[field]);
  if (value === undefined || value === "")
    throw invalidArgument(`Missing required field: ${field}`);
  return value;
}

function strings(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function count(value: Json | undefined): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : 0;
}

/** Engine results to protobuf-JSON: absent (undefined) fields dropped, keys kept as own data. */
function toJson(value: unknown): Json {
  if (value === null || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value !== "object") return null;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    Object.defineProperty(out, key, {
      value: toJson(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The wire shapes the engine types describe; the engine checks their contents as it uses them. */
function asWrites(value: Json | undefined): Write[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument("writes must be a list");
  return value.map((w) => {
    if (typeof w !== "object" || w === null || Array.isArray(w))
      throw invalidArgument("A write must be an object");
    return w;
  });
}

function asQuery(value: Json | undefined): StructuredQuery {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalidArgument("A structured query is required.");
  return value;
}

/** `mask.fieldPaths` as parsed paths; undefined when the request has no mask (whole documents). */
function maskOf(request: Request): string[][] | undefined {
  if (!("mask" in request)) return undefined;
  return strings(record(request.mask).fieldPaths).map(parseFieldPath);
}

function applyMask(fields: Fields, mask: string[][] | undefined): Fields {
  if (mask === undefined) return fields;
  const out = emptyFields();
  for (const path of mask) {
    const value = getField(fields, path);
    if (value !== undefined) setField(out, path, value);
  }
  return out;
}

function masked(doc: StoredDocument, mask: string[][] | undefined): Document {
  const out = toDocument(doc);
  return { ...out, fields: applyMask(out.fields, mask) };
}

/** `projects/p/databases/d` of a document or parent name. */
function databaseOf(name: string): string {
  const match = /^projects\/[^/]+\/databases\/[^/]+/.exec(name);
  if (match === null) throw invalidArgument(`Invalid resource name: ${name}`);
  return match[0];
}

/** Where a read looks: inside a transaction, at a past time, or at the latest state. */
interface ReadContext {
  readTime: bigint;
  /** The transaction the reads lock documents in (read-write) or read at (read-only). */
  transaction: string | undefined;
  /** Set when the request began the transaction: its id goes back with the first response. */
  begun: string | undefined;
}

export function createFirestoreHandlers(options: FirestoreHandlersOptions): FirestoreHandlers {
  const { store, transactions, indexes } = options;
  const queryOptions = indexes === undefined ? {} : { gate: indexes };
  const planner =
    indexes ?? new IndexEnforcer({ indexes: [], fieldOverrides: [] }, { enforce: false });

  function readContext(request: Request): ReadContext {
    const transaction = text(request.transaction);
    if (transaction !== undefined && transaction !== "") {
      return { readTime: transactions.readTimeOf(transaction), transaction, begun: undefined };
    }
    if ("newTransaction" in request) {
      const begun = transactions.begin(record(request.newTransaction));
      return { readTime: transactions.readTimeOf(begun), transaction: begun, begun };
    }
    const asked = text(request.readTime);
    if (asked !== undefined) {
      const readTime = parseTimestamp(asked);
      if (readTime < store.oldestReadTime()) {
        throw new FirestoreError(
          "FAILED_PRECONDITION",
          `The read time ${formatTimestamp(readTime)} is too old.`,
        );
      }
      return { readTime, transaction: undefined, begun: undefined };
    }
    return { readTime: store.currentReadTime(), transaction: undefined, begun: undefined };
  }

  function readOne(context: ReadContext, name: string): StoredDocument | undefined {
    checkDocumentName(name);
    return context.transaction === undefined
      ? store.get(name, context.readTime)
      : transactions.get(context.transaction, name);
  }

  function* queryDocuments(readTime: bigint): Generator<QueryDocument> {
    for (const doc of store.documents(readTime)) yield toDocument(doc);
  }

  /** Locks a read-write transaction's query results, as a get would. */
  function recordQueryReads(context: ReadContext, docs: readonly QueryDocument[]): void {
    if (context.transaction === undefined) return;
    transactions.recordReads(
      context.transaction,
      docs.map((d) => ({ name: d.name, doc: store.get(d.name, context.readTime) })),
    );
  }

  function commitOptions(request: Request): CommitOptions {
    return { database: required(request, "database") };
  }

  const handlers: FirestoreHandlers = {
    GetDocument: unary(async (request) => {
      const req = record(request);
      const name = required(req, "name");
      const context = readContext(req);
      const doc = readOne(context, name);
      if (doc === undefined) throw new FirestoreError("NOT_FOUND", `Document "${name}" not found.`);
      return Promise.resolve(toJson(masked(doc, maskOf(req))));
    }),

    BatchGetDocuments: serverStreaming(async (request, send) => {
      const req = record(request);
      required(req, "database");
      const names = strings(req.documents);
      const mask = maskOf(req);
      const context = readContext(req);
      const readTime = formatTimestamp(context.readTime);
      let first = true;
      for (const name of names) {
        const doc = readOne(context, name);
        const response: Record<string, unknown> =
          doc === undefined ? { missing: name, readTime } : { found: masked(doc, mask), readTime };
        if (first && context.begun !== undefined) response.transaction = context.begun;
        first = false;
        send(toJson(response));
      }
      if (first && context.begun !== undefined) {
        send(toJson({ transaction: context.begun, readTime }));
      }
      return Promise.resolve();
    }),

    BeginTransaction: unary(async (request) => {
      const req = record(request);
      required(req, "database");
      const id = transactions.begin(record(req.options));
      return Promise.resolve({ transaction: id });
    }),

    Commit: unary(async (request) => {
      const req = record(request);
      const writes = asWrites(req.writes);
      const transaction = text(req.transaction);
      const response =
        transaction === undefined || transaction === ""
          ? await transactions.write(writes, commitOptions(req))
          : await transactions.commit(transaction, writes, commitOptions(req));
      return toJson(response);
    }),

    Rollback: unary(async (request) => {
      const req = record(request);
      required(req, "database");
      transactions.rollback(required(req, "transaction"));
      return Promise.resolve({});
    }),

    RunQuery: serverStreaming(async (request, send) => {
      const req = record(request);
      const parent = required(req, "parent");
      checkParentName(parent);
      const query = asQuery(req.structuredQuery);
      const explain = explainOptionsOf(req);
      const context = readContext(req);
      if (explain?.analyze === false) {
        // Planned, not run: checked (shape, index) as running it would be; only the plan goes back.
        runQuery([], parent, query, queryOptions);
        const metrics = explainMetrics(planner.indexesUsed(parent, query));
        send(toJson({ transaction: context.begun, explainMetrics: metrics }));
        return Promise.resolve();
      }
      const started = process.hrtime.bigint();
      // Run without the offset so that the documents it skips can be counted, as production reports.
      const offset = count(query.offset);
      const limit = typeof query.limit === "number" ? query.limit : query.limit?.value;
      const unskipped: StructuredQuery = { ...query };
      delete unskipped.offset;
      if (limit !== undefined) unskipped.limit = limit + offset;
      const all = runQuery(queryDocuments(context.readTime), parent, unskipped, queryOptions);
      const results = all.slice(offset);
      recordQueryReads(context, results);
      const readTime = formatTimestamp(context.readTime);
      const skippedResults = Math.min(offset, all.length);
      const first: Record<string, unknown> = {};
      if (context.begun !== undefined) first.transaction = context.begun;
      if (skippedResults > 0) first.skippedResults = skippedResults;
      const responses: Array<Record<string, unknown>> =
        results.length === 0
          ? [{ ...first, readTime }]
          : results.map((document, index) =>
              index === 0 ? { ...first, document, readTime } : { document, readTime },
            );
      const last = responses.at(-1);
      if (explain !== undefined && last !== undefined) {
        const elapsed = process.hrtime.bigint() - started;
        last.explainMetrics = explainMetrics(
          planner.indexesUsed(parent, query),
          queryExecution(all.length, results.length, elapsed),
        );
      }
      for (const response of responses) send(toJson(response));
      return Promise.resolve();
    }),

    RunAggregationQuery: serverStreaming(async (request, send) => {
      const req = record(request);
      const parent = required(req, "parent");
      checkParentName(parent);
      const aggregation = record(req.structuredAggregationQuery);
      const explain = explainOptionsOf(req);
      const context = readContext(req);
      const query =
        aggregation.structuredQuery === undefined ? {} : asQuery(aggregation.structuredQuery);
      if (explain?.analyze === false) {
        runAggregation([], parent, aggregation, queryOptions);
        const metrics = explainMetrics(planner.indexesUsed(parent, query));
        send(toJson({ transaction: context.begun, explainMetrics: metrics }));
        return Promise.resolve();
      }
      const started = process.hrtime.bigint();
      const { result, indexEntries } = runAggregation(
        queryDocuments(context.readTime),
        parent,
        aggregation,
        queryOptions,
      );
      const response: Record<string, unknown> = {
        result,
        readTime: formatTimestamp(context.readTime),
      };
      if (context.begun !== undefined) response.transaction = context.begun;
      if (explain !== undefined) {
        const elapsed = process.hrtime.bigint() - started;
        response.explainMetrics = explainMetrics(
          planner.indexesUsed(parent, query),
          aggregationExecution(indexEntries, elapsed),
        );
      }
      send(toJson(response));
      return Promise.resolve();
    }),

    ListDocuments: unary(async (request) => {
      const req = record(request);
      const parent = required(req, "parent");
      const collectionId = required(req, "collectionId");
      const context = readContext(req);
      const mask = maskOf(req);
      const all = store.listDocuments(parent, collectionId, {
        showMissing: req.showMissing === true,
        readTime: context.readTime,
      });
      const after = text(req.pageToken);
      const start =
        after === undefined || after === ""
          ? 0
          : all.findIndex((d) => compareUtf8(d.name, pageTokenName(after)) > 0);
      const rest = start === -1 ? [] : all.slice(start);
      const size = count(req.pageSize);
      const page = size === 0 ? rest : rest.slice(0, size);
      const documents = page.map((d) =>
        "fields" in d ? { ...d, fields: applyMask(d.fields, mask) } : d,
      );
      if (context.transaction !== undefined) {
        transactions.recordReads(
          context.transaction,
          page.map((d) => ({ name: d.name, doc: store.get(d.name, context.readTime) })),
        );
      }
      const last = page.at(-1);
      const more = size !== 0 && rest.length > size && last !== undefined;
      return Promise.resolve(
        toJson({ documents, nextPageToken: more ? pageToken(last.name) : undefined }),
      );
    }),

    ListCollectionIds: unary(async (request) => {
      const req = record(request);
      const parent = required(req, "parent");
      const context = readContext(req);
      const all = store.listCollectionIds(parent, context.readTime);
      const after = text(req.pageToken);
      const rest =
        after === undefined || after === ""
          ? all
          : all.filter((id) => compareUtf8(id, pageTokenName(after)) > 0);
      const size = count(req.pageSize);
      const page = size === 0 ? rest : rest.slice(0, size);
      const last = page.at(-1);
      const more = size !== 0 && rest.length > size && last !== undefined;
      return Promise.resolve(
        toJson({ collectionIds: page, nextPageToken: more ? pageToken(last) : undefined }),
      );
    }),

    BatchWrite: unary(async (request) => {
      const req = record(request);
      const response = await transactions.batchWrite(asWrites(req.writes), commitOptions(req));
      return toJson(response);
    }),

    CreateDocument: unary(async (request) => {
      const req = record(request);
      const parent = required(req, "parent");
      checkParentName(parent);
      const collectionId = required(req, "collectionId");
      const given = text(req.documentId);
      const name = `${parent}/${collectionId}/${given === undefined || given === "" ? autoId() : given}`;
      checkDocumentName(name);
      const document = record(req.document);
      await transactions.write(
        [
          {
            update: { name, fields: record(document.fields) as unknown as Fields },
            currentDocument: { exists: false },
          },
        ],
        { database: databaseOf(name) },
      );
      return writtenDocument(name, maskOf(req));
    }),

    UpdateDocument: unary(async (request) => {
      const req = record(request);
      const document = record(req.document);
      const name = required(document, "name");
      checkDocumentName(name);
      const write: Write = {
        update: { name, fields: record(document.fields) as unknown as Fields },
      };
      if ("updateMask" in req)
        write.updateMask = { fieldPaths: strings(record(req.updateMask).fieldPaths) };
      if ("currentDocument" in req) write.currentDocument = record(req.currentDocument);
      await transactions.write([write], { database: databaseOf(name) });
      return writtenDocument(name, maskOf(req));
    }),

    DeleteDocument: unary(async (request) => {
      const req = record(request);
      const name = required(req, "name");
      checkDocumentName(name);
      const write: Write = { delete: name };
      if ("currentDocument" in req) write.currentDocument = record(req.currentDocument);
      await transactions.write([write], { database: databaseOf(name) });
      return {};
    }),
  };

  function writtenDocument(name: string, mask: string[][] | undefined): Json {
    const doc = store.get(name);
    if (doc === undefined) throw new FirestoreError("NOT_FOUND", `Document "${name}" not found.`);
    return toJson(masked(doc, mask));
  }

  return handlers;
}

/** Page tokens name the last item returned; opaque to clients, as production's are. */
function pageToken(last: string): string {
  return Buffer.from(last, "utf8").toString("base64url");
}

function pageTokenName(token: string): string {
  return Buffer.from(token, "base64url").toString("utf8");
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A 20-character id like the clients' auto ids. */
function autoId(): string {
  const bytes = randomBytes(40);
  let id = "";
  for (const byte of bytes) {
    // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
    if (byte >= 248) continue;
    id += ID_ALPHABET.charAt(byte % ID_ALPHABET.length);
    if (id.length === 20) break;
  }
  return id.length === 20 ? id : autoId();
}
