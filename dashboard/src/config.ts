/**
 * Where the page finds Firebase: the web config Hosting serves at `/__/firebase/init.json` (the
 * Hosting emulator serves one too, built from the project id for `demo-` projects), and whether
 * to talk to the local emulator suite, decided by the page's own host name and nothing else.
 * Pure: no Firebase and no DOM, so it is unit-tested in Node.
 */
import { z } from "zod";

export const INIT_JSON_PATH = "/__/firebase/init.json";

/** The emulator ports of `firebase.json`; the page reaches them on the host it was served from. */
export const EMULATOR_PORTS = { auth: 9099, database: 9000, functions: 5001 } as const;
export const FUNCTIONS_REGION = "us-central1";

const webConfigSchema = z.looseObject({
  projectId: z.string().min(1),
  apiKey: z.string().min(1),
  authDomain: z.string().optional(),
  databaseURL: z.string().optional(),
  appId: z.string().optional(),
  /** Cloud Messaging's sender: web push needs it (with appId). */
  messagingSenderId: z.string().optional(),
});
export type WebConfig = z.infer<typeof webConfigSchema>;

export interface Endpoints {
  readonly firebase: {
    projectId: string;
    apiKey: string;
    authDomain?: string;
    databaseURL: string;
    appId?: string;
    messagingSenderId?: string;
  };
  /** Set when the page runs against the emulator suite. */
  readonly emulators?: { readonly host: string };
  /** Base URL of the HTTPS functions, without a trailing slash. */
  readonly functionsBase: string;
}

export function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

/**
 * The default Realtime Database namespace of a project. Locally it is the one namespace
 * firebase.json's rules load into; the Hosting emulator's init.json for a demo project names
 * `<project>.firebaseio.com` instead, which would be an empty namespace without our rules.
 */
export function defaultDatabaseUrl(projectId: string): string {
  return `https://${projectId}-default-rtdb.firebaseio.com`;
}

/**
 * The URL of the member's tenant's Realtime Database instance, named by the `db` claim: an
 * instance of the same project shares the default instance's domain; no claim, the default.
 * Locally too, where the emulator serves each instance as the namespace the host names.
 */
export function instanceDatabaseUrl(defaultUrl: string, instance: string | undefined): string {
  if (instance === undefined) return defaultUrl;
  const url = new URL(defaultUrl);
  const [, ...domain] = url.hostname.split(".");
  return `${url.protocol}//${[instance, ...domain].join(".")}`;
}

/** Parses init.json and decides, from the page's host name, between production and the emulators. */
export function resolveEndpoints(initJson: unknown, hostname: string): Endpoints {
  const config = webConfigSchema.parse(initJson);
  const local = isLocalHost(hostname);
  const databaseURL =
    local || config.databaseURL === undefined
      ? defaultDatabaseUrl(config.projectId)
      : config.databaseURL;
  const firebase = {
    projectId: config.projectId,
    apiKey: config.apiKey,
    databaseURL,
    ...(config.authDomain === undefined ? {} : { authDomain: config.authDomain }),
    ...(config.appId === undefined ? {} : { appId: config.appId }),
    ...(config.messagingSenderId === undefined
      ? {}
      : { messagingSenderId: config.messagingSenderId }),
  };
  if (!local) {
    return {
      firebase,
      functionsBase: `https://${FUNCTIONS_REGION}-${config.projectId}.cloudfunctions.net`,
    };
  }
  const host = hostname === "[::1]" ? "127.0.0.1" : hostname;
  return {
    firebase,
    emulators: { host },
    functionsBase: `http://${host}:${EMULATOR_PORTS.functions}/${config.projectId}/${FUNCTIONS_REGION}`,
  };
}

/**
 * The config a local page uses when nothing serves init.json (the Vite dev server): the demo
 * project the emulator suite runs. Never used away from localhost.
 */
export function localFallbackConfig(projectId = "demo-lifeline"): WebConfig {
  return { projectId, apiKey: "fake-api-key" };
}
