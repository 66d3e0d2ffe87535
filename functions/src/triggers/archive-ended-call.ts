/**
 * `archiveEndedCall` — on write of `tenants/{tenantId}/calls/{callId}/status`: when it becomes
 * `ended` or `missed`, archives the call to Firestore (`tenants/{t}/archive/{callId}`: summary and
 * full transcript) and closes the call's conversation alerts: a critical urgency alert nobody
 * acknowledged stays open as a follow-up ("Ended unattended: call back …", audited
 * `follow_up_open`) until a member records its outcome (`closeFollowUp`); the others are resolved,
 * the ones nobody ever acknowledged marked "ended unattended". The live data stays until the
 * tenant's retention has passed and no follow-up is open; the sweeper prunes it. Archiving again
 * writes the same records.
 */
import { logger } from "firebase-functions/logger";
import { onValueWritten } from "firebase-functions/v2/database";
import { isTenantInstance, lifelineInstances } from "../store/instances.js";
import { archiveCall, closeCallAlerts } from "../store/live-store.js";

export const archiveEndedCall = onValueWritten(
  { ref: "tenants/{tenantId}/calls/{callId}/status", instance: lifelineInstances() },
  async (event) => {
    const { tenantId, callId } = event.params;
    if (!(await isTenantInstance(tenantId, event.instance, "archiveEndedCall"))) return;
    const status: unknown = event.data.after.val();
    if (status !== "ended" && status !== "missed") return;
    const archived = await archiveCall(tenantId, callId);
    if (!archived) {
      logger.warn("ended call could not be read; not archived", { tenantId, callId });
      return;
    }
    const closed = await closeCallAlerts(tenantId, callId);
    logger.info("call archived", {
      tenantId,
      callId,
      status,
      alertsResolved: closed.resolved.length,
      followUps: closed.followUps.length,
    });
  },
);
