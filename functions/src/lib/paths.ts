/**
 * Every Realtime Database and Firestore path Lifeline uses, built in one place. Functions, tests,
 * the dashboard and benchmarks import these instead of concatenating strings, so a path that the
 * rules protect is spelled the same everywhere. Ids are checked as they go in: an id that is not a
 * valid key would silently address a different node (`a/b` is two levels) or be refused by the server.
 */

/** Characters the Realtime Database forbids in keys: `. $ # [ ] /` and ASCII control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_RTDB_KEY = /[.$#[\]/\u0000-\u001f\u007f]/;
/**
 * A key's limit in UTF-8 bytes, as the stores count it: the Realtime Database allows 768 bytes per
 * key, Firestore 1500 per document id. One id names records in both, so the tighter one holds.
 */
export const MAX_KEY_BYTES = 768;
/**
 * What an id that arrives in a request may take: ids are also built from others (`vitals-{s}`,
 * `{turnId}-assistant`, `{alertId}-unwatched`, audit ids joining a time, an action and two ids), so
 * an id from outside leaves room for them and no derived id ever goes over the key limit.
 */
export const MAX_REQUEST_ID_BYTES = 256;
// TextEncoder rather than Buffer: the dashboard imports this module in the browser.
const utf8 = new TextEncoder();

export class InvalidIdError extends Error {
  constructor(what: string, id: string, why: string) {
    super(`invalid ${what} ${JSON.stringify(id.slice(0, 80))}: ${why}`);
    this.name = "InvalidIdError";
  }
}

/**
 * False when `text` holds a lone UTF-16 surrogate. Such a string has no UTF-8 form: each store
 * would replace it (or refuse it) differently, so two distinct ids could name one record.
 * (`String.prototype.isWellFormed` does this from ES2024; this module also runs in older browsers.)
 */
export function isWellFormedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit >= 0xdc00) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** Size of `text` in UTF-8, as the databases measure keys. */
export function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/**
 * Why `id` is not a valid key in both databases, or undefined when it is: empty, a lone
 * surrogate, a character the Realtime Database forbids (which also rules out Firestore's `.`, `..`
 * and `/`), over `maxBytes` of UTF-8, a name Firestore reserves (`__…__`, which also keeps
 * `__proto__` out of every object keyed by ids), or a name every JavaScript object already has
 * (`constructor`, `toString`, `valueOf`…): ids key plain objects everywhere (snapshots, records,
 * stores), where such a key reads an inherited member instead of nothing.
 */
export function idProblem(id: string, maxBytes: number = MAX_KEY_BYTES): string | undefined {
  if (id.length === 0) return "empty";
  if (!isWellFormedText(id)) return "contains a lone UTF-16 surrogate";
  if (FORBIDDEN_RTDB_KEY.test(id)) return "contains one of . $ # [ ] / or a control character";
  if (utf8Bytes(id) > maxBytes) return `longer than ${maxBytes} bytes of UTF-8`;
  if (/^__.*__$/s.test(id)) return "reserved (__…__)";
  if (Object.hasOwn(Object.prototype, id)) return "reserved (a name every JavaScript object has)";
  return undefined;
}

/** Returns `id` when it is a valid RTDB key and Firestore document id, else throws. */
export function checkId(what: string, id: string): string {
  const problem = idProblem(id);
  if (problem !== undefined) throw new InvalidIdError(what, id, problem);
  return id;
}

export function isValidId(id: string): boolean {
  return idProblem(id) === undefined;
}

/** The rule for ids that come in with a request: valid keys with room left for derived ids. */
export function isRequestId(id: string): boolean {
  return idProblem(id, MAX_REQUEST_ID_BYTES) === undefined;
}

const t = (tenantId: string) => `tenants/${checkId("tenant id", tenantId)}`;

// ---------------------------------------------------------------- Realtime Database

export const tenantPath = (tenantId: string) => t(tenantId);

