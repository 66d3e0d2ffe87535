/**
 * What the functions suites need of the running emulator suite: the Admin SDK on the instance the
 * test tenants live on, URLs of the deployed functions, ID tokens from the Auth emulator, web SDK
 * sessions that the database rules judge, and a snapshot of everything a tenant holds.
 */
import { isDeepStrictEqual } from "node:util";
import {
  deleteApp as deleteAdminApp,
  initializeApp as initializeAdminApp,
} from "firebase-admin/app";
import type { App as AdminApp } from "firebase-admin/app";
import { getAuth as getAdminAuth, type Auth as AdminAuth } from "firebase-admin/auth";
import {
  getDatabase as getAdminDatabase,
  type Database as AdminDatabase,
} from "firebase-admin/database";
import { getDatabaseWithUrl } from "firebase-admin/database";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { deleteApp, initializeApp, setLogLevel } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword, signOut } from "firebase/auth";
import { connectDatabaseEmulator, getDatabase, type Database } from "firebase/database";
import { claimsOf, docOf, mirrorOf, newMemberRecord } from "../../../src/domain/members.js";
import { instanceOfUrl, instanceUrl } from "../../../src/store/instances.js";
import {
  firestore,
  instanceName,
  memberPath,
  revocationPath,
  type Role,
  subjectPath,
  tenantPath,
  tenantPlacementSchema,
} from "@lifeline/model";

export function exported(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(
      `${name} is not set: run this suite inside the emulator suite (scripts/emulators.mjs exec)`,
    );
  }
  return value;
}

function hostAndPort(variable: string): { host: string; port: number } {
  const value = exported(variable);
  const colon = value.lastIndexOf(":");
  return { host: value.slice(0, colon), port: Number(value.slice(colon + 1)) };
}

function firebaseConfig(): { projectId: string; databaseURL: string } {
  const parsed: unknown = JSON.parse(process.env.FIREBASE_CONFIG ?? "{}");
  const record =
    typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const projectId =
    process.env.GCLOUD_PROJECT ??
    (typeof record.projectId === "string" ? record.projectId : "demo-lifeline");
  const databaseURL =
    process.env.DATABASE_URL ??
    (typeof record.databaseURL === "string"
      ? record.databaseURL
      : `https://${projectId}-default-rtdb.firebaseio.com`);
  return { projectId, databaseURL };
}

export const PROJECT_ID = firebaseConfig().projectId;
/** The namespace firebase.json's rules load into; the functions' Admin SDK uses the same one. */
export const DATABASE_URL = firebaseConfig().databaseURL;
/** The project's default instance, `<project>-default-rtdb`. */
export const DEFAULT_INSTANCE = instanceOfUrl(DATABASE_URL) ?? `${PROJECT_ID}-default-rtdb`;

/**
 * The instance this run's test tenants live on: `LIFELINE_TEST_DATABASE` (e.g.
 * `demo-lifeline-shard-2`, one of firebase.json's database targets), else the default instance.
 * `npm test` runs the pipeline suites with their tenants on a second instance, so the functions'
 * routing by tenant record is what every one of those tests goes through.
 */
function testInstance(): string {
  const named = process.env.LIFELINE_TEST_DATABASE;
  if (named === undefined || named === "") return DEFAULT_INSTANCE;
  // Only `<project>-…` instances set off the product's triggers (their instance pattern).
  if (!instanceName.safeParse(named).success || !named.startsWith(`${PROJECT_ID}-`)) {
    throw new Error(
      `LIFELINE_TEST_DATABASE=${named} is not an instance of ${PROJECT_ID} (${PROJECT_ID}-…)`,
    );
  }
  return named;
}

export const TEST_INSTANCE = testInstance();
/** The URL of TEST_INSTANCE; DATABASE_URL itself when the tenants are on the default instance. */
export const TEST_DATABASE_URL =
  TEST_INSTANCE === DEFAULT_INSTANCE ? DATABASE_URL : instanceUrl(TEST_INSTANCE, DATABASE_URL);

/**
 * What a test tenant's Firestore record says about its instance, as `tenants create --database`
 * writes it: nothing on the default instance, `database` on any other. Every fixture that writes a
 * tenant record spreads this into it.
 */
