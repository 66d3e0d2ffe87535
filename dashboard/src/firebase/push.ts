/**
 * Web push for this browser: the service worker (`/sw.js`) registered, an FCM registration token
 * obtained with `firebase/messaging` (loaded on first use) and stored as the member's own
 * `pushTokens/{uid}/{tokenId}`, where the functions find it to page the member while none of its
 * dashboards is open. Only where it can work: FCM has no emulator, so a page on the emulator suite
 * skips it, as does a build without a VAPID key (`VITE_FCM_VAPID_KEY`) or a browser without
 * service workers or push.
 */
import { ref, remove, serverTimestamp, set } from "firebase/database";
import { LIMITS, pushTokenPath } from "@lifeline/model";
import type { Session } from "./auth.js";
import type { Firebase } from "./app.js";

export type PushRegistration = "registered" | "skipped";

/** The token's id: a hash, so one browser re-registering rewrites its own record. */
async function tokenId(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest).slice(0, 20), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
}

const STORED_TOKEN_ID = "lifeline.push.tokenId";

export async function registerPush(
  firebase: Firebase,
  session: Session,
): Promise<PushRegistration> {
  const vapidKey = import.meta.env.VITE_FCM_VAPID_KEY ?? "";
  if (firebase.usesEmulators || vapidKey === "" || !("serviceWorker" in navigator)) {
    return "skipped";
  }
  // `getToken` is marked deprecated in favour of Installation-ID registration (`register`,
  // `onRegistered`), whose send target FCM's HTTP v1 `messages:send` (and so the stand-in the
  // functions are tested against) does not document yet; the registration token is what it names.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const { getMessaging, getToken, isSupported } = await import("firebase/messaging");
  if (!(await isSupported())) return "skipped";
  const serviceWorkerRegistration = await navigator.serviceWorker.register("/sw.js");
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const token = await getToken(getMessaging(firebase.app), { vapidKey, serviceWorkerRegistration });
  const id = await tokenId(token);
  await set(ref(firebase.db, pushTokenPath(session.tenant, session.uid, id)), {
    token,
    at: serverTimestamp(),
    userAgent: navigator.userAgent.slice(0, LIMITS.pushUserAgent),
  });
  localStorage.setItem(STORED_TOKEN_ID, id);
  return "registered";
}

/** Signing out of this browser: it is paged no more for this member. */
export async function unregisterPush(firebase: Firebase, session: Session): Promise<void> {
  const id = localStorage.getItem(STORED_TOKEN_ID);
  if (id === null) return;
  localStorage.removeItem(STORED_TOKEN_ID);
  await remove(ref(firebase.db, pushTokenPath(session.tenant, session.uid, id)));
}
