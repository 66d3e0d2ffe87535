/**
 * Credentials → who is asking (spec §7). Tokens are decoded, never verified: the emulator accepts the
 * unsigned tokens of rules-unit-testing and the Auth emulator as well as production-signed ones. A
 * token already past its `exp` is accepted (test tokens are routinely "expired in 1970"); one that
 * expires while a connection uses it is revoked then (`expiresAtMs`), as production does.
 */
import { ADMIN, UNAUTHENTICATED, type AuthContext, type AuthVariable } from "../engine/types.js";

export type Claims = Readonly<Record<string, unknown>>;

export type AuthOutcome =
  /** `reply` is the `d` of the `{s:"ok"}` answer (the client ignores it, production sends auth/expires). */
  | {
      readonly ok: true;
      readonly context: AuthContext;
      readonly reply: unknown;
      /** When an ID token's `exp` says it stops being valid (ms); absent for access tokens. */
      readonly expiresAtMs?: number;
    }
  | { readonly ok: false; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeSegment(segment: string): unknown {
  if (!/^[A-Za-z0-9_\-+/]*={0,2}$/.test(segment)) throw new Error("not base64url");
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}

/** Decodes a JWT's claims without checking the signature; throws with a reason when it is not one. */
export function decodeJwtClaims(token: string): Claims {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("Token is not a JWT (expected three segments)");
  const [header, payload] = parts;
  let decodedHeader: unknown;
  let claims: unknown;
  try {
    decodedHeader = decodeSegment(header ?? "");
    claims = decodeSegment(payload ?? "");
  } catch {
    throw new Error("Could not parse auth token.");
  }
  if (!isRecord(decodedHeader) || !isRecord(claims)) throw new Error("Could not parse auth token.");
  return claims;
}

/** The rules' `auth` variable for decoded ID-token claims (§7.2): `token` carries every claim. */
export function authVariableFromClaims(claims: Claims): AuthVariable {
  const subject = claims["sub"] ?? claims["user_id"];
  const firebase = claims["firebase"];
  const provider = isRecord(firebase) ? firebase["sign_in_provider"] : undefined;
  return {
    uid: typeof subject === "string" ? subject : "",
    provider: typeof provider === "string" ? provider : "custom",
    token: claims,
  };
}

/** A user context for an ID token (WebSocket `auth`, REST `?auth=`); throws with a reason on garbage. */
export function userContextFromIdToken(token: string): AuthContext {
  return { admin: false, variable: authVariableFromClaims(decodeJwtClaims(token)) };
}

/**
 * `databaseAuthVariableOverride`: `authvar` evaluates the rules as that auth, `noauth:true` as
 * unauthenticated. Returns undefined when the body carries neither.
 */
function overrideContext(body: Record<string, unknown>): AuthContext | undefined {
  if (body["noauth"] === true) return UNAUTHENTICATED;
  const authvar = body["authvar"];
  if (authvar === undefined) return undefined;
  if (!isRecord(authvar)) return UNAUTHENTICATED;
  const uid = authvar["uid"];
  const provider = authvar["provider"];
  const token = authvar["token"];
  return {
    admin: false,
    variable: {
      ...authvar,
      uid: typeof uid === "string" ? uid : "",
      provider: typeof provider === "string" ? provider : "custom",
      token: isRecord(token) ? token : {},
    },
  };
}

function okReply(context: AuthContext, expires: unknown): AuthOutcome {
  const auth = context.admin ? { admin: true } : context.variable;
  return { ok: true, context, reply: { auth, expires: typeof expires === "number" ? expires : 0 } };
}

/**
 * Handles the bodies of the `auth` and `gauth` actions (§3.1, §7.1). `gauth` carries an access token
 * (`owner`, or a Google OAuth token) and means admin; `auth` carries an ID token and means that user.
 */
export function authenticate(action: "auth" | "gauth", body: unknown): AuthOutcome {
  if (!isRecord(body) || typeof body["cred"] !== "string") {
    return { ok: false, reason: "Missing or invalid credential." };
  }
  const credential = body["cred"];
  const override = overrideContext(body);
  if (action === "gauth") return okReply(override ?? ADMIN, undefined);
  let claims: Claims;
  try {
    claims = decodeJwtClaims(credential);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : "Invalid token." };
  }
  const expires = claims["exp"];
  const outcome = okReply(
    override ?? { admin: false, variable: authVariableFromClaims(claims) },
    expires,
  );
  return typeof expires === "number" && Number.isFinite(expires) && outcome.ok
    ? { ...outcome, expiresAtMs: expires * 1000 }
    : outcome;
}
