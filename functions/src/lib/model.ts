/**
 * Lifeline's data model: the role set, what each role may see and do, and the shape of every
 * Realtime Database node and Firestore document. Functions `safeParse` what they read with these
 * schemas (clients can only write what `database.rules.json` lets through, but triggers still check);
 * the rules tests and the dashboard use the same constants so that limits live in one place.
 */
import { z } from "zod";

export const ROLES = ["admin", "dispatcher", "doctor", "nurse", "caregiver", "subject"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** Which calls (with transcripts and pending outgoing messages) and which subjects' vitals a role sees. */
export type Scope = "tenant" | "assigned" | "own" | "none";

export interface Capabilities {
  /** Calls, transcripts and outbox: every call of the tenant, calls of assigned subjects, or own calls. */
  readonly calls: Scope;
  /** Subject records with their latest vitals. */
  readonly vitals: Scope;
  /** The tenant alert feed `alerts/`; scoped roles see an alert only once it is in their inbox. */
  readonly alertFeed: boolean;
  /** Every member's mirror record, or only one's own. */
  readonly members: "all" | "self";
  /** Reads colleagues' presence and publishes its own. */
  readonly presence: boolean;
  readonly acknowledge: boolean;
  /** Takes over and hands back calls within its `calls` scope. */
  readonly takeOver: boolean;
  /** Writes a message for the caller: on any call in scope, or only while owning the call. */
  readonly messageCaller: "inScope" | "asOwner" | "never";
  readonly overrideUrgency: boolean;
  readonly setLead: boolean;
  /** Creates, updates and removes members (over HTTPS; the mirror is written by functions). */
  readonly manageMembers: boolean;
}

/** Doctors and nurses share one row of the role table: assigned subjects, act as owner. */
const CLINICIAN: Capabilities = {
  calls: "assigned",
  vitals: "assigned",
  alertFeed: false,
  members: "self",
  presence: true,
  acknowledge: true,
  takeOver: true,
  messageCaller: "asOwner",
  overrideUrgency: false,
  setLead: false,
  manageMembers: false,
};

/**
 * The role table of DESIGN.md as data. Every role has its own inbox. `database.rules.json`
 * implements this table; README's "Access policy" states it in words; the rules tests check it cell by cell.
 */
export const CAPABILITIES: Readonly<Record<Role, Capabilities>> = {
  admin: {
    calls: "tenant",
    vitals: "tenant",
    alertFeed: true,
    members: "all",
    presence: true,
    acknowledge: true,
    takeOver: true,
    messageCaller: "inScope",
    overrideUrgency: true,
    setLead: true,
    manageMembers: true,
  },
  dispatcher: {
    calls: "tenant",
    vitals: "tenant",
    alertFeed: true,
    members: "all",
    presence: true,
    acknowledge: true,
    takeOver: true,
    messageCaller: "inScope",
    overrideUrgency: true,
    setLead: true,
    manageMembers: false,
  },
  doctor: CLINICIAN,
  nurse: CLINICIAN,
  caregiver: {
    calls: "assigned",
    vitals: "assigned",
    alertFeed: false,
    members: "self",
    presence: true,
    acknowledge: true,
    takeOver: false,
    messageCaller: "never",
    overrideUrgency: false,
    setLead: false,
    manageMembers: false,
  },
  subject: {
    calls: "own",
    vitals: "none",
    alertFeed: false,
    members: "self",
    presence: false,
    acknowledge: false,
    takeOver: false,
    messageCaller: "never",
    overrideUrgency: false,
    setLead: false,
    manageMembers: false,
  },
};

/** Custom claims set on every member's Firebase Auth user. A subject's own subject id is in its mirror. */
export const memberClaimsSchema = z.strictObject({ tenant: z.string().min(1), role: roleSchema });
export type MemberClaims = z.infer<typeof memberClaimsSchema>;

export const URGENCY_LEVELS = ["normal", "urgent", "critical"] as const;
export type Urgency = (typeof URGENCY_LEVELS)[number];
export const urgencySchema = z.enum(URGENCY_LEVELS);
/** Urgency only goes up on its own; this rank is what "up" means. */
export const URGENCY_RANK: Readonly<Record<Urgency, number>> = {
  normal: 0,
  urgent: 1,
  critical: 2,
};

export const CALL_STATUSES = ["active", "ended", "missed"] as const;
export const MEDIA = ["voice", "sms"] as const;
export const MESSAGE_ROLES = ["caller", "assistant", "agent", "system"] as const;
export const ALERT_KINDS = [
  "urgency",
  "missed_call",
  "vitals",
  "unwatched",
  "escalation",
  /** A human's hold on a call lapsed (holder offline, removed or demoted, or silent N caller turns). */
  "hold_lapsed",
] as const;
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
/** What a member says when acknowledging; `resolved` and `false_alarm` close the alert. */
export const ACK_STATUSES = ["acknowledged", "responding", "resolved", "false_alarm"] as const;
/**
 * How a member closes a follow-up (a critical call that ended with nobody responding): the alert
 * stays open until one of these is recorded in its `outcome`.
 */
export const FOLLOW_UP_OUTCOMES = ["called_back", "reached", "unreachable", "false_alarm"] as const;
/** Why a human hold lapsed and the call went back to the assistant. */
export const HOLD_LAPSE_REASONS = ["offline", "removed", "demoted", "caller_turns"] as const;
export const LEAD_STATUSES = ["new", "contacted", "qualified", "converted", "lost"] as const;
export const PRESENCE_STATES = ["online", "away", "offline"] as const;
export const VITAL_KINDS = [
  "heart_rate",
  "spo2",
  "bp_systolic",
  "bp_diastolic",
  "temperature",
  "respiratory_rate",
  "glucose",
] as const;
export const VITAL_STATUSES = ["normal", "abnormal", "critical"] as const;

/** Limits shared by the rules (`database.rules.json` repeats them) and the dashboard's forms. */
export const LIMITS = {
  ackNote: 500,
  overrideReason: 500,
  outboxText: 1000,
  name: 100,
  messageText: 4000,
  snippet: 200,
  takeOverReason: 500,
  followUpNote: 500,
} as const;

/**
 * Presence is a heartbeat: a dashboard rewrites its presence record (with `lastSeen` = server time)
 * every `heartbeatMs`, and a record counts as online only while `lastSeen` is younger than
 * `freshMs`. A browser that died without its onDisconnect firing (a sleeping laptop) goes stale.
 */
export const PRESENCE = { heartbeatMs: 20_000, freshMs: 60_000 } as const;

/** Defaults of the tenant's hold-lease settings (`holdGraceSeconds`, `holdLapseTurns`). */
export const HOLD_DEFAULTS = { graceSeconds: 20, lapseTurns: 2 } as const;

const millis = z.number().int().nonnegative();
const id = z.string().min(1);
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "expected an E.164 phone number");

