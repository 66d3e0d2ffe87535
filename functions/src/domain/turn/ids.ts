/**
 * The ids a speech turn writes under, each derived from what the gateway sent, so that a retried
 * turn writes the same keys again instead of new ones.
 */
import { createHash } from "node:crypto";
import { checkId } from "@lifeline/model";
import type { SpeechTurnRequest } from "../../requests.js";

/**
 * The call a gateway's call reference names: a hash, so any reference is a valid key and two
 * gateways that happen to use the same reference never share a call.
 */
export function callIdFor(gateway: string, callRef: string): string {
  const digest = createHash("sha256").update(`${gateway}\n${callRef}`).digest("base64url");
  return `call-${digest.slice(0, 22)}`;
}

export const callerMessageId = (turnId: string) => `${checkId("turn id", turnId)}-caller`;
export const assistantMessageId = (turnId: string) => `${checkId("turn id", turnId)}-assistant`;
/** A delivered outbox message keeps its id, so two turns delivering it write one transcript entry. */
export const agentMessageId = (outboxId: string) => `agent-${checkId("outbox id", outboxId)}`;

/** What makes a retry the same turn: the same words from the same caller on the same call. */
export function turnFingerprint(request: SpeechTurnRequest): string {
  return createHash("sha256")
    .update(JSON.stringify([request.callRef, request.from, request.medium, request.text]))
    .digest("base64url");
}
