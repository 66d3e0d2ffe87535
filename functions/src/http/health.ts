/**
 * GET health        liveness: cheap, touches no database, safe to poll.
 * GET health/ready  readiness, for a tenant admin or an operator (Firebase ID token; an operator is
 *                   a user with the custom claim `operator: true`): whether Firestore, the Realtime
 *                   Database (a read and a write) and the deferred-turn queue answer within their
 *                   budgets, and how many deferred turns wait to be written (an admin sees its
 *                   tenant's, an operator the deployment's). Always 200 when authorised: `ready`
 *                   says the verdict, each check its time; errors are the usual JSON errors.
 */
import { getAuth } from "firebase-admin/auth";
import { ServerValue } from "firebase-admin/database";
import { firestoreDb } from "../store/clients.js";
import { databaseOf } from "../store/instances.js";
import { onRequest, type Request } from "firebase-functions/v2/https";
import { DEFERRED_TURN_QUEUE } from "../domain/deferred.js";
import { countDeferredTurns, withTimeout } from "../store/deferred-turns.js";
import { HttpError } from "../http-kit/errors.js";
import { routedEndpoint } from "../http-kit/endpoint.js";
import { adminTokenChecks, bearerToken, unauthenticated } from "../http-kit/idtoken.js";
import { firestore, memberClaimsSchema } from "@lifeline/model";
import { enqueueOnce } from "../store/tasks.js";

/** Each store's budget: a store slower than this would push a speech turn past its answer budget. */
export const READINESS_BUDGET_MS = { firestore: 1000, database: 1000, queue: 3000 } as const;
/** Where the database write probe goes (functions only; the rules deny clients). */
export const READINESS_PROBE_PATH = "readiness/probe";

type Viewer = { readonly kind: "operator" } | { readonly kind: "admin"; readonly tenant: string };

async function authoriseReadiness(request: Request): Promise<Viewer> {
  const token = bearerToken(request.get("authorization"));
  if (token === undefined) throw unauthenticated("missing");
  let claims: Record<string, unknown> & { uid: string; auth_time: number };
  try {
    claims = await getAuth().verifyIdToken(token, true);
  } catch (error) {
    const code =
      typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    if (!code.startsWith("auth/")) throw error;
    throw unauthenticated(code === "auth/id-token-revoked" ? "revoked" : "invalid");
  }
  const revokedAt = await adminTokenChecks.revokedAt(claims.uid, claims.tenant);
  if (revokedAt !== null && claims.auth_time * 1000 < revokedAt) throw unauthenticated("revoked");
  if (claims.operator === true) return { kind: "operator" };
  const member = memberClaimsSchema.safeParse({ tenant: claims.tenant, role: claims.role });
  if (member.success && member.data.role === "admin") {
    return { kind: "admin", tenant: member.data.tenant };
  }
  throw new HttpError("PERMISSION_DENIED", "Readiness is for admins and operators.");
}

interface Check {
  readonly ok: boolean;
  readonly ms: number;
  readonly budgetMs: number;
  readonly error?: string;
}

async function check(
  what: string,
  budgetMs: number,
  probe: () => Promise<unknown>,
): Promise<Check> {
  const started = Date.now();
  try {
    await withTimeout(probe(), budgetMs, what);
    return { ok: true, ms: Date.now() - started, budgetMs };
  } catch (error) {
    return {
      ok: false,
      ms: Date.now() - started,
      budgetMs,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

async function readiness(viewer: Viewer) {
  const database = databaseOf(undefined);
  const [firestoreCheck, databaseCheck, queueCheck, counted] = await Promise.all([
    check("firestore", READINESS_BUDGET_MS.firestore, async () =>
      (await firestoreDb()).doc(firestore.routingConfigDoc()).get(),
    ),
    check("database", READINESS_BUDGET_MS.database, () =>
      Promise.all([
        database.ref(READINESS_PROBE_PATH).get(),
        database.ref(READINESS_PROBE_PATH).set({ at: ServerValue.TIMESTAMP }),
      ]),
    ),
    // One probe task a minute at most: a repeat within the minute is "already exists", an answer too.
    check("queue", READINESS_BUDGET_MS.queue, () =>
      enqueueOnce(
        DEFERRED_TURN_QUEUE,
        { probe: true },
        {
          id: `probe-${Math.floor(Date.now() / 60_000)}`,
          at: Date.now(),
          dispatchDeadlineSeconds: 30,
        },
      ),
    ),
    withTimeout(
      countDeferredTurns(viewer.kind === "admin" ? viewer.tenant : undefined),
      READINESS_BUDGET_MS.firestore,
      "count deferred turns",
    ).catch(() => null),
  ]);
  return {
    ready: firestoreCheck.ok && databaseCheck.ok && queueCheck.ok,
    checks: { firestore: firestoreCheck, database: databaseCheck, queue: queueCheck },
    /** Null when Firestore could not count them in time. */
    deferredTurns: counted,
    scope: viewer.kind === "admin" ? { tenantId: viewer.tenant } : { deployment: true },
    time: new Date().toISOString(),
  };
}

export async function answerHealth(request: Request): Promise<unknown> {
  const path = request.path.replace(/\/+$/, "");
  if (path === "" || path === "/") {
    return { status: "ok", time: new Date().toISOString() };
  }
  if (path === "/ready") return readiness(await authoriseReadiness(request));
  throw new HttpError("NOT_FOUND", "Use health or health/ready.");
}

/** The endpoint as deployed, apart from its trigger: a plain `(request, response)` handler. */
export const handleHealth = routedEndpoint(["GET", "HEAD"], answerHealth);

export const health = onRequest(handleHealth);
