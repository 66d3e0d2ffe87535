/**
 * Which Realtime Database instance a tenant lives on, and the Admin SDK client for it.
 *
 * Every tenant lives on exactly one instance, named in its Firestore record (`tenants/{t}.database`;
 * absent: the project's default instance). Everything its members subscribe to — calls, messages,
 * alerts, members, presence, their inboxes and revocations — is there, so every query runs against
 * one instance. Every Lifeline instance is named `<project>-…` (the default is
 * `<project>-default-rtdb`; others e.g. `<project>-shard-2`), which is the pattern the triggers
 * listen on; the test suites' namespaces are named otherwise so they never set off product triggers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { getDatabaseWithUrl, type Database } from "firebase-admin/database";
import { logger } from "firebase-functions/logger";
import { firestore, tenantPlacementSchema, type TenantMove } from "@lifeline/model";
import { firestoreDb } from "./clients.js";
import { TtlCache } from "./directory.js";
import { settingsCacheSeconds } from "../params.js";

/** The default instance's URL, from the Admin SDK's config, or undefined when none is configured. */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const config = env.FIREBASE_CONFIG;
  if (config === undefined || config === "") return env.DATABASE_URL;
  try {
    const parsed: unknown = JSON.parse(config);
    if (typeof parsed === "object" && parsed !== null && "databaseURL" in parsed) {
      const value = parsed.databaseURL;
      if (typeof value === "string" && value !== "") return value;
    }
  } catch {
    // FIREBASE_CONFIG may also be a file path; fall through to DATABASE_URL.
  }
  return env.DATABASE_URL;
}

/** The instance a database URL names: `?ns=` in the emulator, the host's first label in production. */
export function instanceOfUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.searchParams.get("ns") ?? parsed.hostname.split(".")[0];
  } catch {
    return undefined;
  }
}

/** The project's default instance, or undefined when no database URL is configured. */
export function defaultInstance(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = defaultDatabaseUrl(env);
  return url === undefined ? undefined : instanceOfUrl(url);
}

/**
 * The instance pattern every trigger listens on: `<project>-*`, derived from the default instance
 * `<project>-default-rtdb`. A default instance named otherwise is the only one listened to; with no
 * database configured at all, every instance (`*`).
 */
export function lifelineInstances(env: NodeJS.ProcessEnv = process.env): string {
  const instance = defaultInstance(env);
  if (instance === undefined) return "*";
  const match = /^(.+)-default-rtdb$/.exec(instance);
  return match?.[1] === undefined ? instance : `${match[1]}-*`;
}

/**
 * The URL of `instance` beside the default one: the emulator serves every instance on one host as
 * `?ns=<instance>`; production instances of a project share the default's domain.
 */
export function instanceUrl(instance: string, defaultUrl: string): string {
  const url = new URL(defaultUrl);
  if (url.searchParams.has("ns")) {
    url.searchParams.set("ns", instance);
  } else {
    const [, ...domain] = url.hostname.split(".");
    url.hostname = [instance, ...domain].join(".");
  }
  return url.toString().replace(/\/$/, "");
}

const clients = new Map<string, Database>();

/** The Admin SDK client of `instance` (the default instance when undefined), one per URL. */
export function databaseOf(instance: string | undefined): Database {
  const defaultUrl = defaultDatabaseUrl();
  if (defaultUrl === undefined) {
    throw new Error("No Realtime Database URL is configured (FIREBASE_CONFIG.databaseURL).");
  }
  const url =
    instance === undefined || instance === instanceOfUrl(defaultUrl)
      ? defaultUrl
      : instanceUrl(instance, defaultUrl);
  let client = clients.get(url);
  if (client === undefined) {
    client = getDatabaseWithUrl(url);
    clients.set(url, client);
  }
  return client;
}

/** Where a tenant lives: its instance (undefined: the default one) and a move in progress. */
export interface Placement {
  readonly instance: string | undefined;
  readonly moving?: TenantMove;
}

/**
 * How long a placement that says "moving" is kept: a few seconds, so that the end of a move is
 * seen soon after the record switches, while an ordinary placement is kept for the whole TTL.
 */
export const MOVING_CACHE_MS = 2_000;

