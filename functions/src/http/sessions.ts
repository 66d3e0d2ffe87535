/**
 * A member's own sessions (Firebase ID token required):
 *   DELETE /   signs the caller out everywhere: refresh tokens revoked, `revocations/{uid}` = now,
 *              so every ID token already issued is refused by these endpoints and by the rules.
 */
import { logger } from "firebase-functions/logger";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { planRevokeSessions } from "../domain/members.js";
import { HttpError } from "../http-kit/errors.js";
import { endpoint } from "../http-kit/endpoint.js";
import { authenticateMember } from "../http-kit/idtoken.js";
import { applySteps, planSteps, revokeStep } from "../store/members.js";

export async function revokeSessions(request: Request): Promise<unknown> {
  if (request.path !== "/" && request.path !== "") {
    throw new HttpError("NOT_FOUND", "Use DELETE / to revoke your own sessions.");
  }
  const member = await authenticateMember(request.get("authorization"));
  const revokedAt = Date.now();
  const plan = planRevokeSessions(member.tenant, member.uid, revokedAt);
  await applySteps("sessions revoke", [
    revokeStep(member.uid),
    ...planSteps(member.tenant, plan, "set"),
  ]);
  logger.info("sessions revoked", { tenantId: member.tenant, uid: member.uid });
  return { uid: member.uid, revokedAt };
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleSessions = endpoint(["DELETE"], revokeSessions);

// Called from the dashboard: CORS on; the bearer token, not a cookie, carries the credential.
export const sessions = onRequest({ cors: true }, handleSessions);
