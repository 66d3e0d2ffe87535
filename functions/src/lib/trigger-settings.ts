/**
 * The tenant settings the triggers and the sweeper read from Firestore (`tenants/{t}`.settings),
 * with the defaults that apply when a setting is absent. The model's settings schema is extended
 * here with the live-pipeline settings it does not name yet; unknown keys are still refused.
 */
import { getFirestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions";
import { z } from "zod";
import { tenantSettingsSchema } from "./model.js";
import { firestore } from "./paths.js";

export const liveSettingsSchema = tenantSettingsSchema.extend({
  /** Seconds before an unacknowledged critical alert goes up a level; wins over escalationMinutes. */
  escalationSeconds: z.number().positive().optional(),
  /** Hours an ended call stays live in the Realtime Database after it was archived. */
  retentionHours: z.number().positive().optional(),
  /** Minutes without a turn after which the sweeper closes an active call. */
  staleCallMinutes: z.number().positive().optional(),
  /** Called with a JSON POST when a critical alert opens and nobody allowed to act is online. */
  unwatchedWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export interface LiveSettings {
  readonly escalationDelayMs: number;
  readonly maxEscalationLevel: number;
  readonly retentionMs: number;
  readonly staleCallMs: number;
  readonly unwatchedWebhookUrl: string | undefined;
}

export const DEFAULT_LIVE_SETTINGS: LiveSettings = {
  escalationDelayMs: 2 * 60_000,
  maxEscalationLevel: 2,
  retentionMs: 24 * 3_600_000,
  staleCallMs: 30 * 60_000,
  unwatchedWebhookUrl: undefined,
};

export function toLiveSettings(settings: z.infer<typeof liveSettingsSchema>): LiveSettings {
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
  };
}

/** The tenant's settings; the defaults (logged) when the tenant record is missing or malformed. */
export async function readLiveSettings(tenantId: string): Promise<LiveSettings> {
  const snapshot = await getFirestore().doc(firestore.tenantDoc(tenantId)).get();
  const data: unknown = snapshot.data();
  const settings =
    typeof data === "object" && data !== null && "settings" in data ? data.settings : undefined;
  const parsed = liveSettingsSchema.safeParse(settings);
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
