/**
 * Member management as data: given the current record and a request, what every store should hold
 * afterwards. No Firebase imports: the endpoint applies these plans (Auth, then one multi-path
 * Realtime Database update, then one Firestore batch) and the seed builds its records with them,
 * so a member looks the same however it was made.
 */
import {
  auditEntrySchema,
  firestore,
  inboxPath,
  memberDocSchema,
  type MemberMirror,
  memberMirrorSchema,
  memberPath,
  presencePath,
  pushTokensPath,
  revocationPath,
  type Role,
} from "@lifeline/model";
import type { z } from "zod";

export type MemberDoc = z.infer<typeof memberDocSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A member as the endpoints see it: the Firestore record plus its uid and tenant. */
export interface MemberRecord extends MemberDoc {
  readonly uid: string;
  readonly tenantId: string;
}

/** What the rules need to know of a member, written to `tenants/{t}/members/{uid}`. */
export function mirrorOf(record: Pick<MemberRecord, "role" | "name" | "subjects">): MemberMirror {
  const mirror: MemberMirror = { role: record.role, name: record.name };
  if (record.subjects.length > 0) {
    mirror.subjects = Object.fromEntries(record.subjects.map((id) => [id, true as const]));
  }
  return memberMirrorSchema.parse(mirror);
}

export function docOf(record: MemberRecord): MemberDoc {
  return memberDocSchema.parse({
    role: record.role,
    name: record.name,
    email: record.email,
    subjects: record.subjects,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  });
}

/**
 * The claims a member's Auth user carries: its tenant and role, and `db`, the database instance
 * the tenant lives on when it is not the default one (the dashboard connects there).
 */
export function claimsOf(
  record: Pick<MemberRecord, "tenantId" | "role">,
  database?: string,
): { tenant: string; role: Role; db?: string } {
  return {
    tenant: record.tenantId,
    role: record.role,
    ...(database === undefined ? {} : { db: database }),
  };
}

/** Why an assignment list does not fit a role, or undefined when it does. */
export function assignmentProblem(role: Role, subjects: readonly string[]): string | undefined {
  if (role === "subject" && subjects.length !== 1) {
    return "a subject member is assigned exactly one subject: its own";
  }
  return undefined;
}

/** Audit ids sort by time and cannot collide for different actions on different members. */
export function auditId(
  entry: Pick<AuditEntry, "at" | "action" | "targetUid" | "actorUid">,
): string {
  return `${entry.at}_${entry.action}_${entry.targetUid ?? entry.actorUid}`;
}

export interface Plan {
  /** Root-relative Realtime Database paths → values (null deletes), written as one update. */
  readonly rtdb: Record<string, unknown>;
  /**
   * Paths → the values they hold now, to undo `rtdb` if a later step fails. `revocations/{uid}` is
   * never undone: it mirrors Firebase Auth's refresh-token revocation, which cannot be undone either,
   * and a revocation only ever makes access stricter (the member signs in again).
   */
  readonly rtdbUndo: Record<string, unknown>;
  /** Firestore document paths → data (null deletes), written as one batch with `audit`. */
  readonly firestore: Record<string, MemberDoc | null>;
  readonly audit: { readonly path: string; readonly entry: AuditEntry };
}

function audit(tenantId: string, entry: AuditEntry): Plan["audit"] {
  const parsed = auditEntrySchema.parse(entry);
  return { path: firestore.auditDoc(tenantId, auditId(parsed)), entry: parsed };
}

export interface NewMember {
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly subjects: readonly string[];
}

export function newMemberRecord(
  tenantId: string,
  uid: string,
  input: NewMember,
  now: number,
): MemberRecord {
  return {
    uid,
    tenantId,
    role: input.role,
    name: input.name,
    email: input.email,
    subjects: [...input.subjects],
    createdAt: now,
    updatedAt: now,
  };
}

