/**
 * The shape of every Realtime Database node. Functions `safeParse` what they read with these schemas
 * (clients can only write what `database.rules.json` lets through, but triggers still check).
 */
import { z } from "zod";
import { roleSchema } from "./roles.js";
import { e164, id, millis } from "./scalars.js";
import {
  ACK_STATUSES,
  ALERT_KINDS,
  ALERT_STATUSES,
  CALL_STATUSES,
  DELIVERY_STATUSES,
  END_REASONS,
  FOLLOW_UP_OUTCOMES,
  HOLD_LAPSE_REASONS,
  LEAD_STATUSES,
  LEGACY_LEAD_STATUSES,
  LIMITS,
  MEDIA,
  MESSAGE_ROLES,
  PRESENCE_STATES,
  VITAL_KINDS,
  VITAL_STATUSES,
  urgencySchema,
} from "./vocabulary.js";

/**
 * Who answers the caller. A human owner is a lease (see domain/hold.ts): it lapses with its holder.
 * `takenFrom` and `reason` are set when a dispatcher or admin takes the call over from a colleague.
 * `lapsed` is written by functions only, when a hold lapsed and the call went back to the assistant.
 */
export const ownerSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("ai"),
    since: millis,
    lapsed: z
      .strictObject({ uid: id, name: z.string().min(1), reason: z.enum(HOLD_LAPSE_REASONS) })
      .optional(),
  }),
  z.strictObject({
    kind: z.literal("human"),
    uid: id,
    name: z.string().min(1),
    since: millis,
    takenFrom: id.optional(),
    reason: z.string().min(1).max(LIMITS.takeOverReason).optional(),
  }),
]);
export type Owner = z.infer<typeof ownerSchema>;

/** Client-writable leaves (see the rules): each is written whole, with `by`/`at` pinned to the writer and the server clock. */
export const leadSchema = z.strictObject({
  // Earlier ids stay readable (calls written before the care-line list); the rules accept only new ones.
  status: z.enum([...LEAD_STATUSES, ...LEGACY_LEAD_STATUSES]),
  by: id,
  at: millis,
});
/**
 * `labels/lead`: the tenant's own words for lead statuses, by id (only the ids of the closed set).
 * A copy of the `leadLabels` setting the dashboard can read; a status without a word here shows
 * its default (`LEAD_LABELS`). Written by the admin CLI only.
 */
export const leadLabelsSchema = z.partialRecord(
  z.enum(LEAD_STATUSES),
  z.string().min(1).max(LIMITS.leadLabel),
);
export type LeadLabels = z.infer<typeof leadLabelsSchema>;
export const urgencyOverrideSchema = z.strictObject({
  level: urgencySchema,
  reason: z.string().min(1).max(LIMITS.overrideReason),
  by: id,
  at: millis,
});
/** `calls/{c}/endRequest`: client-writable once, on an active call; a trigger ends the call. */
export const endRequestSchema = z.strictObject({
  by: id,
  name: z.string().min(1).max(LIMITS.name),
  at: millis,
});
export type EndRequest = z.infer<typeof endRequestSchema>;
export const ackSchema = z.strictObject({
  status: z.enum(ACK_STATUSES),
  note: z.string().max(LIMITS.ackNote),
  at: millis,
});
export const outboxMessageSchema = z.strictObject({
  text: z.string().min(1).max(LIMITS.outboxText),
  by: id,
  at: millis,
});
/** `guidance/{callId}/{id}`: a private instruction for the assistant, client-writable once. */
export const guidanceSchema = z.strictObject({
  text: z.string().min(1).max(LIMITS.guidanceText),
  by: id,
  at: millis,
});
export type Guidance = z.infer<typeof guidanceSchema>;
/** `alerts/{id}/outcome`: client-writable once, on a follow-up alert; a trigger then resolves it. */
export const followUpOutcomeSchema = z.strictObject({
  outcome: z.enum(FOLLOW_UP_OUTCOMES),
  note: z.string().max(LIMITS.followUpNote),
  by: id,
  at: millis,
});
export const presenceSchema = z.strictObject({
  state: z.enum(PRESENCE_STATES),
  lastSeen: millis,
  name: z.string().min(1).max(LIMITS.name),
});

/** `pushTokens/{uid}/{tokenId}`: one browser of the member, registered for web push (FCM). */
export const pushTokenSchema = z.strictObject({
  token: z.string().min(1).max(LIMITS.pushToken),
  at: millis,
  userAgent: z.string().max(LIMITS.pushUserAgent).optional(),
});
export type PushToken = z.infer<typeof pushTokenSchema>;

/** `viewers/{callId}/{uid}`: a member with the call open on a dashboard, since the server time. */
export const viewerSchema = z.strictObject({
  name: z.string().min(1).max(LIMITS.name),
  since: millis,
});
export type Viewer = z.infer<typeof viewerSchema>;

export const urgencyReasonSchema = z.strictObject({
  source: z.enum(["triage", "override", "vitals", "escalation"]),
  terms: z.array(z.string()).optional(),
  messageId: id.optional(),
  note: z.string().optional(),
  /** The caller's language (its English name), when it is not the playbook's: a speaker of it is needed. */
  language: z.string().max(40).optional(),
  /** The caller may be unable to speak (silence, a lone "help", only yes and no). */
  cantTalk: z.literal(true).optional(),
});
export type UrgencyReason = z.infer<typeof urgencyReasonSchema>;

