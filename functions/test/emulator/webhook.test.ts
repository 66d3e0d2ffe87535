/**
 * Outgoing webhooks as a receiver sees them, through the Functions emulator and its task queue:
 * the nobody-watching page is signed the Standard Webhooks way and verified here with the
 * `standardwebhooks` package; tampering, staleness and a wrong secret are refused; a receiver
 * that is down gets the event once it is back, under the same `webhook-id`, and an application
 * that deduplicates on that id sees it once.
 */
import { expect } from "chai";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { type Alert, alertPath, memberPath } from "@lifeline/model";
import { signatureHeaders } from "../../src/store/webhook.js";
import { adminSdk, freshId, type Admin } from "./support/emulators.js";
import { newTenant, replayDatabaseEvent, waitFor } from "./support/triggers-env.js";
import {
  localWebhookSecret,
  startWebhookStandIn,
  type WebhookCall,
  type WebhookStandIn,
} from "./support/triggers-webhook.js";

let admin: Admin;
let receiver: WebhookStandIn;
let secret: string;

before(async () => {
  admin = adminSdk();
  receiver = await startWebhookStandIn();
  secret = localWebhookSecret();
});

after(async () => {
  await receiver.close();
  await admin.close();
});

function headersOf(call: WebhookCall): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers)) {
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}

/** What the receiving application does: verify, then act once per `webhook-id`. */
class ReceivingApp {
  readonly events = new Map<string, unknown>();
  verified = 0;

  constructor(private readonly verifier: Webhook) {}

  receive(call: WebhookCall): void {
    const payload = this.verifier.verify(call.raw, headersOf(call));
    this.verified++;
    const id = headersOf(call)["webhook-id"] ?? "";
    if (!this.events.has(id)) this.events.set(id, payload);
  }
}

/**
 * A tenant with the receiver as its unwatched webhook (its own path), one admin, nobody online,
 * and a critical alert opened on it: `fanOutAlert` finds nobody watching and pages.
 */
async function openUnwatchedCritical(): Promise<{
  tenantId: string;
  alertId: string;
  hookPath: string;
  at: number;
}> {
  const hookPath = `/${freshId("hook")}`;
  const tenantId = await newTenant(admin, { unwatchedWebhookUrl: `${receiver.url}${hookPath}` });
  const adminUid = freshId("admin");
  await admin.database.ref(memberPath(tenantId, adminUid)).set({ role: "admin", name: "Admin" });
  const alertId = freshId("alert");
  const at = Date.now();
  const alert: Alert = {
    kind: "vitals",
    severity: "critical",
    subjectId: "subject-1",
    title: "SpO2 80 % (critical)",
    at,
    status: "open",
    level: 0,
  };
  await admin.database.ref(alertPath(tenantId, alertId)).set(alert);
  return { tenantId, alertId, hookPath, at };
}

