/**
 * Where a gateway request belongs: the caller's number → tenant and subject, through the Firestore
 * phone index; a device → tenant and subject, through the device registry; and the tenant settings
 * and routing config. All four change rarely and are kept in
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
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Values read through `load` and kept for `ttlMs`. A failed load is not kept, nor is an absent
 * value (null): a tenant or routing config created a moment ago is found on the next request.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, Entry<Promise<T>>>();

  constructor(
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    const value = load();
    this.entries.set(key, { value, expiresAt: now + this.ttlMs() });
    const forget = () => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    };
    value.then((loaded) => {
      if (loaded === null) forget();
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

  constructor(ttlMs: () => number) {
    this.tenants = new TtlCache(ttlMs);
    this.routing = new TtlCache(ttlMs);
    this.phones = new TtlCache(ttlMs);
    this.devices = new TtlCache(ttlMs);
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
    const indexed = await this.phones.get(phone, async () => {
      const snapshot = await (await firestoreDb()).doc(firestore.phoneDoc(phone)).get();
      if (!snapshot.exists) return null;
      const parsed = phoneIndexSchema.safeParse(snapshot.data());
      if (!parsed.success) throw malformed(`phone index entry ${phone}`, parsed.error);
      return parsed.data;
    });
    if (indexed !== null) return indexed;
    const fallback = await this.defaultTenant();
    if (fallback === null) {
      throw new HttpError("UNAVAILABLE", "No tenant takes calls from unknown numbers.", {
        cause: new Error("config/routing has no defaultTenantId"),
      });
    }
    return { tenantId: fallback };
  }
}

/** This instance's directory: the cache lives as long as the instance, its TTL is a param. */
export const directory = new Directory(() => settingsCacheSeconds.value() * 1000);
