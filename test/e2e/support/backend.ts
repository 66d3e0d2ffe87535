/**
 * The test's side of the emulator suite: the demo seed, the simulated gateway (the demo's own
 * client code), and the Admin SDK for waiting on what the triggers write.
 */
import { randomBytes } from "node:crypto";
import { deleteApp, type App } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getDatabase, type Database, type Reference } from "firebase-admin/database";
import { getFirestore } from "firebase-admin/firestore";
import { emulatorApp, seedDemo } from "../../../scripts/seed.js";
import { emulatorFunctionsBase, GatewayClient } from "../../../scripts/demo/gateway-client.js";
import { WAIT_MS } from "./browser.js";

export interface Backend {
  readonly database: Database;
  close(): Promise<void>;
}

let apps = 0;

/** Seeds the demo tenants (idempotent) and returns an Admin SDK on the rules' namespace. */
export async function seededBackend(): Promise<Backend> {
  const app: App = emulatorApp(`e2e-${++apps}`);
  const database = getDatabase(app);
  await seedDemo({ auth: getAuth(app), database, firestore: getFirestore(app) });
  return {
    database,
    close: async () => {
      database.goOffline();
      await getFirestore(app).terminate();
      await deleteApp(app);
    },
  };
}

/** The simulated gateway of `npm start`, as its own gateway identity. */
export function testGateway(): GatewayClient {
  return new GatewayClient({ functionsBase: emulatorFunctionsBase(), gatewayId: "e2e-gateway" });
}

/** A number in no directory: it reaches the default tenant (demo) as an unknown caller. */
export function unknownNumber(): string {
  const digits = (randomBytes(4).readUInt32BE(0) % 10_000_000).toString().padStart(7, "0");
  return `+1555${digits}9`;
}

/** Resolves with the value at `ref` once `accept` holds; rejects after WAIT_MS. */
export function waitForValue(
  ref: Reference,
  accept: (value: unknown) => boolean,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    const timer = setTimeout(() => {
      ref.off("value", listener);
      reject(new Error(`timed out on ${ref.toString()}; last value ${JSON.stringify(last)}`));
    }, WAIT_MS);
    const listener = ref.on("value", (snapshot) => {
      last = snapshot.val();
      if (!accept(last)) return;
      clearTimeout(timer);
      ref.off("value", listener);
      resolve(last);
    });
  });
}

/** An ID token for a seeded member, from the Auth emulator's REST API. */
export async function idTokenOf(email: string, password: string): Promise<string> {
  const host = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? "127.0.0.1:9099";
  const response = await fetch(
    `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body: unknown = await response.json();
  if (
    !response.ok ||
    typeof body !== "object" ||
    body === null ||
    !("idToken" in body) ||
    typeof body.idToken !== "string"
  ) {
    throw new Error(`sign-in of ${email} failed: HTTP ${response.status}`);
  }
  return body.idToken;
}

/** The member-management endpoint, as an admin would call it. */
export async function membersRequest(
  method: "POST" | "PATCH" | "DELETE",
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${emulatorFunctionsBase()}/members${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}
