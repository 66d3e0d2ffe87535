/**
 * The wire format of the history endpoint (`functions/src/http/history.ts`) as the page parses it.
 * The endpoint's test parses its replies with these same schemas, so the two cannot drift apart.
 */
import { z } from "zod";
import {
  ARCHIVE_OUTCOME_LABELS,
  ARCHIVE_OUTCOMES,
  type ArchiveOutcome,
  auditEntrySchema,
  callSchema,
  messageSchema,
  type Urgency,
} from "@lifeline/model";

const archiveFacts = {
  /** Absent on calls archived before outcomes were recorded. */
  outcome: z.enum(ARCHIVE_OUTCOMES).optional(),
  handledBy: z.array(z.string()).optional(),
};

export const historyItemSchema = z.strictObject({
  id: z.string().min(1),
  call: callSchema,
  archivedAt: z.number().int().nonnegative(),
  ...archiveFacts,
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

export const historyPageSchema = z.strictObject({
  items: z.array(historyItemSchema),
  /** Opaque; absent on the last page. */
  nextCursor: z.string().min(1).optional(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

export const auditItemSchema = auditEntrySchema.extend({ id: z.string().min(1) });
export type AuditItem = z.infer<typeof auditItemSchema>;

export const archivedCallResponseSchema = z.strictObject({
  id: z.string().min(1),
  call: callSchema,
  messages: z.array(messageSchema),
  archivedAt: z.number().int().nonnegative(),
  ...archiveFacts,
  /** Every audited action on the call, oldest first. */
  audit: z.array(auditItemSchema),
});
export type ArchivedCallResponse = z.infer<typeof archivedCallResponseSchema>;

/** The history search as the form holds it: empty strings mean "any". */
export interface HistoryFilterDraft {
  readonly from: string;
  readonly to: string;
  readonly urgency: "" | Urgency;
  readonly subject: string;
  readonly phone: string;
  readonly outcome: "" | ArchiveOutcome;
}

export const NO_FILTERS: HistoryFilterDraft = {
  from: "",
  to: "",
  urgency: "",
  subject: "",
  phone: "",
  outcome: "",
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** A `yyyy-mm-dd` date field's value as the start of that day in the browser's time zone. */
function localDayStart(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
}

/**
 * The endpoint's query parameters for a filter draft: dates as whole local days (the `to` day
 * included), the phone with spaces, dashes and brackets dropped so "+1 555-0123" finds +15550123.
 */
export function historyQuery(draft: HistoryFilterDraft): Record<string, string> {
  const query: Record<string, string> = {};
  const from = localDayStart(draft.from);
  const to = localDayStart(draft.to);
  if (from !== undefined) query.from = String(from);
  if (to !== undefined) query.to = String(to + DAY_MS - 1);
  if (draft.urgency !== "") query.urgency = draft.urgency;
  if (draft.subject !== "") query.subject = draft.subject;
  const phone = draft.phone.replace(/[\s\-().]/g, "");
  if (phone !== "") query.phone = phone;
  if (draft.outcome !== "") query.outcome = draft.outcome;
  return query;
}

const AUDIT_WORDS: Readonly<Record<AuditItem["action"], string>> = {
  acknowledge: "acknowledged an alert",
  decline: "declined an alert",
  take_over: "took over the call",
  hand_back: "handed the call back to the assistant",
  message_caller: "sent a message to the caller",
  set_lead: "set the follow-up status",
  override_urgency: "overrode the urgency",
  member_create: "added a member",
  member_update: "changed a member",
  member_remove: "removed a member",
  sessions_revoke: "ended their sessions",
  hold_lapsed: "lost the hold on the call",
  follow_up_open: "opened a follow-up",
  follow_up_close: "closed the follow-up",
  end_call: "ended the call",
  guide_assistant: "guided the assistant",
};

/** Detail values worth a reader's time, as `key: value` words (ids and repeats left out). */
function auditDetails(entry: AuditItem): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(entry.details ?? {})) {
    if (key === "name" || key === "kind" || key === "from") continue;
    if (typeof value === "string" && value !== "") parts.push(`${key}: ${value}`);
    else if (typeof value === "number" && !key.endsWith("Since")) parts.push(`${key}: ${value}`);
  }
  return parts.join(" · ");
}

/** One audit entry in words: who (by name when known) did what, with its details. */
export function auditLine(
  entry: AuditItem,
  names: ReadonlyMap<string, string>,
): {
  who: string;
  what: string;
  details: string;
} {
  const named = entry.details?.name;
  const who =
    entry.actorUid === "system"
      ? "Lifeline"
      : typeof named === "string" && named !== ""
        ? named
        : (names.get(entry.actorUid) ?? entry.actorUid);
  return { who, what: AUDIT_WORDS[entry.action], details: auditDetails(entry) };
}

export interface ExportContext {
  /** The caller's or subject's name as the page shows it. */
  readonly title: string;
  /** Members' names by uid, for audit actors and supervisors' messages. */
  readonly names: ReadonlyMap<string, string>;
  /** Times as the page prints them (the viewer's time zone). */
  readonly dateTime: (at: number) => string;
  readonly clock: (at: number) => string;
}

const SPEAKER: Readonly<Record<ArchivedCallResponse["messages"][number]["role"], string>> = {
  caller: "Caller",
  assistant: "AI assistant",
  agent: "Supervisor",
  system: "Staff only (system note)",
};

/** The plain-text record of one archived call: summary, transcript and every audited action. */
export function exportText(archived: ArchivedCallResponse, context: ExportContext): string {
  const { call } = archived;
  const lines = [
    `Lifeline call record: ${context.title}`,
    `Call id: ${archived.id}`,
    `Phone: ${call.phone} (${call.medium})`,
    `Started: ${context.dateTime(call.startedAt)}   Ended: ${context.dateTime(archived.archivedAt)}`,
    `Urgency: ${call.urgency}${call.urgencyReason?.terms === undefined ? "" : ` (${call.urgencyReason.terms.join(", ")})`}`,
    `Outcome: ${archived.outcome === undefined ? "not recorded" : ARCHIVE_OUTCOME_LABELS[archived.outcome]}`,
    `Handled by: ${(archived.handledBy ?? []).join(", ") || "nobody"}`,
    "",
    "Transcript",
    "----------",
  ];
  const messages = [...archived.messages].sort((a, b) => a.seq - b.seq);
  for (const message of messages) {
    const by = message.by === undefined ? undefined : context.names.get(message.by);
    const speaker = by === undefined ? SPEAKER[message.role] : `${SPEAKER[message.role]} ${by}`;
    lines.push(`[${context.clock(message.at)}] ${speaker}: ${message.text}`);
  }
  if (messages.length === 0) lines.push("(no messages archived)");
  lines.push("", "Audit trail", "-----------");
  for (const entry of archived.audit) {
    const { who, what, details } = auditLine(entry, context.names);
    lines.push(
      `[${context.dateTime(entry.at)} ${context.clock(entry.at)}] ${who} ${what}${details === "" ? "" : ` (${details})`}`,
    );
  }
  if (archived.audit.length === 0) lines.push("(no audited actions)");
  return `${lines.join("\n")}\n`;
}
