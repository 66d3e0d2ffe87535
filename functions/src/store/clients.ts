/**
 * The Admin SDK clients that cost a cold start most to load, loaded on first use: every deployed
 * function loads this whole bundle, and Firestore (with gRPC) or the Cloud Tasks client would make
 * each of them pay for what only some use. Each module is imported once per instance.
 * The Realtime Database and Auth clients are not here: the trigger and HTTPS providers of
 * firebase-functions load them anyway.
 */
import type { Firestore } from "firebase-admin/firestore";
import type { Functions } from "firebase-admin/functions";

let firestoreClient: Promise<Firestore> | undefined;
let functionsClient: Promise<Functions> | undefined;

/**
 * The default app's Firestore, over gRPC. Not `preferRest`: over REST the client reads an error's
 * code from the HTTP status, where ALREADY_EXISTS and ABORTED are both 409, so a `create()` under a
 * deterministic id that already exists is retried as contention instead of failing at once; the
 * ~80 ms REST saves on an instance's first request does not pay for that (README, Performance).
 */
export function firestoreDb(): Promise<Firestore> {
  firestoreClient ??= import("firebase-admin/firestore").then((module) => module.getFirestore());
  return firestoreClient;
}

/** The default app's Cloud Functions client (task queues). */
export function functionsAdmin(): Promise<Functions> {
  functionsClient ??= import("firebase-admin/functions").then((module) => module.getFunctions());
  return functionsClient;
}
