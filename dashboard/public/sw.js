// Lifeline's service worker: shows the web pushes Firebase Cloud Messaging delivers while no
// dashboard of the member is open, and opens the call when one is clicked. Plain script, no
// imports: served from the page's own origin, so the page's Content-Security-Policy allows it.
// FCM delivers the HTTP v1 message's `webpush.notification`, `fcm_options.link` and `data`
// as this push's JSON payload (`notification`, `fcmOptions.link`, `data`).
"use strict";

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

function payloadOf(event) {
  try {
    return event.data ? event.data.json() : {};
  } catch {
    return { notification: { title: event.data ? event.data.text() : "Lifeline" } };
  }
}

self.addEventListener("push", (event) => {
  const payload = payloadOf(event);
  const notification = payload.notification || {};
  const data = payload.data || {};
  const link = (payload.fcmOptions && payload.fcmOptions.link) || self.registration.scope;
  event.waitUntil(
    self.registration.showNotification(notification.title || "Lifeline: a call needs you", {
      body: notification.body || "Open Lifeline to act.",
      tag: notification.tag || data.alertId || "lifeline",
      requireInteraction: true,
      data: { link },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const link = (event.notification.data && event.notification.data.link) || self.registration.scope;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        return open.focus().then((client) => client.navigate(link));
      }
      return self.clients.openWindow(link);
    }),
  );
});
