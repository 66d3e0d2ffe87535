/**
 * What one new message does to its call's summary: the counters and the last snippet when the
 * summary does not include the message yet, and the urgency when triage of a caller's words ranks
 * higher. Pure: no Firebase imports.
 */
import { type Call, LIMITS, type Message, type Urgency, URGENCY_RANK } from "@lifeline/model";

export interface Triaged {
  readonly level: Urgency;
  readonly matched: readonly string[];
}

export function snippetOf(text: string): string {
  const flat = text.trim().replace(/\s+/g, " ");
  return flat.length > LIMITS.snippet ? `${flat.slice(0, LIMITS.snippet - 1)}…` : flat;
}

/**
 * The call's next summary after `message`, or null when it already reflects it. The speech turn
 * writes messages and summary together, so for its messages this is usually null; messages written
 * any other way (a system note, an import) are counted here. Urgency only goes up, and a message
 * older than the latest supervisor override does not undo that override.
 */
export function summarize(
  call: Call,
  messageId: string,
  message: Message,
  triaged: Triaged | null,
): Call | null {
  let next: Call = call;
  if (message.seq > call.messageCount) {
    next = { ...next, messageCount: message.seq };
    if (message.role !== "system") {
      next = {
        ...next,
        lastMessageAt: Math.max(call.lastMessageAt, message.at),
        lastSnippet: snippetOf(message.text),
      };
    }
  }
  const overriddenLater =
    call.urgencyOverride !== undefined && call.urgencyOverride.at >= message.at;
  if (
    triaged !== null &&
    !overriddenLater &&
    URGENCY_RANK[triaged.level] > URGENCY_RANK[call.urgency]
  ) {
    next = {
      ...next,
      urgency: triaged.level,
      urgencyReason: { source: "triage", terms: [...triaged.matched], messageId },
    };
  }
  return next === call ? null : next;
}