export function testPlacement(): { database?: string } {
  return TEST_INSTANCE === DEFAULT_INSTANCE ? {} : { database: TEST_INSTANCE };
}

/** Tenants the fixtures placed in this process, for `checkTestPlacement`. */
const placedTenants = new Set<string>();

/**
 * Holds a freshly seeded tenant to this run's instance, so a fixture (or a run) that ignores
 * LIFELINE_TEST_DATABASE fails here instead of passing on the default instance: its record names
 * TEST_INSTANCE (nothing when that is the default) and, on another instance, the default instance
 * holds nothing of it. `checkTestPlacement` checks them all again once the run is over.
 */
export async function expectTestPlacement(admin: Admin, tenantId: string): Promise<void> {
  placedTenants.add(tenantId);
  const problem = await placementProblem(admin, tenantId);
  if (problem !== undefined) throw new Error(problem);
}

/** Leaves a tenant out of `checkTestPlacement`: for a test that moves it to another instance. */
export function forgetTestPlacement(tenantId: string): void {
  placedTenants.delete(tenantId);
}

async function placementProblem(admin: Admin, tenantId: string): Promise<string | undefined> {
  const record: unknown = (await admin.firestore.doc(firestore.tenantDoc(tenantId)).get()).data();
  const placement = tenantPlacementSchema.parse(record ?? {});
  const named = placement.database ?? DEFAULT_INSTANCE;
  if (named !== TEST_INSTANCE) {
    return `test tenant ${tenantId} is placed on ${named}, not on this run's ${TEST_INSTANCE}`;
  }
  if (TEST_INSTANCE === DEFAULT_INSTANCE) return undefined;
  const stray = await admin.defaultDatabase.ref(tenantPath(tenantId)).get();
  if (stray.exists()) {
    const keys = Object.keys((stray.val() ?? {}) as Record<string, unknown>).join(", ");
    return `test tenant ${tenantId} lives on ${TEST_INSTANCE} but has ${keys} on ${DEFAULT_INSTANCE}`;
  }
  return undefined;
}

/**
 * Every tenant the fixtures placed in this process, after the tests ran on it: still on
 * TEST_INSTANCE and, unless that is the default, with nothing on the default instance — the
 * functions wrote their calls, alerts and fan-out where the record says, not to the default.
 * Resolves with how many tenants were checked and how many have live data on TEST_INSTANCE.
 */
export async function checkTestPlacement(
  admin: Admin,
): Promise<{ tenants: number; withData: number; problems: string[] }> {
  const tenants = [...placedTenants];
  const results = await Promise.all(
    tenants.map(async (tenantId) => ({
      problem: await placementProblem(admin, tenantId),
      hasData: (await admin.database.ref(tenantPath(tenantId)).get()).exists(),
    })),
  );
  return {
    tenants: tenants.length,
    withData: results.filter((result) => result.hasData).length,
    problems: results.flatMap(({ problem }) => (problem === undefined ? [] : [problem])),
  };
}

let functionsOrigin: Promise<string> | undefined;

/** Where the Functions emulator listens, as the emulator hub reports it (firebase.json may move it). */
function functionsEmulatorOrigin(): Promise<string> {
  functionsOrigin ??= (async () => {
    const response = await fetch(`http://${exported("FIREBASE_EMULATOR_HUB")}/emulators`);
    const emulators = (await response.json()) as { functions?: { host?: string; port?: number } };
    const { host, port } = emulators.functions ?? {};
    if (host === undefined || port === undefined)
      throw new Error("the Functions emulator is not running");
    return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  })();
  return functionsOrigin;
}

export async function functionUrl(name: string, path = ""): Promise<string> {
  return `${await functionsEmulatorOrigin()}/${PROJECT_ID}/us-central1/${name}${path}`;
}

export interface Admin {
  /** Configured with the project's default instance, as the functions' and the admin CLI's are. */
  readonly app: AdminApp;
  readonly auth: AdminAuth;
  /** The instance the test tenants live on (TEST_INSTANCE). */
  readonly database: AdminDatabase;
  /** The project's default instance; `database` itself unless the tenants are elsewhere. */
  readonly defaultDatabase: AdminDatabase;
  readonly firestore: Firestore;
  close(): Promise<void>;
}

let adminCount = 0;

