/**
 * Which actions the signed-in member may take right now, and if not, why — in words shown next
 * to the disabled control. Mirrors `CAPABILITIES` and the write rules of `database.rules.json`,
 * so a button is enabled only for a write the rules will accept. Pure.
 */
import { type Call, CAPABILITIES, type Role } from "@lifeline/model";
import {
  isAcknowledged,
  isFollowUp,
  isOpenFollowUp,
  sortAlerts,
  type AlertView,
} from "./alerts.js";
import type { CallEntry } from "./calls.js";

export type CallAction =
  "takeOver" | "takeOverFrom" | "handBack" | "message" | "setLead" | "overrideUrgency";

/** Who may take a call from a colleague who holds it (with a reason); the rules allow no one else. */
const TAKE_OVER_FROM_ROLES: ReadonlySet<Role> = new Set(["admin", "dispatcher"]);

export type Availability =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

const ALLOWED: Availability = { allowed: true };
const deny = (reason: string): Availability => ({ allowed: false, reason });

export interface ActionContext {
  readonly role: Role;
  readonly uid: string;
  /** `.info/connected`: writes made offline would be judged later, against a changed call. */
  readonly online: boolean;
}

const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin: "Admins",
  dispatcher: "Dispatchers",
  doctor: "Doctors",
  nurse: "Nurses",
  caregiver: "Caregivers",
  subject: "Subjects",
};

function notWhileOver(call: Call): Availability | undefined {
  if (call.status === "ended") return deny("The call has ended.");
  if (call.status === "missed") return deny("This was a missed call.");
  return undefined;
}

export function callActionAvailability(
  action: CallAction,
  call: Call,
  context: ActionContext,
): Availability {
  const capabilities = CAPABILITIES[context.role];
  const roleName = ROLE_NAMES[context.role];
  const owner = call.owner;
  const ownedByMe = owner.kind === "human" && owner.uid === context.uid;

  switch (action) {
    case "takeOver": {
      if (!capabilities.takeOver) return deny(`${roleName} cannot take over calls.`);
      const over = notWhileOver(call);
      if (over !== undefined) return over;
      if (ownedByMe) return deny("You are handling this call.");
      if (owner.kind === "human") return deny(`${owner.name} is handling this call.`);
      break;
    }
    case "takeOverFrom": {
      if (!TAKE_OVER_FROM_ROLES.has(context.role)) {
        return deny(`${roleName} cannot take a call from a colleague.`);
      }
      const over = notWhileOver(call);
      if (over !== undefined) return over;
      if (owner.kind === "ai") return deny("The AI assistant handles this call: take it over.");
      if (ownedByMe) return deny("You are handling this call.");
      break;
    }
    case "handBack": {
      if (!capabilities.takeOver) return deny(`${roleName} cannot take over or hand back calls.`);
      const over = notWhileOver(call);
      if (over !== undefined) return over;
      if (owner.kind === "ai") return deny("The AI assistant already handles this call.");
      if (!ownedByMe) return deny(`Only ${owner.name}, who handles the call, can hand it back.`);
      break;
    }
    case "message": {
      if (capabilities.messageCaller === "never") {
        return deny(`${roleName} cannot message callers.`);
      }
      const over = notWhileOver(call);
      if (over !== undefined) return over;
      if (capabilities.messageCaller === "asOwner" && !ownedByMe) {
        return deny("Take over the call to message the caller.");
      }
      break;
    }
    case "setLead": {
      if (!capabilities.setLead) return deny(`${roleName} cannot set lead status.`);
      break;
    }
    case "overrideUrgency": {
      if (!capabilities.overrideUrgency) return deny(`${roleName} cannot override urgency.`);
      const over = notWhileOver(call);
      if (over !== undefined) return over;
      break;
    }
  }
  if (!context.online) return deny("Offline: reconnecting to the database.");
  return ALLOWED;
}

export function acknowledgeAvailability(alert: AlertView, context: ActionContext): Availability {
  if (!CAPABILITIES[context.role].acknowledge) {
    return deny(`${ROLE_NAMES[context.role]} cannot acknowledge alerts.`);
  }
  if (alert.status === "resolved") return deny("This alert is resolved.");
  if (!context.online) return deny("Offline: reconnecting to the database.");
  return ALLOWED;
}

/**
 * Closing a follow-up with an outcome: whoever may acknowledge the alert, once (the outcome is
 * create-only), until the alert is resolved.
 */
