import { expect } from "chai";
import { type Alert, PRESENCE } from "@lifeline/model";
import {
  absentRecipients,
  hasLiveDashboard,
  isUnregistered,
  pushKey,
  pushMessage,
  pushWorthy,
} from "../../src/domain/push.js";

const NOW = 10_000_000;
const alert: Alert = {
  kind: "urgency",
  severity: "critical",
  callId: "c1",
  title: "Critical call: bleeding",
  at: 5_000,
  status: "open",
  level: 0,
};

describe("pushWorthy", () => {
  it("pages for an open critical alert and an open nobody-watching page only", () => {
    expect(pushWorthy(alert)).to.equal(true);
    expect(pushWorthy({ ...alert, kind: "unwatched" })).to.equal(true);
    expect(pushWorthy({ ...alert, severity: "urgent" })).to.equal(false);
    expect(pushWorthy({ ...alert, status: "acknowledged" })).to.equal(false);
    expect(pushWorthy({ ...alert, kind: "unwatched", status: "resolved" })).to.equal(false);
  });
});

describe("absentRecipients / hasLiveDashboard", () => {
  it("keeps members with no presence, an offline one or a stale one; drops online and away", () => {
    const presence = {
      online: { state: "online", lastSeen: NOW - 1_000 },
      away: { state: "away", lastSeen: NOW - 1_000 },
      offline: { state: "offline", lastSeen: NOW - 1_000 },
      stale: { state: "online", lastSeen: NOW - PRESENCE.freshMs - 1 },
    };
    expect(
      absentRecipients(["online", "away", "offline", "stale", "none"], presence, NOW),
    ).to.deep.equal(["offline", "stale", "none"]);
    expect(hasLiveDashboard({ state: "online", lastSeen: NOW - PRESENCE.freshMs }, NOW)).to.equal(
      true,
    );
  });
});

describe("pushKey", () => {
  it("differs by opening, level and member, and is the same for a replay", () => {
    const key = pushKey("c1-urgency", alert, "u1");
    expect(pushKey("c1-urgency", { ...alert }, "u1")).to.equal(key);
    expect(pushKey("c1-urgency", { ...alert, at: 6_000 }, "u1")).to.not.equal(key);
    expect(pushKey("c1-urgency", { ...alert, level: 1 }, "u1")).to.not.equal(key);
    expect(pushKey("c1-urgency", alert, "u2")).to.not.equal(key);
  });
});

describe("pushMessage", () => {
  it("builds FCM HTTP v1's web push message, tagged by call, linking to the call", () => {
    expect(pushMessage("tok", "t1", "c1-urgency", alert, "https://x.web.app/")).to.deep.equal({
      message: {
        token: "tok",
        webpush: {
          notification: {
            title: "Critical call: bleeding",
            body: "Open Lifeline to acknowledge or take over.",
            tag: "call:c1",
            requireInteraction: true,
          },
          fcm_options: { link: "https://x.web.app/?call=c1" },
        },
        data: {
          tenantId: "t1",
          alertId: "c1-urgency",
          kind: "urgency",
          severity: "critical",
          callId: "c1",
        },
      },
    });
  });

  it("sends no link without a dashboard URL, and tags an alert about no call by its id", () => {
    const vitals: Alert = {
      kind: "vitals",
      severity: "critical",
      subjectId: "s1",
      title: "SpO2 80 %",
      at: 5_000,
      status: "open",
      level: 0,
    };
    const message = pushMessage("tok", "t1", "s1-vitals", vitals, "");
    expect(message.message.webpush).to.not.have.property("fcm_options");
    expect(message.message.webpush.notification.tag).to.equal("alert:s1-vitals");
  });
});

describe("isUnregistered", () => {
  it("reads FCM's 404 and its UNREGISTERED detail as a token to delete, nothing else", () => {
    expect(isUnregistered(404, { error: { status: "NOT_FOUND" } })).to.equal(true);
    expect(
      isUnregistered(400, {
        error: { details: [{ errorCode: "UNREGISTERED" }] },
      }),
    ).to.equal(true);
    expect(isUnregistered(500, { error: { status: "INTERNAL" } })).to.equal(false);
    expect(isUnregistered(401, "UNAUTHENTICATED")).to.equal(false);
  });
});
