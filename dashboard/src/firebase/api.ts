/** The HTTPS functions the page calls with the member's ID token: history, and revoking sessions. */
import type { Firebase } from "./app.js";
import { signOut } from "./auth.js";
import {
  archivedCallResponseSchema,
  historyPageSchema,
  type ArchivedCallResponse,
  type HistoryPage,
} from "../logic/history.js";

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = body.error;
  if (typeof error !== "object" || error === null || !("message" in error)) return undefined;
  return typeof error.message === "string" ? error.message : undefined;
}

async function callFunction(firebase: Firebase, method: string, path: string): Promise<unknown> {
  const user = firebase.auth.currentUser;
  if (user === null) throw new Error("Not signed in.");
  const response = await fetch(`${firebase.endpoints.functionsBase}${path}`, {
    method,
    headers: { authorization: `Bearer ${await user.getIdToken()}` },
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(errorMessage(body) ?? `HTTP ${response.status}`);
  return body;
}

/** Revokes every session of this member (all devices), then signs out here. */
export async function signOutEverywhere(firebase: Firebase): Promise<void> {
  await callFunction(firebase, "DELETE", "/sessions");
  await signOut(firebase.auth);
}

export async function historyPage(
  firebase: Firebase,
  tenant: string,
  cursor: string | undefined,
  limit = 20,
): Promise<HistoryPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor !== undefined) params.set("cursor", cursor);
  const body = await callFunction(
    firebase,
    "GET",
    `/history/${encodeURIComponent(tenant)}?${params.toString()}`,
  );
  return historyPageSchema.parse(body);
}

export async function archivedCall(
  firebase: Firebase,
  tenant: string,
  callId: string,
): Promise<ArchivedCallResponse> {
  const body = await callFunction(
    firebase,
    "GET",
    `/history/${encodeURIComponent(tenant)}/${encodeURIComponent(callId)}`,
  );
  return archivedCallResponseSchema.parse(body);
}
