/**
 * Speech-turn benchmark through the Functions emulator. Run it inside the emulator suite:
 *
 *   node scripts/emulators.mjs exec "node --import tsx bench/speech-turn.ts" --only auth,functions,database,firestore
 *
 * Two measurements, printed as one table:
 * 1. Speech turn acknowledged: from sending the POST to having the gateway's answer, over
 *    `TURNS` (500) warm turns, after `WARMUP` turns that are not counted. Turns are sequential, as
 *    a gateway sends them within a call; a call has `TURNS_PER_CALL` turns and each call comes from
 *    its own number, so no caller limit is reached.
 * 2. Turn → alert in a dispatcher's inbox: from sending an urgent turn (a new call each time) to
 *    `inbox/{uid}/{alertId}` appearing on an Admin SDK listener — the whole path through the
 *    `fanOutMessage` and `fanOutAlert` triggers. `ALERT_SAMPLES` (200) samples after a warm-up.
 * 3. For scale, the same round trip to `health`, a function that touches no database: what the
 *    Functions emulator and this machine cost before any of Lifeline's work.
 * Targets (DESIGN.md): turn p50 ≤ 40 ms, p99 ≤ 250 ms; turn → alert p99 ≤ 250 ms.
 * Gateways rotate every 50 requests to stay inside the emulator's per-gateway limit.
 */
import { performance } from "node:perf_hooks";
import { urgencyAlertId } from "../functions/src/domain/fanout.js";
import { firestore, inboxItemPath, memberPath } from "@lifeline/model";
import { adminSdk, call, freshId } from "../functions/test/emulator/support/emulators.js";
import {
  freshPhone,
  freshTurnId,
  gatewayPost,
  gatewayToken,
  seedGatewayTenant,
  waitForValue,
} from "../functions/test/emulator/support/gateway-client.js";

const WARMUP = Number(process.env.WARMUP ?? 30);
const TURNS = Number(process.env.TURNS ?? 500);
const TURNS_PER_CALL = 5;
const ALERT_WARMUP = 5;
const ALERT_SAMPLES = Number(process.env.ALERT_SAMPLES ?? 200);
const REQUESTS_PER_GATEWAY = 50;

const CALM = [
  "Hello, I just wanted to check in.",
  "I'm at home and everything is fine.",
  "Can you remind me when my next appointment is?",
  "Okay, thank you.",
  "That's all for now.",
];

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    n: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const admin = adminSdk();
const tenant = await seedGatewayTenant(admin);

let requests = 0;
let token = "";
async function currentToken(): Promise<string> {
  if (requests++ % REQUESTS_PER_GATEWAY === 0)
    token = await gatewayToken({ sub: freshId("bench") });
  return token;
}

async function numberForTenant(): Promise<string> {
  const phone = freshPhone();
  await admin.firestore
    .doc(firestore.phoneDoc(phone))
    .set({ tenantId: tenant.tenantId, subjectId: tenant.subjectId });
  return phone;
}

async function turn(from: string, callRef: string, text: string): Promise<number> {
  const body = { callRef, from, text, medium: "voice", turnId: freshTurnId() };
  const auth = await currentToken();
  const started = performance.now();
  const reply = await gatewayPost("speechTurn", body, { token: auth });
  const elapsed = performance.now() - started;
  if (reply.status !== 200)
    throw new Error(`turn failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return elapsed;
}

async function speechTurns(): Promise<number[]> {
  const samples: number[] = [];
  let from = "";
  let callRef = "";
  for (let i = 0; i < WARMUP + TURNS; i++) {
    if (i % TURNS_PER_CALL === 0) {
      from = await numberForTenant();
      callRef = freshId("CA");
    }
    const elapsed = await turn(from, callRef, CALM[i % CALM.length] ?? "Hello");
    if (i >= WARMUP) samples.push(elapsed);
  }
  return samples;
}

async function turnToInbox(): Promise<number[]> {
  const uid = freshId("dispatcher");
  await admin.database
    .ref(memberPath(tenant.tenantId, uid))
    .set({ role: "dispatcher", name: "Bench Dispatcher" });
  const samples: number[] = [];
  for (let i = 0; i < ALERT_WARMUP + ALERT_SAMPLES; i++) {
    const from = await numberForTenant();
    const callRef = freshId("CA");
    const body = {
      callRef,
      from,
      text: "I cut my hand and it is bleeding",
      medium: "voice",
      turnId: freshTurnId(),
    };
    const auth = await currentToken();
    const started = performance.now();
    const reply = await gatewayPost("speechTurn", body, { token: auth });
    if (reply.status !== 200) throw new Error(`turn failed: ${reply.status}`);
    const { callId } = reply.body as { callId: string };
    await waitForValue(
      admin.database.ref(inboxItemPath(uid, urgencyAlertId(callId))),
      (value) => value !== null,
      30_000,
    );
    if (i >= ALERT_WARMUP) samples.push(performance.now() - started);
  }
  return samples;
}

/** The Functions emulator's own floor on this machine: a function that touches no database. */
async function healthFloor(): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + TURNS; i++) {
    const started = performance.now();
    const reply = await call("health", "GET", "");
    if (reply.status !== 200) throw new Error(`health failed: ${reply.status}`);
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  return samples;
}

function row(name: string, s: Stats, target: string): string {
  const ms = (value: number) => value.toFixed(1).padStart(8);
  return `${name.padEnd(34)}${String(s.n).padStart(6)}${ms(s.p50)}${ms(s.p90)}${ms(s.p99)}${ms(s.max)}   ${target}`;
}

try {
  const floor = stats(await healthFloor());
  const turns = stats(await speechTurns());
  const alerts = stats(await turnToInbox());
  console.log(
    `\n${"measurement (ms)".padEnd(34)}${"n".padStart(6)}${"p50".padStart(8)}${"p90".padStart(8)}${"p99".padStart(8)}${"max".padStart(8)}   target`,
  );
  console.log(row("health (emulator floor, no database)", floor, ""));
  console.log(row("speech turn acknowledged (warm)", turns, "p50 ≤ 40, p99 ≤ 250"));
  console.log(row("turn → alert in inbox", alerts, "p99 ≤ 250"));
} finally {
  await admin.close();
}
