/**
 * The Admin SDK reads and writes the triggers, the escalation task and the sweeper share. Every
 * write that moves a state machine (an alert's status, a call's counters) is a transaction whose
 * update function comes from `domain/` and returns null for "nothing to do", so a replayed event
 * commits nothing. Everything read is `safeParse`d: clients write only what the rules let through,
 * but a malformed node is logged and skipped rather than trusted.
 */
import { createHash } from "node:crypto";
import { firestoreDb } from "./clients.js";
import { tenantDatabase } from "./instances.js";
import { logger } from "firebase-functions/logger";
import type { z } from "zod";
import { closeWithCall, isFollowUp, settleUnwatched } from "../domain/alerts.js";
import { archiveRecord } from "../domain/archive.js";
import { unwatchedAlertId } from "../domain/fanout.js";
import { internal } from "../http-kit/errors.js";
import {
  type Alert,
  alertPath,
  alertSchema,
  alertsPath,
  auditEntrySchema,
  type Call,
  callPath,
  callSchema,
  firestore,
  inboxItemPath,
  type MemberMirror,
  memberMirrorSchema,
  membersPath,
  type Message,
  messagePath,
  messageSchema,
  messagesPath,
  outboxPath,
  presenceListPath,
  presenceSchema,
  turnPath,
  turnsPath,
  callViewersPath,
} from "@lifeline/model";

export type AuditEntry = z.infer<typeof auditEntrySchema>;

function parseOrNull<T>(schema: z.ZodType<T>, value: unknown, what: string): T | null {
  if (value === null || value === undefined) return null;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  logger.warn(`malformed ${what} ignored`, {
    issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
  });
  return null;
}

export function parseAlert(value: unknown): Alert | null {
  return parseOrNull(alertSchema, value, "alert");
}

export function parseCall(value: unknown): Call | null {
  return parseOrNull(callSchema, value, "call");
}

