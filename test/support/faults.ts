/**
 * A typed client for the database emulator's fault control (`/.faults`, see emulator/README.md).
 * It exists only when the suite runs on this repository's emulator with faults on
 * (`node scripts/emulators.mjs exec --faults "<cmd>"`, which `npm test` does); tests that use it
 * call `faultsAvailable()` first and skip otherwise (always under `--official`).
 *
 *   faultsAvailable() → whether /.faults answers (false under LIFELINE_OFFICIAL=1)
 *   getFaults()       → the current state, with `heldWrites` (writes waiting on stallWrites)
 *   setFaults(faults) → replaces the whole state (omitted faults are off); `dropSockets: true`
 *                       closes every open client connection once
 *   clearFaults()     → every fault off; held writes are applied in order
 */
import { z } from "zod";

export interface Faults {
  /** Added to every inbound WebSocket/long-poll message and REST request. */
  readonly latencyMs?: number;
  /** Writes of every kind are held unapplied and unacknowledged until cleared. */
  readonly stallWrites?: boolean;
  /** New HTTP requests and WebSocket upgrades have their socket destroyed. */
  readonly refuseConnections?: boolean;
  /** One-shot: close every open client connection now. */
  readonly dropSockets?: boolean;
}

const faultStateSchema = z.object({
  latencyMs: z.number(),
  stallWrites: z.boolean(),
  refuseConnections: z.boolean(),
  heldWrites: z.number(),
  droppedConnections: z.number().optional(),
});

export type FaultState = z.infer<typeof faultStateSchema>;

function faultsUrl(): string {
  const host = process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
  if (host === undefined || host === "") {
    throw new Error("FIREBASE_DATABASE_EMULATOR_HOST is not set: run inside the emulator suite");
  }
  return `http://${host}/.faults`;
}

async function request(method: "GET" | "PUT" | "DELETE", body?: Faults): Promise<FaultState> {
  const response = await fetch(faultsUrl(), {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} /.faults answered ${String(response.status)}: ${text}`);
  }
  return faultStateSchema.parse(JSON.parse(text));
}

/** Whether the database emulator serves fault control here; never throws. */
export async function faultsAvailable(): Promise<boolean> {
  if (process.env["LIFELINE_OFFICIAL"] === "1") return false;
  try {
    const response = await fetch(faultsUrl());
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export function getFaults(): Promise<FaultState> {
  return request("GET");
}

/** Replaces the whole fault state: what `faults` leaves out is off. */
export function setFaults(faults: Faults): Promise<FaultState> {
  return request("PUT", faults);
}

export function clearFaults(): Promise<FaultState> {
  return request("DELETE");
}
