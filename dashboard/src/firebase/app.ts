/**
 * The Firebase app, created once from the served config, with Auth and the Realtime Database
 * wired to the emulators when (and only when) the page is served from this machine. The page
 * connects to no database before sign-in: a member's tenant lives on one instance (the `db`
 * claim), and the page opens that one only.
 */
import { initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import { connectDatabaseEmulator, getDatabase, type Database } from "firebase/database";
import {
  EMULATOR_PORTS,
  INIT_JSON_PATH,
  instanceDatabaseUrl,
  isLocalHost,
  localFallbackConfig,
  resolveEndpoints,
  type Endpoints,
} from "../config.js";

export interface Firebase {
  readonly app: FirebaseApp;
  readonly endpoints: Endpoints;
  readonly auth: Auth;
  /** The database of the signed-in member's tenant (see `onInstance`). */
  readonly db: Database;
  readonly usesEmulators: boolean;
}

async function loadEndpoints(): Promise<Endpoints> {
  const hostname = location.hostname;
  try {
    const response = await fetch(INIT_JSON_PATH);
    if (!response.ok) throw new Error(`${INIT_JSON_PATH}: HTTP ${response.status}`);
    return resolveEndpoints(await response.json(), hostname);
  } catch (error) {
    // Only a local page (e.g. the Vite dev server, which does not serve init.json) falls back.
    if (!isLocalHost(hostname)) throw error;
    console.warn("No Firebase config served; using the local demo project.", error);
    return resolveEndpoints(localFallbackConfig(), hostname);
  }
}

const databases = new Map<string, Database>();

function databaseAt(app: FirebaseApp, endpoints: Endpoints, url: string): Database {
  let db = databases.get(url);
  if (db === undefined) {
    db = getDatabase(app, url);
    if (endpoints.emulators !== undefined) {
      connectDatabaseEmulator(db, endpoints.emulators.host, EMULATOR_PORTS.database);
    }
    databases.set(url, db);
  }
  return db;
}

/** Loads the config once and connects Auth; the page calls this exactly once. */
export async function connectFirebase(): Promise<Firebase> {
  const endpoints = await loadEndpoints();
  const app = initializeApp(endpoints.firebase);
  const auth = getAuth(app);
  if (endpoints.emulators !== undefined) {
    const host = endpoints.emulators.host;
    connectAuthEmulator(auth, `http://${host}:${EMULATOR_PORTS.auth}`, { disableWarnings: true });
  }
  const usesEmulators = endpoints.emulators !== undefined;
  return {
    app,
    endpoints,
    auth,
    usesEmulators,
    // Opened on first use only: a page that never signs a member in opens no database.
    get db() {
      return databaseAt(app, endpoints, endpoints.firebase.databaseURL);
    },
  };
}

/**
 * The page's Firebase for a member whose tenant lives on `instance` (its `db` claim; undefined:
 * the default instance): its `db` is that instance's, and no other is opened for it.
 */
export function onInstance(firebase: Firebase, instance: string | undefined): Firebase {
  if (instance === undefined) return firebase;
  const url = instanceDatabaseUrl(firebase.endpoints.firebase.databaseURL, instance);
  const db = databaseAt(firebase.auth.app, firebase.endpoints, url);
  return {
    app: firebase.app,
    endpoints: firebase.endpoints,
    auth: firebase.auth,
    usesEmulators: firebase.usesEmulators,
    db,
  };
}
