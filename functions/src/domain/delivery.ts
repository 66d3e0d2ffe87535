/**
 * Where a text to an SMS caller stands: Twilio's message statuses folded into the transcript's
 * four, and how a status report moves a message's `delivery` (only ever forward). Pure.
 */
import type { DeliveryStatus, Message } from "@lifeline/model";

/** Twilio's message statuses, folded into the transcript's four; undefined for those that say nothing. */
export function deliveryStatusOf(twilioStatus: string): DeliveryStatus | undefined {
  switch (twilioStatus) {
    case "accepted":
    case "scheduled":
    case "queued":
    case "sending":
      return "queued";
    case "sent":
      return "sent";
    case "delivered":
    case "read":
      return "delivered";
    case "undelivered":
    case "failed":
    case "canceled":
      return "failed";
    default:
      return undefined;
  }
}

/** How far each status is along: a report never moves a message back. */
const PROGRESS: Readonly<Record<DeliveryStatus, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  failed: 2,
};

export interface DeliveryReport {
  readonly sid: string;
  readonly status: DeliveryStatus;
  readonly at: number;
  readonly error?: string;
}

/**
 * The message with `report` applied, or null when the report says nothing new about it: no such
 * message or no text of ours, another text's sid, a step back (Twilio's callbacks can cross), or
 * the same step again (unless it brings the sid the sender had not stored yet).
 */
export function reportedDelivery(message: Message | null, report: DeliveryReport): Message | null {
  const current = message?.delivery;
  if (message === null || current === undefined) return null;
  if (current.sid !== undefined && current.sid !== report.sid) return null;
  if (PROGRESS[report.status] < PROGRESS[current.status]) return null;
  if (PROGRESS[report.status] === PROGRESS[current.status] && current.sid !== undefined)
    return null;
  return {
    ...message,
    delivery: {
      status: report.status,
      at: report.at,
      sid: report.sid,
      ...(report.error === undefined ? {} : { error: report.error }),
    },
  };
}
