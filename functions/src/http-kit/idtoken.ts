/**
 * Who is calling: a member of a tenant, proven by a Firebase ID token in `Authorization: Bearer …`.
 * The token is verified by the Admin SDK with its revocation check (signature, expiry, audience,
 * disabled or revoked user), then held to Lifeline's own revocation record `revocations/{uid}`,
 * the one the database rules read, so HTTPS and the rules refuse exactly the same tokens.
 * 401 (with `WWW-Authenticate`) means "who are you"; 403 means "a valid user, but not a member".
 */
import { getAuth } from "firebase-admin/auth";
import { HttpError } from "./errors.js";
import { memberClaimsSchema, revocationPath, type Role } from "@lifeline/model";
import { databaseOf, tenantDatabase } from "../store/instances.js";

export const REALM = "lifeline";

export interface Member {
  readonly uid: string;
  readonly tenant: string;
  readonly role: Role;
  /** When the member signed in, in seconds (the token's `auth_time`). */
  readonly authTime: number;
}

/** The claims of a verified token this module reads. */
export interface VerifiedToken {
  readonly uid: string;
  readonly auth_time: number;
  readonly [claim: string]: unknown;
}

/** The two lookups authentication needs; the default uses the Admin SDK. */
export interface TokenChecks {
  /** Verifies signature, expiry and Firebase Auth revocation; rejects with an `auth/…` error otherwise. */
  readonly verify: (token: string) => Promise<VerifiedToken>;
  /**
   * `revocations/{uid}` in ms, or null when the member never revoked its sessions. It is on the
   * instance of the tenant the token names (the one whose rules read it); the default instance's
   * for a token that names no tenant.
   */
  readonly revokedAt: (uid: string, tenant: unknown) => Promise<number | null>;
}

export const adminTokenChecks: TokenChecks = {
  verify: (token) => getAuth().verifyIdToken(token, true),
  revokedAt: async (uid, tenant) => {
    const db = typeof tenant === "string" ? await tenantDatabase(tenant) : databaseOf(undefined);
    const value: unknown = (await db.ref(revocationPath(uid)).get()).val();
    return typeof value === "number" ? value : null;
  },
};

/** The token in an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}

/** RFC 6750 §3: a request without credentials gets the realm only; a bad token gets `invalid_token`. */
export function unauthenticated(reason: "missing" | "invalid" | "revoked"): HttpError {
  const messages = {
    missing: "Send a Firebase ID token as Authorization: Bearer <token>.",
    invalid: "The ID token is invalid or expired.",
    revoked: "The ID token was revoked; sign in again.",
  } as const;
  const challenge =
    reason === "missing"
      ? `Bearer realm="${REALM}"`
      : `Bearer realm="${REALM}", error="invalid_token", error_description="${messages[reason]}"`;
  return new HttpError("UNAUTHENTICATED", messages[reason], {
    headers: { "WWW-Authenticate": challenge },
  });
}

/** Admin SDK error codes that say nothing about the caller's token but about our own setup. */
const SERVER_SIDE_AUTH_ERRORS = new Set([
  "auth/internal-error",
  "auth/insufficient-permission",
  "auth/invalid-credential",
  "auth/project-not-found",
]);

function authErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = error.code;
  return typeof code === "string" && code.startsWith("auth/") ? code : undefined;
}

/**
 * Authenticates the caller as a member of some tenant. Throws 401 when the token is missing,
 * invalid, expired, revoked (by Firebase Auth or by `revocations/{uid}`) or its user is disabled;
 * 403 when the user carries no valid `{tenant, role}` claims.
 */
export async function authenticateMember(
  authorization: string | undefined,
  checks: TokenChecks = adminTokenChecks,
): Promise<Member> {
  const token = bearerToken(authorization);
  if (token === undefined) throw unauthenticated("missing");
  let verified: VerifiedToken;
  try {
    verified = await checks.verify(token);
  } catch (error) {
    const code = authErrorCode(error);
    if (code === undefined || SERVER_SIDE_AUTH_ERRORS.has(code)) throw error;
    throw code === "auth/id-token-revoked"
      ? unauthenticated("revoked")
      : unauthenticated("invalid");
  }
  const revokedAt = await checks.revokedAt(verified.uid, verified.tenant);
  // Same comparison as the rules: a token signed in before the revocation instant is refused.
  if (revokedAt !== null && verified.auth_time * 1000 < revokedAt) throw unauthenticated("revoked");
  const claims = memberClaimsSchema.safeParse({ tenant: verified.tenant, role: verified.role });
  if (!claims.success) {
    throw new HttpError("PERMISSION_DENIED", "This account is not a member of any tenant.");
  }
  return {
    uid: verified.uid,
    tenant: claims.data.tenant,
    role: claims.data.role,
    authTime: verified.auth_time,
  };
}