export function adminSdk(): Admin {
  const app = initializeAdminApp(
    { projectId: PROJECT_ID, databaseURL: DATABASE_URL },
    `identity-admin-${++adminCount}`,
  );
  const defaultDatabase = getAdminDatabase(app);
  const database =
    TEST_DATABASE_URL === DATABASE_URL
      ? defaultDatabase
      : getDatabaseWithUrl(TEST_DATABASE_URL, app);
  return {
    app,
    auth: getAdminAuth(app),
    database,
    defaultDatabase,
    firestore: getFirestore(app),
    close: async () => {
      database.goOffline();
      defaultDatabase.goOffline();
      await deleteAdminApp(app);
    },
  };
}

/**
 * The stores as the admin CLI's operations take them: their `database` is the project's default
 * instance (they find a tenant's own from its record), whichever instance this run's tenants are on.
 */
export function cliTargets(admin: Admin): {
  auth: AdminAuth;
  database: AdminDatabase;
  firestore: Firestore;
} {
  return { auth: admin.auth, database: admin.defaultDatabase, firestore: admin.firestore };
}

/**
 * The Admin SDK client of the instance a tenant's record names, for the few tests that meet a
 * tenant they did not seed (the deployment's default tenant may have been made by another suite).
 */
export async function tenantDatabaseOf(admin: Admin, tenantId: string): Promise<AdminDatabase> {
  const record: unknown = (await admin.firestore.doc(firestore.tenantDoc(tenantId)).get()).data();
  const instance = tenantPlacementSchema.parse(record ?? {}).database ?? DEFAULT_INSTANCE;
  if (instance === TEST_INSTANCE) return admin.database;
  if (instance === DEFAULT_INSTANCE) return admin.defaultDatabase;
  return getDatabaseWithUrl(instanceUrl(instance, DATABASE_URL), admin.app);
}

/** Ids no other test or run uses. */
export function freshId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

export interface SignedIn {
  readonly uid: string;
  readonly idToken: string;
  readonly refreshToken: string;
}

/** Signs in through the Auth emulator's REST API, as the web SDK would. */
export async function signIn(email: string, password: string): Promise<SignedIn> {
  const response = await fetch(
    `http://${exported("FIREBASE_AUTH_EMULATOR_HOST")}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as {
    localId?: string;
    idToken?: string;
    refreshToken?: string;
  };
  if (!response.ok || body.idToken === undefined || body.localId === undefined) {
    throw new Error(`sign-in of ${email} failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return { uid: body.localId, idToken: body.idToken, refreshToken: body.refreshToken ?? "" };
}

/**
 * Exchanges a refresh token for a new ID token, or null when Auth refuses. Firebase Auth refuses
 * revoked refresh tokens; the Auth emulator does not check, and issues a token with the old
 * `auth_time`, which is why Lifeline's own revocation record is what the checks rely on.
 */
export async function refreshedIdToken(refreshToken: string): Promise<string | null> {
  const response = await fetch(
    `http://${exported("FIREBASE_AUTH_EMULATOR_HOST")}/securetoken.googleapis.com/v1/token?key=fake`,
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      }).toString(),
    },
  );
  const body = (await response.json()) as { id_token?: unknown };
  return response.ok && typeof body.id_token === "string" ? body.id_token : null;
}

/** The `auth_time` claim (seconds) of an ID token. */
export function authTimeOf(idToken: string): number {
  const payload = idToken.split(".")[1] ?? "";
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    auth_time?: unknown;
  };
  if (typeof claims.auth_time !== "number") throw new Error("ID token without auth_time");
  return claims.auth_time;
}

/**
 * Resolves once the wall clock is in a later second than `ms`. Token times are whole seconds, so
 * a session signed in before that could not be told from one signed in before a revocation at `ms`.
 */
export function clockPastSecondOf(ms: number): Promise<void> {
  const next = Math.floor(ms / 1000) * 1000 + 1000;
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
}

export interface TestMember {
  readonly uid: string;
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly role: Role;
  readonly tenantId: string;
}

export const PASSWORD = "correct-horse-battery";

