/**
 * What an operator does to onboard and run a tenant, as functions over the Admin SDK: tenants and
 * their settings, the lines (numbers) they answer, subjects with their phones, devices, members.
 * The admin CLI (`scripts/admin.ts`) and the demo seed (`scripts/seed.ts`) both call these, so a
 * seeded tenant is built exactly as an onboarded one.
 *
 * Every input is checked before the first write: bad input throws `BadInput` (the CLI's exit 2),
 * an operation the stores refuse (unknown tenant, a number serving another tenant, a taken email)
 * throws `Refused` (exit 1). Members are made by the functions' own member code (Auth user,
 * claims, mirror, record, audit), with `OPERATOR_UID` as the actor in the audit log.
 */
import { randomBytes } from "node:crypto";
import type { App } from "firebase-admin/app";
import type { Auth } from "firebase-admin/auth";
import { getDatabaseWithUrl, type Database } from "firebase-admin/database";
import type { Firestore } from "firebase-admin/firestore";
import {
  assignmentProblem,
  newMemberRecord,
  type MemberRecord,
} from "../../functions/src/domain/members.js";
import {
  createMemberIn,
  type MemberStores,
  readMember,
  requireSubjects,
} from "../../functions/src/store/members.js";
import { HttpError } from "../../functions/src/http-kit/errors.js";
import {
  removeMember as removeMemberIn,
  updateMember as updateMemberIn,
} from "../../functions/src/http/members.js";
import { runSteps, StepFailed } from "../../functions/src/store/steps.js";
import { instanceUrl } from "../../functions/src/store/instances.js";
import {
  deviceDocSchema,
  e164,
  firestore,
  tenantPlacementSchema,
  idProblem,
  instanceName,
  leadLabelsPath,
  LIMITS,
  LineRecord,
  MIN_PASSWORD_LENGTH,
  memberDocSchema,
  phoneIndexSchema,
  type Role,
  roleSchema,
  routingConfigSchema,
  subjectDocSchema,
  subjectPath,
  subjectSchema,
  tenantDocSchema,
  type TenantSettings,
  tenantSettingsSchema,
  updateMemberRequestSchema,
} from "@lifeline/model";
import { z } from "zod";

/** The three stores an operation works on, from one Admin SDK app. */
export interface AdminTargets {
  readonly auth: Auth;
  /** The project's default Realtime Database instance; a tenant's own is `tenantDatabase`'s. */
  readonly database: Database;
  readonly firestore: Firestore;
}

/**
 * Clients opened per Admin SDK app and URL. Keyed by app too: a client belongs to its app and
 * dies with it, and a later app (another test suite's, say) must get clients of its own.
 */
const instanceClients = new WeakMap<App, Map<string, Database>>();
const opened: { readonly clients: Map<string, Database>; readonly url: string }[] = [];

/** `instance` of the targets' project (undefined: the default instance), one client per URL. */
export function instanceDatabase(targets: AdminTargets, instance: string | undefined): Database {
  const app = targets.database.app;
  const defaultUrl = app.options.databaseURL;
  if (instance === undefined || defaultUrl === undefined) return targets.database;
  const url = instanceUrl(instance, defaultUrl);
  if (url === defaultUrl.replace(/\/$/, "")) return targets.database;
  let clients = instanceClients.get(app);
  if (clients === undefined) {
    clients = new Map();
    instanceClients.set(app, clients);
  }
  let client = clients.get(url);
  if (client === undefined) {
    client = getDatabaseWithUrl(url, app);
    clients.set(url, client);
    opened.push({ clients, url });
  }
  return client;
}

/** Closes the connections `instanceDatabase` opened (the default one is its owner's to close). */
export function closeInstanceDatabases(): void {
  for (const { clients, url } of opened.splice(0)) {
    try {
      clients.get(url)?.goOffline();
    } catch {
      // Its app was deleted, and the client with it: nothing is left open.
    }
    clients.delete(url);
  }
}

/** The instance the tenant's record names; undefined: the default one. */
export async function tenantPlacement(
  targets: AdminTargets,
  tenantId: string,
): Promise<string | undefined> {
  const data: unknown = (await targets.firestore.doc(firestore.tenantDoc(tenantId)).get()).data();
  const parsed = tenantPlacementSchema.safeParse(data ?? {});
  return parsed.success ? parsed.data.database : undefined;
}

