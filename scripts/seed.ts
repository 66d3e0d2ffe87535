/**
 * The demo seed: tenant `demo` (an admin, a dispatcher, a nurse and a caregiver, three subjects with
 * phone numbers and registered devices, assignments, settings with its own word for one lead
 * status, a line) and tenant `harbor` (one dispatcher, one subject with a device, a line) for
 * cross-tenant checks. Emulators only: it refuses to run unless the emulator hosts are exported.
 * Idempotent: it adds only what is missing, so running it again changes nothing. It does not
 * repair what was changed since (a member's role, a subject's phones): that is the admin CLI's job.
 *
 *   node scripts/emulators.mjs exec "node --import tsx scripts/seed.ts"
 *
 * Everything is made by the admin CLI's operations (`admin/operations.ts`), which make members
 * with the functions' own member code: a seeded tenant is built exactly as an onboarded one.
 */
import { pathToFileURL } from "node:url";
import { getAuth } from "firebase-admin/auth";
import { getDatabase } from "firebase-admin/database";
import { getFirestore } from "firebase-admin/firestore";
import { parseCommandLine } from "./lib/cli-args.mjs";
import { emulatorApp, missingEmulatorHosts } from "./admin/connect.js";
import {
  addDevice,
  addLine,
  addMember,
  addSubject,
  type AdminTargets,
  createTenant,
  findMember,
  listSubjects,
  Refused,
  requireTenant,
  setDefaultTenant,
  setSettings,
  closeInstanceDatabases,
} from "./admin/operations.js";
import type { LeadStatus, Role } from "@lifeline/model";
import { instanceOfUrl } from "../functions/src/store/instances.js";

export { emulatorApp };

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
    leadLabels?: Partial<Record<LeadStatus, string>>;
  };
  /** The numbers its callers dial (`lines/{e164}`). */
  readonly lines: readonly { readonly number: string; readonly label: string }[];
  readonly subjects: readonly SeedSubject[];
  readonly members: readonly SeedMember[];
  /**
   * The tenant's database instance, `<project>-<instance>` (firebase.json's database targets);
   * absent: the default instance. The demo puts its two tenants on different instances.
   */
  readonly instance?: string;
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
    // One word of its own, so the demo shows a tenant's words over the defaults.
    settings: { ...SETTINGS, leadLabels: { callback: "Call back today" } },
    lines: [{ number: "+15555550100", label: "Demo Care main line" }],
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
    instance: "shard-2",
    settings: SETTINGS,
    lines: [{ number: "+15555550120", label: "Harbor Dispatch line" }],
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

export type SeedTargets = AdminTargets;

/** What a run did: what it had to add or change (empty when everything was already seeded). */
export interface SeedReport {
  readonly written: string[];
}

async function tenantExists(targets: SeedTargets, tenantId: string): Promise<boolean> {
  try {
    await requireTenant(targets, tenantId);
    return true;
  } catch (error) {
    if (error instanceof Refused) return false;
    throw error;
  }
}

/** `<project>-<suffix>`: the project is read from the default instance, `<project>-default-rtdb`. */
function projectInstance(targets: SeedTargets, suffix: string): string | undefined {
  const url = targets.database.app.options.databaseURL;
  const project = /^(.+)-default-rtdb$/.exec((url && instanceOfUrl(url)) ?? "")?.[1];
  return project === undefined ? undefined : `${project}-${suffix}`;
}

async function seedTenant(
  targets: SeedTargets,
  tenant: SeedTenant,
  written: string[],
): Promise<void> {
  if (!(await tenantExists(targets, tenant.id))) {
    const database =
      tenant.instance === undefined ? undefined : projectInstance(targets, tenant.instance);
    await createTenant(
      targets,
      { ...tenant, ...(database === undefined ? {} : { database }) },
      SEED_TIME,
    );
    written.push(`tenant:${tenant.id}`);
  } else if ((await setSettings(targets, tenant.id, tenant.settings)).changed) {
    written.push(`settings:${tenant.id}`);
  }
  for (const line of tenant.lines) {
    const { created } = await addLine(targets, tenant.id, line.number, line, SEED_TIME);
    if (created) written.push(`line:${line.number}`);
  }
  const existing = new Set((await listSubjects(targets, tenant.id)).map((subject) => subject.id));
  for (const subject of tenant.subjects) {
    if (!existing.has(subject.id)) {
      await addSubject(targets, tenant.id, subject, SEED_TIME);
      written.push(`subject:${tenant.id}/${subject.id}`);
    }
    for (const device of subject.devices ?? []) {
      const input = { ...device, subjectId: subject.id };
      const { created } = await addDevice(targets, tenant.id, input, SEED_TIME);
      if (created) written.push(`device:${device.id}`);
    }
  }
  for (const member of tenant.members) {
    if ((await findMember(targets, tenant.id, member.uid)) !== null) continue;
    await addMember(targets, tenant.id, { ...member, password: DEMO_PASSWORD }, SEED_TIME);
    written.push(`member:${tenant.id}/${member.uid}`);
  }
}

/** Brings the targets to the demo state, adding only what is missing. */
export async function seedDemo(targets: SeedTargets): Promise<SeedReport> {
  const written: string[] = [];
  for (const tenant of DEMO_TENANTS) await seedTenant(targets, tenant, written);
  if ((await setDefaultTenant(targets, DEMO_TENANT_ID)).changed) written.push("routing");
  return { written };
}

function requireEmulators(): void {
  const missing = missingEmulatorHosts();
  if (missing.length > 0) {
    throw new Error(
      `refusing to seed outside the emulator suite (${missing.join(", ")} not set); run ` +
        `node scripts/emulators.mjs exec "node --import tsx scripts/seed.ts"`,
    );
  }
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
    closeInstanceDatabases();
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