export function outcomeAvailability(alert: AlertView, context: ActionContext): Availability {
  if (!CAPABILITIES[context.role].acknowledge) {
    return deny(`${ROLE_NAMES[context.role]} cannot close follow-ups.`);
  }
  if (alert.status === "resolved") return deny("This follow-up is closed.");
  if (alert.outcome !== undefined) return deny("An outcome is already recorded.");
  if (!context.online) return deny("Offline: reconnecting to the database.");
  return ALLOWED;
}

/** Every urgency level, lowest first: the override select lists them all, the current one chosen. */
export const URGENCY_LEVELS = ["normal", "urgent", "critical"] as const;

/** Urgency levels an override may choose: any but the current one (the rules refuse a no-op). */
export function overrideLevels(call: Call): Call["urgency"][] {
  return (["normal", "urgent", "critical"] as const).filter((level) => level !== call.urgency);
}

/**
 * What the call header offers next to the state it resolves: acknowledge its open alert, take it
 * from the assistant, or call back a caller nobody answered. Only actions the role has at all are
 * offered; one that the role has but cannot take right now carries the reason.
 */
export type NextAction =
  | { readonly kind: "acknowledge"; readonly alertId: string; readonly availability: Availability }
  | { readonly kind: "takeOver"; readonly availability: Availability }
  | {
      readonly kind: "callBack";
      /** The follow-up to close with an outcome; absent for a missed call without one. */
      readonly alertId?: string;
      readonly phone: string;
      readonly availability: Availability;
    };

export function nextActions(
  entry: CallEntry,
  alerts: readonly AlertView[],
  context: ActionContext,
): NextAction[] {
  const { id, call } = entry;
  const capabilities = CAPABILITIES[context.role];
  const ofCall = sortAlerts(alerts.filter((alert) => alert.callId === id));
  const out: NextAction[] = [];
  const followUp = ofCall.find(isOpenFollowUp);
  if (followUp !== undefined && call.status !== "active" && capabilities.acknowledge) {
    out.push({
      kind: "callBack",
      alertId: followUp.id,
      phone: followUp.followUp?.phone ?? call.phone,
      availability: outcomeAvailability(followUp, context),
    });
    return out;
  }
  if (call.status === "missed" && capabilities.acknowledge) {
    out.push({ kind: "callBack", phone: call.phone, availability: ALLOWED });
  }
  const unacknowledged = ofCall.find((alert) => !isFollowUp(alert) && !isAcknowledged(alert));
  if (unacknowledged !== undefined && capabilities.acknowledge) {
    out.push({
      kind: "acknowledge",
      alertId: unacknowledged.id,
      availability: acknowledgeAvailability(unacknowledged, context),
    });
  }
  if (call.status === "active" && call.owner.kind === "ai" && capabilities.takeOver) {
    out.push({ kind: "takeOver", availability: callActionAvailability("takeOver", call, context) });
  }
  return out;
}

/** The selected call's controls a role has at all; the others are not shown. */
export interface RoleControls {
  readonly takeOverFrom: boolean;
  readonly handBack: boolean;
  readonly message: boolean;
  readonly setLead: boolean;
  readonly overrideUrgency: boolean;
}

export function roleControls(role: Role): RoleControls {
  const capabilities = CAPABILITIES[role];
  return {
    takeOverFrom: TAKE_OVER_FROM_ROLES.has(role),
    handBack: capabilities.takeOver,
    message: capabilities.messageCaller !== "never",
    setLead: capabilities.setLead,
    overrideUrgency: capabilities.overrideUrgency,
  };
}

/**
 * One line saying what a role may do with a call, shown instead of the controls it cannot use;
 * none for roles that have every control. Kept beside `CAPABILITIES` (the tests compare them).
 */
const ROLE_SUMMARIES: Readonly<Record<Role, string | undefined>> = {
  admin: undefined,
  dispatcher: undefined,
  doctor:
    "Doctors can follow their people's calls, acknowledge alerts, and take over a call to talk to the caller.",
  nurse:
    "Nurses can follow their people's calls, acknowledge alerts, and take over a call to talk to the caller.",
  caregiver: "Caregivers can follow calls and acknowledge alerts in their inbox.",
  subject: "You can follow your own calls here.",
};

export function roleSummary(role: Role): string | undefined {
  return ROLE_SUMMARIES[role];
}