/** The Admin SDK client of the instance the tenant lives on. */
export async function tenantDatabase(targets: AdminTargets, tenantId: string): Promise<Database> {
  return instanceDatabase(targets, await tenantPlacement(targets, tenantId));
}

/** The audit log's actor for changes an operator made from the command line. */
export const OPERATOR_UID = "admin-cli";

/** Input that can never work (a malformed number, an unknown role): the CLI's usage error. */
export class BadInput extends Error {
  override readonly name = "BadInput";
}

/** A well-formed request the stores' current state refuses (unknown tenant, number taken). */
export class Refused extends Error {
  override readonly name = "Refused";
}

/** A new tenant's settings when none are given: the functions' own fallback values. */
export const DEFAULT_SETTINGS: TenantSettings = { escalationMinutes: 2, maxEscalationLevel: 2 };

function storesOf(targets: AdminTargets): MemberStores {
  return {
    auth: () => targets.auth,
    database: (tenantId) => tenantDatabase(targets, tenantId),
    placement: (tenantId) => tenantPlacement(targets, tenantId),
    firestore: () => Promise.resolve(targets.firestore),
  };
}

export function checkId(what: string, value: string): string {
  const problem = idProblem(value);
  if (problem !== undefined) throw new BadInput(`${what} "${value}": ${problem}`);
  return value;
}

export function checkE164(value: string): string {
  if (!e164.safeParse(value).success) {
    throw new BadInput(
      `"${value}" is not an E.164 number: a + then 7 to 15 digits, no spaces (e.g. +15555550100)`,
    );
  }
  return value;
}

function checkName(what: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > LIMITS.name) {
    throw new BadInput(`${what} must be 1 to ${LIMITS.name} characters`);
  }
  return trimmed;
}

function checkLabel(value: string | undefined): string | undefined {
  return value === undefined ? undefined : checkName("a label", value);
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

/** The store code answers with HTTP errors; here they are bad input or a refusal. */
function rethrowHttp(error: unknown): never {
  if (error instanceof HttpError) {
    const details = error.details as { issues?: { message: string }[] } | undefined;
    const issues = details?.issues?.map((issue) => issue.message).join("; ");
    throw new Refused(issues === undefined || issues === "" ? error.message : issues);
  }
  throw error;
}

async function runAll(steps: Parameters<typeof runSteps>[0]): Promise<void> {
  try {
    await runSteps(steps, (error) => error instanceof Refused);
  } catch (error) {
    if (error instanceof StepFailed) {
      const notUndone = error.undoFailures.map((failure) => failure.step).join(", ");
      throw new Error(
        `${error.step} failed: ${String(error.cause)}` +
          (notUndone === "" ? " (undone)" : `; could not undo ${notUndone}`),
        { cause: error },
      );
    }
    throw error;
  }
}

// ---------------------------------------------------------------- tenants

export interface TenantView {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly settings: TenantSettings;
  /** Unknown callers' calls go to this tenant (`config/routing`). */
  readonly isDefault: boolean;
}

async function defaultTenantId(targets: AdminTargets): Promise<string | undefined> {
  const snapshot = await targets.firestore.doc(firestore.routingConfigDoc()).get();
  const parsed = routingConfigSchema.safeParse(snapshot.data());
  return parsed.success ? parsed.data.defaultTenantId : undefined;
}

/** The tenant's record, or `Refused` naming the tenant when there is none. */
export async function requireTenant(
  targets: AdminTargets,
  tenantId: string,
): Promise<z.infer<typeof tenantDocSchema>> {
  checkId("tenant id", tenantId);
  const snapshot = await targets.firestore.doc(firestore.tenantDoc(tenantId)).get();
  if (!snapshot.exists) throw new Refused(`no tenant "${tenantId}"`);
  const parsed = tenantDocSchema.safeParse(snapshot.data());
  if (!parsed.success) {
    throw new Refused(`tenant "${tenantId}" has a malformed record: ${issuesText(parsed.error)}`);
  }
  return parsed.data;
}

export async function createTenant(
  targets: AdminTargets,
  input: { id: string; name: string; settings?: Partial<TenantSettings>; database?: string },
  now = Date.now(),
): Promise<TenantView> {
  checkId("tenant id", input.id);
  if (input.database !== undefined && !instanceName.safeParse(input.database).success) {
    throw new BadInput(`"${input.database}" is not a database instance name`);
  }
  const settings = tenantSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...input.settings });
  if (!settings.success) throw new BadInput(`bad settings: ${issuesText(settings.error)}`);
  const record = tenantDocSchema.parse({
    name: checkName("a tenant name", input.name),
    createdAt: now,
    settings: settings.data,
    ...(input.database === undefined ? {} : { database: input.database }),
  });
  try {
    await targets.firestore.doc(firestore.tenantDoc(input.id)).create(record);
  } catch (error) {
    if (grpcCode(error) === 6) throw new Refused(`tenant "${input.id}" already exists`);
    throw error;
  }
  await writeLabels(targets, input.id, record.settings);
  const isDefault = (await defaultTenantId(targets)) === input.id;
  return { id: input.id, ...record, isDefault };
}

