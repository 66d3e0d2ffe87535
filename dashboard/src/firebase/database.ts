/**
 * Every read the page makes of the Realtime Database: each watcher follows one ref or one
 * `dashboardQueries` query and hands over what arrives parsed with the model's schemas. A child
 * that does not parse is left out and logged, never cast. `denied` is called when the server
 * cancels a listener: the rules refused it (revoked, role changed…).
 */
import {
  equalTo,
  limitToLast,
  onValue,
  orderByChild,
  query,
  ref,
  type Database,
  type Query,
  type QueryConstraint,
} from "firebase/database";
import type { z } from "zod";
import {
  type Alert,
  alertPath,
  alertSchema,
  type Call,
  callSchema,
  dashboardQueries,
  type DashboardQuery,
  type InboxItem,
  inboxItemSchema,
  type LeadLabels,
  leadLabelsPath,
  tenantMovedToPath,
  tenantMovedToSchema,
  tenantMovingPath,
  tenantMoveSchema,
  type TenantMove,
  leadLabelsSchema,
  type MemberMirror,
  memberMirrorSchema,
  memberPath,
  membersPath,
  type Message,
  messageSchema,
  outboxMessageSchema,
  outboxPath,
  presenceListPath,
  presenceSchema,
  revocationPath,
  revocationSchema,
  subjectPath,
  subjectSchema,
  subjectsPath,
  callViewersPath,
  callGuidancePath,
  type Guidance,
  guidanceSchema,
  type Viewer,
  viewerSchema,
  viewersRootPath,
} from "@lifeline/model";

export type Unsubscribe = () => void;
export type OnDenied = (error: Error) => void;
export type PresenceRecord = z.infer<typeof presenceSchema>;
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;
export type Subject = z.infer<typeof subjectSchema>;

function parseChildren<T>(value: unknown, schema: z.ZodType<T>, where: string): Map<string, T> {
  const out = new Map<string, T>();
  if (typeof value !== "object" || value === null) return out;
  for (const [key, child] of Object.entries(value)) {
    const parsed = schema.safeParse(child);
    if (parsed.success) out.set(key, parsed.data);
    else console.warn(`skipping ${where}/${key}: ${parsed.error.message}`);
  }
  return out;
}

function toQuery(db: Database, spec: DashboardQuery): Query {
  const constraints: QueryConstraint[] = [orderByChild(spec.orderByChild)];
  if (spec.equalTo !== undefined) constraints.push(equalTo(spec.equalTo));
  if (spec.limitToLast !== undefined) constraints.push(limitToLast(spec.limitToLast));
  return query(ref(db, spec.path), ...constraints);
}

/** The children of a ref or query, each parsed on its own. */
function watchChildren<T>(
  target: Query,
  where: string,
  schema: z.ZodType<T>,
  next: (children: Map<string, T>) => void,
  denied: OnDenied,
): Unsubscribe {
  return onValue(
    target,
    (snapshot) => {
      next(parseChildren(snapshot.val(), schema, where));
    },
    denied,
  );
}

/**
 * One record: `null` while it does not exist, the parsed record otherwise. A record that does not
 * parse is reported as unknown (`undefined`), never as absent.
 */
function watchRecord<T>(
  db: Database,
  path: string,
  schema: z.ZodType<T>,
  next: (value: T | null | undefined) => void,
  denied: OnDenied,
): Unsubscribe {
  return onValue(
    ref(db, path),
    (snapshot) => {
      if (!snapshot.exists()) {
        next(null);
        return;
      }
      const parsed = schema.safeParse(snapshot.val());
      if (!parsed.success) console.warn(`unexpected data at ${path}: ${parsed.error.message}`);
      next(parsed.success ? parsed.data : undefined);
    },
    denied,
  );
}

function watchQuery<T>(
  db: Database,
  spec: DashboardQuery,
  schema: z.ZodType<T>,
  next: (children: Map<string, T>) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchChildren(toQuery(db, spec), spec.path, schema, next, denied);
}

/** `.info/connected`: true while the page holds a live connection to the database. */
export function watchConnection(db: Database, next: (connected: boolean) => void): Unsubscribe {
  return onValue(ref(db, ".info/connected"), (snapshot) => {
    next(snapshot.val() === true);
  });
}

/** `.info/serverTimeOffset`: server clock minus this browser's, for judging heartbeats. */
export function watchServerTimeOffset(db: Database, next: (offsetMs: number) => void): Unsubscribe {
  return onValue(ref(db, ".info/serverTimeOffset"), (snapshot) => {
    const value: unknown = snapshot.val();
    next(typeof value === "number" ? value : 0);
  });
}

/** The member's own record: `null` once it is gone (removed), `undefined` if it does not parse. */
export function watchMember(
  db: Database,
  tenant: string,
  uid: string,
  next: (member: MemberMirror | null | undefined) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(db, memberPath(tenant, uid), memberMirrorSchema, next, denied);
}

/** `revocations/{uid}` of the signed-in member: when its sessions were revoked (ms), or null. */
export function watchRevocation(
  db: Database,
  uid: string,
  next: (revokedAt: number | null) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(
    db,
    revocationPath(uid),
    revocationSchema,
    (at) => {
      next(at ?? null);
    },
    denied,
  );
}

/** `tenants/{t}/movedTo`: where the tenant went, once it has moved away from this instance. */
export function watchMovedTo(
  db: Database,
  tenant: string,
  next: (to: string | null) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(
    db,
    tenantMovedToPath(tenant),
    tenantMovedToSchema,
    (marker) => {
      // A marker that does not parse says nothing: the page stays where it is.
      if (marker !== undefined) next(marker?.to ?? null);
    },
    denied,
  );
}

