/**
 * The words Lifeline's records are made of: urgency levels, statuses and kinds, and the limits
 * shared by the rules, the functions and the dashboard's forms.
 */
import { z } from "zod";

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
/** Why a call ended, when the caller or the gateway did not end it. */
export const END_REASONS = ["ended by supervisor"] as const;
/**
 * How an archived call went, one per call, the first that applies: missed; ended by a supervisor;
 * taken over (a human held it at some point); ended unattended (an urgency alert nobody answered);
 * else completed (the assistant handled it to its end).
 */
export const ARCHIVE_OUTCOMES = [
  "missed",
  "ended_by_supervisor",
  "taken_over",
  "ended_unattended",
  "completed",
] as const;
export type ArchiveOutcome = (typeof ARCHIVE_OUTCOMES)[number];
export const ARCHIVE_OUTCOME_LABELS: Readonly<Record<ArchiveOutcome, string>> = {
  missed: "Missed",
  ended_by_supervisor: "Ended by supervisor",
  taken_over: "Taken over",
  ended_unattended: "Ended unattended",
  completed: "Completed normally",
};
export const MEDIA = ["voice", "sms"] as const;
export type Medium = (typeof MEDIA)[number];
export const MESSAGE_ROLES = ["caller", "assistant", "agent", "system"] as const;
/**
 * Where a supervisor's text to an SMS caller stands at the carrier (Twilio's statuses, folded):
 * `queued` until the carrier has it, `sent` once it left, `delivered` once the phone took it,
 * `failed` when it will not arrive. Only ever moves forward.
 */
export const DELIVERY_STATUSES = ["queued", "sent", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
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
/**
 * What a member says when acknowledging; `resolved` and `false_alarm` close the alert. `declined`
 * (with a reason, by anyone who may act but an admin) leaves it open and raises it a level at once.
 */
export const ACK_STATUSES = [
  "acknowledged",
  "responding",
  "resolved",
  "false_alarm",
  "declined",
] as const;
/**
 * How a member closes a follow-up (a critical call that ended with nobody responding): the alert
 * stays open until one of these is recorded in its `outcome`.
 */
export const FOLLOW_UP_OUTCOMES = ["called_back", "reached", "unreachable", "false_alarm"] as const;
/** Why a human hold lapsed and the call went back to the assistant. */
export const HOLD_LAPSE_REASONS = ["offline", "removed", "demoted", "caller_turns"] as const;
/**
 * Where a call stands for the care team afterwards, as stable ids (the rules accept exactly these;
 * `LEAD_LABELS` holds the words shown). A call may still carry an id of the earlier sales-style list
 * (`LEGACY_LEAD_STATUSES`): it stays readable and is replaced only when a member sets a new status.
 */
export const LEAD_STATUSES = ["open", "callback", "resolved", "referred"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** The default words; a tenant may put its own over any of them (setting `leadLabels`). */
export const LEAD_LABELS: Readonly<Record<LeadStatus, string>> = {
  open: "Open",
  callback: "Callback needed",
  resolved: "Resolved",
  referred: "Referred",
};
export const LEGACY_LEAD_STATUSES = ["new", "contacted", "qualified", "converted", "lost"] as const;
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
  guidanceText: 500,
  /** An FCM registration token (about 160 characters today; room for the format to grow). */
  pushToken: 4096,
  pushUserAgent: 300,
  /** A tenant's own word for a lead status (setting `leadLabels`). */
  leadLabel: 40,
} as const;

/**
 * Presence is a heartbeat: a dashboard rewrites its presence record (with `lastSeen` = server time)
 * every `heartbeatMs`, and a record counts as online only while `lastSeen` is younger than
 * `freshMs`. A browser that died without its onDisconnect firing (a sleeping laptop) goes stale.
 */
export const PRESENCE = { heartbeatMs: 20_000, freshMs: 60_000 } as const;

/** Defaults of the tenant's hold-lease settings (`holdGraceSeconds`, `holdLapseTurns`). */
export const HOLD_DEFAULTS = { graceSeconds: 20, lapseTurns: 2 } as const;
