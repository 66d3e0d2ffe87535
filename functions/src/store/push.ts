/**
 * Web pushes through Firebase Cloud Messaging's HTTP v1 API (`POST {base}/v1/projects/{project}/
 * messages:send`, a bearer token from the Admin SDK's credential), the members' registered
 * browsers (`pushTokens/{uid}/{tokenId}`) and the create-once claim that keeps a push from going
 * out twice.
 *
 * Not `firebase-admin/messaging`: its send host is fixed (https://fcm.googleapis.com), so it cannot
 * talk to the local stand-in that speaks the same API. When emulating, `FCM_API_BASE_URL`
 * (functions/.env.local) names the stand-in and the bearer is the emulators' `owner` token; with
 * it unset, no push is sent locally. A deployed function always talks to fcm.googleapis.com.
 */
import { applicationDefault, getApp } from "firebase-admin/app";
import { tenantDatabase } from "./instances.js";
import {
  type Alert,
  type PushToken,
  pushClaimPath,
  pushTokenPath,
  pushTokensRootPath,
  pushTokenSchema,
} from "@lifeline/model";
import { logger } from "firebase-functions/logger";
import { z } from "zod";
import {
  absentRecipients,
  isUnregistered,
  pushKey,
  pushMessage,
  pushWorthy,
  type FcmMessage,
} from "../domain/push.js";
import { dashboardUrl } from "../params.js";
import { readPresence } from "./live-store.js";

const FCM_BASE_URL = "https://fcm.googleapis.com";
/** The token the Firebase emulators accept as the project's own; the stand-in checks for it. */
export const EMULATOR_BEARER = "owner";

interface FcmTarget {
  readonly base: string;
  readonly bearer: () => Promise<string>;
}

/** Where pushes go, or `undefined` when they are not configured (an emulator without a stand-in). */
export function fcmTarget(): FcmTarget | undefined {
  if (process.env.FUNCTIONS_EMULATOR === "true") {
    const base = process.env.FCM_API_BASE_URL ?? "";
    if (base === "") return undefined;
    return { base: base.replace(/\/+$/, ""), bearer: () => Promise.resolve(EMULATOR_BEARER) };
  }
  return {
    base: FCM_BASE_URL,
    bearer: async () =>
      (await (getApp().options.credential ?? applicationDefault()).getAccessToken()).access_token,
  };
}

function projectId(): string {
  const id = getApp().options.projectId ?? process.env.GCLOUD_PROJECT;
  if (id === undefined || id === "") throw new Error("no project id for FCM");
  return id;
}

export interface FcmAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Sends one message; resolves with FCM's status and JSON body, whatever the status. */
export async function sendFcm(target: FcmTarget, message: FcmMessage): Promise<FcmAnswer> {
  const response = await fetch(
    `${target.base}/v1/projects/${encodeURIComponent(projectId())}/messages:send`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${await target.bearer()}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(10_000),
    },
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): kept as text for the log.
  }
  return { status: response.status, body };
}

const byMember = z.record(z.string(), z.record(z.string(), z.unknown()));

/** Every registered browser of the tenant's members, by uid then token id; malformed ones left out. */
export async function readPushTokens(
  tenantId: string,
): Promise<Map<string, Map<string, PushToken>>> {
  const value: unknown = (
    await (await tenantDatabase(tenantId)).ref(pushTokensRootPath(tenantId)).get()
  ).val();
  const out = new Map<string, Map<string, PushToken>>();
  const members = byMember.safeParse(value);
  if (!members.success) return out;
  for (const [uid, tokens] of Object.entries(members.data)) {
    const parsed = new Map<string, PushToken>();
    for (const [tokenId, raw] of Object.entries(tokens)) {
      const token = pushTokenSchema.safeParse(raw);
      if (token.success) parsed.set(tokenId, token.data);
    }
    if (parsed.size > 0) out.set(uid, parsed);
  }
  return out;
}

/** Claims one push: true for the first caller only; a replay finds the claim and gets false. */
export async function claimPush(
  tenantId: string,
  key: string,
  claim: { readonly uid: string; readonly alertId: string },
): Promise<boolean> {
  const result = await (
    await tenantDatabase(tenantId)
  )
    .ref(pushClaimPath(tenantId, key))
    .transaction((current: unknown) =>
      current === null ? { ...claim, at: Date.now() } : undefined,
    );
  return result.committed;
}

export async function deletePushToken(tenantId: string, uid: string, tokenId: string) {
  await (await tenantDatabase(tenantId)).ref(pushTokenPath(tenantId, uid, tokenId)).remove();
}

/**
 * Pages, by web push, each recipient of `alert` who has no dashboard open and has registered a
 * browser: one claim per member per opening and level (`pushKey`), taken before sending, so a
 * redelivered trigger sends nothing twice (and a send that fails is not retried: the inbox, the
 * escalation and the nobody-watching page still stand). A token FCM no longer knows is deleted.
 */
export async function pushToAbsentMembers(
  tenantId: string,
  alertId: string,
  alert: Alert,
  recipients: readonly string[],
): Promise<void> {
  if (!pushWorthy(alert) || recipients.length === 0) return;
  const target = fcmTarget();
  if (target === undefined) return;
  const [presence, tokens] = await Promise.all([readPresence(tenantId), readPushTokens(tenantId)]);
  const absent = absentRecipients(recipients, presence, Date.now()).filter((uid) =>
    tokens.has(uid),
  );
  await Promise.all(
    absent.map(async (uid) => {
      const key = pushKey(alertId, alert, uid);
      if (!(await claimPush(tenantId, key, { uid, alertId }))) return;
      for (const [tokenId, { token }] of tokens.get(uid) ?? []) {
        const message = pushMessage(token, tenantId, alertId, alert, dashboardUrl.value());
        try {
          const answer = await sendFcm(target, message);
          if (answer.status >= 200 && answer.status < 300) {
            logger.info("push sent", { tenantId, alertId, uid, tokenId });
          } else if (isUnregistered(answer.status, answer.body)) {
            await deletePushToken(tenantId, uid, tokenId);
            logger.info("push token unregistered, deleted", { tenantId, uid, tokenId });
          } else {
            logger.warn("push refused", { tenantId, alertId, uid, tokenId, status: answer.status });
          }
        } catch (error) {
          logger.warn("push failed", { tenantId, alertId, uid, tokenId, error: String(error) });
        }
      }
    }),
  );
}
