/**
 * The role set and what each role may see and do. The rules (`database.rules.json`) enforce the
 * same table; the dashboard reads it to show only what a member may use.
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
