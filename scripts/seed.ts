/**
 * The demo seed: tenant `demo` (an admin, a dispatcher, a nurse and a caregiver, three subjects with
 * phone numbers and registered devices, assignments, settings) and tenant `harbor` (one dispatcher,
 * one subject with a device) for cross-tenant checks. Emulators only: it refuses to run unless the emulator hosts are exported.
 * Idempotent: it compares before it writes, so running it again changes nothing.
 *
 *   node scripts/emulators.mjs exec "node --import tsx scripts/seed.ts"
 *
 * Members are built with the same functions the member endpoints use, so a seeded member is
 * indistinguishable from one an admin created.
 */
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { initializeApp, type App } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";
import { getDatabase, type Database } from "firebase-admin/database";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { parseCommandLine } from "./lib/cli-args.mjs";
import {
  claimsOf,
  docOf,
  mirrorOf,
  newMemberRecord,
  type MemberRecord,
} from "../functions/src/domain/members.js";
import {
  deviceDocSchema,
  firestore,
  memberPath,
  phoneIndexSchema,
  type Role,
  routingConfigSchema,
  subjectDocSchema,
  subjectPath,
  subjectSchema,
  tenantDocSchema,
} from "@lifeline/model";

/** Every demo account's password (Auth emulator only). */
export const DEMO_PASSWORD = "lifeline-demo";
export const DEMO_TENANT_ID = "demo";
export const SECOND_TENANT_ID = "harbor";
/** A fixed instant, so every seeded timestamp is the same on every run. */
export const SEED_TIME = Date.UTC(2025, 0, 1);

export interface SeedMember {
  readonly uid: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly subjects: readonly string[];
}

export interface SeedDevice {
  readonly id: string;
  readonly label: string;
}

export interface SeedSubject {
  readonly id: string;
  readonly name: string;
  readonly phones: readonly string[];
  /** Registered in `devices/{id}`: readings from them are attributed to this subject. */
  readonly devices?: readonly SeedDevice[];
}

export interface SeedTenant {
  readonly id: string;
  readonly name: string;
  readonly settings: {
    escalationMinutes: number;
    maxEscalationLevel: number;
    vitalThresholds: Record<string, { min: number; max: number }>;
  };
  readonly subjects: readonly SeedSubject[];
  readonly members: readonly SeedMember[];
}

const SETTINGS: SeedTenant["settings"] = {
  escalationMinutes: 2,
  maxEscalationLevel: 2,
  vitalThresholds: {
    heart_rate: { min: 40, max: 130 },
    spo2: { min: 92, max: 100 },
    temperature: { min: 35, max: 38.5 },
    bp_systolic: { min: 90, max: 180 },
    respiratory_rate: { min: 8, max: 25 },
  },
};

// 555-01xx numbers are reserved for fiction: these ring no one.
export const DEMO_TENANTS: readonly SeedTenant[] = [
  {
    id: DEMO_TENANT_ID,
    name: "Demo Care",
    settings: SETTINGS,
    subjects: [
      {
        id: "subject-ada",
        name: "Ada Okafor",
        phones: ["+15555550101"],
        devices: [{ id: "oximeter-ada", label: "Ada's pulse oximeter" }],
      },
      {
        id: "subject-ben",
        name: "Ben Lindqvist",
        phones: ["+15555550102"],
        devices: [{ id: "watch-ben", label: "Ben's watch" }],
      },
      { id: "subject-chen", name: "Chen Wei", phones: ["+15555550103", "+15555550113"] },
    ],
    members: [
      {
        uid: "demo-admin",
        email: "admin@demo.lifeline.test",
        name: "Alex Admin",
        role: "admin",
        subjects: [],
      },
      {
        uid: "demo-dispatcher",
        email: "dispatcher@demo.lifeline.test",
        name: "Dana Dispatcher",
        role: "dispatcher",
        subjects: [],
      },
      {
        uid: "demo-nurse",
        email: "nurse@demo.lifeline.test",
        name: "Noor Nurse",
        role: "nurse",
        subjects: ["subject-ada", "subject-ben"],
      },
      {
        uid: "demo-caregiver",
        email: "caregiver@demo.lifeline.test",
        name: "Casey Caregiver",
        role: "caregiver",
        subjects: ["subject-ada"],
      },
    ],
  },
  {
    id: SECOND_TENANT_ID,
    name: "Harbor Dispatch",
    settings: SETTINGS,
    subjects: [
      {
        id: "subject-hana",
        name: "Hana Berg",
        phones: ["+15555550121"],
        devices: [{ id: "watch-hana", label: "Hana's watch" }],
      },
    ],
    members: [
      {
        uid: "harbor-dispatcher",
        email: "dispatcher@harbor.lifeline.test",
        name: "Hugo Dispatcher",
        role: "dispatcher",
        subjects: [],
      },
    ],
  },
];

export interface SeedTargets {
  readonly auth: Auth;
  readonly database: Database;
  readonly firestore: Firestore;
}

/** What a run did: the paths and uids it had to write (empty when everything was already seeded). */
export interface SeedReport {
  readonly written: string[];
}

function memberRecord(tenantId: string, member: SeedMember): MemberRecord {
  return newMemberRecord(tenantId, member.uid, member, SEED_TIME);
}

