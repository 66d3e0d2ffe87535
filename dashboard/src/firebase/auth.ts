/** Sign-in and the session the ID token's custom claims describe. */
import {
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signOut as signOutOfAuth,
  type Auth,
  type User,
} from "firebase/auth";
import { instanceName, memberClaimsSchema, type Role } from "@lifeline/model";

/** Who is signed in, as the token's custom claims say. */
export interface Session {
  readonly uid: string;
  readonly email: string;
  readonly tenant: string;
  readonly role: Role;
  /** When this session signed in (the token's `auth_time`), in ms: revocations are compared to it. */
  readonly authTimeMs: number;
  /** The database instance the tenant lives on (the `db` claim); undefined: the default one. */
  readonly database?: string;
}

export type SessionState =
  | { readonly kind: "signedOut" }
  | { readonly kind: "noMembership"; readonly email: string }
  | { readonly kind: "member"; readonly session: Session };

async function sessionOf(user: User): Promise<SessionState> {
  const token = await user.getIdTokenResult();
  const claims = memberClaimsSchema.safeParse({
    tenant: token.claims.tenant,
    role: token.claims.role,
  });
  const email = user.email ?? user.uid;
  if (!claims.success) return { kind: "noMembership", email };
  const authTime = token.claims.auth_time;
  const database = instanceName.safeParse(token.claims.db);
  const authTimeMs =
    typeof authTime === "number" ? authTime * 1000 : Date.parse(token.authTime) || 0;
  return {
    kind: "member",
    session: {
      uid: user.uid,
      email,
      tenant: claims.data.tenant,
      role: claims.data.role,
      authTimeMs,
      ...(database.success ? { database: database.data } : {}),
    },
  };
}

/** Follows sign-in, sign-out and every token refresh (claims may change with a refresh). */
export function onSession(auth: Auth, callback: (state: SessionState) => void): () => void {
  return onIdTokenChanged(auth, (user) => {
    if (user === null) {
      callback({ kind: "signedOut" });
      return;
    }
    void sessionOf(user).then(callback, (error: unknown) => {
      console.error("could not read the token's claims", error);
      callback({ kind: "signedOut" });
    });
  });
}

export async function signIn(auth: Auth, email: string, password: string): Promise<void> {
  await signInWithEmailAndPassword(auth, email, password);
}

export async function signOut(auth: Auth): Promise<void> {
  await signOutOfAuth(auth);
}
