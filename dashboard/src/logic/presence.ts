/**
 * Presence as a heartbeat: a console rewrites its record every `PRESENCE.heartbeatMs`, and a
 * record counts as online only while it is fresh. `state` alone is not enough: a laptop that went
 * to sleep never ran its onDisconnect, and its record says "online" for good. Pure.
 */
import { PRESENCE } from "@lifeline/model";
import type { PresenceRecord } from "../firebase/database.js";

export type Liveness = "online" | "away" | "offline";

/**
 * What a colleague's record means at `now` (server time): `offline` when it says so or when no
 * heartbeat arrived for `PRESENCE.freshMs`.
 */
export function liveness(record: PresenceRecord | undefined, now: number): Liveness {
  if (record === undefined || record.state === "offline") return "offline";
  if (now - record.lastSeen > PRESENCE.freshMs) return "offline";
  return record.state;
}

/** Online or away, with a fresh heartbeat: the colleague's console is there. */
export function isPresent(record: PresenceRecord | undefined, now: number): boolean {
  return liveness(record, now) !== "offline";
}

/** The record said online or away but its heartbeat stopped: the browser likely died. */
export function isStale(record: PresenceRecord | undefined, now: number): boolean {
  return record !== undefined && record.state !== "offline" && liveness(record, now) === "offline";
}