export function planCreate(record: MemberRecord, actorUid: string): Plan {
  const mirror = memberPath(record.tenantId, record.uid);
  return {
    rtdb: { [mirror]: mirrorOf(record) },
    rtdbUndo: { [mirror]: null },
    firestore: { [firestore.memberDoc(record.tenantId, record.uid)]: docOf(record) },
    audit: audit(record.tenantId, {
      action: "member_create",
      actorUid,
      at: record.createdAt,
      targetUid: record.uid,
      details: { role: record.role, subjects: record.subjects },
    }),
  };
}

export interface MemberChange {
  readonly role?: Role | undefined;
  readonly name?: string | undefined;
  readonly subjects?: readonly string[] | undefined;
}

export interface UpdatePlan extends Plan {
  readonly record: MemberRecord;
  /** The role changed: old tokens carry the old role, so every session is revoked. */
  readonly revokeSessions: boolean;
  readonly changed: readonly ("role" | "name" | "subjects")[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

export function planUpdate(
  current: MemberRecord,
  change: MemberChange,
  actorUid: string,
  now: number,
): UpdatePlan {
  const record: MemberRecord = {
    ...current,
    role: change.role ?? current.role,
    name: change.name ?? current.name,
    subjects: change.subjects === undefined ? current.subjects : [...change.subjects],
    updatedAt: now,
  };
  const changed: ("role" | "name" | "subjects")[] = [];
  if (record.role !== current.role) changed.push("role");
  if (record.name !== current.name) changed.push("name");
  if (!sameList(record.subjects, current.subjects)) changed.push("subjects");
  const revokeSessions = changed.includes("role");
  const mirror = memberPath(current.tenantId, current.uid);
  const revocation = revocationPath(current.uid);
  const details: Record<string, unknown> = {};
  for (const field of changed) details[field] = { from: current[field], to: record[field] };
  return {
    record,
    revokeSessions,
    changed,
    rtdb: {
      [mirror]: mirrorOf(record),
      // Revoked sessions page no browser: each registers again when the member signs in.
      ...(revokeSessions
        ? { [revocation]: now, [pushTokensPath(current.tenantId, current.uid)]: null }
        : {}),
    },
    rtdbUndo: { [mirror]: mirrorOf(current) },
    firestore: { [firestore.memberDoc(current.tenantId, current.uid)]: docOf(record) },
    audit: audit(current.tenantId, {
      action: "member_update",
      actorUid,
      at: now,
      targetUid: current.uid,
      details,
    }),
  };
}

/** What a removed member's live nodes hold now, to restore them if a later step fails. */
export interface LiveNodes {
  readonly presence: unknown;
  readonly inbox: unknown;
  /** Its browsers registered for web push: a removed member is paged no more. */
  readonly pushTokens?: unknown;
}

export function planRemove(
  current: MemberRecord,
  actorUid: string,
  now: number,
  live: LiveNodes,
): Plan {
  const { tenantId, uid } = current;
  return {
    rtdb: {
      [memberPath(tenantId, uid)]: null,
      [presencePath(tenantId, uid)]: null,
      [inboxPath(uid)]: null,
      [pushTokensPath(tenantId, uid)]: null,
      [revocationPath(uid)]: now,
    },
    rtdbUndo: {
      [memberPath(tenantId, uid)]: mirrorOf(current),
      [presencePath(tenantId, uid)]: live.presence ?? null,
      [inboxPath(uid)]: live.inbox ?? null,
      [pushTokensPath(tenantId, uid)]: live.pushTokens ?? null,
    },
    firestore: { [firestore.memberDoc(tenantId, uid)]: null },
    audit: audit(tenantId, {
      action: "member_remove",
      actorUid,
      at: now,
      targetUid: uid,
      details: { role: current.role, email: current.email },
    }),
  };
}

/** A member revoking its own sessions: only `revocations/{uid}` changes, and the audit log. */
export function planRevokeSessions(tenantId: string, uid: string, now: number): Plan {
  return {
    // Signed out everywhere: no browser is paged until the member signs in again there.
    rtdb: { [revocationPath(uid)]: now, [pushTokensPath(tenantId, uid)]: null },
    rtdbUndo: {},
    firestore: {},
    audit: audit(tenantId, { action: "sessions_revoke", actorUid: uid, at: now, targetUid: uid }),
  };
}
