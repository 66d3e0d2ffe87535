/**
 * Where a gateway request belongs: the caller's number → tenant and subject, through the Firestore
 * phone index; a dialled number (a Twilio line) → tenant, through the lines directory; a device →
 * tenant and subject, through the device registry; and the tenant settings and routing config. All
 * five change rarely and are kept in
 * memory for a short TTL, so a call's later turns on a warm instance read no directory at all and
 * the first costs one document read. A number moved to another subject or tenant takes effect within
 * the TTL — which also keeps a call that is under way from jumping tenants mid-conversation.
 */
import { firestoreDb } from "./clients.js";
import type { z } from "zod";
import { HttpError } from "../http-kit/errors.js";
import { settingsCacheSeconds } from "../params.js";
import {
  deviceDocSchema,
  firestore,
  lineRecordSchema,
  phoneIndexSchema,
  routingConfigSchema,
  tenantDocSchema,
} from "@lifeline/model";

export type TenantSettings = z.infer<typeof tenantDocSchema>["settings"];

/** Where a registered device's readings belong. */
export interface DeviceOwner {
  readonly tenantId: string;
  readonly subjectId: string;
}

export interface Caller {
  readonly tenantId: string;
  /** Absent for numbers the directory does not know: they go to the default tenant. */
  readonly subjectId?: string;
  /** The tenant's number the caller reached, when the gateway says (Twilio's `To`). */
  readonly line?: string;
}

interface Entry<T> {
  readonly value: T;
  expiresAt: number;
}

/**
 * Values read through `load` and kept for `ttlMs`. A failed load is not kept, nor is an absent
 * value (null): a tenant or routing config created a moment ago is found on the next request.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, Entry<Promise<T>>>();

  /**
   * `shorterTtlMs` may keep some loaded values for less than `ttlMs` (undefined: the usual TTL),
   * e.g. a state that is about to change and must be seen changing soon.
   */
  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
    private readonly shorterTtlMs?: (loaded: T) => number | undefined,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    const value = load();
    this.entries.set(key, { value, expiresAt: now + this.ttlMs() });
    const entryOf = () => {
      const entry = this.entries.get(key);
      return entry?.value === value ? entry : undefined;
    };
    const forget = () => {
      if (entryOf() !== undefined) this.entries.delete(key);
    };
    value.then((loaded) => {
      if (loaded === null) {
        forget();
        return;
      }
      const shorter = this.shorterTtlMs?.(loaded);
      const entry = entryOf();
      if (shorter !== undefined && entry !== undefined) {
        entry.expiresAt = Math.min(entry.expiresAt, now + shorter);
      }
    }, forget);
    return value;
  }
}

function malformed(what: string, error: z.ZodError): HttpError {
  return new HttpError("INTERNAL", "Internal error.", {
    cause: new Error(`${what} is malformed: ${error.message}`),
  });
}

export class Directory {
  private readonly tenants: TtlCache<TenantSettings | null>;
  private readonly routing: TtlCache<string | null>;
  private readonly phones: TtlCache<Caller | null>;
  private readonly devices: TtlCache<DeviceOwner | null>;
  private readonly lines: TtlCache<string | null>;

  constructor(ttlMs: () => number) {
    this.tenants = new TtlCache(ttlMs);
    this.routing = new TtlCache(ttlMs);
    this.phones = new TtlCache(ttlMs);
    this.devices = new TtlCache(ttlMs);
    this.lines = new TtlCache(ttlMs);
  }

  /** The tenant whose line `e164` is (`lines/{e164}`), or null when no tenant answers that number. */
  lineTenant(e164: string): Promise<string | null> {
    return this.lines.get(e164, async () => {
      const snapshot = await (await firestoreDb()).doc(firestore.lineDoc(e164)).get();
      if (!snapshot.exists) return null;
      const parsed = lineRecordSchema.safeParse(snapshot.data());
      if (!parsed.success) throw malformed(`line ${e164}`, parsed.error);
      return parsed.data.tenantId;
    });
  }

  /**
   * The caller of a call to a known line: the line decides the tenant; the caller's subject is
   * the phone index's when the number is indexed in that same tenant, none otherwise (a subject
   * of another tenant calling this line is an unknown caller here, never a way into its tenant).
   */
  async callerOnLine(tenantId: string, phone: string): Promise<Caller> {
    const indexed = await this.indexedCaller(phone);
    return indexed?.tenantId === tenantId ? indexed : { tenantId };
  }

  /**
   * The tenant and subject `deviceId` is registered to, or null when it is not registered. A device
   * moved to another subject takes effect within the TTL, like a phone number.
   */
  deviceOwner(deviceId: string): Promise<DeviceOwner | null> {
    return this.devices.get(deviceId, async () => {
      const snapshot = await (await firestoreDb()).doc(firestore.deviceDoc(deviceId)).get();
      if (!snapshot.exists) return null;
      const parsed = deviceDocSchema.safeParse(snapshot.data());
      if (!parsed.success) throw malformed(`device ${deviceId}`, parsed.error);
      return { tenantId: parsed.data.tenantId, subjectId: parsed.data.subjectId };
    });
  }

  /** The tenant's settings, or null when there is no such tenant. */
  tenantSettings(tenantId: string): Promise<TenantSettings | null> {
    return this.tenants.get(tenantId, async () => {
      const snapshot = await (await firestoreDb()).doc(firestore.tenantDoc(tenantId)).get();
      if (!snapshot.exists) return null;
      const parsed = tenantDocSchema.safeParse(snapshot.data());
      if (!parsed.success) throw malformed(`tenant ${tenantId}`, parsed.error);
      return parsed.data.settings;
    });
  }

  /** The tenant unknown numbers go to, or null when the deployment has not configured one. */
  defaultTenant(): Promise<string | null> {
    return this.routing.get("routing", async () => {
      const snapshot = await (await firestoreDb()).doc(firestore.routingConfigDoc()).get();
      if (!snapshot.exists) return null;
      const parsed = routingConfigSchema.safeParse(snapshot.data());
      if (!parsed.success) throw malformed("the routing config", parsed.error);
      return parsed.data.defaultTenantId;
    });
  }

  /** The caller behind `phone`: its subject when indexed, else the default tenant. */
  async resolveCaller(phone: string): Promise<Caller> {
    const indexed = await this.indexedCaller(phone);
    if (indexed !== null) return indexed;
    const fallback = await this.defaultTenant();
    if (fallback === null) {
      throw new HttpError("UNAVAILABLE", "No tenant takes calls from unknown numbers.", {
        cause: new Error("config/routing has no defaultTenantId"),
      });
    }
    return { tenantId: fallback };
  }

  /** The phone index's entry for `phone`, or null when the number is not indexed. */
  private indexedCaller(phone: string): Promise<Caller | null> {
    return this.phones.get(phone, async () => {
      const snapshot = await (await firestoreDb()).doc(firestore.phoneDoc(phone)).get();
      if (!snapshot.exists) return null;
      const parsed = phoneIndexSchema.safeParse(snapshot.data());
      if (!parsed.success) throw malformed(`phone index entry ${phone}`, parsed.error);
      return parsed.data;
    });
  }
}

/** This instance's directory: the cache lives as long as the instance, its TTL is a param. */
export const directory = new Directory(() => settingsCacheSeconds.value() * 1000);

/** The tenant that answers calls and texts to `e164`, or null for a number no tenant has. */
export function lineTenant(e164: string): Promise<string | null> {
  return directory.lineTenant(e164);
}
