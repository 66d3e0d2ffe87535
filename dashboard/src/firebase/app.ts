/**
 * The Firebase app, created once from the served config, with Auth and the Realtime Database
 * wired to the emulators when (and only when) the page is served from this machine.
 */
import { initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import { connectDatabaseEmulator, getDatabase, type Database } from "firebase/database";
import {
  EMULATOR_PORTS,
  INIT_JSON_PATH,
  isLocalHost,
  localFallbackConfig,
  resolveEndpoints,
  type Endpoints,
} from "../config.js";

export interface Firebase {
  readonly app: FirebaseApp;
  readonly endpoints: Endpoints;
  readonly auth: Auth;
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

/** Loads the config once and connects; the page calls this exactly once. */
export async function connectFirebase(): Promise<Firebase> {
  const endpoints = await loadEndpoints();
  const app = initializeApp(endpoints.firebase);
  const auth = getAuth(app);
  const db = getDatabase(app);
  if (endpoints.emulators !== undefined) {
    const host = endpoints.emulators.host;
    connectAuthEmulator(auth, `http://${host}:${EMULATOR_PORTS.auth}`, { disableWarnings: true });
    connectDatabaseEmulator(db, host, EMULATOR_PORTS.database);
  }
  return { app, endpoints, auth, db, usesEmulators: endpoints.emulators !== undefined };
}
