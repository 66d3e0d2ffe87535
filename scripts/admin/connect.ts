/**
 * Where the admin CLI and the seed write: the emulator suite (the hosts `firebase emulators:exec`
 * exports, else firebase.json's emulator ports on this machine, where `npm start` serves them) or,
 * with a project id, a real Firebase project through Application Default Credentials.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { applicationDefault, deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getDatabase } from "firebase-admin/database";
import { getFirestore } from "firebase-admin/firestore";
import { closeInstanceDatabases, type AdminTargets } from "./operations.js";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The variables that point the Admin SDK at the emulators, with firebase.json's key for each. */
const EMULATOR_HOSTS = [
  ["FIREBASE_AUTH_EMULATOR_HOST", "auth"],
  ["FIREBASE_DATABASE_EMULATOR_HOST", "database"],
  ["FIRESTORE_EMULATOR_HOST", "firestore"],
] as const;

function fromFirebaseConfig(key: string): string | undefined {
  const config: unknown = JSON.parse(process.env.FIREBASE_CONFIG ?? "{}");
  return typeof config === "object" && config !== null && key in config
    ? String((config as Record<string, unknown>)[key])
    : undefined;
}

/** The Admin SDK app for the emulated project, on the namespace firebase.json's rules load into. */
export function emulatorApp(name: string): App {
  const projectId =
    process.env.GCLOUD_PROJECT ?? fromFirebaseConfig("projectId") ?? "demo-lifeline";
  const databaseURL =
    process.env.DATABASE_URL ??
    fromFirebaseConfig("databaseURL") ??
    `https://${projectId}-default-rtdb.firebaseio.com`;
  return initializeApp({ projectId, databaseURL }, name);
}

/** The exported emulator hosts that are missing. */
export function missingEmulatorHosts(): string[] {
  return EMULATOR_HOSTS.map(([name]) => name).filter((name) => (process.env[name] ?? "") === "");
}

/** Exports firebase.json's emulator ports for the hosts not exported already. */
function useFirebaseJsonPorts(): void {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, "firebase.json"), "utf8")) as {
    emulators?: Record<string, { host?: string; port?: number }>;
  };
  for (const [name, key] of EMULATOR_HOSTS) {
    if ((process.env[name] ?? "") !== "") continue;
    const emulator = config.emulators?.[key];
    if (emulator?.port === undefined) throw new Error(`firebase.json sets no ${key} emulator port`);
    process.env[name] = `${emulator.host ?? "127.0.0.1"}:${emulator.port}`;
  }
}

export interface Connection {
  readonly targets: AdminTargets;
  /** For messages: "the emulator suite (demo-lifeline)" or "project my-project". */
  readonly where: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** A real project, reached with Application Default Credentials; absent: the emulators. */
  readonly project?: string | undefined;
  /** The project's database URL when it is not `https://<project>-default-rtdb.firebaseio.com`. */
  readonly databaseUrl?: string | undefined;
}

export function connect(options: ConnectOptions = {}): Connection {
  let app: App;
  let where: string;
  if (options.project === undefined) {
    useFirebaseJsonPorts();
    app = emulatorApp(`lifeline-admin-${Date.now()}`);
    where = `the emulator suite (${app.options.projectId ?? "?"})`;
  } else {
    // The emulator hosts would send a real project's writes to a local emulator.
    for (const [name] of EMULATOR_HOSTS) Reflect.deleteProperty(process.env, name);
    app = initializeApp(
      {
        credential: applicationDefault(),
        projectId: options.project,
        databaseURL:
          options.databaseUrl ?? `https://${options.project}-default-rtdb.firebaseio.com`,
      },
      `lifeline-admin-${options.project}`,
    );
    where = `project ${options.project}`;
  }
  const database = getDatabase(app);
  const firestore = getFirestore(app);
  return {
    targets: { auth: getAuth(app), database, firestore },
    where,
    close: async () => {
      closeInstanceDatabases();
      database.goOffline();
      await firestore.terminate();
      await deleteApp(app);
    },
  };
}