/** gRPC status code of a Firestore error (6 = ALREADY_EXISTS). */
function grpcCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

export async function listTenants(targets: AdminTargets): Promise<TenantView[]> {
  const [snapshot, defaultId] = await Promise.all([
    targets.firestore.collection(firestore.tenantsCollection()).get(),
    defaultTenantId(targets),
  ]);
  const tenants: TenantView[] = [];
  for (const doc of snapshot.docs) {
    const parsed = tenantDocSchema.safeParse(doc.data());
    if (!parsed.success) continue;
    tenants.push({ id: doc.id, ...parsed.data, isDefault: doc.id === defaultId });
  }
  return tenants.sort((a, b) => a.id.localeCompare(b.id));
}

/** Makes `tenantId` the tenant that answers callers no tenant knows. */
export async function setDefaultTenant(
  targets: AdminTargets,
  tenantId: string,
): Promise<{ defaultTenantId: string; changed: boolean }> {
  await requireTenant(targets, tenantId);
  if ((await defaultTenantId(targets)) === tenantId) {
    return { defaultTenantId: tenantId, changed: false };
  }
  await targets.firestore
    .doc(firestore.routingConfigDoc())
    .set(routingConfigSchema.parse({ defaultTenantId: tenantId }));
  return { defaultTenantId: tenantId, changed: true };
}

export async function showSettings(
  targets: AdminTargets,
  tenantId: string,
): Promise<TenantSettings> {
  return (await requireTenant(targets, tenantId)).settings;
}

/**
 * Changes some settings (a value of `undefined` removes an optional one) and checks the whole
 * result against the schema the functions read it with, so a tenant never holds settings they
 * would ignore.
 */
export async function setSettings(
  targets: AdminTargets,
  tenantId: string,
  changes: Readonly<Record<string, unknown>>,
): Promise<{ settings: TenantSettings; changed: boolean }> {
  const current = (await requireTenant(targets, tenantId)).settings;
  const entries: [string, unknown][] = Object.entries(
    Object.fromEntries([...Object.entries(current), ...Object.entries(changes)]),
  );
  const merged = Object.fromEntries(entries.filter(([, value]) => value !== undefined));
  const parsed = tenantSettingsSchema.safeParse(merged);
  if (!parsed.success) throw new BadInput(`bad settings: ${issuesText(parsed.error)}`);
  if (JSON.stringify(sortKeys(parsed.data)) === JSON.stringify(sortKeys(current))) {
    // Unchanged settings still rewrite the copy: it repairs one an earlier run failed to write.
    await writeLabels(targets, tenantId, current);
    return { settings: current, changed: false };
  }
  await targets.firestore.doc(firestore.tenantDoc(tenantId)).update({ settings: parsed.data });
  await writeLabels(targets, tenantId, parsed.data);
  return { settings: parsed.data, changed: true };
}

/**
 * Copies the tenant's own words to its live database, where the dashboard (which cannot read
 * Firestore) finds them. The copy is replaced whole, so a word removed from the settings is gone
 * from it too and the dashboard shows that status's default again.
 */
async function writeLabels(
  targets: AdminTargets,
  tenantId: string,
  settings: TenantSettings,
): Promise<void> {
  const lead = settings.leadLabels ?? {};
  const live = (await tenantDatabase(targets, tenantId)).ref(leadLabelsPath(tenantId));
  await live.set(Object.keys(lead).length === 0 ? null : lead);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => [key, sortKeys(inner)]),
  );
}

