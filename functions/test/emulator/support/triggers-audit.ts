/**
 * What the audit and follow-up trigger suites share: member mirrors and presence written the way
 * the members endpoint and the dashboard write them, and waits on the tenant's Firestore audit log
 * by action (never sleeping), so a test can count entries once the triggers have written them.
 */
import { firestore, memberPath, presencePath, type Role } from "@lifeline/model";
import { freshId, type Admin } from "./emulators.js";

export type AuditData = Record<string, unknown>;

/** A member mirror only (no Auth user): enough for fan-out, which reads the mirror. */
export async function mirror(
  admin: Admin,
  tenantId: string,
  role: Role,
  subjects: readonly string[] = [],
): Promise<string> {
  const uid = freshId(role);
  await admin.database.ref(memberPath(tenantId, uid)).set({
    role,
    name: `${role} ${uid}`,
    ...(subjects.length === 0
      ? {}
      : { subjects: Object.fromEntries(subjects.map((s) => [s, true])) }),
  });
  return uid;
}

/** A presence record as the dashboard's heartbeat writes it, `lastSeen` ms ago. */
export async function presence(
  admin: Admin,
  tenantId: string,
  uid: string,
  state: "online" | "away" | "offline" = "online",
  ago = 0,
): Promise<void> {
  await admin.database
    .ref(presencePath(tenantId, uid))
    .set({ state, lastSeen: Date.now() - ago, name: `member ${uid}` });
}

export async function auditOf(
  admin: Admin,
  tenantId: string,
  action: string,
): Promise<AuditData[]> {
  const docs = await admin.firestore
    .collection(firestore.auditCollection(tenantId))
    .where("action", "==", action)
    .get();
  return docs.docs.map((doc) => doc.data());
}

/** Resolves with the tenant's `action` entries once there are at least `count` of them. */
export function waitForAudit(
  admin: Admin,
  tenantId: string,
  action: string,
  count = 1,
  timeoutMs = 20_000,
): Promise<AuditData[]> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out waiting for ${count} ${action} audit entries in ${tenantId}; saw ${seen}`,
        ),
      );
    }, timeoutMs);
    const unsubscribe = admin.firestore
      .collection(firestore.auditCollection(tenantId))
      .where("action", "==", action)
      .onSnapshot((snapshot) => {
        seen = snapshot.size;
        if (snapshot.size < count) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(snapshot.docs.map((doc) => doc.data()));
      }, reject);
  });
}

/** The whole audit log of a tenant, id → entry: for "a replay wrote nothing" checks. */
export async function auditLog(admin: Admin, tenantId: string): Promise<Record<string, AuditData>> {
  const docs = await admin.firestore.collection(firestore.auditCollection(tenantId)).get();
  return Object.fromEntries(docs.docs.map((doc) => [doc.id, doc.data()]));
}