export function parseMessage(value: unknown): Message | null {
  const parsed = messageSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export async function readCall(tenantId: string, callId: string): Promise<Call | null> {
  return parseCall(
    (await (await tenantDatabase(tenantId)).ref(callPath(tenantId, callId)).get()).val(),
  );
}

/**
 * The call as the gateway's endpoints read it: null when absent, a 500 when malformed (they answer
 * from it, so a node they cannot read is the deployment's fault, not the gateway's).
 */
export async function readCallRecord(tenantId: string, callId: string): Promise<Call | null> {
  const value: unknown = (
    await (await tenantDatabase(tenantId)).ref(callPath(tenantId, callId)).get()
  ).val();
  if (value === null) return null;
  const parsed = callSchema.safeParse(value);
  if (!parsed.success) {
    throw internal(new Error(`call ${tenantId}/${callId}: ${parsed.error.message}`));
  }
  return parsed.data;
}

/** Whether the turn `turnId` (a gateway's turn id, Twilio's `MessageSid`) was claimed on the call. */
export async function hasTurn(tenantId: string, callId: string, turnId: string): Promise<boolean> {
  return (
    await (await tenantDatabase(tenantId)).ref(turnPath(tenantId, callId, turnId)).get()
  ).exists();
}

export async function readAlert(tenantId: string, alertId: string): Promise<Alert | null> {
  return parseAlert(
    (await (await tenantDatabase(tenantId)).ref(alertPath(tenantId, alertId)).get()).val(),
  );
}

export interface TransactionOutcome<T> {
  /** The value this transaction wrote, or null when the plan said there was nothing to do. */
  readonly written: T | null;
  /** The value as it stands after the transaction. */
  readonly current: T | null;
}

/**
 * Runs `plan` on the node at `path` of the tenant's instance in a transaction. `plan` sees the parsed current value (null
 * when absent) and returns the next value, or null to leave the node as it is. A node that does
 * not parse is never overwritten.
 */
export async function transact<T>(
  tenantId: string,
  path: string,
  parse: (value: unknown) => T | null,
  plan: (current: T | null) => T | null,
): Promise<TransactionOutcome<T>> {
  const outcome: { written: T | null } = { written: null };
  const result = await (await tenantDatabase(tenantId)).ref(path).transaction(
    (raw: unknown) => {
      outcome.written = null;
      // The first attempt runs on the SDK's cache, often empty: answering "no change" with null
      // (not undefined, which aborts) lets the server send the real value and run the plan again.
      if (raw === null || raw === undefined) {
        const next = plan(null);
        outcome.written = next;
        return next;
      }
      const current = parse(raw);
      if (current === null) return undefined;
      const next = plan(current);
      if (next === null) return undefined;
      outcome.written = next;
      return next;
    },
    undefined,
    false,
  );
  const current = parse(result.snapshot.val());
  return { written: result.committed ? outcome.written : null, current };
}

export function transactAlert(
  tenantId: string,
  alertId: string,
  plan: (current: Alert | null) => Alert | null,
): Promise<TransactionOutcome<Alert>> {
  return transact(tenantId, alertPath(tenantId, alertId), parseAlert, plan);
}

export function transactCall(
  tenantId: string,
  callId: string,
  plan: (current: Call | null) => Call | null,
): Promise<TransactionOutcome<Call>> {
  return transact(tenantId, callPath(tenantId, callId), parseCall, plan);
}

/** Every well-formed member mirror of the tenant. */
export async function readMembers(tenantId: string): Promise<Record<string, MemberMirror>> {
  const value: unknown = (
    await (await tenantDatabase(tenantId)).ref(membersPath(tenantId)).get()
  ).val();
  const members: Record<string, MemberMirror> = {};
  if (typeof value !== "object" || value === null) return members;
  for (const [uid, raw] of Object.entries(value)) {
    const member = parseOrNull(memberMirrorSchema, raw, "member mirror");
    if (member !== null) members[uid] = member;
  }
  return members;
}

/** Each member's presence state and when it was last heard from; malformed records left out. */
export async function readPresence(
  tenantId: string,
): Promise<Record<string, { state: string; lastSeen: number }>> {
  const value: unknown = (
    await (await tenantDatabase(tenantId)).ref(presenceListPath(tenantId)).get()
  ).val();
  const presence: Record<string, { state: string; lastSeen: number }> = {};
  if (typeof value !== "object" || value === null) return presence;
  for (const [uid, raw] of Object.entries(value)) {
    const parsed = presenceSchema.safeParse(raw);
    if (parsed.success)
      presence[uid] = { state: parsed.data.state, lastSeen: parsed.data.lastSeen };
  }
  return presence;
}

/** A call's transcript ordered by `seq`, malformed messages left out. */
export async function readTranscript(
  tenantId: string,
  callId: string,
): Promise<{ id: string; message: Message }[]> {
  const value: unknown = (
    await (await tenantDatabase(tenantId)).ref(messagesPath(tenantId, callId)).get()
  ).val();
  const transcript: { id: string; message: Message }[] = [];
  if (typeof value !== "object" || value === null) return transcript;
  for (const [id, raw] of Object.entries(value)) {
    const message = parseOrNull(messageSchema, raw, "message");
    if (message !== null) transcript.push({ id, message });
  }
  return transcript.sort((a, b) => a.message.seq - b.message.seq || a.id.localeCompare(b.id));
}

/** The alerts of one call, by id. */
export async function readCallAlerts(
  tenantId: string,
  callId: string,
): Promise<Record<string, Alert>> {
  const value: unknown = (
    await (
      await tenantDatabase(tenantId)
    )
      .ref(alertsPath(tenantId))
      .orderByChild("callId")
      .equalTo(callId)
      .get()
  ).val();
  const alerts: Record<string, Alert> = {};
  if (typeof value !== "object" || value === null) return alerts;
  for (const [id, raw] of Object.entries(value)) {
    const alert = parseAlert(raw);
    if (alert !== null) alerts[id] = alert;
  }
  return alerts;
}

const MAX_READABLE_AUDIT_ID_BYTES = 700;

/** JSON with object keys sorted at every depth: equal content, equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Audit ids are deterministic: time, action, actor and object for reading, and a digest of the
 * whole entry (details included) for uniqueness. A replayed trigger computes the same id for the
 * same event; anything that differs (an acknowledgement whose status changed while its `at` stayed,
 * a second note) is a different event and gets a new entry. So details must come from the event
 * itself, never from a read whose answer may change between deliveries.
 */
export function auditDocId(entry: AuditEntry): string {
  const object = entry.alertId ?? entry.callId ?? entry.targetUid ?? "tenant";
  const digest = createHash("sha256").update(canonicalJson(entry)).digest("hex").slice(0, 16);
  const id = `${entry.at}_${entry.action}_${entry.actorUid}_${object}_${digest}`;
  // Long actor and object ids could pass the key limit; the digest alone still names the entry.
  return Buffer.byteLength(id) <= MAX_READABLE_AUDIT_ID_BYTES
    ? id
    : `${entry.at}_${entry.action}_${digest}`;
}

/** gRPC ALREADY_EXISTS, what Firestore answers a `create()` of a document that is there. */
const ALREADY_EXISTS = 6;

function alreadyExists(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && "code" in error && error.code === ALREADY_EXISTS
  );
}

