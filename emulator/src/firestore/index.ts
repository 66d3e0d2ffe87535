/**
 * The Firestore emulator's gRPC server: one in-memory store behind the v1 service, as the Admin
 * SDK reaches it with `FIRESTORE_EMULATOR_HOST` set: documents, transactions, queries and
 * aggregations (server.ts) and listeners (listen.ts). The Write stream (the web SDK's) is not served yet.
 */
import * as grpc from "@grpc/grpc-js";
import { commit } from "./commit.js";
import { IndexEnforcer, type IndexesFile } from "./indexes.js";
import { listenHandler } from "./listen.js";
import { createFirestoreHandlers } from "./server.js";
import { DocumentStore } from "./store.js";
import { TransactionManager } from "./transactions.js";
import { firestoreService } from "./wire/grpc.js";
import { firestoreProtoDir, loadFirestoreProtos } from "./wire/protojson.js";

export { createFirestoreHandlers, type FirestoreHandlersOptions } from "./server.js";
export { parseIndexesFile, type IndexesFile } from "./indexes.js";

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
}

export interface RunningFirestoreEmulator {
  port: number;
  /** Deletes every document of one database (`projects/{p}/databases/{d}`), as the admin API's DELETE does. */
  clear(database: string): void;
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
  const { definition, implementation } = firestoreService(
    loadFirestoreProtos(firestoreProtoDir()),
    {
      ...handlers,
      Listen: listenHandler({ store, gate: indexes }),
    },
  );
  const server = new grpc.Server();
  server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${options.host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      },
    );
  });
  return {
    port,
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
