/**
 * The sweep of one tenant's live calls: active calls with no turn for the tenant's stale time are
 * ended (the `archiveEndedCall` trigger archives them); ended calls past the tenant's retention are
 * archived if they were not yet, then pruned from the Realtime Database with their alerts and inbox
 * copies. Every step re-checks the call in a transaction or is idempotent, so sweeps may overlap.
 */
import { TenantMoving, tenantDatabase } from "./instances.js";
import { firestoreDb } from "./clients.js";
import { logger } from "firebase-functions/logger";
import {
  archiveCall,
  closeCallAlerts,
  parseCall,
  pruneCall,
  readMembers,
  transactCall,
} from "./live-store.js";
import { callsPath, firestore } from "@lifeline/model";
import { readLiveSettings } from "./settings.js";

export interface SweepResult {
  readonly tenantId: string;
  /** Calls ended for having no turn within the stale time. */
  readonly closed: string[];
  /** Ended calls removed from the live database after the retention time. */
  readonly pruned: string[];
}

export async function sweepTenant(tenantId: string, now: number): Promise<SweepResult> {
  const settings = await readLiveSettings(tenantId);
  const value: unknown = (
    await (await tenantDatabase(tenantId)).ref(callsPath(tenantId)).get()
  ).val();
  const result: SweepResult = { tenantId, closed: [], pruned: [] };
  if (typeof value !== "object" || value === null) return result;
  let memberUids: string[] | undefined;
  for (const [callId, raw] of Object.entries(value)) {
    const call = parseCall(raw);
    if (call === null) continue;
    if (call.status === "active" && call.lastMessageAt + settings.staleCallMs <= now) {
      const outcome = await transactCall(tenantId, callId, (current) =>
        current !== null &&
        current.status === "active" &&
        current.lastMessageAt + settings.staleCallMs <= now
          ? { ...current, status: "ended", endedAt: now }
          : null,
      );
      if (outcome.written !== null) result.closed.push(callId);
      continue;
    }
    const endedAt = call.endedAt ?? call.lastMessageAt;
    if (call.status !== "active" && endedAt + settings.retentionMs <= now) {
      const archive = await (
        await firestoreDb()
      )
        .doc(firestore.archivedCallDoc(tenantId, callId))
        .get();
      if (!archive.exists) {
        await archiveCall(tenantId, callId);
        await closeCallAlerts(tenantId, callId);
      }
      memberUids ??= Object.keys(await readMembers(tenantId));
      if (await pruneCall(tenantId, callId, memberUids)) result.pruned.push(callId);
    }
  }
  if (result.closed.length > 0 || result.pruned.length > 0) {
    logger.info("tenant swept", {
      tenantId,
      closed: result.closed.length,
      pruned: result.pruned.length,
    });
  }
  return result;
}

/** Every tenant with a Firestore record. */
export async function sweepAllTenants(now: number): Promise<SweepResult[]> {
  const tenants = await (
    await firestoreDb()
  )
    .collection(firestore.tenantsCollection())
    .select()
    .get();
  const results: SweepResult[] = [];
  for (const doc of tenants.docs) {
    try {
      results.push(await sweepTenant(doc.id, now));
    } catch (error) {
      if (error instanceof TenantMoving) {
        // Its calls are swept on its new instance by the next sweep after the move.
        logger.info("tenant sweep skipped: the tenant is moving", { tenantId: doc.id });
        continue;
      }
      // One tenant's bad data must not stop the others' sweep.
      logger.error("tenant sweep failed", { tenantId: doc.id, error: String(error) });
    }
  }
  return results;
}