/**
 * Appends an entry to the tenant's audit log. The log is append-only: every write is a `create()`,
 * so no entry is ever overwritten, and a replay that finds its entry already there (ALREADY_EXISTS)
 * has nothing left to do. `created` is false for such a replay.
 */
export async function writeAudit(
  tenantId: string,
  entry: AuditEntry,
): Promise<{ id: string; created: boolean }> {
  const parsed = auditEntrySchema.parse(entry);
  const id = auditDocId(parsed);
  try {
    await (await firestoreDb()).doc(firestore.auditDoc(tenantId, id)).create(parsed);
    return { id, created: true };
  } catch (error) {
    if (alreadyExists(error)) return { id, created: false };
    throw error;
  }
}

export async function auditExists(tenantId: string, entry: AuditEntry): Promise<boolean> {
  return (
    await (
      await firestoreDb()
    )
      .doc(firestore.auditDoc(tenantId, auditDocId(auditEntrySchema.parse(entry))))
      .get()
  ).exists;
}

/**
 * Adds a `system` message (for the assistant, not the caller) under a deterministic id. Its `seq`
 * is reserved by a transaction on the call's `messageCount`, the counter turns also advance, so
 * it never takes the place of a caller's message. Written once: an existing message is kept.
 */
export async function appendSystemMessage(
  tenantId: string,
  callId: string,
  messageId: string,
  text: string,
  at: number,
): Promise<boolean> {
  const db = await tenantDatabase(tenantId);
  const ref = db.ref(messagePath(tenantId, callId, messageId));
  if ((await ref.get()).exists()) return false;
  const reserved = await db
    .ref(`${callPath(tenantId, callId)}/messageCount`)
    // A missing count (uncached first attempt, or no such call) is answered with itself: the server
    // then either supplies the real count or confirms there is no call.
    .transaction((count: unknown) => (typeof count === "number" ? count + 1 : null));
  const seq: unknown = reserved.snapshot.val();
  if (!reserved.committed || typeof seq !== "number") return false;
  const message: Message = { seq, role: "system", text, at };
  await ref.set(messageSchema.parse(message));
  return true;
}

/** The Firestore archive record of a call: its summary and its full transcript. */
export async function archiveCall(tenantId: string, callId: string): Promise<boolean> {
  const call = await readCall(tenantId, callId);
  if (call === null) return false;
  const [transcript, alerts, audit, members] = await Promise.all([
    readTranscript(tenantId, callId),
    readCallAlerts(tenantId, callId),
    readCallAudit(tenantId, callId),
    readMembers(tenantId),
  ]);
  const archived = archiveRecord({
    call,
    transcript,
    alerts: Object.values(alerts),
    audit: audit.map((entry) => entry.entry),
    memberNames: new Map(Object.entries(members).map(([uid, member]) => [uid, member.name])),
  });
  await (await firestoreDb()).doc(firestore.archivedCallDoc(tenantId, callId)).set(archived);
  return true;
}

/**
 * The audit log of one call, oldest first (ties by id): the `(callId, at)` index in
 * `firestore.indexes.json` serves it. Entries that do not parse are skipped and logged.
 */
export async function readCallAudit(
  tenantId: string,
  callId: string,
): Promise<{ id: string; entry: AuditEntry }[]> {
  const snapshot = await (
    await firestoreDb()
  )
    .collection(firestore.auditCollection(tenantId))
    .where("callId", "==", callId)
    .orderBy("at", "asc")
    .get();
  const entries: { id: string; entry: AuditEntry }[] = [];
  for (const doc of snapshot.docs) {
    const parsed = auditEntrySchema.safeParse(doc.data());
    if (parsed.success) entries.push({ id: doc.id, entry: parsed.data });
    else logger.warn("audit entry skipped: malformed", { tenantId, callId, auditId: doc.id });
  }
  return entries;
}

