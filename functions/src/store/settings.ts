/**
 * The tenant settings the triggers and the sweeper read from Firestore (`tenants/{t}`.settings,
 * validated by the model's `tenantSettingsSchema`), turned into durations with the defaults that
 * apply when a setting is absent.
 */
import { firestoreDb } from "./clients.js";
import { logger } from "firebase-functions/logger";
import { firestore, type TenantSettings, tenantSettingsSchema } from "@lifeline/model";

export interface LiveSettings {
  readonly escalationDelayMs: number;
  readonly maxEscalationLevel: number;
  readonly retentionMs: number;
  readonly staleCallMs: number;
  readonly unwatchedWebhookUrl: string | undefined;
  /** How long an acknowledged critical alert may stay unresolved before it reopens. */
  readonly ackTimeoutMs: number;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  escalationDelayMs: 2 * 60_000,
  maxEscalationLevel: 2,
  retentionMs: 24 * 3_600_000,
  staleCallMs: 30 * 60_000,
  unwatchedWebhookUrl: undefined,
  ackTimeoutMs: 10 * 60_000,
};

export function toLiveSettings(settings: TenantSettings): LiveSettings {
  return {
    escalationDelayMs:
      settings.escalationSeconds !== undefined
        ? settings.escalationSeconds * 1000
        : settings.escalationMinutes * 60_000,
    maxEscalationLevel: settings.maxEscalationLevel,
    retentionMs:
      settings.retentionHours !== undefined
        ? settings.retentionHours * 3_600_000
        : DEFAULT_LIVE_SETTINGS.retentionMs,
    staleCallMs:
      settings.staleCallMinutes !== undefined
        ? settings.staleCallMinutes * 60_000
        : DEFAULT_LIVE_SETTINGS.staleCallMs,
    unwatchedWebhookUrl: settings.unwatchedWebhookUrl,
    ackTimeoutMs:
      settings.ackTimeoutSeconds !== undefined
        ? settings.ackTimeoutSeconds * 1000
        : settings.ackTimeoutMinutes !== undefined
          ? settings.ackTimeoutMinutes * 60_000
          : DEFAULT_LIVE_SETTINGS.ackTimeoutMs,
  };
}

/** The tenant's settings; the defaults (logged) when the tenant record is missing or malformed. */
export async function readLiveSettings(tenantId: string): Promise<LiveSettings> {
  const snapshot = await (await firestoreDb()).doc(firestore.tenantDoc(tenantId)).get();
  const data: unknown = snapshot.data();
  const settings =
    typeof data === "object" && data !== null && "settings" in data ? data.settings : undefined;
  const parsed = tenantSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    logger.warn("tenant settings missing or malformed: using defaults", {
      tenantId,
      exists: snapshot.exists,
      issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    });
    return DEFAULT_LIVE_SETTINGS;
  }
  return toLiveSettings(parsed.data);
}