// ---------------------------------------------------------------- lines

export interface LineView extends LineRecord {
  readonly number: string;
}

/**
 * Makes `number` a line of the tenant. A number already serving another tenant is refused; one
 * already serving this tenant is left as it is (`created: false`), so scripts can repeat it.
 */
export async function addLine(
  targets: AdminTargets,
  tenantId: string,
  number: string,
  options: { label?: string | undefined } = {},
  now = Date.now(),
): Promise<{ line: LineView; created: boolean }> {
  checkE164(number);
  const label = checkLabel(options.label);
  await requireTenant(targets, tenantId);
  const ref = targets.firestore.doc(firestore.lineDoc(number));
  return targets.firestore.runTransaction(async (transaction) => {
    const existing = await transaction.get(ref);
    if (existing.exists) {
      const line = LineRecord.safeParse(existing.data());
      const owner = line.success ? line.data.tenantId : "(malformed record)";
      if (!line.success || owner !== tenantId) {
        throw new Refused(`${number} already serves tenant "${owner}"`);
      }
      return { line: { number, ...line.data }, created: false };
    }
    const record = LineRecord.parse({
      tenantId,
      ...(label === undefined ? {} : { label }),
      createdAt: now,
    });
    transaction.create(ref, record);
    return { line: { number, ...record }, created: true };
  });
}

export async function removeLine(
  targets: AdminTargets,
  tenantId: string,
  number: string,
): Promise<{ number: string; tenantId: string }> {
  checkE164(number);
  await requireTenant(targets, tenantId);
  const ref = targets.firestore.doc(firestore.lineDoc(number));
  await targets.firestore.runTransaction(async (transaction) => {
    const existing = await transaction.get(ref);
    const line = LineRecord.safeParse(existing.data());
    if (!existing.exists || !line.success || line.data.tenantId !== tenantId) {
      throw new Refused(`${number} is not a line of tenant "${tenantId}"`);
    }
    transaction.delete(ref);
  });
  return { number, tenantId };
}

export async function listLines(targets: AdminTargets, tenantId: string): Promise<LineView[]> {
  await requireTenant(targets, tenantId);
  const snapshot = await targets.firestore
    .collection(firestore.linesCollection())
    .where("tenantId", "==", tenantId)
    .get();
  const lines: LineView[] = [];
  for (const doc of snapshot.docs) {
    const parsed = LineRecord.safeParse(doc.data());
    if (parsed.success) lines.push({ number: doc.id, ...parsed.data });
  }
  return lines.sort((a, b) => a.number.localeCompare(b.number));
}

// ---------------------------------------------------------------- subjects and phones

export interface SubjectView {
  readonly id: string;
  readonly name: string;
  readonly phones: readonly string[];
  readonly createdAt: number;
}

async function requireSubject(
  targets: AdminTargets,
  tenantId: string,
  subjectId: string,
): Promise<z.infer<typeof subjectDocSchema>> {
  checkId("subject id", subjectId);
  const snapshot = await targets.firestore.doc(firestore.subjectDoc(tenantId, subjectId)).get();
  const parsed = subjectDocSchema.safeParse(snapshot.data());
  if (!snapshot.exists || !parsed.success) {
    throw new Refused(`no subject "${subjectId}" in tenant "${tenantId}"`);
  }
  return parsed.data;
}

/** `Refused` for the first phone the phone index already gives to someone. */
async function requireFreePhones(targets: AdminTargets, phones: readonly string[]): Promise<void> {
  if (phones.length === 0) return;
  const db = targets.firestore;
  const snapshots = await db.getAll(...phones.map((phone) => db.doc(firestore.phoneDoc(phone))));
  for (const snapshot of snapshots) {
    if (!snapshot.exists) continue;
    const entry = phoneIndexSchema.safeParse(snapshot.data());
    const who = entry.success
      ? `subject "${entry.data.subjectId}" of tenant "${entry.data.tenantId}"`
      : "another subject";
    throw new Refused(`${snapshot.id} already belongs to ${who}`);
  }
}

function checkPhones(phones: readonly string[]): string[] {
  const checked = phones.map(checkE164);
  if (new Set(checked).size !== checked.length) throw new BadInput("a phone number repeats");
  return checked;
}

