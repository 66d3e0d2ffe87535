/**
 * A worker thread of `bench/load.ts` holding a share of its dashboards: each a signed-in web SDK
 * client watching what the console watches, with the console's own queries. The dashboards live
 * off the bench's main thread so that applying their pushes never delays the gateway's turns, whose
 * times the main thread measures; they still share the machine's cores with the server.
 *
 * Messages to the main thread: `opened` once every dashboard listens, `seen` (a caller turn shown
 * in a dashboard's transcript, at a wall-clock time comparable across threads), `failed`, `closed`.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { z } from "zod";
import { deleteApp, initializeApp, setLogLevel } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword, signOut } from "firebase/auth";
import {
  connectDatabaseEmulator,
  getDatabase,
  limitToLast,
  onChildAdded,
  onValue,
  orderByChild,
  query,
  ref,
  type Database,
  type QueryConstraint,
} from "firebase/database";
import { dashboardQueries, type DashboardQuery } from "@lifeline/model";
import { exported, PASSWORD, PROJECT_ID } from "../functions/test/emulator/support/emulators.js";

export const dashboardSpecSchema = z.object({
  tenantId: z.string(),
  databaseUrl: z.string(),
  email: z.string(),
  uid: z.string(),
  callId: z.string(),
});
export type DashboardSpec = z.infer<typeof dashboardSpecSchema>;

export type FromDashboards =
  | { readonly kind: "opened" }
  | { readonly kind: "seen"; readonly turnId: string; readonly at: number }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "closed" };

/** Milliseconds since the epoch, sub-millisecond, on a clock every thread of the process shares. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

let appCount = 0;

async function openDashboard(
  spec: DashboardSpec,
  seen: (turnId: string) => void,
): Promise<() => Promise<void>> {
  const app = initializeApp(
    { projectId: PROJECT_ID, apiKey: "fake-api-key", databaseURL: spec.databaseUrl },
    `load-dashboard-${String(++appCount)}`,
  );
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${exported("FIREBASE_AUTH_EMULATOR_HOST")}`, {
    disableWarnings: true,
  });
  await signInWithEmailAndPassword(auth, spec.email, PASSWORD);
  const db: Database = getDatabase(app);
  const [host, port] = exported("FIREBASE_DATABASE_EMULATOR_HOST").split(":");
  connectDatabaseEmulator(db, host ?? "127.0.0.1", Number(port));
  const denied = (error: Error) => {
    post({ kind: "failed", message: `dashboard of ${spec.uid} refused: ${error.message}` });
  };
  const observed = new Set<string>();
  // The console's own queries (`dashboardQueries`), listened to as the console does (a value
  // listener on the calls list and the inbox) but without its parsing and rendering: a browser
  // spends its own CPU on those, and here 200 dashboards share the machine with the server.
  const listened = (query_: DashboardQuery) => {
    const constraints: QueryConstraint[] = [orderByChild(query_.orderByChild)];
    if (query_.limitToLast !== undefined) constraints.push(limitToLast(query_.limitToLast));
    return query(ref(db, query_.path), ...constraints);
  };
  const stops = [
    onValue(listened(dashboardQueries.recentCalls(spec.tenantId)), () => undefined, denied),
    onValue(listened(dashboardQueries.inbox(spec.uid)), () => undefined, denied),
    onChildAdded(
      listened(dashboardQueries.transcript(spec.tenantId, spec.callId)),
      (snapshot) => {
        const message: unknown = snapshot.val();
        if (typeof message !== "object" || message === null) return;
        const { role, turnId } = message as { role?: unknown; turnId?: unknown };
        if (role !== "caller" || typeof turnId !== "string" || observed.has(turnId)) return;
        observed.add(turnId);
        seen(turnId);
      },
      denied,
    ),
  ];
  return async () => {
    for (const stop of stops) stop();
    await signOut(auth);
    await deleteApp(app);
  };
}

function post(message: FromDashboards): void {
  parentPort?.postMessage(message);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("load-dashboards.ts runs as a worker of bench/load.ts");
  setLogLevel("silent");
  const specs = z.array(dashboardSpecSchema).parse(workerData);
  const closers: (() => Promise<void>)[] = [];
  port.on("message", (message: unknown) => {
    if (message !== "close") return;
    void Promise.all(closers.map((close) => close())).then(() => {
      post({ kind: "closed" });
      port.close();
    });
  });
  // One sign-in at a time: a burst of 200 sign-ins and listens is a storm no console makes.
  for (const spec of specs) {
    closers.push(
      await openDashboard(spec, (turnId) => {
        post({ kind: "seen", turnId, at: wallClock() });
      }),
    );
  }
  post({ kind: "opened" });
}

main().catch((error: unknown) => {
  post({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
});
