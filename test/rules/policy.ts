/**
 * The access policy of README "Access policy", written as a table the matrix test walks: every
 * principal × own/other tenant × assigned/unassigned subject × path × operation, with the expected
 * outcome computed from this table — never from the rules. Keep it in step with the README, not
 * with database.rules.json: a disagreement between the two is exactly what the matrix is for.
 */
import {
  alertAckPath,
  alertOutcomePath,
  alertPath,
  alertsPath,
  callLeadPath,
  callOwnerPath,
  callPath,
  callsPath,
  callUrgencyOverridePath,
  callEndRequestPath,
  dashboardQueries,
  type DashboardQuery,
  inboxItemPath,
  inboxPath,
  labelsPath,
  leadLabelsPath,
  memberPath,
  membersPath,
  memberSubjectPath,
  messagePath,
  messagesPath,
  messagesRootPath,
  outboxMessagePath,
  outboxPath,
  presenceListPath,
  presencePath,
  revocationPath,
  type Role,
  subjectPath,
  subjectsPath,
  tenantPath,
  callViewersPath,
  callGuidancePath,
  guidancePath,
  viewerPath,
  viewersRootPath,
  vitalPath,
} from "@lifeline/model";
import { SERVER_TIME, freshRunId } from "./env.js";

// ---------------------------------------------------------------- who

export interface Principal {
  readonly name: string;
  /** null: not signed in. */
  readonly uid: string | null;
  /** The claims of its token; null: signed in without Lifeline claims. */
  readonly role: Role | null;
  /** Its token was issued before `revocations/{uid}`. */
  readonly revoked: boolean;
}

/** Every uid and tenant id of a run starts with this, so runs never share data. */
export const RUN = freshRunId();
export const TENANT_A = `${RUN}-A`;
export const TENANT_B = `${RUN}-B`;

const MEMBER_ROLES: readonly Role[] = [
  "admin",
  "dispatcher",
  "doctor",
  "nurse",
  "caregiver",
  "subject",
];

export const PRINCIPALS: readonly Principal[] = [
  ...MEMBER_ROLES.map((role) => ({ name: role, uid: `${RUN}-a-${role}`, role, revoked: false })),
  { name: "revoked admin", uid: `${RUN}-a-revoked`, role: "admin", revoked: true },
  { name: "signed in, no claims", uid: `${RUN}-a-noclaims`, role: null, revoked: false },
  { name: "unauthenticated", uid: null, role: null, revoked: false },
];

/** A dispatcher of tenant A other than every principal: "someone else's" records belong to it. */
export const COLLEAGUE_UID = `${RUN}-a-colleague`;
export const SUBJECT_ASSIGNED = "s-assigned";
export const SUBJECT_UNASSIGNED = "s-unassigned";
export const memberName = (uid: string) => `Name of ${uid}`;
/** The member of tenant B with the same role, whose per-user nodes the "other tenant" cells target. */
export const counterpartUid = (p: Principal) => `${RUN}-b-${p.role ?? "admin"}`;
export const uidInPaths = (p: Principal) => p.uid ?? `${RUN}-anonymous`;

// ---------------------------------------------------------------- the cell's view of the world

/** Ids one cell's paths are built from. Write cells get their own ids, so cells never interfere. */
export interface World {
  readonly tenantId: string;
  readonly ownTenant: boolean;
  readonly subjectId: string;
  readonly assigned: boolean;
  readonly principal: Principal;
  readonly callId: string;
  readonly alertId: string;
  readonly messageId: string;
  readonly outboxId: string;
  readonly baseAlertId: string;
}

/**
 * What a cell needs seeded: a call (held by the AI, by the principal, or by a colleague) with its
 * alert, a follow-up of the call.
 */
export type WorldKind = "none" | "call" | "ownedCall" | "colleagueCall";

/** The principal seen as a member of a tenant, for the policy predicates. */
export interface Member {
  readonly role: Role;
  readonly ownTenant: boolean;
  readonly assigned: boolean;
}

type Rule = (m: Member) => boolean;

const never: Rule = () => false;
const is =
  (...roles: Role[]): Rule =>
  (m) =>
    m.ownTenant && roles.includes(m.role);