export interface ClosedAlerts {
  /** Alerts resolved with the call. */
  readonly resolved: string[];
  /** Alerts that stay open as follow-ups (a critical call that ended with nobody responding). */
  readonly followUps: string[];
}

/**
 * Resolves the "nobody is watching" page about `sourceAlertId` once someone answered it (see
 * `settleUnwatched`): the source is read as it is now and, with `callId`, the call's owner too, so
 * whichever of the page and the answer lands second settles it. Returns whether it wrote.
 */
export async function settleUnwatchedPage(
  tenantId: string,
  sourceAlertId: string,
  callId?: string,
): Promise<boolean> {
  const [source, call] = await Promise.all([
    readAlert(tenantId, sourceAlertId),
    callId === undefined ? Promise.resolve(null) : readCall(tenantId, callId),
  ]);
  const takenOver = call?.owner.kind === "human";
  const outcome = await transactAlert(tenantId, unwatchedAlertId(sourceAlertId), (page) =>
    page === null ? null : settleUnwatched(page, source, takenOver),
  );
  if (outcome.written !== null) {
    logger.info("unwatched page resolved", { tenantId, sourceAlertId, takenOver });
  }
  return outcome.written !== null;
}

/**
 * Closes the call's conversation alerts (see `closeWithCall`): resolved, or kept open as a
 * follow-up, audited `follow_up_open` by "system" at the call's end. The audit is written for every
 * follow-up of this ending, even when the alert was already one, so that a run that stopped between
 * the two writes is completed by the next delivery (the create-only audit writes it once).
 */
export async function closeCallAlerts(tenantId: string, callId: string): Promise<ClosedAlerts> {
  const [call, alerts] = await Promise.all([
    readCall(tenantId, callId),
    readCallAlerts(tenantId, callId),
  ]);
  const ended =
    call === null
      ? undefined
      : {
          endedAt: call.endedAt ?? call.lastMessageAt,
          phone: call.phone,
          ...(call.endReason === undefined ? {} : { endReason: call.endReason }),
        };
  const closed: ClosedAlerts = { resolved: [], followUps: [] };
  for (const alertId of Object.keys(alerts)) {
    const outcome = await transactAlert(tenantId, alertId, (current) =>
      current === null ? null : closeWithCall(current, ended),
    );
    const alert = outcome.current;
    if (alert?.followUp !== undefined && ended !== undefined) {
      if (alert.followUp.since !== ended.endedAt) continue;
      closed.followUps.push(alertId);
      await writeAudit(tenantId, {
        action: "follow_up_open",
        actorUid: "system",
        at: alert.followUp.since,
        alertId,
        callId,
        details: {
          severity: alert.severity,
          ...(alert.followUp.phone === undefined ? {} : { phone: alert.followUp.phone }),
        },
      });
    } else if (outcome.written !== null) {
      closed.resolved.push(alertId);
    }
  }
  return closed;
}

/**
 * Removes an archived call from the live database: summary, transcript, outbox, turn records, its
 * alerts and every inbox copy of them, in one update. A call with a follow-up still to close is
 * kept (false): whoever calls back needs its alert and its transcript; a later sweep prunes it.
 */
export async function pruneCall(
  tenantId: string,
  callId: string,
  memberUids: readonly string[],
): Promise<boolean> {
  const alerts = await readCallAlerts(tenantId, callId);
  if (Object.values(alerts).some((alert) => isFollowUp(alert) && alert.status !== "resolved")) {
    return false;
  }
  const update: Record<string, null> = {
    [callPath(tenantId, callId)]: null,
    [messagesPath(tenantId, callId)]: null,
    [outboxPath(tenantId, callId)]: null,
    [turnsPath(tenantId, callId)]: null,
    [callViewersPath(tenantId, callId)]: null,
  };
  for (const alertId of Object.keys(alerts)) {
    update[alertPath(tenantId, alertId)] = null;
    for (const uid of memberUids) update[inboxItemPath(uid, alertId)] = null;
  }
  await (await tenantDatabase(tenantId)).ref().update(update);
  return true;
}