describe("deliverWebhook", function () {
  this.timeout(90_000);

  afterEach(() => {
    receiver.respond = () => 204;
    receiver.dropConnections = false;
  });

  it("signs the nobody-watching page so that the receiver verifies it", async () => {
    const { tenantId, alertId, hookPath, at } = await openUnwatchedCritical();
    const [call] = await receiver.waitForCalls(hookPath);
    if (call === undefined) throw new Error("no call");
    const headers = headersOf(call);
    expect(headers["webhook-id"]).to.match(/^msg_[A-Za-z0-9_-]+$/);
    expect(Number(headers["webhook-timestamp"])).to.be.closeTo(Date.now() / 1000, 60);
    expect(headers["webhook-signature"]).to.match(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(headers["content-type"]).to.equal("application/json");

    const payload = new Webhook(secret).verify(call.raw, headers);
    expect(payload).to.deep.equal({
      event: "alert.unwatched",
      tenantId,
      alertId: `${alertId}-unwatched`,
      sourceAlertId: alertId,
      subjectId: "subject-1",
      severity: "critical",
      title: "Nobody is watching: SpO2 80 % (critical)",
      at,
    });
  });

  it("is refused by the verifier when the body is tampered with, the timestamp is stale or the secret is wrong", async () => {
    const { hookPath } = await openUnwatchedCritical();
    const [call] = await receiver.waitForCalls(hookPath);
    if (call === undefined) throw new Error("no call");
    const headers = headersOf(call);
    const verifier = new Webhook(secret);
    expect(() => verifier.verify(call.raw, headers), "the control").to.not.throw();

    const tampered = call.raw.replace("SpO2 80 %", "SpO2 98 %");
    expect(tampered).to.not.equal(call.raw);
    expect(() => verifier.verify(tampered, headers), "tampered body").to.throw(
      WebhookVerificationError,
      /No matching signature/,
    );

    // Correctly signed, ten minutes ago: a replay the verifier's tolerance (5 min) refuses.
    const id = headers["webhook-id"] ?? "";
    const stale = signatureHeaders(secret, id, new Date(Date.now() - 10 * 60_000), call.raw);
    expect(() => verifier.verify(call.raw, stale), "stale timestamp").to.throw(
      WebhookVerificationError,
      /too old/,
    );
    // The real delivery's signature with its timestamp moved back is refused as well.
    const moved = { ...headers, "webhook-timestamp": stale["webhook-timestamp"] };
    expect(() => verifier.verify(call.raw, moved), "moved timestamp").to.throw(
      WebhookVerificationError,
    );

    const otherSecret = `whsec_${Buffer.from(freshId("other").padEnd(32, "x")).toString("base64")}`;
    expect(() => new Webhook(otherSecret).verify(call.raw, headers), "wrong secret").to.throw(
      WebhookVerificationError,
      /No matching signature/,
    );
  });

  it("retries a receiver answering 503 until it is back, under one webhook-id, acted on once", async () => {
    const app = new ReceivingApp(new Webhook(secret));
    let attempts = 0;
    receiver.respond = (call) => {
      attempts++;
      // 1st: down (503 before doing anything); 2nd: acted on the event, then failed to answer;
      // 3rd: back, answers 204. The 2nd and 3rd are the same event for the application.
      if (attempts === 1) return 503;
      app.receive(call);
      return attempts === 2 ? 503 : 204;
    };
    const { alertId, hookPath } = await openUnwatchedCritical();
    const calls = await receiver.waitForCalls(hookPath, 3, 60_000);
    const ids = new Set(calls.map((call) => headersOf(call)["webhook-id"]));
    expect(ids.size, "the same webhook-id on every retry").to.equal(1);
    // Each attempt is signed afresh: all verify, none with an older timestamp than the one before.
    const stamps = calls.map((call) => Number(headersOf(call)["webhook-timestamp"]));
    expect(stamps).to.deep.equal([...stamps].sort((a, b) => a - b));
    for (const call of calls)
      expect(() => new Webhook(secret).verify(call.raw, headersOf(call))).to.not.throw();

    expect(app.verified).to.equal(2);
    expect([...app.events.values()]).to.have.length(1);
    expect(app.events.values().next().value).to.include({ sourceAlertId: alertId });

    // A second delivery of the trigger's event enqueues nothing new: the task id is the webhook-id.
    const tenantId = (calls[0]?.body as { tenantId: string }).tenantId;
    const alert = (await admin.database.ref(alertPath(tenantId, alertId)).get()).val() as Alert;
    await replayDatabaseEvent("fanOutAlert", "written", alertPath(tenantId, alertId), null, alert);
    // fanOutAlert handles events one after another: once a later page arrives, the replay is done.
    const sentinel = await openUnwatchedCritical();
    await receiver.waitForCalls(sentinel.hookPath);
    expect(receiver.calls.filter((call) => call.path === hookPath)).to.have.length(3);
  });

  it("delivers to a receiver whose connections were dropped once it accepts them again", async () => {
    receiver.dropConnections = true;
    const droppedBefore = receiver.dropped;
    const { tenantId, alertId, hookPath } = await openUnwatchedCritical();
    await waitFor(admin.database, alertPath(tenantId, `${alertId}-unwatched`), (a) => a !== null);
    await receiver.waitForDropped(droppedBefore + 2, 60_000);
    expect(receiver.calls.filter((call) => call.path === hookPath)).to.have.length(0);
    receiver.dropConnections = false;

    const [call] = await receiver.waitForCalls(hookPath, 1, 60_000);
    if (call === undefined) throw new Error("no call");
    const payload = new Webhook(secret).verify(call.raw, headersOf(call));
    expect(payload).to.include({ tenantId, sourceAlertId: alertId });
  });
});
