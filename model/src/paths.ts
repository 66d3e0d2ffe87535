/**
 * Every Realtime Database and Firestore path Lifeline uses, built in one place. Functions, tests,
 * the dashboard and benchmarks import these instead of concatenating strings, so a path that the
 * rules protect is spelled the same everywhere. Ids are checked as they go in (`ids.ts`).
 */
import { checkId } from "./ids.js";

const t = (tenantId: string) => `tenants/${checkId("tenant id", tenantId)}`;

// ---------------------------------------------------------------- Realtime Database

export const tenantPath = (tenantId: string) => t(tenantId);
/** A move in progress (`tenantMoveSchema`), on the instance the tenant is leaving: clients write nothing. */
export const tenantMovingPath = (tenantId: string) => `${t(tenantId)}/moving`;
/** Where the tenant went (`tenantMovedToSchema`), left on the instance it moved away from. */
export const tenantMovedToPath = (tenantId: string) => `${t(tenantId)}/movedTo`;

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
/** A member's request to end the call now; a trigger ends it ("ended by supervisor") and audits it. */
export const callEndRequestPath = (tenantId: string, callId: string) =>
  `${callPath(tenantId, callId)}/endRequest`;

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
 * Private instructions staff gave the assistant for a call: the next replies follow them, the
 * caller never hears them. Staff read them; subjects do not.
 */
export const guidanceRootPath = (tenantId: string) => `${t(tenantId)}/guidance`;
export const callGuidancePath = (tenantId: string, callId: string) =>
  `${guidanceRootPath(tenantId)}/${checkId("call id", callId)}`;
export const guidancePath = (tenantId: string, callId: string, guidanceId: string) =>
  `${callGuidancePath(tenantId, callId)}/${checkId("guidance id", guidanceId)}`;

/**
 * Who has a call open right now: `{name, since}` per member's uid, written by that member's
 * dashboard when it opens the call and removed when it closes it or its connection drops.
 */
export const viewersRootPath = (tenantId: string) => `${t(tenantId)}/viewers`;
export const callViewersPath = (tenantId: string, callId: string) =>
  `${viewersRootPath(tenantId)}/${checkId("call id", callId)}`;
export const viewerPath = (tenantId: string, callId: string, uid: string) =>
  `${callViewersPath(tenantId, callId)}/${checkId("uid", uid)}`;

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

/** A member's browsers registered for web push, by token id (a hash of the token). */
export const pushTokensRootPath = (tenantId: string) => `${t(tenantId)}/pushTokens`;
export const pushTokensPath = (tenantId: string, uid: string) =>
  `${pushTokensRootPath(tenantId)}/${checkId("uid", uid)}`;
export const pushTokenPath = (tenantId: string, uid: string, tokenId: string) =>
  `${pushTokensPath(tenantId, uid)}/${checkId("push token id", tokenId)}`;
/** A push's claim: written once before it is sent, so a redelivered trigger never pages twice. */
export const pushClaimPath = (tenantId: string, key: string) =>
  `${t(tenantId)}/pushes/${checkId("push key", key)}`;

export const subjectsPath = (tenantId: string) => `${t(tenantId)}/subjects`;
export const subjectPath = (tenantId: string, subjectId: string) =>
  `${subjectsPath(tenantId)}/${checkId("subject id", subjectId)}`;
export const subjectDevicePath = (tenantId: string, subjectId: string, deviceId: string) =>
  `${subjectPath(tenantId, subjectId)}/devices/${checkId("device id", deviceId)}`;
export const vitalPath = (tenantId: string, subjectId: string, kind: string) =>
  `${subjectPath(tenantId, subjectId)}/vitals/${checkId("vital kind", kind)}`;

/** Words the tenant chose for what the dashboard shows; read by every member but subjects. */
export const labelsPath = (tenantId: string) => `${t(tenantId)}/labels`;
/** The tenant's words for lead statuses, by status id (see the model's `leadLabelsSchema`). */
export const leadLabelsPath = (tenantId: string) => `${labelsPath(tenantId)}/lead`;

export const inboxPath = (uid: string) => `inbox/${checkId("uid", uid)}`;
export const inboxItemPath = (uid: string, alertId: string) =>
  `${inboxPath(uid)}/${checkId("alert id", alertId)}`;

export const revocationPath = (uid: string) => `revocations/${checkId("uid", uid)}`;

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
  linesCollection: () => "lines",
  /** The lines directory: the number a caller dialled (E.164) → the tenant that answers it. */
  lineDoc: (e164: string) => `lines/${checkId("line", e164)}`,
  archiveCollection: (tenantId: string) => `${t(tenantId)}/archive`,
  archivedCallDoc: (tenantId: string, callId: string) =>
    `${t(tenantId)}/archive/${checkId("call id", callId)}`,
  auditCollection: (tenantId: string) => `${t(tenantId)}/audit`,
  auditDoc: (tenantId: string, auditId: string) =>
    `${t(tenantId)}/audit/${checkId("audit id", auditId)}`,
} as const;