/** `tenants/{t}/calls/{callId}`. `subjectId` is absent for unknown callers: only tenant-wide roles see those calls. */
export const callSchema = z.strictObject({
  subjectId: id.optional(),
  phone: e164,
  /** The tenant's number the caller reached, on calls and texts that came through Twilio. */
  line: e164.optional(),
  medium: z.enum(MEDIA),
  status: z.enum(CALL_STATUSES),
  urgency: urgencySchema,
  urgencyReason: urgencyReasonSchema.optional(),
  owner: ownerSchema,
  startedAt: millis,
  lastMessageAt: millis,
  endedAt: millis.optional(),
  messageCount: z.number().int().nonnegative(),
  lastSnippet: z.string().max(LIMITS.snippet),
  lead: leadSchema.optional(),
  urgencyOverride: urgencyOverrideSchema.optional(),
  endRequest: endRequestSchema.optional(),
  /** Set by functions with `status: "ended"` when a member ended the call. */
  endReason: z.enum(END_REASONS).optional(),
});
export type Call = z.infer<typeof callSchema>;

/** How far a supervisor's text sent at once to an SMS caller got (Twilio's message `sid`). */
export const deliverySchema = z.strictObject({
  status: z.enum(DELIVERY_STATUSES),
  at: millis,
  sid: z.string().optional(),
  /** Why it failed, in the carrier's words (e.g. Twilio error 30003, "Unreachable destination handset"). */
  error: z.string().max(200).optional(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** `tenants/{t}/messages/{callId}/{msgId}`; `seq` orders the transcript, `turnId` makes retried turns idempotent. */
export const messageSchema = z.strictObject({
  seq: z.number().int().positive(),
  role: z.enum(MESSAGE_ROLES),
  text: z.string().max(LIMITS.messageText),
  at: millis,
  sources: z.array(z.string()).optional(),
  turnId: id.optional(),
  /** Set on `agent` messages: the member who typed it (copied from the outbox). */
  by: id.optional(),
  /** Set on `agent` messages texted at once to an SMS caller (not spoken at a turn). */
  delivery: deliverySchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const alertSchema = z.strictObject({
  kind: z.enum(ALERT_KINDS),
  severity: urgencySchema,
  callId: id.optional(),
  subjectId: id.optional(),
  title: z.string().min(1),
  at: millis,
  status: z.enum(ALERT_STATUSES),
  level: z.number().int().nonnegative(),
  acks: z.record(id, ackSchema).optional(),
  /**
   * Set by functions when a critical call ended with nobody responding: the alert stays open as a
   * follow-up ("ended unattended: call back") until a member records an `outcome`.
   */
  followUp: z.strictObject({ since: millis, phone: e164.optional() }).optional(),
  outcome: followUpOutcomeSchema.optional(),
  /** The decline that last raised the alert (functions only): a replayed decline raises nothing. */
  lastDecline: z.strictObject({ uid: id, at: millis }).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/**
 * `tenants/{t}/members/{uid}`: the mirror of the Firestore member record the rules read.
 * A subject member has exactly one entry in `subjects`: its own subject id.
 */
export const memberMirrorSchema = z
  .strictObject({
    role: roleSchema,
    name: z.string().min(1).max(LIMITS.name),
    subjects: z.record(id, z.literal(true)).optional(),
  })
  .refine((m) => m.role !== "subject" || Object.keys(m.subjects ?? {}).length === 1, {
    message: "a subject member is assigned exactly its own subject",
    path: ["subjects"],
  });
export type MemberMirror = z.infer<typeof memberMirrorSchema>;

export const vitalSchema = z.strictObject({
  value: z.number(),
  unit: z.string().min(1),
  at: millis,
  status: z.enum(VITAL_STATUSES),
  /** The registered device that sent the reading. */
  deviceId: id.optional(),
});
export const subjectSchema = z.strictObject({
  name: z.string().min(1).max(LIMITS.name),
  vitals: z.partialRecord(z.enum(VITAL_KINDS), vitalSchema).optional(),
  /** Registered devices of the subject, each with when it last sent readings. */
  devices: z.record(id, z.strictObject({ lastSeen: millis })).optional(),
});

/** `inbox/{uid}/{alertId}`: a member's copy of an alert it may see. */
export const inboxItemSchema = z.strictObject({
  tenantId: id,
  kind: z.enum(ALERT_KINDS),
  severity: urgencySchema,
  title: z.string().min(1),
  at: millis,
  status: z.enum(ALERT_STATUSES),
  callId: id.optional(),
  subjectId: id.optional(),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

/**
 * `revocations/{uid}`: the instant of revocation, ms since the epoch. The rules (and the HTTPS
 * endpoints) refuse a token when `auth_time * 1000` is below it. Kept exact rather than floored to
 * the second so that no token issued before the revocation slips through; the cost is that signing
 * in again within the same second is refused once more.
 */
export const revocationSchema = millis;