/**
 * Adds a subject (a patient or worker who calls) with the numbers it calls from: its record, an
 * entry in the phone index per number (how a speech turn finds the caller), and its live node.
 */
export async function addSubject(
  targets: AdminTargets,
  tenantId: string,
  input: { id: string; name: string; phones?: readonly string[] },
  now = Date.now(),
): Promise<SubjectView> {
  checkId("subject id", input.id);
  const name = checkName("a subject name", input.name);
  const phones = checkPhones(input.phones ?? []);
  await requireTenant(targets, tenantId);
  const db = targets.firestore;
  const subjectRef = db.doc(firestore.subjectDoc(tenantId, input.id));
  if ((await subjectRef.get()).exists) {
    throw new Refused(`subject "${input.id}" already exists in tenant "${tenantId}"`);
  }
  await requireFreePhones(targets, phones);
  const record = subjectDocSchema.parse({ name, phones, createdAt: now });
  const live = (await tenantDatabase(targets, tenantId)).ref(subjectPath(tenantId, input.id));
  await runAll([
    {
      name: "subject record and phone index",
      run: async () => {
        const batch = db.batch();
        batch.create(subjectRef, record);
        for (const phone of phones) {
          batch.create(
            db.doc(firestore.phoneDoc(phone)),
            phoneIndexSchema.parse({ tenantId, subjectId: input.id }),
          );
        }
        try {
          await batch.commit();
        } catch (error) {
          if (grpcCode(error) === 6) throw new Refused("the subject or a phone was just taken");
          throw error;
        }
      },
      undo: async () => {
        const batch = db.batch();
        batch.delete(subjectRef);
        for (const phone of phones) batch.delete(db.doc(firestore.phoneDoc(phone)));
        await batch.commit();
      },
    },
    { name: "live subject", run: () => live.set(subjectSchema.parse({ name })) },
  ]);
  return { id: input.id, ...record };
}

/** Adds a number the subject calls from. */
export async function addPhone(
  targets: AdminTargets,
  tenantId: string,
  subjectId: string,
  phone: string,
): Promise<SubjectView> {
  checkE164(phone);
  await requireTenant(targets, tenantId);
  const subject = await requireSubject(targets, tenantId, subjectId);
  if (subject.phones.includes(phone)) return { id: subjectId, ...subject };
  await requireFreePhones(targets, [phone]);
  const record = subjectDocSchema.parse({ ...subject, phones: [...subject.phones, phone] });
  const batch = targets.firestore.batch();
  batch.set(targets.firestore.doc(firestore.subjectDoc(tenantId, subjectId)), record);
  batch.create(
    targets.firestore.doc(firestore.phoneDoc(phone)),
    phoneIndexSchema.parse({ tenantId, subjectId }),
  );
  await batch.commit();
  return { id: subjectId, ...record };
}

/** Removes a number from the subject and the phone index: calls from it become unknown callers. */
export async function removePhone(
  targets: AdminTargets,
  tenantId: string,
  subjectId: string,
  phone: string,
): Promise<SubjectView> {
  checkE164(phone);
  await requireTenant(targets, tenantId);
  const subject = await requireSubject(targets, tenantId, subjectId);
  if (!subject.phones.includes(phone)) {
    throw new Refused(`${phone} is not a phone of subject "${subjectId}"`);
  }
  const record = subjectDocSchema.parse({
    ...subject,
    phones: subject.phones.filter((p) => p !== phone),
  });
  const batch = targets.firestore.batch();
  batch.set(targets.firestore.doc(firestore.subjectDoc(tenantId, subjectId)), record);
  batch.delete(targets.firestore.doc(firestore.phoneDoc(phone)));
  await batch.commit();
  return { id: subjectId, ...record };
}

