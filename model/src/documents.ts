/** The shape of every Firestore document (written and read by the Admin SDK only). */
import { z } from "zod";
import { callSchema, leadLabelsSchema, messageSchema } from "./records.js";
import { roleSchema } from "./roles.js";
import { e164, id, instanceName, millis } from "./scalars.js";
import { ARCHIVE_OUTCOMES, LIMITS, urgencySchema, VITAL_KINDS } from "./vocabulary.js";

export const tenantSettingsSchema = z.strictObject({
  /** Minutes before an unacknowledged critical alert goes up a level. */
  escalationMinutes: z.number().positive(),
  /** Highest escalation level; each level widens the roles notified. */
  maxEscalationLevel: z.number().int().nonnegative(),
  /** Vital-sign thresholds that open a `vitals` alert, by kind. */
  vitalThresholds: z
    .partialRecord(z.enum(VITAL_KINDS), z.strictObject({ min: z.number(), max: z.number() }))
    .optional(),
  /** Seconds before an unacknowledged critical alert goes up a level; wins over escalationMinutes. */
  escalationSeconds: z.number().positive().optional(),
  /** Hours an ended call stays live in the Realtime Database after it was archived (default 24). */
  retentionHours: z.number().positive().optional(),
  /** Minutes without a turn after which the sweeper ends an active call (default 30). */
  staleCallMinutes: z.number().positive().optional(),
  /** Seconds a holder's presence may be offline before its hold on a call lapses (default 20). */
  holdGraceSeconds: z.number().positive().optional(),
  /** Caller turns in a row with no message from the holder before the hold lapses (default 2). */
  holdLapseTurns: z.number().int().positive().optional(),
  /**
   * Minutes an acknowledged critical alert may stay unresolved before it reopens and notifies
   * again (default 10).
   */
  ackTimeoutMinutes: z.number().positive().optional(),
  /** The same in seconds; wins over ackTimeoutMinutes. */
  ackTimeoutSeconds: z.number().positive().optional(),
  /**
   * The tenant's own words for lead statuses (1-40 characters each), over the defaults of
   * `LEAD_LABELS`; the ids stay the same. The admin CLI copies them to `labels/lead` for the dashboard.
   */
  leadLabels: leadLabelsSchema.optional(),
  /** Called with a JSON POST when a critical alert opens and nobody allowed to act is online. */
  unwatchedWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
/**
 * A move of the tenant to another instance in progress (`tenants move`): set on the tenant record
 * and, with the same value, at `tenants/{t}/moving` on the instance it is leaving. While it is set,
 * functions write to neither instance and the rules refuse every client write under the tenant.
 */
export const tenantMoveSchema = z.strictObject({ to: instanceName, since: millis });
export type TenantMove = z.infer<typeof tenantMoveSchema>;
/**
 * `tenants/{t}/movedTo` on the instance a tenant left: where it went, so that dashboards still
 * connected there refresh their token (its `db` claim) and reconnect.
 */
export const tenantMovedToSchema = z.strictObject({ to: instanceName, at: millis });
export type TenantMovedTo = z.infer<typeof tenantMovedToSchema>;
export const tenantDocSchema = z.strictObject({
  name: z.string().min(1),
  createdAt: millis,
  settings: tenantSettingsSchema,
  /**
   * The Realtime Database instance that holds everything the tenant's members subscribe to;
   * absent: the project's default instance.
   */
  database: instanceName.optional(),
  /** Set while the tenant moves to another instance (see `tenantMoveSchema`). */
  moving: tenantMoveSchema.optional(),
  /**
   * Set from the switch to the new instance until the move has cleaned up after itself (claims,
   * late writes carried over, the old copy removed): a re-run of the move finishes from here.
   */
  movedFrom: z.strictObject({ from: instanceName, at: millis }).optional(),
});
/**
 * Only where a tenant lives, read leniently: a tenant whose settings are malformed still has a
 * home, so its live data stays reachable.
 */
export const tenantPlacementSchema = z.object({
  database: instanceName.optional(),
  moving: tenantMoveSchema.optional(),
});
/** `config/routing`: deployment-wide settings. */
export const routingConfigSchema = z.strictObject({ defaultTenantId: id });

export const memberDocSchema = z.strictObject({
  role: roleSchema,
  name: z.string().min(1).max(LIMITS.name),
  email: z.email(),
  subjects: z.array(id),
  createdAt: millis,
  updatedAt: millis,
});
export const subjectDocSchema = z.strictObject({
  name: z.string().min(1).max(LIMITS.name),
  phones: z.array(e164),
  createdAt: millis,
});
/**
 * `devices/{deviceId}`: the device registry. Readings are attributed to the tenant and subject the
 * device is registered to; a request never names a tenant.
 */
export const deviceDocSchema = z.strictObject({
  tenantId: id,
  subjectId: id,
  label: z.string().min(1).max(LIMITS.name).optional(),
  createdAt: millis,
});
/** `phones/{e164}`: where the speech turn resolves a caller. */
export const phoneIndexSchema = z.strictObject({ tenantId: id, subjectId: id });
/**
 * `lines/{e164}`: a number the deployment answers (the number a caller dialled or texted) and the
 * tenant its calls belong to.
 */
export const lineRecordSchema = z.strictObject({
  tenantId: id,
  label: z.string().min(1).max(LIMITS.name).optional(),
  createdAt: millis,
});
export type LineRecord = z.infer<typeof lineRecordSchema>;
/** The same schema under the record's name, for code that names records rather than schemas. */
export const LineRecord = lineRecordSchema;
/**
 * `tenants/{t}/archive/{callId}`. The top-level fields after `archivedAt` are copies made for the
 * history endpoint's Firestore queries (see `firestore.indexes.json`); calls archived before they
 * existed lack them, and match no filter on them.
 */
export const archivedCallSchema = z.strictObject({
  call: callSchema,
  messages: z.array(messageSchema),
  archivedAt: millis,
  urgency: urgencySchema.optional(),
  subjectId: id.optional(),
  phone: e164.optional(),
  /** Every leading part of `phone` from "+" and one digit: a phone search is an array-contains. */
  phonePrefixes: z.array(z.string().regex(/^\+\d{1,15}$/)).optional(),
  outcome: z.enum(ARCHIVE_OUTCOMES).optional(),
  startedAt: millis.optional(),
  /** Names of the members who held, ended or acknowledged the call, first one first. */
  handledBy: z.array(z.string().min(1).max(LIMITS.name)).optional(),
});
export type ArchivedCall = z.infer<typeof archivedCallSchema>;
export const AUDIT_ACTIONS = [
  "acknowledge",
  "decline",
  "take_over",
  "hand_back",
  "message_caller",
  "set_lead",
  "override_urgency",
  "member_create",
  "member_update",
  "member_remove",
  "sessions_revoke",
  "hold_lapsed",
  "follow_up_open",
  "follow_up_close",
  "end_call",
  "guide_assistant",
] as const;
export const auditEntrySchema = z.strictObject({
  action: z.enum(AUDIT_ACTIONS),
  actorUid: id,
  at: millis,
  callId: id.optional(),
  alertId: id.optional(),
  targetUid: id.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