/** `tenants/{t}/moving`: a move of the tenant to another instance is under way. */
export function watchMoving(
  db: Database,
  tenant: string,
  next: (move: TenantMove | null) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(
    db,
    tenantMovingPath(tenant),
    tenantMoveSchema,
    (marker) => {
      if (marker !== undefined) next(marker);
    },
    denied,
  );
}

/** Every recent call of the tenant (admins and dispatchers). */
export function watchTenantCalls(
  db: Database,
  tenant: string,
  next: (calls: Map<string, Call>) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchQuery(db, dashboardQueries.recentCalls(tenant), callSchema, next, denied);
}

/** The calls of one subject: how scoped roles list calls, one query per assigned subject. */
export function watchSubjectCalls(
  db: Database,
  tenant: string,
  subjectId: string,
  next: (calls: Map<string, Call>) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchQuery(
    db,
    dashboardQueries.callsOfSubject(tenant, subjectId),
    callSchema,
    next,
    denied,
  );
}

export function watchTranscript(
  db: Database,
  tenant: string,
  callId: string,
  next: (messages: Map<string, Message>) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchQuery(db, dashboardQueries.transcript(tenant, callId), messageSchema, next, denied);
}

/** Messages typed for the caller that the next turn has not delivered yet. */
export function watchOutbox(
  db: Database,
  tenant: string,
  callId: string,
  next: (pending: Map<string, OutboxMessage>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = outboxPath(tenant, callId);
  return watchChildren(ref(db, path), path, outboxMessageSchema, next, denied);
}

/** The tenant alert feed (admins and dispatchers). */
export function watchAlertFeed(
  db: Database,
  tenant: string,
  next: (alerts: Map<string, Alert>) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchQuery(db, dashboardQueries.alertFeed(tenant), alertSchema, next, denied);
}

/** The member's own inbox (every role). */
export function watchInbox(
  db: Database,
  uid: string,
  next: (items: Map<string, InboxItem>) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchQuery(db, dashboardQueries.inbox(uid), inboxItemSchema, next, denied);
}

/** One alert record: scoped roles may read an alert once it is in their inbox. */
export function watchAlert(
  db: Database,
  tenant: string,
  alertId: string,
  next: (alert: Alert | undefined) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(
    db,
    alertPath(tenant, alertId),
    alertSchema,
    (a) => {
      next(a ?? undefined);
    },
    denied,
  );
}

export function watchPresence(
  db: Database,
  tenant: string,
  next: (presence: Map<string, PresenceRecord>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = presenceListPath(tenant);
  return watchChildren(ref(db, path), path, presenceSchema, next, denied);
}

/** The tenant's member mirror (admins and dispatchers): names for history, the Members view. */
export function watchMembers(
  db: Database,
  tenant: string,
  next: (members: Map<string, MemberMirror>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = membersPath(tenant);
  return watchChildren(ref(db, path), path, memberMirrorSchema, next, denied);
}

/** Subject names for the calls list (admins and dispatchers read them all). */
export function watchSubjects(
  db: Database,
  tenant: string,
  next: (subjects: Map<string, Subject>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = subjectsPath(tenant);
  return watchChildren(ref(db, path), path, subjectSchema, next, denied);
}

/** One subject with its latest vitals: how scoped roles read their assigned subjects. */
export function watchSubject(
  db: Database,
  tenant: string,
  subjectId: string,
  next: (subject: Subject | undefined) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(
    db,
    subjectPath(tenant, subjectId),
    subjectSchema,
    (s) => {
      next(s ?? undefined);
    },
    denied,
  );
}

/** Who has each call open, by call id (admins and dispatchers read the whole node). */
export function watchAllViewers(
  db: Database,
  tenant: string,
  next: (viewers: Map<string, Map<string, Viewer>>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = viewersRootPath(tenant);
  return onValue(
    ref(db, path),
    (snapshot) => {
      const value: unknown = snapshot.val();
      const out = new Map<string, Map<string, Viewer>>();
      if (typeof value === "object" && value !== null) {
        for (const [callId, children] of Object.entries(value)) {
          out.set(callId, parseChildren(children, viewerSchema, `${path}/${callId}`));
        }
      }
      next(out);
    },
    denied,
  );
}

/** Who has one call open: how scoped roles read it, one call at a time. */
export function watchCallViewers(
  db: Database,
  tenant: string,
  callId: string,
  next: (viewers: Map<string, Viewer>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = callViewersPath(tenant, callId);
  return watchChildren(ref(db, path), path, viewerSchema, next, denied);
}

/** Staff's private guidance for the assistant on one call (staff only: subjects may not read it). */
export function watchGuidance(
  db: Database,
  tenant: string,
  callId: string,
  next: (guidance: Map<string, Guidance>) => void,
  denied: OnDenied,
): Unsubscribe {
  const path = callGuidancePath(tenant, callId);
  return watchChildren(ref(db, path), path, guidanceSchema, next, denied);
}

/** The tenant's own words for lead statuses: `{}` while it has none (every member but subjects). */
export function watchLeadLabels(
  db: Database,
  tenant: string,
  next: (labels: LeadLabels) => void,
  denied: OnDenied,
): Unsubscribe {
  return watchRecord(
    db,
    leadLabelsPath(tenant),
    leadLabelsSchema,
    (labels) => {
      next(labels ?? {});
    },
    denied,
  );
}