async function ensureAuthUser(auth: Auth, record: MemberRecord, written: string[]): Promise<void> {
  const wanted = { email: record.email, displayName: record.name, disabled: false };
  const existing = await auth.getUser(record.uid).catch((error: unknown) => {
    if (typeof error === "object" && error !== null && "code" in error) {
      if (error.code === "auth/user-not-found") return null;
    }
    throw error;
  });
  if (existing === null) {
    await auth.createUser({ uid: record.uid, password: DEMO_PASSWORD, ...wanted });
    written.push(`auth:${record.uid}`);
  } else if (
    existing.email !== wanted.email ||
    existing.displayName !== wanted.displayName ||
    existing.disabled
  ) {
    await auth.updateUser(record.uid, wanted);
    written.push(`auth:${record.uid}`);
  }
  const claims = claimsOf(record);
  if (!isDeepStrictEqual(existing?.customClaims ?? null, claims)) {
    await auth.setCustomUserClaims(record.uid, claims);
    written.push(`claims:${record.uid}`);
  }
}

async function ensureRtdb(
  database: Database,
  path: string,
  value: unknown,
  written: string[],
): Promise<void> {
  const current: unknown = (await database.ref(path).get()).val();
  if (isDeepStrictEqual(current, value)) return;
  await database.ref(path).set(value);
  written.push(`rtdb:${path}`);
}

async function ensureDoc(
  db: Firestore,
  path: string,
  data: Record<string, unknown>,
  written: string[],
): Promise<void> {
  const snapshot = await db.doc(path).get();
  if (snapshot.exists && isDeepStrictEqual(snapshot.data(), data)) return;
  await db.doc(path).set(data);
  written.push(`firestore:${path}`);
}

/** Brings the targets to the demo state, writing only what differs. */
export async function seedDemo(targets: SeedTargets): Promise<SeedReport> {
  const written: string[] = [];
  const { auth, database } = targets;
  const db = targets.firestore;
  await ensureDoc(
    db,
    firestore.routingConfigDoc(),
    routingConfigSchema.parse({ defaultTenantId: DEMO_TENANT_ID }),
    written,
  );
  for (const tenant of DEMO_TENANTS) {
    await ensureDoc(
      db,
      firestore.tenantDoc(tenant.id),
      tenantDocSchema.parse({ name: tenant.name, createdAt: SEED_TIME, settings: tenant.settings }),
      written,
    );
    for (const subject of tenant.subjects) {
      const doc = subjectDocSchema.parse({
        name: subject.name,
        phones: subject.phones,
        createdAt: SEED_TIME,
      });
      await ensureDoc(db, firestore.subjectDoc(tenant.id, subject.id), doc, written);
      for (const phone of subject.phones) {
        const entry = phoneIndexSchema.parse({ tenantId: tenant.id, subjectId: subject.id });
        await ensureDoc(db, firestore.phoneDoc(phone), entry, written);
      }
      for (const device of subject.devices ?? []) {
        const entry = deviceDocSchema.parse({
          tenantId: tenant.id,
          subjectId: subject.id,
          label: device.label,
          createdAt: SEED_TIME,
        });
        await ensureDoc(db, firestore.deviceDoc(device.id), entry, written);
      }
      const live = subjectSchema.parse({ name: subject.name });
      await ensureRtdb(database, subjectPath(tenant.id, subject.id), live, written);
    }
    for (const member of tenant.members) {
      const record = memberRecord(tenant.id, member);
      await ensureAuthUser(auth, record, written);
      await ensureRtdb(database, memberPath(tenant.id, member.uid), mirrorOf(record), written);
      await ensureDoc(db, firestore.memberDoc(tenant.id, member.uid), docOf(record), written);
    }
  }
  return { written };
}

function requireEmulators(): void {
  const missing = [
    "FIREBASE_AUTH_EMULATOR_HOST",
    "FIREBASE_DATABASE_EMULATOR_HOST",
    "FIRESTORE_EMULATOR_HOST",
  ].filter((name) => (process.env[name] ?? "") === "");
  if (missing.length > 0) {
    throw new Error(
      `refusing to seed outside the emulator suite (${missing.join(", ")} not set); run ` +
        `node scripts/emulators.mjs exec "node --import tsx scripts/seed.ts"`,
    );
  }
}

/** The Admin SDK app for the emulated project, on the namespace firebase.json's rules load into. */
export function emulatorApp(name: string): App {
  const config: unknown = JSON.parse(process.env.FIREBASE_CONFIG ?? "{}");
  const fromConfig = (key: string): string | undefined =>
    typeof config === "object" && config !== null && key in config
      ? String((config as Record<string, unknown>)[key])
      : undefined;
  const projectId = process.env.GCLOUD_PROJECT ?? fromConfig("projectId") ?? "demo-lifeline";
  const databaseURL =
    process.env.DATABASE_URL ??
    fromConfig("databaseURL") ??
    `https://${projectId}-default-rtdb.firebaseio.com`;
  return initializeApp({ projectId, databaseURL }, name);
}

async function main(): Promise<void> {
  requireEmulators();
  const app = emulatorApp("lifeline-seed");
  const database = getDatabase(app);
  try {
    const report = await seedDemo({ auth: getAuth(app), database, firestore: getFirestore(app) });
    console.log(
      report.written.length === 0
        ? "seed: already seeded, nothing written"
        : `seed: wrote ${report.written.length} items`,
    );
    console.log(`seed: demo accounts (password "${DEMO_PASSWORD}"):`);
    for (const tenant of DEMO_TENANTS) {
      for (const member of tenant.members) {
        console.log(`  ${tenant.id.padEnd(8)} ${member.role.padEnd(11)} ${member.email}`);
      }
    }
  } finally {
    database.goOffline();
    await getFirestore(app).terminate();
  }
}

const USAGE = `Usage: node --import tsx scripts/seed.ts
       node scripts/emulators.mjs exec "node --import tsx scripts/seed.ts"

Seeds the demo tenants into the emulator suite (refuses to run without the emulator hosts).
Takes no options but --help, -h.
`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  parseCommandLine({ name: "seed", usage: USAGE });
  main().catch((error: unknown) => {
    console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
