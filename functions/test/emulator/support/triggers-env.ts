/**
 * What the trigger suites need beyond `emulators.ts`: a tenant with live-pipeline settings, calls
 * and messages written the way the speech turn writes them, waiting on a database path until a
 * condition holds (never sleeping), and replaying a database event straight to the Functions
 * emulator, as a second delivery of the same event would arrive.
 */
import type { Database as AdminDatabase } from "firebase-admin/database";
import { type Call, callPath, firestore, type Message, messagePath } from "@lifeline/model";
import {
  expectTestPlacement,
  exported,
  freshId,
  PROJECT_ID,
  TEST_INSTANCE,
  testPlacement,
  type Admin,
} from "./emulators.js";

export interface TenantSettings {
  readonly escalationMinutes?: number;
  readonly escalationSeconds?: number;
  readonly maxEscalationLevel?: number;
  readonly ackTimeoutSeconds?: number;
  readonly retentionHours?: number;
  readonly staleCallMinutes?: number;
  readonly unwatchedWebhookUrl?: string;
}

/**
 * A fresh tenant whose Firestore record holds `settings` (escalation off unless asked for), on
 * this run's test instance.
 */
export async function newTenant(admin: Admin, settings: TenantSettings = {}): Promise<string> {
  const tenantId = freshId("tenant");
  await admin.firestore.doc(firestore.tenantDoc(tenantId)).set({
    name: `Tenant ${tenantId}`,
    createdAt: Date.now(),
    settings: { escalationMinutes: 10, maxEscalationLevel: 0, ...settings },
    ...testPlacement(),
  });
  await expectTestPlacement(admin, tenantId);
  return tenantId;
}

export function newCall(overrides: Partial<Call> = {}): Call {
  const now = Date.now();
  return {
    phone: "+15550100123",
    medium: "voice",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai", since: now },
    startedAt: now,
    lastMessageAt: now,
    messageCount: 0,
    lastSnippet: "",
    ...overrides,
  };
}

export async function writeCall(
  admin: Admin,
  tenantId: string,
  call: Call,
  callId = freshId("call"),
): Promise<string> {
  await admin.database.ref(callPath(tenantId, callId)).set(call);
  return callId;
}

/** A message the call summary does not count yet, so that `fanOutMessage` does the counting. */
export async function writeMessage(
  admin: Admin,
  tenantId: string,
  callId: string,
  message: Message,
  messageId = freshId("msg"),
): Promise<string> {
  await admin.database.ref(messagePath(tenantId, callId, messageId)).set(message);
  return messageId;
}

/**
 * Resolves with the value at `path` once `accept` holds for it; rejects after `timeoutMs` with the
 * last value seen, so a failure says what the database held instead.
 */
export function waitFor<T = unknown>(
  db: AdminDatabase,
  path: string,
  accept: (value: T | null) => boolean,
  timeoutMs = 20_000,
  what = path,
): Promise<T | null> {
  const ref = db.ref(path);
  return new Promise((resolve, reject) => {
    let last: unknown = undefined;
    const timer = setTimeout(() => {
      ref.off("value", listener);
      reject(new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const listener = ref.on(
      "value",
      (snapshot) => {
        last = snapshot.val();
        const value = last as T | null;
        if (!accept(value)) return;
        clearTimeout(timer);
        ref.off("value", listener);
        resolve(value);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Waits until a Firestore document exists and `accept` holds for its data. */
export async function waitForDoc(
  admin: Admin,
  path: string,
  accept: (data: Record<string, unknown>) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const doc = admin.firestore.doc(path);
  return new Promise((resolve, reject) => {
    let last: unknown = undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${path}; last: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const unsubscribe = doc.onSnapshot(
      (snapshot) => {
        const data = snapshot.data();
        last = data;
        if (data === undefined || !accept(data)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(data);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

interface EmulatorInfo {
  readonly host: string;
  readonly port: number;
}

/** The Functions emulator's address, from the hub (ports come from whichever config is running). */
export async function functionsOrigin(): Promise<string> {
  const response = await fetch(`http://${exported("FIREBASE_EMULATOR_HUB")}/emulators`);
  const emulators = (await response.json()) as Record<string, EmulatorInfo | undefined>;
  const functions = emulators.functions;
  if (functions === undefined) throw new Error("the Functions emulator is not running");
  return `http://${functions.host}:${functions.port}`;
}

export type DatabaseEventType = "created" | "updated" | "deleted" | "written";

/**
 * Delivers a database event to a v2 trigger again, through the same Functions emulator route the
 * database emulator uses, and resolves once the function has run. `before`/`after` are the node's
 * values; the payload carries `before` and the delta to `after`, as a real delivery does.
 */
export async function replayDatabaseEvent(
  functionName: string,
  type: DatabaseEventType,
  ref: string,
  before: unknown,
  after: unknown,
  /** The instance the event comes from; the test tenants' instance when absent. */
  from: string = TEST_INSTANCE,
): Promise<void> {
  const instance = from;
  const body = {
    specversion: "1.0",
    id: freshId("replay"),
    source: `//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/${instance}`,
    type: `google.firebase.database.ref.v1.${type}`,
    time: new Date().toISOString(),
    subject: `refs/${ref}`,
    firebasedatabasehost: "firebaseio.com",
    instance,
    ref,
    location: "us-central1",
    authtype: "admin",
    data: {
      "@type": "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData",
      data: before,
      delta: after,
    },
  };
  const url = `${await functionsOrigin()}/functions/projects/${PROJECT_ID}/triggers/us-central1-${functionName}-0`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`replay of ${functionName} failed: ${response.status} ${text}`);
}