export const callsPath = (tenantId: string) => `${t(tenantId)}/calls`;
export const callPath = (tenantId: string, callId: string) =>
  `${callsPath(tenantId)}/${checkId("call id", callId)}`;
/** Take-over and hand-back: `{kind:"human", uid, name, since}` or `{kind:"ai", since}`. */
export const callOwnerPath = (tenantId: string, callId: string) =>
  `${callPath(tenantId, callId)}/owner`;
export const callLeadPath = (tenantId: string, callId: string) =>
  `${callPath(tenantId, callId)}/lead`;
/** A supervisor's urgency override with its reason; a trigger applies it to `urgency` and audits it. */
export const callUrgencyOverridePath = (tenantId: string, callId: string) =>
  `${callPath(tenantId, callId)}/urgencyOverride`;

export const messagesRootPath = (tenantId: string) => `${t(tenantId)}/messages`;
export const messagesPath = (tenantId: string, callId: string) =>
  `${messagesRootPath(tenantId)}/${checkId("call id", callId)}`;
export const messagePath = (tenantId: string, callId: string, messageId: string) =>
  `${messagesPath(tenantId, callId)}/${checkId("message id", messageId)}`;

/** Messages members typed for the caller, waiting to be spoken or texted by the next turn. */
export const outboxRootPath = (tenantId: string) => `${t(tenantId)}/outbox`;
export const outboxPath = (tenantId: string, callId: string) =>
  `${outboxRootPath(tenantId)}/${checkId("call id", callId)}`;
export const outboxMessagePath = (tenantId: string, callId: string, messageId: string) =>
  `${outboxPath(tenantId, callId)}/${checkId("message id", messageId)}`;

/**
 * Speech-turn records, `{status:"pending", fingerprint, claimedAt}` or `{status:"done", fingerprint,
 * at, answer}`: the gateway's idempotency by turn id. Functions only; the rules deny clients.
 */
export const turnsRootPath = (tenantId: string) => `${t(tenantId)}/turns`;
export const turnsPath = (tenantId: string, callId: string) =>
  `${turnsRootPath(tenantId)}/${checkId("call id", callId)}`;
export const turnPath = (tenantId: string, callId: string, turnId: string) =>
  `${turnsPath(tenantId, callId)}/${checkId("turn id", turnId)}`;

export const alertsPath = (tenantId: string) => `${t(tenantId)}/alerts`;
export const alertPath = (tenantId: string, alertId: string) =>
  `${alertsPath(tenantId)}/${checkId("alert id", alertId)}`;
/** A follow-up's closing outcome, written once by a member (see the model's `followUpOutcomeSchema`). */
export const alertOutcomePath = (tenantId: string, alertId: string) =>
  `${alertPath(tenantId, alertId)}/outcome`;
export const alertAckPath = (tenantId: string, alertId: string, uid: string) =>
  `${alertPath(tenantId, alertId)}/acks/${checkId("uid", uid)}`;

export const membersPath = (tenantId: string) => `${t(tenantId)}/members`;
export const memberPath = (tenantId: string, uid: string) =>
  `${membersPath(tenantId)}/${checkId("uid", uid)}`;
export const memberSubjectPath = (tenantId: string, uid: string, subjectId: string) =>
  `${memberPath(tenantId, uid)}/subjects/${checkId("subject id", subjectId)}`;

export const presenceListPath = (tenantId: string) => `${t(tenantId)}/presence`;
export const presencePath = (tenantId: string, uid: string) =>
  `${presenceListPath(tenantId)}/${checkId("uid", uid)}`;

export const subjectsPath = (tenantId: string) => `${t(tenantId)}/subjects`;
export const subjectPath = (tenantId: string, subjectId: string) =>
  `${subjectsPath(tenantId)}/${checkId("subject id", subjectId)}`;
export const subjectDevicePath = (tenantId: string, subjectId: string, deviceId: string) =>
  `${subjectPath(tenantId, subjectId)}/devices/${checkId("device id", deviceId)}`;
