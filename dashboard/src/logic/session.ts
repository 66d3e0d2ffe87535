/**
 * Whether the signed-in session may go on: the member's own record and its revocation are
 * watched, and the page signs itself out the moment either says the access it was signed in with
 * is gone. The rules refuse such a session anyway; signing out at once means the console never
 * looks live while every write it makes is refused. Pure.
 */
import type { MemberMirror, Role, TenantMove } from "@lifeline/model";

/** Shown while the page reconnects to the instance its tenant moved to. */
export const TENANT_MOVED_NOTICE =
  "Your organisation's live data moved to another server: reconnecting…";

/** Shown on the sign-in page after the page signed itself out for one of these reasons. */
export const ACCESS_CHANGED_NOTICE = "Your access was changed by an administrator; sign in again.";

export interface SessionFacts {
  /** The role in the token the page signed in with. */
  readonly role: Role;
  /** When that sign-in happened (the token's `auth_time`), in ms. */
  readonly authTimeMs: number;
}

/** What the watched nodes hold; `undefined` until their first value arrived. */
export interface AccessState {
  /** `null` once the member record is known to be absent. */
  readonly member?: MemberMirror | null;
  /** `null` once `revocations/{uid}` is known to be absent. */
  readonly revokedAt?: number | null;
  /**
   * The instance the tenant moved to (`tenants/{t}/movedTo` on the one the page is connected to);
   * `null` once known to be absent.
   */
  readonly movedTo?: string | null;
  /** The move in progress (`tenants/{t}/moving`); `null` once known to be absent. */
  readonly moving?: TenantMove | null;
}

/**
 * What the page says while its tenant moves to another instance: the rules refuse every write
 * until the page has reconnected there, so a supervisor must know why an action fails, and that
 * callers are still answered. Undefined when no move is under way (or it is done: the page is
 * reconnecting, which says so itself).
 */
export function movingNotice(state: AccessState): string | undefined {
  if (state.moving === undefined || state.moving === null) return undefined;
  if (typeof state.movedTo === "string") return undefined;
  return "Moving to another server: your actions are paused for about a minute. The assistant keeps answering every caller; this page reconnects on its own.";
}

export type AccessVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly why: "removed" | "role_changed" | "revoked" }
  | { readonly ok: false; readonly why: "moved"; readonly to: string };

/**
 * A revocation counts when it is later than the sign-in, the comparison the rules make
 * (`auth_time * 1000 >= revocation` is still allowed).
 */
export function accessVerdict(session: SessionFacts, state: AccessState): AccessVerdict {
  // The tenant moved to another instance: what this one says about the member (its copy is
  // removed right after) no longer counts. The page reconnects there with a fresh token.
  if (typeof state.movedTo === "string") return { ok: false, why: "moved", to: state.movedTo };
  if (state.member === null) return { ok: false, why: "removed" };
  if (state.member !== undefined && state.member.role !== session.role) {
    return { ok: false, why: "role_changed" };
  }
  if (typeof state.revokedAt === "number" && state.revokedAt > session.authTimeMs) {
    return { ok: false, why: "revoked" };
  }
  return { ok: true };
}

/** True for the error a listener is cancelled with when the rules refuse it. */
export function isPermissionDenied(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${"code" in error ? String(error.code) : ""} ${error.message}`
      : String(error);
  return /permission.denied/i.test(text);
}
