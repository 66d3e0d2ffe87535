/**
 * Supervising the call itself, beyond taking it over: who may end it for the caller. Mirrors the
 * `endRequest` rule of `database.rules.json`. Pure.
 */
import { type Call, CAPABILITIES } from "@lifeline/model";
import type { ActionContext, Availability } from "./permissions.js";

/**
 * Admins and dispatchers end any active call; doctors and nurses only a call they hold.
 * `undefined`: the control is not for this member on this call (not shown at all).
 */
export function endCallAvailability(call: Call, context: ActionContext): Availability | undefined {
  if (call.status !== "active" || call.endRequest !== undefined) return undefined;
  const wide = context.role === "admin" || context.role === "dispatcher";
  const holds =
    (context.role === "doctor" || context.role === "nurse") &&
    call.owner.kind === "human" &&
    call.owner.uid === context.uid;
  if (!wide && !holds) return undefined;
  if (!context.online) return { allowed: false, reason: "Offline: reconnecting to the database." };
  return { allowed: true };
}

/**
 * Guiding the assistant: whoever may message the caller (admins and dispatchers on any active
 * call, doctors and nurses on a call they hold). `undefined`: not offered to this member here.
 */
export function guideAvailability(call: Call, context: ActionContext): Availability | undefined {
  if (call.status !== "active") return undefined;
  const capability = CAPABILITIES[context.role].messageCaller;
  const holds = call.owner.kind === "human" && call.owner.uid === context.uid;
  if (capability === "never" || (capability === "asOwner" && !holds)) return undefined;
  if (!context.online) return { allowed: false, reason: "Offline: reconnecting to the database." };
  return { allowed: true };
}

/** "Ended by a supervisor (Dana Dispatcher)." once a member ended the call or asked to. */
export function endedByText(call: Call): string | undefined {
  const request = call.endRequest;
  if (request === undefined) return undefined;
  return call.status === "active"
    ? `${request.name} is ending this call: the caller hears a goodbye at their next turn.`
    : `Ended by a supervisor (${request.name}).`;
}