/**
 * The tenant is moving to another instance (`tenants move`): until its record switches, no
 * function writes to either instance. Retryable: a speech turn answers the caller and defers the
 * turn, task queues retry, HTTP endpoints answer 503 with `Retry-After` (http-kit/endpoint.ts).
 */
export class TenantMoving extends Error {
  override readonly name = "TenantMoving";
  /** What a client may wait before trying again: the move's copy is seconds for most tenants. */
  static readonly RETRY_AFTER_SECONDS = 5;

  constructor(
    readonly tenantId: string,
    readonly move: TenantMove,
  ) {
    super(`tenant ${tenantId} is moving to database instance ${move.to}; retry shortly`);
  }
}

/**
 * Kept for SETTINGS_CACHE_SECONDS (30 s by default) like the rest of the directory: a call's turns
 * and trigger runs then read no tenant record on a warm instance. The TTL is also how long a warm
 * function instance may go on using a tenant's previous instance after its record changes, which is
 * why moving a tenant first marks it as moving and waits out this TTL before it copies anything.
 * A placement that says "moving" is kept only MOVING_CACHE_MS.
 */
const placements = new TtlCache<Placement>(
  () => settingsCacheSeconds.value() * 1000,
  Date.now,
  (placement) => (placement.moving === undefined ? undefined : MOVING_CACHE_MS),
);

/** The tenant's placement as its record says (cached, see `placements`). */
export async function tenantHome(tenantId: string): Promise<Placement> {
  return placements.get(tenantId, async () => {
    const snapshot = await (await firestoreDb()).doc(firestore.tenantDoc(tenantId)).get();
    const parsed = tenantPlacementSchema.safeParse(snapshot.data() ?? {});
    if (!parsed.success) {
      throw new Error(`tenant ${tenantId} names no valid database: ${parsed.error.message}`);
    }
    return {
      instance: parsed.data.database,
      ...(parsed.data.moving === undefined ? {} : { moving: parsed.data.moving }),
    };
  });
}

/** The instance the tenant's record names; undefined when it names none (the default instance). */
export async function tenantPlacement(tenantId: string): Promise<string | undefined> {
  return (await tenantHome(tenantId)).instance;
}

/** The tenant's instance name; the default instance's when its record names none (or is absent). */
export async function tenantInstance(tenantId: string): Promise<string | undefined> {
  return (await tenantPlacement(tenantId)) ?? defaultInstance();
}

/** The instance a database trigger's event came from, for everything its handler does. */
const eventInstance = new AsyncLocalStorage<string>();

/**
 * Wraps a database trigger's handler: the tenant's data it reads and writes is on the instance the
 * event came from. That matters only while the tenant moves: an event from the instance it is
 * leaving (a turn written just before the move was seen, say) is still fanned out there, and the
 * move carries what it wrote over to the new instance (scripts/admin/move.ts). Any other code
 * (requests, tasks) gets `TenantMoving` then.
 */
export function onEventInstance<E extends { readonly instance: string }, R>(
  handler: (event: E) => Promise<R>,
): (event: E) => Promise<R> {
  return (event) => eventInstance.run(event.instance, () => handler(event));
}

/**
 * The Admin SDK client of the instance the tenant lives on. While the tenant moves it throws
 * `TenantMoving`, except in a trigger acting on an event from the instance the tenant is leaving.
 */
export async function tenantDatabase(tenantId: string): Promise<Database> {
  const placement = await tenantHome(tenantId);
  const current = placement.instance ?? defaultInstance();
  if (placement.moving !== undefined && eventInstance.getStore() !== current) {
    throw new TenantMoving(tenantId, placement.moving);
  }
  return databaseOf(current);
}

/**
 * True when an event from `instance` is about the tenant's live data. An event from any other
 * instance is about a copy (left behind by a move, or being made by one) and is logged and ignored,
 * so a tenant's triggers act once, on its own instance.
 */
export async function isTenantInstance(
  tenantId: string,
  instance: string,
  trigger: string,
): Promise<boolean> {
  const current = await tenantInstance(tenantId);
  if (current === instance) return true;
  logger.info("event from another instance than the tenant's: ignored", {
    tenantId,
    trigger,
    instance,
    tenantInstance: current,
  });
  return false;
}