/** Writes a member the way the endpoint would (Auth user, claims, mirror, record), bypassing it. */
export async function addMember(
  admin: Admin,
  tenantId: string,
  role: Role,
  subjects: readonly string[] = [],
): Promise<TestMember> {
  const uid = freshId(role);
  const email = `${uid}@${tenantId}.test`;
  const name = `${role} ${uid}`;
  const record = newMemberRecord(tenantId, uid, { email, name, role, subjects }, Date.now());
  await admin.auth.createUser({ uid, email, password: PASSWORD, displayName: name });
  await admin.auth.setCustomUserClaims(uid, claimsOf(record, testPlacement().database));
  await admin.database.ref(memberPath(tenantId, uid)).set(mirrorOf(record));
  await admin.firestore.doc(firestore.memberDoc(tenantId, uid)).set(docOf(record));
  return { uid, email, password: PASSWORD, name, role, tenantId };
}

export async function addSubject(
  admin: Admin,
  tenantId: string,
  name = "Subject",
): Promise<string> {
  const id = freshId("subject");
  await admin.firestore
    .doc(firestore.subjectDoc(tenantId, id))
    .set({ name, phones: [], createdAt: Date.now() });
  await admin.database.ref(subjectPath(tenantId, id)).set({ name });
  return id;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  readonly rawBody?: string;
  readonly contentType?: string;
}

export async function call(
  name: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const payload =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers["content-type"] = options.contentType ?? "application/json";
  const response = await fetch(await functionUrl(name, path), { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text, the assertion will show it.
  }
  return { status: response.status, headers: response.headers, body };
}

/** The error body's `status`, for concise assertions. */
export function errorStatus(reply: Reply): unknown {
  const body = reply.body;
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = body.error;
  return typeof error === "object" && error !== null && "status" in error
    ? error.status
    : undefined;
}

/**
 * Everything a tenant holds in the three stores, and the Auth users of its email domain, so that
 * "nothing was written" is one deep comparison.
 */
export async function tenantState(
  admin: Admin,
  tenantId: string,
  uids: readonly string[] = [],
): Promise<unknown> {
  const [rtdb, members, audit, users, revocations] = await Promise.all([
    admin.database.ref(`tenants/${tenantId}`).get(),
    admin.firestore.collection(firestore.membersCollection(tenantId)).get(),
    admin.firestore.collection(firestore.auditCollection(tenantId)).get(),
    admin.auth.listUsers(1000),
    Promise.all(
      uids.map(
        async (uid) => [uid, (await admin.database.ref(revocationPath(uid)).get()).val()] as const,
      ),
    ),
  ]);
  return {
    rtdb: rtdb.val() as unknown,
    members: Object.fromEntries(members.docs.map((doc) => [doc.id, doc.data()])),
    audit: audit.docs.map((doc) => doc.id).sort(),
    users: users.users
      .filter(
        (user) =>
          user.email?.endsWith(`@${tenantId}.test`) === true ||
          user.customClaims?.tenant === tenantId,
      )
      .map((user) => ({
        uid: user.uid,
        email: user.email,
        displayName: user.displayName,
        disabled: user.disabled,
        claims: user.customClaims ?? null,
        validSince: user.tokensValidAfterTime ?? null,
      }))
      .sort((a, b) => a.uid.localeCompare(b.uid)),
    revocations: Object.fromEntries(revocations),
  };
}

export function sameState(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

export interface WebSession {
  readonly db: Database;
  close(): Promise<void>;
}

let webCount = 0;

/**
 * A dashboard-like session: the web SDK signed in with a password, on the rules-enforcing
 * instance the test tenants live on (the dashboard connects to its tenant's instance likewise).
 */
export async function webSession(email: string, password: string): Promise<WebSession> {
  setLogLevel("silent");
  const app = initializeApp(
    { projectId: PROJECT_ID, apiKey: "fake-api-key", databaseURL: TEST_DATABASE_URL },
    `identity-web-${++webCount}`,
  );
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${exported("FIREBASE_AUTH_EMULATOR_HOST")}`, {
    disableWarnings: true,
  });
  await signInWithEmailAndPassword(auth, email, password);
  const db = getDatabase(app);
  const { host, port } = hostAndPort("FIREBASE_DATABASE_EMULATOR_HOST");
  connectDatabaseEmulator(db, host, port);
  return {
    db,
    // Signing out first stops the SDK's proactive token refresh, whose timer deleteApp leaves running.
    close: async () => {
      await signOut(auth);
      await deleteApp(app);
    },
  };
}