export const vitalPath = (tenantId: string, subjectId: string, kind: string) =>
  `${subjectPath(tenantId, subjectId)}/vitals/${checkId("vital kind", kind)}`;

export const inboxPath = (uid: string) => `inbox/${checkId("uid", uid)}`;
export const inboxItemPath = (uid: string, alertId: string) =>
  `${inboxPath(uid)}/${checkId("alert id", alertId)}`;

export const revocationPath = (uid: string) => `revocations/${checkId("uid", uid)}`;

// ---------------------------------------------------------------- Dashboard queries

/**
 * Every query the dashboard runs. Each `orderByChild` has an `.indexOn` in the rules (checked by
 * the static rules test), and the rules tests run each one as every role.
 */
export interface DashboardQuery {
  readonly path: string;
  readonly orderByChild: string;
  readonly equalTo?: string;
  readonly limitToLast?: number;
}

export const dashboardQueries = {
  /** The live calls list, most recent activity last. */
  recentCalls: (tenantId: string): DashboardQuery => ({
    path: callsPath(tenantId),
    orderByChild: "lastMessageAt",
    limitToLast: 100,
  }),
  callsByUrgency: (tenantId: string, urgency: string): DashboardQuery => ({
    path: callsPath(tenantId),
    orderByChild: "urgency",
    equalTo: urgency,
  }),
  /** How scoped roles list calls: one query per assigned subject (the rules allow exactly this). */
  callsOfSubject: (tenantId: string, subjectId: string): DashboardQuery => ({
    path: callsPath(tenantId),
    orderByChild: "subjectId",
    equalTo: checkId("subject id", subjectId),
  }),
  transcript: (tenantId: string, callId: string): DashboardQuery => ({
    path: messagesPath(tenantId, callId),
    orderByChild: "seq",
    limitToLast: 500,
  }),
  alertFeed: (tenantId: string): DashboardQuery => ({
    path: alertsPath(tenantId),
    orderByChild: "at",
    limitToLast: 100,
  }),
  inbox: (uid: string): DashboardQuery => ({
    path: inboxPath(uid),
    orderByChild: "at",
    limitToLast: 100,
  }),
} as const;

// ---------------------------------------------------------------- Firestore (Admin SDK only)

export const firestore = {
  /** Deployment-wide settings, e.g. the default tenant for unknown numbers. */
  routingConfigDoc: () => "config/routing",
  tenantsCollection: () => "tenants",
  /** The tenant record: name and settings (thresholds, escalation timings). */
  tenantDoc: (tenantId: string) => t(tenantId),
  membersCollection: (tenantId: string) => `${t(tenantId)}/members`,
  memberDoc: (tenantId: string, uid: string) => `${t(tenantId)}/members/${checkId("uid", uid)}`,
  subjectsCollection: (tenantId: string) => `${t(tenantId)}/subjects`,
  subjectDoc: (tenantId: string, subjectId: string) =>
    `${t(tenantId)}/subjects/${checkId("subject id", subjectId)}`,
  phonesCollection: () => "phones",
  devicesCollection: () => "devices",
  /** The device registry: `deviceId` → tenant and subject. */
  deviceDoc: (deviceId: string) => `devices/${checkId("device id", deviceId)}`,
  /** Keyed by the E.164 number itself: the speech turn resolves a caller with one document read. */
  phoneDoc: (e164: string) => `phones/${checkId("phone", e164)}`,
  archiveCollection: (tenantId: string) => `${t(tenantId)}/archive`,
  archivedCallDoc: (tenantId: string, callId: string) =>
    `${t(tenantId)}/archive/${checkId("call id", callId)}`,
  auditCollection: (tenantId: string) => `${t(tenantId)}/audit`,
  auditDoc: (tenantId: string, auditId: string) =>
    `${t(tenantId)}/audit/${checkId("audit id", auditId)}`,
} as const;
