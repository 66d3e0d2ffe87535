/**
 * The HTTPS functions the page calls with the member's ID token: history, members (admins), and
 * revoking sessions. A refusal throws `EndpointError` with the endpoint's own message and the
 * issues it names by field, so the page shows them as given.
 */
import type { Firebase } from "./app.js";
import { signOut } from "./auth.js";
import {
  archivedCallResponseSchema,
  historyPageSchema,
  type ArchivedCallResponse,
  type HistoryPage,
} from "../logic/history.js";

/** The endpoint's `{error: {message, details: {issues}}}`, kept as the page shows it. */
export class EndpointError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Issue messages by top-level field name ("" for the body as a whole). */
    readonly fields: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = "EndpointError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function endpointError(body: unknown, status: number): EndpointError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const message = typeof error.message === "string" ? error.message : `HTTP ${status}`;
  const fields: Record<string, string> = {};
  const issues = isRecord(error.details) ? error.details.issues : undefined;
  if (Array.isArray(issues)) {
    for (const issue of issues) {
      if (!isRecord(issue) || typeof issue.message !== "string") continue;
      const path = Array.isArray(issue.path) ? issue.path : [];
      const field = typeof path[0] === "string" ? path[0] : "";
      fields[field] =
        fields[field] === undefined ? issue.message : `${fields[field]}; ${issue.message}`;
    }
  }
  return new EndpointError(message, status, fields);
}

async function callFunction(
  firebase: Firebase,
  method: string,
  path: string,
  json?: unknown,
): Promise<unknown> {
  const user = firebase.auth.currentUser;
  if (user === null) throw new Error("Not signed in.");
  const headers: Record<string, string> = { authorization: `Bearer ${await user.getIdToken()}` };
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${firebase.endpoints.functionsBase}${path}`, {
    method,
    headers,
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw endpointError(body, response.status);
  return body;
}

/** POST /members/{tenant}: a new member (admins). */
export async function createMember(
  firebase: Firebase,
  tenant: string,
  request: { email: string; password: string; name: string; role: string; subjects: string[] },
): Promise<void> {
  await callFunction(firebase, "POST", `/members/${encodeURIComponent(tenant)}`, request);
}

/** PATCH /members/{tenant}/{uid}: role, name or the whole subject list. */
export async function updateMember(
  firebase: Firebase,
  tenant: string,
  uid: string,
  change: { role?: string; subjects?: string[] },
): Promise<void> {
  await callFunction(
    firebase,
    "PATCH",
    `/members/${encodeURIComponent(tenant)}/${encodeURIComponent(uid)}`,
    change,
  );
}

/** DELETE /members/{tenant}/{uid}. */
export async function removeMember(firebase: Firebase, tenant: string, uid: string): Promise<void> {
  await callFunction(
    firebase,
    "DELETE",
    `/members/${encodeURIComponent(tenant)}/${encodeURIComponent(uid)}`,
  );
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
  filters: Readonly<Record<string, string>> = {},
  limit = 20,
): Promise<HistoryPage> {
  const params = new URLSearchParams({ limit: String(limit), ...filters });
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
