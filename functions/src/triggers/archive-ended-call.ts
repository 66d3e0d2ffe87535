/**
 * `archiveEndedCall` — on create of `tenants/{tenantId}/calls/{callId}/endedAt`, which is written
 * exactly when a call ends or is recorded as missed, with its status (`planCallEnded`,
 * `planMissedCall`, the sweeper): archives the call to Firestore (`tenants/{t}/archive/{callId}`: summary and
 * full transcript) and closes the call's conversation alerts: a critical urgency alert nobody
 * acknowledged stays open as a follow-up ("Ended unattended: call back …", audited
 * `follow_up_open`) until a member records its outcome (`closeFollowUp`); the others are resolved,
 * the ones nobody ever acknowledged marked "ended unattended". The live data stays until the
 * tenant's retention has passed and no follow-up is open; the sweeper prunes it. Archiving again
 * writes the same records.
 */
import { logger } from "firebase-functions/logger";
import { onValueCreated } from "firebase-functions/v2/database";
import { isTenantInstance, lifelineInstances, onEventInstance } from "../store/instances.js";
import { archiveCall, closeCallAlerts } from "../store/live-store.js";

// Listening on `endedAt` rather than `status` spares an invocation per call: `status` is also
// written when the call starts, and that run would only exit.
export const archiveEndedCall = onValueCreated(
  { ref: "tenants/{tenantId}/calls/{callId}/endedAt", instance: lifelineInstances() },
  onEventInstance(async (event) => {
    const { tenantId, callId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "archiveEndedCall"))) return;
    const archived = await archiveCall(tenantId, callId);
    if (!archived) {
      logger.warn("ended call could not be read; not archived", { tenantId, callId });
      return;
    }
    const closed = await closeCallAlerts(tenantId, callId);
    logger.info("call archived", {
      tenantId,
      callId,
      alertsResolved: closed.resolved.length,
      followUps: closed.followUps.length,
    });
  }),
);
