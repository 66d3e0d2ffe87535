/**
 * The demo `npm start` runs inside the emulator suite: seeds the demo tenants, prints the dashboard
 * URL and the demo logins, then plays a simulated telephony gateway against the real HTTPS
 * endpoints until stopped (SIGINT/SIGTERM: exits 0). Every cycle it places, in this order:
 *
 *   0 s  Ada, voice: unwell → dizzy, chest tight → can hardly breathe (critical); stays on the line
 *   3 s  Ben, voice: asks when the nurse comes (calm)
 *  5 s, then every 10 s  Ben's watch sends heart rate, SpO2 and temperature; the 4th batch has
 *        SpO2 89 % (abnormal: a vitals alert)
 *  15 s  Chen, SMS: asks for an appointment time (calm)
 *  25 s  an unknown number rings and hangs up before anyone answers (missed call)
 *  35 s  an unknown number texts: smoke → flames → trapped (critical)
 *  48 s  an unknown number calls in Spanish: mother fell → can't get up → not breathing (urgent at
 *        once, as every caller in another language is; then critical), answered in Spanish
 *  60 s  Chen's work phone, voice: fell from a ladder → leg broken → heavy bleeding (critical)
 *
 * and starts over after CYCLE_MS with new calls. With `--twilio` the calls and texts go through
 * the Twilio stand-in to the Twilio webhooks instead (scripts/demo/twilio-play.ts), to the demo
 * tenant's line; the watch still reports through the gateway API.
 *
 *   node scripts/emulators.mjs exec "node --import tsx scripts/demo/gateway.ts [--twilio]"
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { getAuth } from "firebase-admin/auth";
import { getDatabase } from "firebase-admin/database";
import { getFirestore } from "firebase-admin/firestore";
import { parseCommandLine } from "../lib/cli-args.mjs";
import { DEMO_PASSWORD, DEMO_TENANTS, emulatorApp, seedDemo } from "../seed.js";
import { emulatorFunctionsBase, emulatorProjectId, GatewayClient } from "./gateway-client.js";
import {
  abnormalVitals,
  CALLS,
  DEVICE,
  normalVitals,
  playCall,
  UNKNOWN_MISSED,
  type CallScript,
} from "./scenarios.js";
import { DEMO_LINE, demoStandIn, playTwilioCall } from "./twilio-play.js";
import type { TwilioStandIn } from "./twilio-stand-in.js";
import { FcmStandIn, localFcmPort } from "./fcm-stand-in.js";

export const DASHBOARD_URL = "http://127.0.0.1:5000";
const CYCLE_MS = 150_000;
const VITALS_EVERY_MS = 10_000;
const DEVICE_START_MS = 5_000;
const ABNORMAL_BATCH = 4;
const PAUSE_MS = { voice: 4_000, sms: 6_000 } as const;

const startedAt = Date.now();
/** Set by scripts/start.mjs: when `npm start` began, so the log can say how long things took. */
const npmStartAt = Number(process.env.LIFELINE_START_MS ?? "") || undefined;

const state = { stopped: false };
/** Set with `--twilio`: calls and texts go through the Twilio stand-in. */
let twilio: TwilioStandIn | undefined;
const wakers = new Set<() => void>();

/** A function, not a variable: the answer changes while an async function is suspended. */
function isStopped(): boolean {
  return state.stopped;
}

function stop(): void {
  if (state.stopped) return;
  state.stopped = true;
  for (const wake of wakers) wake();
  log("stopping the simulated gateway");
  process.exit(0);
}

/** Waits `ms`, or less when the demo stops. */
function wait(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
  });
}