// ---------------------------------------------------------------- RTDB: function-written nodes

/**
 * Who answers the caller. A human owner is a lease (see domain/turn.ts): it lapses with its holder.
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
export const leadSchema = z.strictObject({ status: z.enum(LEAD_STATUSES), by: id, at: millis });
export const urgencyOverrideSchema = z.strictObject({
  level: urgencySchema,
  reason: z.string().min(1).max(LIMITS.overrideReason),
  by: id,
  at: millis,
});
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

export const urgencyReasonSchema = z.strictObject({
  source: z.enum(["triage", "override", "vitals", "escalation"]),
  terms: z.array(z.string()).optional(),
  messageId: id.optional(),
  note: z.string().optional(),
});

/** `tenants/{t}/calls/{callId}`. `subjectId` is absent for unknown callers: only tenant-wide roles see those calls. */
export const callSchema = z.strictObject({
  subjectId: id.optional(),
  phone: e164,
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
});
export type Call = z.infer<typeof callSchema>;

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

// ---------------------------------------------------------------- Firestore (Admin SDK only)

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
  /** Called with a JSON POST when a critical alert opens and nobody allowed to act is online. */
  unwatchedWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
export const tenantDocSchema = z.strictObject({
  name: z.string().min(1),
  createdAt: millis,
  settings: tenantSettingsSchema,
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
export const archivedCallSchema = z.strictObject({
  call: callSchema,
  messages: z.array(messageSchema),
  archivedAt: millis,
});
export const AUDIT_ACTIONS = [
  "acknowledge",
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
