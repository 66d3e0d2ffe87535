/**
 * Member management, for admins of the tenant named in the path (Firebase ID token required):
 *   POST   /{tenantId}        create a member: Auth user, claims, mirror, record, audit → 201
 *   PATCH  /{tenantId}/{uid}  change role, name or assigned subjects; a role change revokes sessions
 *   DELETE /{tenantId}/{uid}  remove: claims cleared, user disabled, sessions revoked, mirror gone
 * Each request is parsed, authenticated and authorised, and every input is checked against the
 * stores, before the first write.
 */
import { randomBytes } from "node:crypto";
import type { Auth, UserRecord } from "firebase-admin/auth";
import { logger } from "firebase-functions/logger";
import type { Response } from "express";
import { onRequest, type Request } from "firebase-functions/v2/https";
import {
  assignmentProblem,
  claimsOf,
  newMemberRecord,
  planRemove,
  planUpdate,
  type MemberRecord,
} from "../domain/members.js";
import { invalidArgument, parseJsonBody } from "../http-kit/body.js";
import type { Step } from "../store/steps.js";
import { HttpError } from "../http-kit/errors.js";
import { idSegments, routedEndpoint } from "../http-kit/endpoint.js";
import { authenticateMember, type Member } from "../http-kit/idtoken.js";
import {
  callPath,
  callSchema,
  callsPath,
  CAPABILITIES,
  type CreateMemberRequest,
  createMemberRequestSchema,
  inboxPath,
  presencePath,
  pushTokensPath,
  type UpdateMemberRequest,
  updateMemberRequestSchema,
} from "@lifeline/model";
import { lapseOf, planHoldLapse, type HoldLapseReason } from "../domain/hold.js";
import {
  applySteps,
  authErrorCode,
  createMemberIn,
  DEFAULT_STORES,
  type MemberStores,
  planSteps,
  readMember,
  requireSubjects,
  revokeStep,
} from "../store/members.js";

export interface MemberRoute {
  readonly tenantId: string;
  readonly uid?: string;
}

/** `/{tenantId}` or `/{tenantId}/{uid}` with valid ids, else undefined. */
export function parseMemberRoute(path: string): MemberRoute | undefined {
  const [tenantId, uid] = idSegments(path, 2) ?? [];
  if (tenantId === undefined) return undefined;
  return uid === undefined ? { tenantId } : { tenantId, uid };
}

/** 403 unless the member is an admin of `tenantId`. */
export function requireMemberManager(member: Member, tenantId: string): void {
  if (member.tenant !== tenantId) {
    throw new HttpError("PERMISSION_DENIED", "You may manage the members of your own tenant only.");
  }
  if (!CAPABILITIES[member.role].manageMembers) {
    throw new HttpError("PERMISSION_DENIED", "Only admins manage members.");
  }
}

export interface MemberView {
  uid: string;
  tenantId: string;
  role: string;
  name: string;
  email: string;
  subjects: string[];
  createdAt: number;
  updatedAt: number;
}

