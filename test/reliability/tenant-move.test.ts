/**
 * A call survives its tenant's move to another database instance (`tenants move`, with an honest
 * settle: the functions' SETTINGS_CACHE_SECONDS in functions/.env.local is 30). Turns go on all
 * through the settle window: each is answered (200 with a reply), first written to the old
 * instance by function instances that still have its placement cached, then deferred once the
 * move is seen. After the move the call's whole transcript — every turn once, in the order spoken,
 * the summary counting each message once — is on the new instance, and nothing of it is left on
 * the old one; a further turn lands on the new instance.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import type { Database } from "firebase-admin/database";
import {
  adminSdk,
  cliTargets,
  DEFAULT_INSTANCE,
  forgetTestPlacement,
  freshId,
  PROJECT_ID,
  TEST_INSTANCE,
  type Admin,
} from "../../functions/test/emulator/support/emulators.js";
import {
  freshTurnId,
  gatewayPost,
  seedGatewayTenant,
  turnAnswerOf,
} from "../../functions/test/emulator/support/gateway-client.js";
import { closeInstanceDatabases, instanceDatabase } from "../../scripts/admin/operations.js";
import { moveTenant } from "../../scripts/admin/move.js";
import { callPath, firestore, messagesPath, tenantPath } from "@lifeline/model";
import { tallyMessages, type SentTurn, type StoredMessage } from "./support/ledger.js";

/** The instance the tenant moves to: the other one of the two this run's tenants are not on. */
const TARGET = TEST_INSTANCE === DEFAULT_INSTANCE ? `${PROJECT_ID}-shard-2` : DEFAULT_INSTANCE;
/** functions/.env.local's SETTINGS_CACHE_SECONDS, and two seconds for requests in flight. */
const SETTLE_SECONDS = 32;
/** How often the caller speaks while the move settles. */
const TURN_EVERY_MS = 6_000;

let admin: Admin;
let target: Database;

before(() => {
  admin = adminSdk();
  target = instanceDatabase(cliTargets(admin), TARGET);
});

after(async () => {
  closeInstanceDatabases();
  await admin.close();
});

async function transcriptOn(db: Database, tenantId: string, callId: string) {
  const [messages, call] = await Promise.all([
    db.ref(messagesPath(tenantId, callId)).get(),
    db.ref(callPath(tenantId, callId)).get(),
  ]);
  const value: unknown = messages.val();
  const list = Object.values(
    typeof value === "object" && value !== null ? (value as Record<string, StoredMessage>) : {},
  ).sort((a, b) => a.seq - b.seq);
  const summary: unknown = call.val();
  const messageCount =
    typeof summary === "object" && summary !== null && "messageCount" in summary
      ? summary.messageCount
      : undefined;
  return { list, messageCount };
}

describe("a call survives its tenant's move to another instance", function () {
  this.timeout(240_000);

  it("answers every turn during the move; afterwards the whole transcript is on the new instance, in order, and nothing on the old", async () => {
    const tenant = await seedGatewayTenant(admin);
    // It leaves this run's instance on purpose: the run's placement check is not about it.
    forgetTestPlacement(tenant.tenantId);
    const callRef = freshId("CA");
    const sent: SentTurn[] = [];
    const how: string[] = [];
    let callId = "";
    const say = async (text: string) => {
      const turn = { turnId: freshTurnId(), text };
      sent.push(turn);
      const reply = await gatewayPost("speechTurn", {
        callRef,
        from: tenant.phone,
        text,
        medium: "voice",
        turnId: turn.turnId,
      });
      const body = turnAnswerOf(reply);
      expect(body.reply, `turn "${text}"`).to.be.a("string").and.not.equal("");
      callId = body.callId;
      how.push(reply.headers.get("lifeline-turn") ?? "?");
    };

    await say("Hello, I am calling about my neighbour.");
    await say("She is sitting in her kitchen and feels dizzy.");

    const move = { copying: false };
    const moved = moveTenant(cliTargets(admin), tenant.tenantId, TARGET, {
      settleSeconds: SETTLE_SECONDS,
      progress: (line) => {
        if (line.startsWith("copying")) move.copying = true;
      },
    });
    moved.catch(() => undefined);
    const recordRef = admin.firestore.doc(firestore.tenantDoc(tenant.tenantId));
    while ((await recordRef.get()).get("moving") === undefined) await sleep(100);

    // Through the settle window, up to the copy: the caller keeps talking.
    const during = [
      "She says the room is spinning.",
      "She drank some water now.",
      "She is a bit better but still pale.",
      "Her daughter is on the way.",
      "She wants to lie down on the sofa.",
      "She is lying down now.",
      "She asks whether she should eat something.",
    ];
    for (const text of during) {
      if (move.copying) break;
      const started = Date.now();
      await say(text);
      await sleep(Math.max(0, TURN_EVERY_MS - (Date.now() - started)));
    }
    const report = await moved;
    expect(how.slice(2), `answers during the move: ${how.join(", ")}`).to.include("deferred");

    await say("Her daughter has arrived, thank you.");
    console.log(
      `      turns ${sent.length}: ${how.join(", ")}; move timings ${JSON.stringify(report.timings)}`,
    );

    // Deferred turns land through their retried tasks or ahead of the last turn, whichever is first.
    let last: ReturnType<typeof tallyMessages> | undefined;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { list, messageCount } = await transcriptOn(target, tenant.tenantId, callId);
      last = tallyMessages(list, sent, messageCount);
      const whole = last.messages.lost === 0 && last.messages.doubled === 0;
      if ((whole && last.order.length === 0) || Date.now() > deadline) break;
      await sleep(500);
    }
    expect(last.messages, `transcript on ${TARGET}`).to.deep.equal({ lost: 0, doubled: 0 });
    expect(last.order, "transcript order").to.deep.equal([]);

    const old: unknown = (await admin.database.ref(tenantPath(tenant.tenantId)).get()).val();
    expect(Object.keys(typeof old === "object" && old !== null ? old : {})).to.have.members([
      "moving",
      "movedTo",
    ]);
  });
});