const isAssigned =
  (...roles: Role[]): Rule =>
  (m) =>
    m.ownTenant && m.assigned && roles.includes(m.role);
const either =
  (...rules: Rule[]): Rule =>
  (m) =>
    rules.some((rule) => rule(m));

// The sentences of README "Access policy", one predicate each.
/** Admins and dispatchers: every call, alert, member, subject of their tenant. */
const tenantWide = is("admin", "dispatcher");
/** Calls and transcripts: tenant-wide roles, or scoped roles and subjects for assigned/own subjects. */
const callReaders = either(tenantWide, isAssigned("doctor", "nurse", "caregiver", "subject"));
/** Alerts and vitals beyond the tenant-wide roles: doctors, nurses, caregivers, for assigned subjects. */
const scopedReaders = either(tenantWide, isAssigned("doctor", "nurse", "caregiver"));
/** Take over and hand back. */
const takeOver = either(tenantWide, isAssigned("doctor", "nurse"));
/** Take a call over from a colleague who holds it: admins and dispatchers only. */
const takeFromColleague = tenantWide;
/** Acknowledge an alert or close a follow-up: any alert for tenant-wide roles, else one in the inbox. */
const actOnAlerts = scopedReaders;
/** Every member but subjects: presence, the tenant's labels. */
const supervisors = is("admin", "dispatcher", "doctor", "nurse", "caregiver");
/** Publish that one has a call open: every member but subjects, on a call it may read. */
const viewCall = scopedReaders;
const anyMember = is("admin", "dispatcher", "doctor", "nurse", "caregiver", "subject");

export interface QueryCase {
  readonly name: string;
  readonly query: (w: World) => DashboardQuery;
  readonly allow: Rule;
}

export interface Target {
  readonly name: string;
  /** false: the path does not depend on the subject, so only the assigned variant is generated. */
  readonly bySubject: boolean;
  /** false: the path is the same in both tenants, so only the own-tenant variant is generated. */
  readonly byTenant: boolean;
  readonly world: WorldKind;
  readonly path: (w: World) => string;
  readonly queries?: readonly QueryCase[];
  /** What `set` writes: valid for client-writable paths, so the outcome is about permission. */
  readonly value: (w: World) => unknown;
  /** What `update` writes, relative to `path`; defaults to `value` (or `{[last key]: value}` on the parent). */
  readonly update?: (w: World) => Record<string, unknown>;
  readonly read: Rule;
  /** set and update. */
  readonly write: Rule;
  readonly remove: Rule;
  /** update only, when it differs from `write` (an update on a list writes its children). */
  readonly updateRule?: Rule;
}

const callValue = (w: World) => ({
  subjectId: w.subjectId,
  phone: "+15550100001",
  medium: "voice",
  status: "active",
  urgency: "critical",
  owner: { kind: "ai", since: 1 },
  startedAt: 1,
  lastMessageAt: 2,
  messageCount: 0,
  lastSnippet: "",
});
const takeOverValue = (w: World) => ({
  kind: "human",
  uid: uidInPaths(w.principal),
  name: memberName(uidInPaths(w.principal)),
  since: SERVER_TIME,
});
const takeFromValue = (w: World) => ({
  ...takeOverValue(w),
  takenFrom: COLLEAGUE_UID,
  reason: "Colleague's line went quiet; the caller is still talking.",
});
const outboxValue = (w: World) => ({
  text: "Help is on the way.",
  by: uidInPaths(w.principal),
  at: SERVER_TIME,
});
const presenceValue = (w: World) => ({
  state: "online",
  lastSeen: SERVER_TIME,
  name: memberName(uidInPaths(w.principal)),
});
const guidanceValue = (w: World) => ({
  text: "Ask whether the front door is unlocked.",
  by: uidInPaths(w.principal),
  at: SERVER_TIME,
});
const endRequestValue = (w: World) => ({
  by: uidInPaths(w.principal),
  name: memberName(uidInPaths(w.principal)),
  at: SERVER_TIME,
});
const viewerValue = (w: World) => ({
  name: memberName(uidInPaths(w.principal)),
  since: SERVER_TIME,
});
const ackValue = () => ({ status: "acknowledged", note: "On it.", at: SERVER_TIME });
const outcomeValue = (w: World) => ({
  outcome: "called_back",
  note: "Reached the caller; all well.",
  by: uidInPaths(w.principal),
  at: SERVER_TIME,
});