function view(record: MemberRecord): MemberView {
  return {
    uid: record.uid,
    tenantId: record.tenantId,
    role: record.role,
    name: record.name,
    email: record.email,
    subjects: [...record.subjects],
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** 28 characters like Firebase's own uids, chosen up front so every write can be planned at once. */
function newUid(): string {
  return randomBytes(21).toString("base64url");
}

function requireAssignment(role: MemberRecord["role"], subjects: readonly string[]): void {
  const problem = assignmentProblem(role, subjects);
  if (problem !== undefined) {
    throw invalidArgument("The request body is not valid.", [
      { path: ["subjects"], code: "custom", message: problem },
    ]);
  }
}

async function authoriseAdmin(request: Request, tenantId: string): Promise<Member> {
  const member = await authenticateMember(request.get("authorization"));
  requireMemberManager(member, tenantId);
  return member;
}

async function existingMember(
  tenantId: string,
  uid: string,
  stores: MemberStores,
): Promise<MemberRecord> {
  const record = await readMember(tenantId, uid, stores);
  if (record === null) throw new HttpError("NOT_FOUND", "No such member in this tenant.");
  return record;
}

/**
 * Gives every active call `uid` holds back to the assistant, in one update: a removed or demoted
 * member's hold must not outlive its membership. Runs after the member change is applied; when it
 * fails, the speech turn lapses the hold itself at the call's next turn (it reads the holder's
 * member record), so the failure is logged, not returned.
 */
async function lapseHoldsOf(
  tenantId: string,
  uid: string,
  reason: HoldLapseReason,
  stores: MemberStores,
): Promise<void> {
  try {
    const database = await stores.database(tenantId);
    const active = await database
      .ref(callsPath(tenantId))
      .orderByChild("status")
      .equalTo("active")
      .get();
    const now = Date.now();
    const update: Record<string, unknown> = {};
    const calls: string[] = [];
    active.forEach((child) => {
      const parsed = callSchema.safeParse(child.val());
      const callId = child.key;
      if (!parsed.success) return;
      const call = parsed.data;
      if (call.owner.kind !== "human" || call.owner.uid !== uid) return;
      const seq = call.messageCount + 1;
      const plan = planHoldLapse({
        tenantId,
        callId,
        ...(call.subjectId === undefined ? {} : { subjectId: call.subjectId }),
        lapse: lapseOf(call.owner, reason),
        urgency: call.urgency,
        seq,
        now,
      });
      Object.assign(update, plan.update);
      update[`${callPath(tenantId, callId)}/messageCount`] = seq;
      calls.push(callId);
    });
    if (calls.length === 0) return;
    await database.ref().update(update);
    logger.warn("holds lapsed with their holder's membership", { tenantId, uid, reason, calls });
  } catch (error) {
    logger.error("could not lapse a former holder's calls; the next turn of each will", {
      tenantId,
      uid,
      error: String(error),
    });
  }
}

async function createMember(
  tenantId: string,
  input: CreateMemberRequest,
  actor: Member,
): Promise<MemberRecord> {
  requireAssignment(input.role, input.subjects);
  await requireSubjects(tenantId, input.subjects);
  const record = newMemberRecord(tenantId, newUid(), input, Date.now());
  await createMemberIn(record, input.password, actor.uid);
  logger.info("member created", { tenantId, uid: record.uid, role: record.role, by: actor.uid });
  return record;
}

/**
 * Changes a member's role, name or subjects for `actorUid` (an admin, or the admin CLI's operator):
 * claims and sessions on a role change, mirror, record, audit; a demoted holder's calls lapse.
 */
export async function updateMember(
  tenantId: string,
  uid: string,
  input: UpdateMemberRequest,
  actorUid: string,
  stores: MemberStores = DEFAULT_STORES,
): Promise<{ record: MemberRecord; changed: readonly string[] }> {
  const current = await existingMember(tenantId, uid, stores);
  const role = input.role ?? current.role;
  const subjects = input.subjects ?? current.subjects;
  if (uid === actorUid && role !== current.role) {
    throw new HttpError("FAILED_PRECONDITION", "Admins cannot change their own role.");
  }
  requireAssignment(role, subjects);
  await requireSubjects(
    tenantId,
    subjects.filter((id) => !current.subjects.includes(id)),
    stores,
  );
  const plan = planUpdate(current, input, actorUid, Date.now());
  const next = plan.record;
  if (plan.changed.length === 0) return { record: current, changed: [] };
  const auth = stores.auth();
  const steps: Step[] = [];
  if (plan.changed.includes("role")) {
    const database = await stores.placement(tenantId);
    steps.push(
      {
        name: "claims",
        run: () => auth.setCustomUserClaims(uid, claimsOf(next, database)),
        undo: () => auth.setCustomUserClaims(uid, claimsOf(current, database)),
      },
      revokeStep(uid, stores),
    );
  }
  if (plan.changed.includes("name")) {
    steps.push({
      name: "display name",
      run: () => auth.updateUser(uid, { displayName: next.name }).then(() => undefined),
      undo: () => auth.updateUser(uid, { displayName: current.name }).then(() => undefined),
    });
  }
  steps.push(...planSteps(tenantId, plan, "set", stores));
  await applySteps("member update", steps);
  if (CAPABILITIES[current.role].takeOver && !CAPABILITIES[next.role].takeOver) {
    await lapseHoldsOf(tenantId, uid, "demoted", stores);
  }
  return { record: next, changed: plan.changed };
}

async function authUserOrNull(uid: string, auth: Auth): Promise<UserRecord | null> {
  try {
    return await auth.getUser(uid);
  } catch (error) {
    if (authErrorCode(error) === "auth/user-not-found") return null;
    throw error;
  }
}

/**
 * Removes a member for `actorUid`: claims cleared, user disabled, sessions revoked, mirror,
 * presence and inbox gone, record deleted, audit; its held calls lapse. Answers the removal time.
 */
export async function removeMember(
  tenantId: string,
  uid: string,
  actorUid: string,
  stores: MemberStores = DEFAULT_STORES,
): Promise<number> {
  const current = await existingMember(tenantId, uid, stores);
  if (uid === actorUid) {
    throw new HttpError("FAILED_PRECONDITION", "Admins cannot remove themselves.");
  }
  const database = await stores.database(tenantId);
  const auth = stores.auth();
  const [user, presence, inbox, pushTokens] = await Promise.all([
    authUserOrNull(uid, auth),
    database.ref(presencePath(tenantId, uid)).get(),
    database.ref(inboxPath(uid)).get(),
    database.ref(pushTokensPath(tenantId, uid)).get(),
  ]);
  const now = Date.now();
  const plan = planRemove(current, actorUid, now, {
    presence: presence.val() as unknown,
    inbox: inbox.val() as unknown,
    pushTokens: pushTokens.val() as unknown,
  });
  const steps: Step[] = [];
  if (user !== null) {
    const claimsBefore = user.customClaims ?? null;
    const disabledBefore = user.disabled;
    steps.push(
      {
        name: "claims",
        run: () => auth.setCustomUserClaims(uid, null),
        undo: () => auth.setCustomUserClaims(uid, claimsBefore),
      },
      {
        name: "disable",
        run: () => auth.updateUser(uid, { disabled: true }).then(() => undefined),
        undo: () => auth.updateUser(uid, { disabled: disabledBefore }).then(() => undefined),
      },
      revokeStep(uid, stores),
    );
  }
  steps.push(...planSteps(tenantId, plan, "set", stores));
  await applySteps("member remove", steps);
  await lapseHoldsOf(tenantId, uid, "removed", stores);
  return now;
}

export async function manageMembers(request: Request, response: Response): Promise<unknown> {
  const route = parseMemberRoute(request.path);
  if (route === undefined) {
    throw new HttpError("NOT_FOUND", "Use /{tenantId} or /{tenantId}/{uid}.");
  }
  const allowed = route.uid === undefined ? ["POST"] : ["PATCH", "DELETE"];
  if (!allowed.includes(request.method)) {
    throw new HttpError("METHOD_NOT_ALLOWED", `Use ${allowed.join(" or ")} on this path.`, {
      headers: { Allow: allowed.join(", ") },
    });
  }
  const { tenantId, uid } = route;
  if (uid === undefined) {
    const input = parseJsonBody(request, createMemberRequestSchema);
    const actor = await authoriseAdmin(request, tenantId);
    const record = await createMember(tenantId, input, actor);
    response.status(201).json(view(record));
    return undefined;
  }
  if (request.method === "PATCH") {
    const input = parseJsonBody(request, updateMemberRequestSchema);
    const actor = await authoriseAdmin(request, tenantId);
    const { record, changed } = await updateMember(tenantId, uid, input, actor.uid);
    if (changed.length > 0)
      logger.info("member updated", { tenantId, uid, changed, by: actor.uid });
    return view(record);
  }
  const actor = await authoriseAdmin(request, tenantId);
  const removedAt = await removeMember(tenantId, uid, actor.uid);
  logger.info("member removed", { tenantId, uid, by: actor.uid });
  return { uid, tenantId, removedAt };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleMembers = routedEndpoint(["POST", "PATCH", "DELETE"], manageMembers);

// Callable from an admin page on any origin: the bearer token, not a cookie, carries the credential.
export const members = onRequest({ cors: true }, handleMembers);
