/**
 * The Admin SDK side of identity changes, shared by the member and session endpoints: reading a
 * member's record, applying a plan from `domain/members.ts` as compensable steps, and the audit
 * write. Writes go Auth first, then one multi-path Realtime Database update, then one Firestore
 * batch, so the record of truth (Firestore) is written last and only when everything before held.
 */
import { getAuth, type Auth } from "firebase-admin/auth";
import type { Database } from "firebase-admin/database";
import type { Firestore } from "firebase-admin/firestore";
import { firestoreDb } from "./clients.js";
import { tenantDatabase, tenantPlacement } from "./instances.js";
import { logger } from "firebase-functions/logger";
import { claimsOf, planCreate, type MemberRecord, type Plan } from "../domain/members.js";
import { invalidArgument, type PublicIssue } from "../http-kit/body.js";
import { runSteps, StepFailed, type Step } from "./steps.js";
import { HttpError } from "../http-kit/errors.js";
import { firestore, memberDocSchema } from "@lifeline/model";

/**
 * The stores a member change reads and writes: the default app's in a function; the admin CLI and
 * the demo seed pass the app they connected, so a member is made the same way everywhere.
 */
export interface MemberStores {
  readonly auth: () => Auth;
  /** The instance the tenant lives on. */
  readonly database: (tenantId: string) => Promise<Database>;
  /** The instance the tenant's record names (the `db` claim); undefined: the default one. */
  readonly placement: (tenantId: string) => Promise<string | undefined>;
  readonly firestore: () => Promise<Firestore>;
}

export const DEFAULT_STORES: MemberStores = {
  auth: () => getAuth(),
  database: tenantDatabase,
  placement: tenantPlacement,
  firestore: firestoreDb,
};

/** The member's record in its tenant, or null when the tenant has no such member. */
export async function readMember(
  tenantId: string,
  uid: string,
  stores: MemberStores = DEFAULT_STORES,
): Promise<MemberRecord | null> {
  const snapshot = await (await stores.firestore()).doc(firestore.memberDoc(tenantId, uid)).get();
  if (!snapshot.exists) return null;
  const parsed = memberDocSchema.safeParse(snapshot.data());
  if (!parsed.success) {
    throw new HttpError("INTERNAL", "Internal error.", {
      cause: new Error(`member record ${tenantId}/${uid} is malformed: ${parsed.error.message}`),
    });
  }
  return { ...parsed.data, uid, tenantId };
}

/** 400 naming each subject the tenant does not have, before anything is written. */
export async function requireSubjects(
  tenantId: string,
  subjectIds: readonly string[],
  stores: MemberStores = DEFAULT_STORES,
): Promise<void> {
  if (subjectIds.length === 0) return;
  const db = await stores.firestore();
  const snapshots = await db.getAll(
    ...subjectIds.map((id) => db.doc(firestore.subjectDoc(tenantId, id))),
  );
  const issues: PublicIssue[] = [];
  snapshots.forEach((snapshot, index) => {
    if (!snapshot.exists) {
      issues.push({
        path: ["subjects", index],
        code: "custom",
        message: `no subject "${subjectIds[index] ?? ""}" in this tenant`,
      });
    }
  });
  if (issues.length > 0) throw invalidArgument("Unknown subjects.", issues);
}

/** The steps that write a plan's database update and its Firestore batch (with the audit entry). */
export function planSteps(
  tenantId: string,
  plan: Plan,
  firestoreMode: "create" | "set",
  stores: MemberStores = DEFAULT_STORES,
): Step[] {
  const steps: Step[] = [];
  if (Object.keys(plan.rtdb).length > 0) {
    steps.push({
      name: "database",
      run: async () => (await stores.database(tenantId)).ref().update(plan.rtdb),
      undo: async () => {
        if (Object.keys(plan.rtdbUndo).length > 0) {
          await (await stores.database(tenantId)).ref().update(plan.rtdbUndo);
        }
      },
    });
  }
  steps.push({
    name: "firestore",
    run: async () => {
      const db = await stores.firestore();
      const batch = db.batch();
      for (const [path, data] of Object.entries(plan.firestore)) {
        if (data === null) batch.delete(db.doc(path));
        else if (firestoreMode === "create") batch.create(db.doc(path), data);
        else batch.set(db.doc(path), data);
      }
      batch.create(db.doc(plan.audit.path), plan.audit.entry);
      await batch.commit();
    },
  });
  return steps;
}

/**
 * Creates a planned member in every store: the Auth user (with `password`, or none: the member
 * then sets one from a password-reset link), its claims, the mirror, the record and the audit
 * entry `member_create` by `actorUid`. A taken email or uid is a 409 with nothing left behind.
 */
export async function createMemberIn(
  record: MemberRecord,
  password: string | undefined,
  actorUid: string,
  stores: MemberStores = DEFAULT_STORES,
): Promise<void> {
  const plan = planCreate(record, actorUid);
  const auth = stores.auth();
  const steps: Step[] = [
    {
      name: "auth user",
      run: async () => {
        try {
          await auth.createUser({
            uid: record.uid,
            email: record.email,
            ...(password === undefined ? {} : { password }),
            displayName: record.name,
          });
        } catch (error) {
          const code = authErrorCode(error);
          if (code === "auth/email-already-exists" || code === "auth/uid-already-exists") {
            throw new HttpError("ALREADY_EXISTS", "A user with this email already exists.");
          }
          throw error;
        }
      },
      undo: () => auth.deleteUser(record.uid),
    },
    {
      name: "claims",
      run: async () =>
        auth.setCustomUserClaims(
          record.uid,
          claimsOf(record, await stores.placement(record.tenantId)),
        ),
    },
    ...planSteps(record.tenantId, plan, "create", stores),
  ];
  await applySteps("member create", steps);
}

/** Revokes every refresh token; with `revocations/{uid}` (in the plan) old ID tokens die at once. */
export function revokeStep(uid: string, stores: MemberStores = DEFAULT_STORES): Step {
  return { name: "revoke refresh tokens", run: () => stores.auth().revokeRefreshTokens(uid) };
}

/**
 * Runs the steps; an `HttpError` from a step (say, 409 for a taken email) is answered as is once
 * the completed steps are undone; anything else is logged with what could not be undone and
 * answered with a 500.
 */
export async function applySteps(what: string, steps: readonly Step[]): Promise<void> {
  try {
    await runSteps(steps, (error) => error instanceof HttpError);
  } catch (error) {
    if (error instanceof StepFailed) {
      logger.error(`${what} failed`, {
        step: error.step,
        error: String(error.cause),
        notUndone: error.undoFailures.map((failure) => ({
          step: failure.step,
          error: String(failure.error),
        })),
      });
      throw new HttpError("INTERNAL", "Internal error.", { cause: error });
    }
    throw error;
  }
}

export function authErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