function clock(): string {
  const seconds = Math.floor((Date.now() - (npmStartAt ?? startedAt)) / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

function log(line: string): void {
  console.log(`[demo ${clock()}] ${line}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function seed(): Promise<void> {
  const app = emulatorApp("lifeline-demo-seed");
  const database = getDatabase(app);
  try {
    const report = await seedDemo({ auth: getAuth(app), database, firestore: getFirestore(app) });
    log(`demo tenants seeded (${report.written.length} items written)`);
  } finally {
    database.goOffline();
    await getFirestore(app).terminate();
  }
}

/**
 * Writes where scripts/start.mjs can find the emulators firebase-tools runs detached (the
 * database and Firestore), so that a forced stop does not leave them running. From the Hub.
 */
async function recordEmulatorPids(): Promise<void> {
  const file = process.env.LIFELINE_EMULATOR_PIDS_FILE;
  const hub = process.env.FIREBASE_EMULATOR_HUB;
  if (file === undefined || hub === undefined) return;
  try {
    const response = await fetch(`http://${hub}/emulators`);
    const running: unknown = await response.json();
    if (typeof running !== "object" || running === null) return;
    const pids = Object.entries(running).flatMap(([name, info]: [string, unknown]) =>
      typeof info === "object" && info !== null && "pid" in info && typeof info.pid === "number"
        ? [{ name, pid: info.pid }]
        : [],
    );
    writeFileSync(file, JSON.stringify(pids));
  } catch (error) {
    log(`could not list the emulators' processes: ${describe(error)}`);
  }
}

function banner(): void {
  const since = npmStartAt === undefined ? "" : ` (${clock()} after npm start)`;
  const lines = [
    "",
    "──────────────────────────────────────────────────────────────────────",
    ` Lifeline is running${since}.`,
    "",
    ` Dashboard:  ${DASHBOARD_URL}`,
    ` Password for every demo account:  ${DEMO_PASSWORD}`,
  ];
  for (const tenant of DEMO_TENANTS) {
    for (const member of tenant.members) {
      const scope = member.subjects.length > 0 ? `  (sees ${member.subjects.join(", ")})` : "";
      lines.push(`   ${tenant.id.padEnd(7)} ${member.role.padEnd(10)} ${member.email}${scope}`);
    }
  }
  lines.push(
    "",
    " Start with dispatcher@demo.lifeline.test: calls appear within seconds.",
    " The simulated gateway below places calls, texts and vitals on a loop. Ctrl-C stops everything.",
    "──────────────────────────────────────────────────────────────────────",
    "",
  );
  console.log(lines.join("\n"));
}

function startCall(client: GatewayClient, script: CallScript, running: Set<Promise<void>>): void {
  const options = { pauseMs: PAUSE_MS[script.medium], wait, isStopped, log };
  const played = (
    twilio === undefined
      ? playCall(client, script, options)
      : playTwilioCall(twilio, script, options)
  ).catch((error: unknown) => {
    if (!isStopped()) log(`${script.caller}: the call failed: ${describe(error)}`);
  });
  running.add(played);
  void played.finally(() => running.delete(played));
}

async function deviceLoop(client: GatewayClient, cycleStart: number): Promise<void> {
  // The first call goes first: on a cold Functions emulator every endpoint's first request
  // starts a worker, and the call is what a newcomer is waiting to see.
  await wait(DEVICE_START_MS);
  for (
    let batch = 1;
    !isStopped() && Date.now() - cycleStart < CYCLE_MS - VITALS_EVERY_MS;
    batch++
  ) {
    const abnormal = batch === ABNORMAL_BATCH;
    try {
      const answer = await client.deviceReadings({
        ...DEVICE,
        readings: abnormal ? abnormalVitals() : normalVitals(batch),
      });
      const values = answer.readings.map((r) => `${r.kind} ${r.value} (${r.status})`).join(", ");
      const alert = answer.alert === null ? "" : ` → vitals alert ${answer.alert.change}`;
      if (abnormal || answer.alert !== null || batch === 1) {
        log(`Ben's watch: ${values}${alert}`);
      }
    } catch (error) {
      if (!isStopped()) log(`Ben's watch: readings failed: ${describe(error)}`);
    }
    await wait(VITALS_EVERY_MS);
  }
}

async function missedCall(client: GatewayClient): Promise<void> {
  try {
    if (twilio === undefined) {
      const ref = `missed-${randomBytes(6).toString("hex")}`;
      await client.missedCall({ callRef: ref, from: UNKNOWN_MISSED, medium: "voice" });
    } else {
      const reply = await twilio.unanswered(UNKNOWN_MISSED, DEMO_LINE, "no-answer");
      if (reply.status !== 200) throw new Error(`twilioStatus answered ${reply.status}`);
    }
    log(`${UNKNOWN_MISSED} rang and hung up before anyone answered → missed-call alert`);
  } catch (error) {
    if (!isStopped()) log(`missed call failed: ${describe(error)}`);
  }
}

async function cycle(client: GatewayClient, running: Set<Promise<void>>): Promise<void> {
  const cycleStart = Date.now();
  const at = async (offsetMs: number) => {
    await wait(Math.max(0, cycleStart + offsetMs - Date.now()));
  };
  const device = deviceLoop(client, cycleStart);
  startCall(client, CALLS.adaChestPain, running);
  await at(3_000);
  if (isStopped()) return;
  startCall(client, CALLS.benNurseVisit, running);
  await at(15_000);
  if (isStopped()) return;
  startCall(client, CALLS.chenAppointmentText, running);
  await at(25_000);
  if (isStopped()) return;
  await missedCall(client);
  await at(35_000);
  if (isStopped()) return;
  startCall(client, CALLS.neighbourFireText, running);
  await at(48_000);
  if (isStopped()) return;
  startCall(client, CALLS.spanishMotherFall, running);
  await at(60_000);
  if (isStopped()) return;
  startCall(client, CALLS.chenLadderFall, running);
  await at(CYCLE_MS);
  await device;
}

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  // scripts/start.mjs stops the demo by closing our stdin (a pipe it holds), before it stops the
  // emulators. Only when asked: run any other way, stdin may be /dev/null.
  if (process.env.LIFELINE_STOP_ON_STDIN_EOF === "1") {
    process.stdin.on("end", stop);
    process.stdin.resume();
  }
  // Run by `firebase emulators:exec`: if that process goes away without telling us, we stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();

  await Promise.all([seed(), recordEmulatorPids()]);
  banner();
  const client = new GatewayClient({
    functionsBase: emulatorFunctionsBase(),
    gatewayId: "demo-gateway",
    onRetry: (endpoint, reason, waitMs) => {
      log(`${endpoint}: ${reason}; retrying in ${waitMs} ms`);
    },
  });
  const running = new Set<Promise<void>>();
  for (let n = 1; !isStopped(); n++) {
    log(`cycle ${n}: placing calls`);
    await cycle(client, running);
  }
}

const USAGE = `Usage: node scripts/emulators.mjs exec "node --import tsx scripts/demo/gateway.ts [--twilio]"

The demo \`npm start\` runs inside the emulator suite: seeds, prints the dashboard URL and the
logins, then places simulated calls until stopped.

  --twilio    place the calls and texts through the Twilio stand-in and the Twilio webhooks
`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseCommandLine({
    name: "demo",
    usage: USAGE,
    options: { twilio: { type: "boolean" } },
  });
  const standIn =
    values.twilio === true
      ? demoStandIn((text) => {
          log(`${text.to} (SMS via Twilio) ← texted by a supervisor: ${text.body}`);
        })
      : Promise.resolve(undefined);
  // FCM's stand-in: the functions' web pushes (none until a browser registers; FCM has no
  // emulator, so the dashboard registers none locally) land here and are printed.
  const fcm = FcmStandIn.start(emulatorProjectId(), localFcmPort(), (push) => {
    log(`push → a registered browser: ${push.webpush.notification.title}`);
  });
  Promise.all([standIn, fcm])
    .then(([started, pushes]) => {
      twilio = started;
      return main().finally(() => Promise.all([started?.close(), pushes.close()]));
    })
    .catch((error: unknown) => {
      console.error(`demo: ${describe(error)}`);
      process.exit(1);
    });
}
