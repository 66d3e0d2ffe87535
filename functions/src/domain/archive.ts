/**
 * The archive record of an ended call: the call and its transcript, plus the fields the history
 * endpoint queries (urgency, subject, phone prefixes, outcome, start) and who handled it. Built
 * from what the live database and the audit log hold at the end, so archiving again writes the
 * same record. Pure: no Firebase imports.
 */
import type {
  Alert,
  ArchiveOutcome,
  ArchivedCall,
  AuditEntry,
  Call,
  Message,
} from "@lifeline/model";
import { closeWithCall, isEndedUnattended, isFollowUp } from "./alerts.js";
import { isHandBackMessageId } from "./handback.js";

/** "+4420…" → ["+4", "+44", "+442", …, "+4420…"]: a prefix search is one array-contains. */
export function phonePrefixes(phone: string): string[] {
  const prefixes: string[] = [];
  for (let length = 2; length <= phone.length; length++) prefixes.push(phone.slice(0, length));
  return prefixes;
}

/**
 * Whether an urgency alert of the call ended with nobody answering it: the alert as the end of
 * the call leaves it (or already left it) is a follow-up or marked "ended unattended".
 */
function endedUnattended(call: Call, alerts: readonly Alert[]): boolean {
  const ended = { endedAt: call.endedAt ?? call.lastMessageAt, phone: call.phone };
  return alerts.some((alert) => {
    if (alert.kind !== "urgency") return false;
    const closed = closeWithCall(alert, ended) ?? alert;
    return isFollowUp(closed) || isEndedUnattended(closed);
  });
}

export function archiveOutcome(
  call: Call,
  messageIds: readonly string[],
  alerts: readonly Alert[],
  audit: readonly AuditEntry[],
): ArchiveOutcome {
  if (call.status === "missed") return "missed";
  if (call.endReason === "ended by supervisor") return "ended_by_supervisor";
  const held =
    call.owner.kind === "human" ||
    call.owner.lapsed !== undefined ||
    audit.some((entry) => entry.action === "take_over") ||
    messageIds.some(isHandBackMessageId);
  if (held) return "taken_over";
  if (endedUnattended(call, alerts)) return "ended_unattended";
  return "completed";
}

function detailName(entry: AuditEntry): string | undefined {
  const name = entry.details?.name;
  return typeof name === "string" && name !== "" ? name : undefined;
}

/**
 * The members who acted on the call, by name, in the order they first acted: every audit entry
 * but the system's (its own name when the entry carries one, else the member's current name),
 * then the holder and the member who ended it when the log does not have them yet.
 */
export function handlersOf(
  call: Call,
  audit: readonly AuditEntry[],
  memberNames: ReadonlyMap<string, string>,
): string[] {
  const names: string[] = [];
  const add = (name: string | undefined): void => {
    if (name !== undefined && !names.includes(name)) names.push(name);
  };
  const ordered = [...audit].sort((a, b) => a.at - b.at);
  for (const entry of ordered) {
    if (entry.actorUid === "system") continue;
    add(detailName(entry) ?? memberNames.get(entry.actorUid));
  }
  if (call.owner.kind === "human") add(call.owner.name);
  if (call.owner.kind === "ai") add(call.owner.lapsed?.name);
  add(call.endRequest?.name);
  return names;
}

export interface ArchiveInputs {
  readonly call: Call;
  /** The transcript in order, with each message's id. */
  readonly transcript: readonly { readonly id: string; readonly message: Message }[];
  readonly alerts: readonly Alert[];
  readonly audit: readonly AuditEntry[];
  readonly memberNames: ReadonlyMap<string, string>;
}

export function archiveRecord(inputs: ArchiveInputs): ArchivedCall {
  const { call, transcript, alerts, audit, memberNames } = inputs;
  return {
    call,
    messages: transcript.map((entry) => entry.message),
    // The end time, not the clock: archiving again writes the same record.
    archivedAt: call.endedAt ?? call.lastMessageAt,
    urgency: call.urgency,
    ...(call.subjectId === undefined ? {} : { subjectId: call.subjectId }),
    phone: call.phone,
    phonePrefixes: phonePrefixes(call.phone),
    outcome: archiveOutcome(
      call,
      transcript.map((entry) => entry.id),
      alerts,
      audit,
    ),
    startedAt: call.startedAt,
    handledBy: handlersOf(call, audit, memberNames),
  };
}
