/**
 * The Firestore emulator: one in-memory store behind the v1 service, as the Admin SDK reaches it
 * with `FIRESTORE_EMULATOR_HOST` set: documents, transactions, queries and aggregations
 * (server.ts) and listeners (listen.ts), over gRPC and over REST (`preferRest`) on one port, as
 * the official emulator serves them. The Write stream (the web SDK's) is not served yet.
 *
 * The port sorts each connection by its first bytes: the HTTP/2 preface goes to the gRPC server
 * (on a loopback port of its own: grpc-js cannot take a socket it did not accept, and Node's
 * HTTP/2 reads the native handle, missing the bytes peeked at), anything else to HTTP/1.1: REST
 * under `/v1/`, other paths to the caller's handler (an admin API) or a 404.
 */
import { Buffer } from "node:buffer";
import { createServer as createHttpServer, type RequestListener } from "node:http";
import { connect, createServer as createNetServer, type Socket } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { commit } from "./commit.js";
import { IndexEnforcer, type IndexesFile } from "./indexes.js";
import { listenHandler } from "./listen.js";
import { createFirestoreHandlers } from "./server.js";
import { DocumentStore } from "./store.js";
import { TransactionManager } from "./transactions.js";
import type { FirestoreWriteCounts } from "./write-stats.js";
import { firestoreService } from "./wire/grpc.js";
import { firestoreProtoDir, loadFirestoreProtos } from "./wire/protojson.js";
import { errorBody, firestoreRest } from "./wire/rest.js";

export { createFirestoreHandlers, type FirestoreHandlersOptions } from "./server.js";
export { parseIndexesFile, type IndexesFile } from "./indexes.js";
export type { FirestoreWriteCounts } from "./write-stats.js";

export interface FirestoreEmulatorOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  projectId?: string;
  /** `firestore.indexes.json`, parsed with `parseIndexesFile`. */
  indexes?: IndexesFile | undefined;
  /**
   * Refuse queries that need a composite index the file lacks, as production does. Defaults to on
   * when `indexes` is given; on without a file, only single-field indexes exist.
   */
  enforceIndexes?: boolean;
  /** Serves HTTP/1.1 requests outside the REST API (`/v1/…`) on the same port, e.g. an admin API. */
  http?: RequestListener;
}

const HTTP2_PREFACE_START = Buffer.from("PRI * HTTP/2.0");

export interface RunningFirestoreEmulator {
  port: number;
  /** Deletes every document of one database (`projects/{p}/databases/{d}`), as the admin API's DELETE does. */
  clear(database: string): void;
  /** The document writes `projects/{p}/databases/{d}` applied so far (counts only grow). */
  writeStats(database: string): FirestoreWriteCounts;
  close(): Promise<void>;
}

export async function startFirestoreEmulator(
  options: FirestoreEmulatorOptions,
): Promise<RunningFirestoreEmulator> {
  const store = new DocumentStore();
  const transactions = new TransactionManager(store);
  const enforce = options.enforceIndexes ?? options.indexes !== undefined;
  const indexes = new IndexEnforcer(options.indexes ?? { indexes: [], fieldOverrides: [] }, {
    enforce,
  });
  const handlers = createFirestoreHandlers({
    store,
    transactions,
    indexes,
    ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
  });
  const root = loadFirestoreProtos(firestoreProtoDir());
  const { definition, implementation } = firestoreService(root, {
    ...handlers,
    Listen: listenHandler({ store, gate: indexes }),
  });
  const server = new grpc.Server();
  server.addService(definition, implementation);
  const grpcPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });

  const rest = firestoreRest(root, handlers);
  const extra = options.http;
  const http1 = createHttpServer((req, res) => {
    if (rest(req, res)) return;
    if (extra !== undefined) {
      extra(req, res);
      return;
    }
    const text = JSON.stringify(
      errorBody("NOT_FOUND", `${req.method ?? "GET"} ${req.url ?? "/"} is not served.`),
    );
    res.writeHead(404, { "Content-Type": "application/json; charset=UTF-8" });
    res.end(text);
  });

  const sockets = new Set<Socket>();
  const listener = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {
      socket.destroy();
    });
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const prefix = first.subarray(0, Math.min(first.length, HTTP2_PREFACE_START.length));
      if (HTTP2_PREFACE_START.subarray(0, prefix.length).equals(prefix)) {
        const upstream = connect(grpcPort, "127.0.0.1");
        // Without this, Nagle's algorithm holds gRPC's small frames back for the peer's delayed
        // ACK: about 40 ms on every call.
        socket.setNoDelay(true);
        upstream.setNoDelay(true);
        upstream.on("error", () => socket.destroy());
        socket.on("close", () => upstream.destroy());
        upstream.on("close", () => socket.destroy());
        socket.pipe(upstream);
        upstream.pipe(socket);
      } else {
        http1.emit("connection", socket);
      }
      socket.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(options.port, options.host, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  const address = listener.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;

  return {
    port,
    writeStats: (database) => transactions.writeStats.of(database),
    clear(database) {
      const prefix = `${database}/documents/`;
      const names = [...store.documents()]
        .map((doc) => doc.name)
        .filter((n) => n.startsWith(prefix));
      if (names.length > 0)
        commit(
          store,
          names.map((name) => ({ delete: name })),
        );
    },
    close: () =>
      new Promise<void>((resolve) => {
        // The HTTP/1.1 server never listens itself, so it does not track its connections: we do.
        for (const socket of sockets) socket.destroy();
        listener.close();
        // Open streams (listeners) would keep a graceful shutdown waiting: cut them after a moment.
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
