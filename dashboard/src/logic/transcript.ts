/**
 * The transcript of one call: messages in order, who said what, and the words that raised the
 * call's urgency marked where they were said. Pure.
 */
import type { Call, Delivery, Guidance, Message } from "@lifeline/model";

export interface MessageEntry {
  readonly id: string;
  readonly message: Message;
}

export function orderMessages(entries: Iterable<MessageEntry>): MessageEntry[] {
  return [...entries].sort(
    (a, b) => a.message.seq - b.message.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** One line of the transcript as staff read it: a message, or guidance given to the assistant. */
export type TranscriptLine =
  | { readonly kind: "message"; readonly id: string; readonly message: Message }
  | { readonly kind: "guidance"; readonly id: string; readonly guidance: Guidance };

/**
 * Guidance woven into the ordered messages where it was given: after every message from before
 * it (by time), before the first one from its moment on, so staff read which replies followed
 * it. The messages keep their own order; guidance is ordered by time, then id.
 */
export function weaveGuidance(
  messages: readonly MessageEntry[],
  guidance: Iterable<readonly [string, Guidance]>,
): TranscriptLine[] {
  const given = [...guidance].sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0));
  const lines: TranscriptLine[] = [];
  let next = 0;
  for (const entry of messages) {
    while (next < given.length) {
      const pending = given[next];
      if (pending === undefined || pending[1].at > entry.message.at) break;
      lines.push({ kind: "guidance", id: pending[0], guidance: pending[1] });
      next++;
    }
    lines.push({ kind: "message", ...entry });
  }
  for (const [id, entry] of given.slice(next))
    lines.push({ kind: "guidance", id, guidance: entry });
  return lines;
}

/** The source tag of the short line the caller hears while a human holds the call. */
export const HOLDING_SOURCE = "holding";

/** What the caller heard while a human held the call and had nothing queued. */
export function isHoldingLine(message: Message): boolean {
  return message.role === "assistant" && (message.sources ?? []).includes(HOLDING_SOURCE);
}

/** The id functions give the note the assistant gets at a hand-back (functions' handBackMessageId). */
const HAND_BACK_NOTE_PREFIX = "handback-";

/**
 * Who a line was for: what the caller heard (or wrote), or a line only staff and the assistant
 * see (system notes, the note written for the assistant at a hand-back).
 */
export type Audience = "caller" | "staff";

export function audienceOf(message: Message): Audience {
  return message.role === "system" ? "staff" : "caller";
}

/** The note written for the assistant when a person handed the call back: never said to anyone. */
export function isAssistantNote(id: string, message: Message): boolean {
  return message.role === "system" && id.startsWith(HAND_BACK_NOTE_PREFIX);
}

export function roleLabel(message: Message, names: ReadonlyMap<string, string>): string {
  switch (message.role) {
    case "caller":
      return "Caller";
    case "assistant":
      return isHoldingLine(message) ? "Holding line · heard by the caller" : "AI assistant";
    case "agent": {
      const name = message.by === undefined ? undefined : names.get(message.by);
      return name === undefined ? "Supervisor" : `Supervisor · ${name}`;
    }
    case "system":
      return "Staff only · System note";
  }
}

/** When the caller gets a message typed for them: texts through a Twilio line go out at once. */
export function messagePlaceholder(call: Call): string {
  if (call.medium === "voice") return "Message to the caller (spoken at their next turn)";
  return call.line === undefined
    ? "Text to the caller (sent with the reply to their next text)"
    : "Text to the caller (sent at once)";
}

/**
 * Where a supervisor's text to an SMS caller stands, in words a supervisor acts on: a text that
 * will not arrive says so and what to do instead.
 */
export function deliveryLabel(delivery: Delivery): string {
  switch (delivery.status) {
    case "queued":
      return "Text queued at the carrier";
    case "sent":
      return "Text sent";
    case "delivered":
      return "Text delivered to the caller's phone ✓";
    case "failed":
      return `Text NOT delivered${delivery.error === undefined ? "" : ` (${delivery.error})`}: call the caller or write again`;
  }
}

/** The message that raised the call to its current urgency, when triage named one. */
export function triageMessageId(call: Call): string | undefined {
  return call.urgencyReason?.messageId;
}

export interface Segment {
  readonly text: string;
  readonly matched: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Splits `text` into plain and matched segments, matching each term case-insensitively; longer
 * terms win where terms overlap. The segments join back to exactly `text`.
 */
export function highlightSegments(text: string, terms: readonly string[]): Segment[] {
  const usable = [...new Set(terms.map((term) => term.trim()).filter((term) => term !== ""))].sort(
    (a, b) => b.length - a.length,
  );
  if (usable.length === 0 || text === "") return text === "" ? [] : [{ text, matched: false }];
  const pattern = new RegExp(usable.map(escapeRegExp).join("|"), "giu");
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    if (start > last) segments.push({ text: text.slice(last, start), matched: false });
    segments.push({ text: match[0], matched: true });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), matched: false });
  return segments;
}

/**
 * Messages that arrived below a reader who scrolled up: counted while they read earlier lines,
 * cleared once the view follows the live end again.
 */
export function unseenAfter(
  unseen: number,
  following: boolean,
  countBefore: number,
  countAfter: number,
): number {
  if (following) return 0;
  return unseen + Math.max(0, countAfter - countBefore);
}