const perUser = (w: World) => (w.ownTenant ? uidInPaths(w.principal) : counterpartUid(w.principal));

export const TARGETS: readonly Target[] = [
  {
    name: "/",
    bySubject: false,
    byTenant: false,
    world: "none",
    path: () => "/",
    value: () => ({ probe: 1 }),
    read: never,
    write: never,
    remove: never,
  },
  {
    name: "tenants",
    bySubject: false,
    byTenant: false,
    world: "none",
    path: () => "tenants",
    value: () => ({ probe: 1 }),
    read: never,
    write: never,
    remove: never,
  },
  {
    name: "tenants/{t}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => tenantPath(w.tenantId),
    value: () => ({ probe: 1 }),
    read: is("admin"),
    write: never,
    remove: never,
  },
  {
    name: "calls",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callsPath(w.tenantId),
    queries: [
      {
        name: "recentCalls",
        query: (w) => dashboardQueries.recentCalls(w.tenantId),
        allow: tenantWide,
      },
      {
        name: "callsByUrgency",
        query: (w) => dashboardQueries.callsByUrgency(w.tenantId, "critical"),
        allow: tenantWide,
      },
      {
        name: "callsOfSubject",
        query: (w) => dashboardQueries.callsOfSubject(w.tenantId, w.subjectId),
        allow: callReaders,
      },
      // Not dashboard queries: attempts to stretch the per-subject query rule.
      {
        name: "probe orderByChild(phone).equalTo(subject)",
        query: (w) => ({
          path: callsPath(w.tenantId),
          orderByChild: "phone",
          equalTo: w.subjectId,
        }),
        allow: tenantWide,
      },
      {
        name: "probe orderByChild(subjectId).limitToLast",
        query: (w) => ({ path: callsPath(w.tenantId), orderByChild: "subjectId", limitToLast: 10 }),
        allow: tenantWide,
      },
    ],
    value: (w) => ({ [w.callId]: callValue(w) }),
    read: tenantWide,
    write: never,
    remove: never,
  },
  {
    name: "calls/{c}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callPath(w.tenantId, w.callId),
    value: callValue,
    read: callReaders,
    write: never,
    remove: never,
  },
  {
    name: "calls/{c}/urgency",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => `${callPath(w.tenantId, w.callId)}/urgency`,
    value: () => "normal",
    read: callReaders,
    write: never,
    remove: never,
  },
  {
    name: "calls/{c}/owner (take over)",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callOwnerPath(w.tenantId, w.callId),
    value: takeOverValue,
    read: callReaders,
    write: takeOver,
    remove: never,
  },
  {
    name: "calls/{c}/owner (hand back own call)",
    bySubject: true,
    byTenant: true,
    world: "ownedCall",
    path: (w) => callOwnerPath(w.tenantId, w.callId),
    value: () => ({ kind: "ai", since: SERVER_TIME }),
    update: () => ({ kind: "ai", since: SERVER_TIME, uid: null, name: null }),
    read: callReaders,
    write: takeOver,
    remove: never,
  },
  {
    name: "calls/{c}/owner (take over from a colleague, with a reason)",
    bySubject: true,
    byTenant: true,
    world: "colleagueCall",
    path: (w) => callOwnerPath(w.tenantId, w.callId),
    value: takeFromValue,
    read: callReaders,
    write: takeFromColleague,
    remove: never,
  },
  {
    name: "calls/{c}/owner (plain take-over of a colleague's hold)",
    bySubject: true,
    byTenant: true,
    world: "colleagueCall",
    path: (w) => callOwnerPath(w.tenantId, w.callId),
    value: takeOverValue,
    read: callReaders,
    // Taking a call from a colleague always says so (takenFrom and a reason).
    write: never,
    remove: never,
  },
  {
    name: "calls/{c}/lead",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callLeadPath(w.tenantId, w.callId),
    value: (w) => ({ status: "referred", by: uidInPaths(w.principal), at: SERVER_TIME }),
    read: callReaders,
    write: tenantWide,
    remove: never,
  },
  {
    name: "calls/{c}/urgencyOverride",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callUrgencyOverridePath(w.tenantId, w.callId),
    value: (w) => ({
      level: "urgent",
      reason: "Caller confirmed the bleeding has stopped.",
      by: uidInPaths(w.principal),
      at: SERVER_TIME,
    }),
    read: callReaders,
    write: tenantWide,
    remove: never,
  },
  {
    name: "calls/{c}/endRequest (AI answers the call)",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callEndRequestPath(w.tenantId, w.callId),
    value: endRequestValue,
    read: callReaders,
    write: tenantWide,
    remove: never,
  },
  {
    name: "calls/{c}/endRequest (principal holds the call)",
    bySubject: true,
    byTenant: true,
    world: "ownedCall",
    path: (w) => callEndRequestPath(w.tenantId, w.callId),
    value: endRequestValue,
    read: callReaders,
    write: takeOver,
    remove: never,
  },
  {
    name: "calls/{c}/endRequest (a colleague holds the call)",
    bySubject: true,
    byTenant: true,
    world: "colleagueCall",
    path: (w) => callEndRequestPath(w.tenantId, w.callId),
    value: endRequestValue,
    read: callReaders,
    write: tenantWide,
    remove: never,
  },
  {
    name: "messages",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => messagesRootPath(w.tenantId),
    value: () => ({ probe: 1 }),
    read: is("admin"),
    write: never,
    remove: never,
  },
  {
    name: "messages/{c}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => messagesPath(w.tenantId, w.callId),
    queries: [
      {
        name: "transcript",
        query: (w) => dashboardQueries.transcript(w.tenantId, w.callId),
        allow: callReaders,
      },
    ],
    value: (w) => ({ [w.messageId]: { seq: 1, role: "agent", text: "Hello", at: 1 } }),
    read: callReaders,
    write: never,
    remove: never,
  },
  {
    name: "messages/{c}/{m}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => messagePath(w.tenantId, w.callId, w.messageId),
    value: () => ({ seq: 1, role: "caller", text: "Forged", at: 1 }),
    read: callReaders,
    write: never,
    remove: never,
  },
  {
    name: "outbox/{c}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => outboxPath(w.tenantId, w.callId),
    value: (w) => ({ "o-new": outboxValue(w) }),
    // An update on the list writes one new child: the same permission as posting a message.
    update: (w) => ({ "o-new": outboxValue(w) }),
    read: callReaders,
    write: never,
    updateRule: tenantWide,
    remove: never,
  },
  {
    name: "outbox/{c}/{new} (AI owns the call)",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => outboxMessagePath(w.tenantId, w.callId, "o-new"),
    value: outboxValue,
    read: callReaders,
    write: tenantWide,
    remove: never,
  },
  {
    name: "outbox/{c}/{new} (principal owns the call)",
    bySubject: true,
    byTenant: true,
    world: "ownedCall",
    path: (w) => outboxMessagePath(w.tenantId, w.callId, "o-new"),
    value: outboxValue,
    read: callReaders,
    write: takeOver,
    remove: never,
  },
  {
    name: "outbox/{c}/{existing}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => outboxMessagePath(w.tenantId, w.callId, w.outboxId),
    value: outboxValue,
    read: callReaders,
    // Create-only: an existing message is never rewritten or withdrawn by a client.
    write: never,
    remove: never,
  },
  {
    name: "guidance/{c}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callGuidancePath(w.tenantId, w.callId),
    value: (w) => ({ "g-new": guidanceValue(w) }),
    // An update on the list writes one new child: the same permission as giving guidance.
    update: (w) => ({ "g-new": guidanceValue(w) }),
    // Staff only: the caller never learns of it, so subjects do not read it.
    read: scopedReaders,
    write: never,
    updateRule: tenantWide,
    remove: never,
  },
  {
    name: "guidance/{c}/{new} (AI answers the call)",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => guidancePath(w.tenantId, w.callId, "g-new"),
    value: guidanceValue,
    read: scopedReaders,
    write: tenantWide,
    remove: never,
  },
  {
    name: "guidance/{c}/{new} (principal holds the call)",
    bySubject: true,
    byTenant: true,
    world: "ownedCall",
    path: (w) => guidancePath(w.tenantId, w.callId, "g-new"),
    value: guidanceValue,
    read: scopedReaders,
    write: takeOver,
    remove: never,
  },
  {
    name: "guidance/{c}/{existing}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => guidancePath(w.tenantId, w.callId, "g-1"),
    value: guidanceValue,
    read: scopedReaders,
    // Create-only: given guidance is never rewritten or withdrawn by a client.
    write: never,
    remove: never,
  },
  {
    name: "viewers",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => viewersRootPath(w.tenantId),
    value: (w) => ({ [w.callId]: { [uidInPaths(w.principal)]: viewerValue(w) } }),
    read: tenantWide,
    write: never,
    remove: never,
  },
  {
    name: "viewers/{c}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => callViewersPath(w.tenantId, w.callId),
    value: (w) => ({ [uidInPaths(w.principal)]: viewerValue(w) }),
    read: callReaders,
    write: never,
    // An update on the list writes one's own child: the same permission as writing it directly.
    updateRule: viewCall,
    remove: never,
  },
  {
    name: "viewers/{c}/{own uid}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => viewerPath(w.tenantId, w.callId, uidInPaths(w.principal)),
    value: viewerValue,
    read: callReaders,
    write: viewCall,
    // Removing one's own entry is always allowed within one's tenant (closing a call, onDisconnect).
    remove: anyMember,
  },
  {
    name: "viewers/{c}/{colleague}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => viewerPath(w.tenantId, w.callId, COLLEAGUE_UID),
    value: () => ({ name: memberName(COLLEAGUE_UID), since: SERVER_TIME }),
    read: callReaders,
    write: never,
    remove: never,
  },
  {
    name: "alerts",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => alertsPath(w.tenantId),
    queries: [
      {
        name: "alertFeed",
        query: (w) => dashboardQueries.alertFeed(w.tenantId),
        allow: tenantWide,
      },
    ],
    value: (w) => ({ [w.alertId]: { status: "resolved" } }),
    read: tenantWide,
    write: never,
    remove: never,
  },
  {
    name: "alerts/{a}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => alertPath(w.tenantId, w.alertId),
    value: () => ({ status: "resolved" }),
    read: scopedReaders,
    write: never,
    remove: never,
  },
  {
    name: "alerts/{a}/status",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => `${alertPath(w.tenantId, w.alertId)}/status`,
    value: () => "resolved",
    read: scopedReaders,
    write: never,
    remove: never,
  },
  {
    name: "alerts/{a}/acks/{own uid}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => alertAckPath(w.tenantId, w.alertId, uidInPaths(w.principal)),
    value: ackValue,
    read: scopedReaders,
    write: actOnAlerts,
    remove: never,
  },
  {
    name: "alerts/{a}/acks/{colleague}",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => alertAckPath(w.tenantId, w.alertId, COLLEAGUE_UID),
    value: ackValue,
    read: scopedReaders,
    write: never,
    remove: never,
  },
  {
    name: "alerts/{a}/outcome (follow-up)",
    bySubject: true,
    byTenant: true,
    world: "call",
    path: (w) => alertOutcomePath(w.tenantId, w.alertId),
    value: outcomeValue,
    read: scopedReaders,
    write: actOnAlerts,
    remove: never,
  },
  {
    name: "members",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => membersPath(w.tenantId),
    value: (w) => ({ [uidInPaths(w.principal)]: { role: "admin", name: "Me" } }),
    read: tenantWide,
    write: never,
    remove: never,
  },
  {
    name: "members/{own uid}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => memberPath(w.tenantId, uidInPaths(w.principal)),
    value: () => ({ role: "admin", name: "Me" }),
    update: () => ({ role: "admin" }),
    read: anyMember,
    write: never,
    remove: never,
  },
  {
    name: "members/{own uid}/subjects/{s}",
    bySubject: true,
    byTenant: true,
    world: "none",
    path: (w) => memberSubjectPath(w.tenantId, uidInPaths(w.principal), w.subjectId),
    value: () => true,
    read: anyMember,
    write: never,
    remove: never,
  },
  {
    name: "members/{colleague}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => memberPath(w.tenantId, COLLEAGUE_UID),
    value: () => ({ role: "caregiver", name: "Demoted" }),
    read: tenantWide,
    write: never,
    remove: never,
  },
  {
    name: "presence",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => presenceListPath(w.tenantId),
    value: (w) => ({ [uidInPaths(w.principal)]: presenceValue(w) }),
    // An update on the list writes one's own child: the same permission as writing it directly.
    update: (w) => ({ [uidInPaths(w.principal)]: presenceValue(w) }),
    read: supervisors,
    write: never,
    updateRule: supervisors,
    remove: never,
  },
  {
    name: "presence/{own uid}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => presencePath(w.tenantId, uidInPaths(w.principal)),
    value: presenceValue,
    read: supervisors,
    write: supervisors,
    remove: supervisors,
  },
  {
    name: "presence/{colleague}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => presencePath(w.tenantId, COLLEAGUE_UID),
    value: () => ({ state: "offline", lastSeen: SERVER_TIME, name: memberName(COLLEAGUE_UID) }),
    read: supervisors,
    write: never,
    remove: never,
  },
  {
    name: "subjects",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => subjectsPath(w.tenantId),
    value: () => ({ probe: { name: "x" } }),
    read: tenantWide,
    write: never,
    remove: never,
  },
  {
    name: "subjects/{s}",
    bySubject: true,
    byTenant: true,
    world: "none",
    path: (w) => subjectPath(w.tenantId, w.subjectId),
    value: () => ({ name: "Renamed" }),
    read: scopedReaders,
    write: never,
    remove: never,
  },
  {
    name: "subjects/{s}/vitals/heart_rate",
    bySubject: true,
    byTenant: true,
    world: "none",
    path: (w) => vitalPath(w.tenantId, w.subjectId, "heart_rate"),
    value: () => ({ value: 70, unit: "bpm", at: 1, status: "normal" }),
    read: scopedReaders,
    write: never,
    remove: never,
  },
  {
    name: "labels",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => labelsPath(w.tenantId),
    value: () => ({ lead: { callback: "Call back today" } }),
    read: supervisors,
    write: never,
    remove: never,
  },
  {
    name: "labels/lead",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => leadLabelsPath(w.tenantId),
    value: () => ({ callback: "Call back today" }),
    read: supervisors,
    write: never,
    remove: never,
  },
  {
    name: "inbox/{uid} (own; other tenant: a member of B)",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => inboxPath(perUser(w)),
    queries: [
      { name: "inbox", query: (w) => dashboardQueries.inbox(perUser(w)), allow: anyMember },
    ],
    value: (w) => ({ [w.baseAlertId]: { status: "resolved" } }),
    read: anyMember,
    write: never,
    remove: never,
  },
  {
    name: "inbox/{uid}/{a}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => inboxItemPath(perUser(w), w.baseAlertId),
    value: () => ({ status: "resolved" }),
    read: anyMember,
    write: never,
    remove: never,
  },
  {
    name: "inbox/{colleague}",
    bySubject: false,
    byTenant: false,
    world: "none",
    path: () => inboxPath(COLLEAGUE_UID),
    value: () => ({ probe: 1 }),
    read: never,
    write: never,
    remove: never,
  },
  {
    name: "revocations/{uid}",
    bySubject: false,
    byTenant: true,
    world: "none",
    path: (w) => revocationPath(perUser(w)),
    value: () => 0,
    // Its own entry, so the dashboard can sign out when it changes; never another member's.
    read: anyMember,
    write: never,
    remove: never,
  },
];

/** The principal as a member, or null when it must be refused everywhere (no claims, revoked, signed out). */
export function asMember(
  p: Principal,
  w: { ownTenant: boolean; assigned: boolean },
): Member | null {
  if (p.uid === null || p.role === null || p.revoked) return null;
  return { role: p.role, ownTenant: w.ownTenant, assigned: w.assigned };
}
