/**
 * Web push planning: which alerts page members who have no dashboard open, who they are, the
 * claim key that keeps one push per member per opening and level, and the FCM HTTP v1 message.
 * Pure: no Firebase imports.
 */
import { type Alert, PRESENCE } from "@lifeline/model";
import type { PresenceSeen } from "./fanout.js";

/** What rings a dashboard rings a browser: an open critical alert, or a nobody-watching page. */
export function pushWorthy(alert: Pick<Alert, "status" | "severity" | "kind">): boolean {
  return alert.status === "open" && (alert.severity === "critical" || alert.kind === "unwatched");
}

/**
 * Whether a member has a dashboard open at `now`: a presence record that is not `offline` and was
 * heard from within `PRESENCE.freshMs`. `away` counts (the tab is open in the background, where it
 * sounds and notifies by itself); a stale `online` does not (a sleeping laptop).
 */
export function hasLiveDashboard(presence: PresenceSeen | undefined, now: number): boolean {
  return (
    presence !== undefined &&
    presence.state !== "offline" &&
    now - presence.lastSeen <= PRESENCE.freshMs
  );
}

/** The recipients with no dashboard open: only they get a push. */
export function absentRecipients(
  recipients: readonly string[],
  presence: Readonly<Record<string, PresenceSeen>>,
  now: number,
): string[] {
  return recipients.filter((uid) => !hasLiveDashboard(presence[uid], now));
}

/**
 * The claim of one push: an alert's opening (`at`, so an alert that reopens pages again), its
 * level (an escalation reaches new members and pages again) and the member. A redelivered or
 * repeated trigger finds the claim and sends nothing.
 */
export function pushKey(alertId: string, alert: Pick<Alert, "at" | "level">, uid: string): string {
  return `${alertId}-${alert.at}-${alert.level}-${uid}`;
}

export interface FcmMessage {
  readonly message: {
    readonly token: string;
    readonly webpush: {
      readonly notification: {
        readonly title: string;
        readonly body: string;
        readonly tag: string;
        readonly requireInteraction: boolean;
      };
      readonly fcm_options?: { readonly link: string };
    };
    readonly data: Readonly<Record<string, string>>;
  };
}

/**
 * The FCM HTTP v1 message for one browser. The tag is the incident's (the call's, as the dashboard
 * tags its own notifications), so a push and a tab's notification about one call are one. The
 * link opens the call; FCM needs an HTTPS link, so none is sent without a dashboard URL.
 */
export function pushMessage(
  token: string,
  tenantId: string,
  alertId: string,
  alert: Pick<Alert, "title" | "kind" | "callId" | "severity">,
  dashboardUrl: string,
): FcmMessage {
  const tag = alert.callId === undefined ? `alert:${alertId}` : `call:${alert.callId}`;
  const link =
    dashboardUrl === ""
      ? undefined
      : `${dashboardUrl.replace(/\/+$/, "")}/${
          alert.callId === undefined ? "" : `?call=${encodeURIComponent(alert.callId)}`
        }`;
  return {
    message: {
      token,
      webpush: {
        notification: {
          title: alert.title,
          body:
            alert.kind === "unwatched"
              ? "Nobody is watching this call. Open Lifeline to act."
              : "Open Lifeline to acknowledge or take over.",
          tag,
          requireInteraction: true,
        },
        ...(link === undefined ? {} : { fcm_options: { link } }),
      },
      data: {
        tenantId,
        alertId,
        kind: alert.kind,
        severity: alert.severity,
        ...(alert.callId === undefined ? {} : { callId: alert.callId }),
      },
    },
  };
}

/**
 * FCM's answer for a token it no longer knows (the browser unsubscribed, the registration
 * expired): 404 NOT_FOUND, or an error detail naming UNREGISTERED. Such a token is deleted.
 */
export function isUnregistered(status: number, body: unknown): boolean {
  if (status === 404) return true;
  return JSON.stringify(body ?? null).includes('"UNREGISTERED"');
}