export async function listSubjects(
  targets: AdminTargets,
  tenantId: string,
): Promise<SubjectView[]> {
  await requireTenant(targets, tenantId);
  const snapshot = await targets.firestore.collection(firestore.subjectsCollection(tenantId)).get();
  const subjects: SubjectView[] = [];
  for (const doc of snapshot.docs) {
    const parsed = subjectDocSchema.safeParse(doc.data());
    if (parsed.success) subjects.push({ id: doc.id, ...parsed.data });
  }
  return subjects.sort((a, b) => a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------- devices

export interface DeviceView {
  readonly id: string;
  readonly tenantId: string;
  readonly subjectId: string;
  readonly label?: string | undefined;
  readonly createdAt: number;
}

/**
 * Registers a device (a watch, an oximeter) to a subject: its readings are attributed to it. A
 * device registered elsewhere is refused; one already registered to this subject is left as is.
 */
export async function addDevice(
  targets: AdminTargets,
  tenantId: string,
  input: { id: string; subjectId: string; label?: string | undefined },
  now = Date.now(),
): Promise<{ device: DeviceView; created: boolean }> {
  checkId("device id", input.id);
  const label = checkLabel(input.label);
  await requireTenant(targets, tenantId);
  await requireSubject(targets, tenantId, input.subjectId);
  const ref = targets.firestore.doc(firestore.deviceDoc(input.id));
  return targets.firestore.runTransaction(async (transaction) => {
    const existing = await transaction.get(ref);
    if (existing.exists) {
      const device = deviceDocSchema.safeParse(existing.data());
      if (
        !device.success ||
        device.data.tenantId !== tenantId ||
        device.data.subjectId !== input.subjectId
      ) {
        throw new Refused(`device "${input.id}" is registered to another subject`);
      }
      return { device: { id: input.id, ...device.data }, created: false };
    }
    const record = deviceDocSchema.parse({
      tenantId,
      subjectId: input.subjectId,
      ...(label === undefined ? {} : { label }),
      createdAt: now,
    });
    transaction.create(ref, record);
    return { device: { id: input.id, ...record }, created: true };
  });
}

export async function removeDevice(
  targets: AdminTargets,
  tenantId: string,
  deviceId: string,
): Promise<{ id: string; tenantId: string }> {
  checkId("device id", deviceId);
  await requireTenant(targets, tenantId);
  const ref = targets.firestore.doc(firestore.deviceDoc(deviceId));
  await targets.firestore.runTransaction(async (transaction) => {
    const device = deviceDocSchema.safeParse((await transaction.get(ref)).data());
    if (!device.success || device.data.tenantId !== tenantId) {
      throw new Refused(`no device "${deviceId}" in tenant "${tenantId}"`);
    }
    transaction.delete(ref);
  });
  return { id: deviceId, tenantId };
}

export async function listDevices(targets: AdminTargets, tenantId: string): Promise<DeviceView[]> {
  await requireTenant(targets, tenantId);
  const snapshot = await targets.firestore
    .collection(firestore.devicesCollection())
    .where("tenantId", "==", tenantId)
    .get();
  const devices: DeviceView[] = [];
  for (const doc of snapshot.docs) {
    const parsed = deviceDocSchema.safeParse(doc.data());
    if (parsed.success) devices.push({ id: doc.id, ...parsed.data });
  }
  return devices.sort((a, b) => a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------- members

export interface MemberView {
  readonly uid: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly subjects: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

function memberView(record: MemberRecord): MemberView {
  return {
    uid: record.uid,
    email: record.email,
    name: record.name,
    role: record.role,
    subjects: [...record.subjects],
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface NewMemberInput {
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly subjects?: readonly string[];
  /** Without one, the member sets its own from the password-reset link the result carries. */
  readonly password?: string | undefined;
  /** Chosen here when absent, 28 characters like Firebase's own uids. */
  readonly uid?: string;
}

/**
 * Adds a member with the functions' member code: Auth user, claims `{tenant, role}`, the mirror
 * the rules read, the Firestore record and the audit entry `member_create` by `OPERATOR_UID`.
 */
export async function addMember(
  targets: AdminTargets,
  tenantId: string,
  input: NewMemberInput,
  now = Date.now(),
): Promise<{ member: MemberView; passwordResetLink?: string }> {
  const role = roleSchema.safeParse(input.role);
  if (!role.success) {
    throw new BadInput(`role "${input.role}" is not one of ${roleSchema.options.join(", ")}`);
  }
  const email = z.email().safeParse(input.email);
  if (!email.success) throw new BadInput(`"${input.email}" is not an email address`);
  const name = checkName("a member name", input.name);
  const subjects = (input.subjects ?? []).map((id) => checkId("subject id", id));
  if (new Set(subjects).size !== subjects.length) throw new BadInput("a subject repeats");
  const problem = assignmentProblem(role.data, subjects);
  if (problem !== undefined) throw new BadInput(problem);
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new BadInput(`a password has at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const uid = checkId("uid", input.uid ?? randomBytes(21).toString("base64url"));
  await requireTenant(targets, tenantId);
  const stores = storesOf(targets);
  try {
    await requireSubjects(tenantId, subjects, stores);
    const record = newMemberRecord(
      tenantId,
      uid,
      { email: email.data, name, role: role.data, subjects },
      now,
    );
    await createMemberIn(record, input.password, OPERATOR_UID, stores);
    if (input.password !== undefined) return { member: memberView(record) };
    const passwordResetLink = await targets.auth.generatePasswordResetLink(email.data);
    return { member: memberView(record), passwordResetLink };
  } catch (error) {
    rethrowHttp(error);
  }
}

/**
 * Changes a member's role, name or assigned subjects (a list replaces the old one) with the
 * members endpoint's own code: a role change sets the claims and revokes every session.
 */
export async function updateMember(
  targets: AdminTargets,
  tenantId: string,
  uid: string,
  change: { role?: string | undefined; name?: string | undefined; subjects?: readonly string[] },
): Promise<{ member: MemberView; changed: readonly string[] }> {
  const parsed = updateMemberRequestSchema.safeParse(change);
  if (!parsed.success) throw new BadInput(issuesText(parsed.error));
  checkId("uid", uid);
  await requireTenant(targets, tenantId);
  try {
    const { record, changed } = await updateMemberIn(
      tenantId,
      uid,
      parsed.data,
      OPERATOR_UID,
      storesOf(targets),
    );
    return { member: memberView(record), changed };
  } catch (error) {
    rethrowHttp(error);
  }
}

/** Removes a member with the members endpoint's own code (claims, sessions, mirror, record). */
export async function removeMember(
  targets: AdminTargets,
  tenantId: string,
  uid: string,
): Promise<{ uid: string; tenantId: string; removedAt: number }> {
  checkId("uid", uid);
  await requireTenant(targets, tenantId);
  try {
    const removedAt = await removeMemberIn(tenantId, uid, OPERATOR_UID, storesOf(targets));
    return { uid, tenantId, removedAt };
  } catch (error) {
    rethrowHttp(error);
  }
}

export async function listMembers(targets: AdminTargets, tenantId: string): Promise<MemberView[]> {
  await requireTenant(targets, tenantId);
  const snapshot = await targets.firestore.collection(firestore.membersCollection(tenantId)).get();
  const members: MemberView[] = [];
  for (const doc of snapshot.docs) {
    const parsed = memberDocSchema.safeParse(doc.data());
    if (parsed.success) members.push(memberView({ ...parsed.data, uid: doc.id, tenantId }));
  }
  return members.sort((a, b) => a.email.localeCompare(b.email));
}

/** The member's record, or null: the seed asks before it adds. */
export async function findMember(
  targets: AdminTargets,
  tenantId: string,
  uid: string,
): Promise<MemberView | null> {
  try {
    const record = await readMember(tenantId, uid, storesOf(targets));
    return record === null ? null : memberView(record);
  } catch (error) {
    rethrowHttp(error);
  }
}

// ---------------------------------------------------------------- the whole tenant

export interface TenantConfiguration {
  readonly tenant: TenantView;
  readonly lines: readonly LineView[];
  readonly subjects: readonly (SubjectView & { readonly devices: readonly DeviceView[] })[];
  readonly members: readonly MemberView[];
}

export async function describeTenant(
  targets: AdminTargets,
  tenantId: string,
): Promise<TenantConfiguration> {
  const record = await requireTenant(targets, tenantId);
  const [defaultId, lines, subjects, devices, members] = await Promise.all([
    defaultTenantId(targets),
    listLines(targets, tenantId),
    listSubjects(targets, tenantId),
    listDevices(targets, tenantId),
    listMembers(targets, tenantId),
  ]);
  return {
    tenant: { id: tenantId, ...record, isDefault: defaultId === tenantId },
    lines,
    subjects: subjects.map((subject) => ({
      ...subject,
      devices: devices.filter((device) => device.subjectId === subject.id),
    })),
    members,
  };
}
