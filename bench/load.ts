/**
 * Load benchmark: many calls and many signed-in dashboards at once, on one database instance and
 * on several, in the same run. Run it inside the emulator suite (loopback only, bounded in time):
 *
 *   npm run bench:load                                  # 100 calls, 200 dashboards, 1 vs 2 instances
 *   npm run bench:load -- --calls 50 --dashboards 100 --seconds 30
 *   npm run bench:load -- --knee                        # steps the calls up until turn p99 > 1 s
 *
 * What one phase does, for S instances:
 * - T tenants (`--tenants`), placed round-robin over the first S of the project's instances (the
 *   tenant record's `database`), each with subjects reachable at their own numbers and
 *   dispatchers. Every phase has tenants of its own, so phases do not see each other's data.
 * - C calls (`--calls`) spread over the tenants, each taking a calm speech turn every
 *   `--interval` ms (first turns spread over one interval), through the gateway endpoint as a
 *   gateway posts them. `--urgent` of the calls say something urgent once, so alerts, inboxes and
 *   escalation planning are in the load too. Each call's gateway has its own identity, as lines
 *   from several providers would.
 * - D dashboards (`--dashboards`): web SDK clients, each signed in as one of its tenant's
 *   dispatchers, connected only to its tenant's instance, watching what the console watches with
 *   the console's own queries (`dashboardQueries`): the tenant's calls list, its inbox and the
 *   transcript of one call. They run in `--dashboard-threads` worker threads
 *   (bench/load-dashboards.ts), signed in one after another, so that applying their pushes never
 *   delays the turns this thread times.
 * - A warm-up (`--warmup` seconds, not measured) first, in which the calls join one after
 *   another until all of them take turns: the Functions emulator starts a worker process for each
 *   request that finds no idle one (production serves up to 80 at once per instance), and a burst
 *   of those starting together on two cores takes seconds each, so each request behind them starts
 *   one more. Ramping lets the pools grow to what the load needs before the measured window.
 * Reported per phase: turn latency (gateway's view) p50/p90/p99/max; turn → visible in a
 * dashboard (the caller's words in the transcript of every dashboard watching that call)
 * p50/p99; turns per second sustained; and per instance, from the emulator's own counters
 * (`/.inspect/stats.json`), database writes per second and client connections open.
 * The baseline is the same load on one instance in the same run, so the figures compare on a
 * noisy machine. Targets on a 2-core machine: 100 calls with 200 dashboards, turn p99 ≤ 250 ms,
 * turn → dashboard p99 ≤ 500 ms.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { setLogLevel } from "firebase/app";
import { getDatabaseWithUrl, type Database as AdminDatabase } from "firebase-admin/database";
import { firestore, memberPath, subjectPath } from "@lifeline/model";
import { claimsOf, docOf, mirrorOf, newMemberRecord } from "../functions/src/domain/members.js";
import {
  adminSdk,
  DATABASE_URL,
  exported,
  freshId,
  PASSWORD,
  PROJECT_ID,
  type Admin,
} from "../functions/test/emulator/support/emulators.js";
import { wallClock, type DashboardSpec, type FromDashboards } from "./load-dashboards.js";
import {
  freshPhone,
  freshTurnId,
  gatewayPost,
  gatewayToken,
} from "../functions/test/emulator/support/gateway-client.js";

const USAGE = `Usage: npm run bench:load -- [options]
  --tenants <n>      tenants per phase (default 4)
  --calls <n>        concurrent calls (default 100)
  --dashboards <n>   signed-in dashboards (default 200)
  --interval <ms>    time between a call's turns (default 5000)
  --seconds <s>      how long each phase measures the load (default 60)
  --warmup <s>       calls join over this time before measuring, not measured (default 20)
  --dashboard-threads <n>  worker threads the dashboards run in (default 2)
  --urgent <share>   share of calls that turn urgent once (default 0.05)
  --instances <n>    instances of the sharded phase (default: every instance in firebase.json)
  --knee             step the calls up (on one instance) until turn p99 passes 1 s
  --json             print the results as JSON
  --help             this text`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      tenants: { type: "string", default: "4" },
      calls: { type: "string", default: "100" },
      dashboards: { type: "string", default: "200" },
      interval: { type: "string", default: "5000" },
      seconds: { type: "string", default: "60" },
      warmup: { type: "string", default: "20" },
      "dashboard-threads": { type: "string", default: "2" },
      urgent: { type: "string", default: "0.05" },
      instances: { type: "string" },
      knee: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(
    `bench:load: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`,
  );
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function positive(name: string, text: string | undefined, fractional = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!fractional && !Number.isInteger(value))) {
    process.stderr.write(
      `bench:load: --${name} must be a ${fractional ? "number" : "whole number"} ≥ 0\n`,
    );
    process.exit(2);
  }
  return value;
}

const TENANTS = Math.max(1, positive("tenants", values.tenants));
const CALLS = positive("calls", values.calls);
const DASHBOARDS = positive("dashboards", values.dashboards);
const INTERVAL_MS = Math.max(100, positive("interval", values.interval));
const SECONDS = Math.max(5, positive("seconds", values.seconds));
const WARMUP_SECONDS = positive("warmup", values.warmup);
const DASHBOARD_THREADS = Math.max(1, positive("dashboard-threads", values["dashboard-threads"]));
const URGENT_SHARE = Math.min(1, positive("urgent", values.urgent, true));
/** A turn or a dashboard's view of it taking longer than this is counted as lost. */
const LOST_AFTER_MS = 15_000;
const KNEE_P99_MS = 1000;
const OPENING_AT_ONCE = 8;

const CALM = [
  "Hello, I just wanted to check in.",
  "I'm at home and everything is fine.",
  "Can you remind me when my next appointment is?",
  "I had my lunch and took my tablets.",
  "Okay, thank you.",
];
const URGENT = "I fell in the kitchen and my arm is bleeding";

// ---------------------------------------------------------------- instances

/**
 * The project's database instances: firebase.json's database targets, resolved through
 * .firebaserc as firebase-tools does; else the one the suite runs on.
 */
function projectInstances(): string[] {
  const read = (file: string): unknown =>
    JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8"));
  const config = z
    .object({ database: z.array(z.object({ target: z.string() })).optional() })
    .parse(read("firebase.json"));
  const rc = z
    .object({
      targets: z
        .record(z.string(), z.object({ database: z.record(z.string(), z.array(z.string())) }))
        .optional(),
    })
    .parse(read(".firebaserc"));
  const mapped = rc.targets?.[PROJECT_ID]?.database ?? {};
  const names = (config.database ?? []).flatMap((entry) => mapped[entry.target] ?? []);
  return names.length > 0 ? names : [defaultInstance()];
}

/** The instance the suite's Admin SDK uses: `?ns=` locally, the host's first label in production form. */
function defaultInstance(): string {
  const url = new URL(DATABASE_URL);
  return url.searchParams.get("ns") ?? url.hostname.split(".")[0] ?? PROJECT_ID;
}

/**
 * `instance`'s URL in production form, as the suite's own is: both SDKs, pointed at the emulator,
 * keep the instance from the host as the namespace.
 */
function instanceUrl(instance: string): string {
  const url = new URL(DATABASE_URL);
  return url.searchParams.has("ns")
    ? `${url.origin}/?ns=${instance}`
    : `https://${instance}.${url.hostname.split(".").slice(1).join(".")}`;
}

const admin: Admin = adminSdk();
const instanceDatabases = new Map<string, AdminDatabase>();
function adminDatabase(instance: string): AdminDatabase {
  let database = instanceDatabases.get(instance);
  if (database === undefined) {
    database = getDatabaseWithUrl(instanceUrl(instance), admin.app);
    instanceDatabases.set(instance, database);
  }
  return database;
}

interface InstanceStats {
  readonly writes: number;
  readonly open: number;
  readonly peak: number;
}

async function instanceStats(instance: string): Promise<InstanceStats> {
  const host = exported("FIREBASE_DATABASE_EMULATOR_HOST");
  const response = await fetch(`http://${host}/.inspect/stats.json?ns=${instance}`, {
    headers: { Authorization: "Bearer owner" },
  });
  if (!response.ok) throw new Error(`stats of ${instance}: ${response.status}`);
  const body = (await response.json()) as {
    writes: { admin: { requests: number }; client: { requests: number } };
    connections?: { open: number; peak: number };
  };
  return {
    writes: body.writes.admin.requests + body.writes.client.requests,
    open: body.connections?.open ?? Number.NaN,
    peak: body.connections?.peak ?? Number.NaN,
  };
}

// ---------------------------------------------------------------- setup

interface Tenant {
  readonly id: string;
  readonly instance: string;
  readonly phones: string[];
  readonly dispatchers: { email: string; uid: string }[];
}

async function seedTenant(instance: string, calls: number, dispatchers: number): Promise<Tenant> {
  const id = freshId("load");
  const now = Date.now();
  const database = adminDatabase(instance);
  await admin.firestore.doc(firestore.tenantDoc(id)).set({
    name: `Load ${id}`,
    createdAt: now,
    database: instance,
    settings: { escalationMinutes: 5, maxEscalationLevel: 2 },
  });
  const phones: string[] = [];
  for (let index = 0; index < calls; index++) {
    const subjectId = `subject-${index}`;
    const phone = freshPhone();
    phones.push(phone);
    await Promise.all([
      admin.firestore
        .doc(firestore.subjectDoc(id, subjectId))
        .set({ name: `Subject ${index}`, phones: [phone], createdAt: now }),
      admin.firestore.doc(firestore.phoneDoc(phone)).set({ tenantId: id, subjectId }),
      database.ref(subjectPath(id, subjectId)).set({ name: `Subject ${index}` }),
    ]);
  }
  const members: { email: string; uid: string }[] = [];
  for (let index = 0; index < dispatchers; index++) {
    const uid = `${id}-d${index}`;
    const email = `${uid}@load.test`;
    const record = newMemberRecord(
      id,
      uid,
      { email, name: `Dispatcher ${index}`, role: "dispatcher", subjects: [] },
      now,
    );
    await admin.auth.createUser({ uid, email, password: PASSWORD, displayName: record.name });
    await admin.auth.setCustomUserClaims(uid, claimsOf(record));
    await Promise.all([
      database.ref(memberPath(id, uid)).set(mirrorOf(record)),
      admin.firestore.doc(firestore.memberDoc(id, uid)).set(docOf(record)),
    ]);
    members.push({ email, uid });
  }
  return { id, instance, phones, dispatchers: members };
}

// ---------------------------------------------------------------- calls

interface LiveCall {
  readonly tenant: Tenant;
  readonly from: string;
  readonly callRef: string;
  readonly urgent: boolean;
  callId?: string;
  token?: string;
}

/** Wall-clock send times of the measured turns, by turn id. */
const sentAt = new Map<string, number>();

async function turn(call: LiveCall, text: string, measured = false): Promise<number> {
  call.token ??= await gatewayToken({ sub: `gateway-${call.callRef}` });
  const turnId = freshTurnId();
  if (measured) sentAt.set(turnId, wallClock());
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  // Bounded in time: a request the Functions emulator lost (its worker process gone) never answers.
  const reply = await Promise.race([
    gatewayPost(
      "speechTurn",
      { callRef: call.callRef, from: call.from, text, medium: "voice", turnId },
      { token: call.token },
    ),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`turn unanswered after ${String(2 * LOST_AFTER_MS)} ms`));
      }, 2 * LOST_AFTER_MS);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
  const elapsed = performance.now() - started;
  if (reply.status !== 200) {
    throw new Error(`turn failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  call.callId ??= (reply.body as { callId: string }).callId;
  return elapsed;
}

// ---------------------------------------------------------------- dashboards

interface Dashboards {
  close(): Promise<void>;
}

/** Why dashboards were refused a listen; the rules must let every dashboard watch what it watches. */
const refusals: string[] = [];

/** Opens the dashboards in `threads` worker threads; resolves once every one of them listens. */
async function openDashboards(
  specs: readonly DashboardSpec[],
  threads: number,
  seen: number[],
): Promise<Dashboards> {
  const shares: DashboardSpec[][] = Array.from(
    { length: Math.min(threads, specs.length) },
    () => [],
  );
  specs.forEach((spec, index) => shares[index % shares.length]?.push(spec));
  const workers = shares.map((share) => {
    const worker = new Worker(new URL("./load-dashboards-thread.mjs", import.meta.url), {
      workerData: share,
    });
    let closed: () => void = () => undefined;
    const whenClosed = new Promise<void>((resolve) => (closed = resolve));
    const opened = new Promise<void>((resolve, reject) => {
      worker.on("error", reject);
      worker.on("exit", () => {
        closed();
      });
      worker.on("message", (message: FromDashboards) => {
        if (message.kind === "opened") resolve();
        else if (message.kind === "failed") {
          refusals.push(message.message);
          reject(new Error(message.message));
        } else if (message.kind === "closed") closed();
        else {
          const sent = sentAt.get(message.turnId);
          if (sent !== undefined) seen.push(message.at - sent);
        }
      });
    });
    return { worker, opened, whenClosed };
  });
  await Promise.all(workers.map((one) => one.opened));
  return {
    close: async () => {
      for (const { worker } of workers) worker.postMessage("close");
      await Promise.all(workers.map((one) => one.whenClosed));
    },
  };
}

// ---------------------------------------------------------------- one phase

interface Percentiles {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    n: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

interface PhaseResult {
  readonly label: string;
  readonly instances: number;
  readonly calls: number;
  readonly dashboards: number;
  readonly turn: Percentiles;
  readonly visible: Percentiles;
  readonly turnsPerSecond: number;
  readonly failedTurns: number;
  readonly perInstance: { instance: string; writesPerSecond: number; open: number; peak: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function phase(
  label: string,
  instances: readonly string[],
  calls: number,
  dashboards: number,
): Promise<PhaseResult> {
  const tenants: Tenant[] = [];
  for (let index = 0; index < TENANTS; index++) {
    const share = (total: number) =>
      Math.floor(total / TENANTS) + (index < total % TENANTS ? 1 : 0);
    const instance = instances[index % instances.length] ?? instances[0] ?? defaultInstance();
    tenants.push(await seedTenant(instance, share(calls), Math.min(share(dashboards), 50)));
  }
  const live: LiveCall[] = tenants.flatMap((tenant) =>
    tenant.phones.map((from, index) => ({
      tenant,
      from,
      callRef: freshId("CA"),
      urgent: index < Math.round(tenant.phones.length * URGENT_SHARE),
    })),
  );
  // The first turn of every call opens it, so dashboards have a call to watch. One at a time at
  // first, then more and more at once, up to OPENING_AT_ONCE: the Functions emulator starts a
  // worker process per request that finds no idle one, so this grows each function's pool step by
  // step to about what the load needs (a Cloud Run instance serves 80 requests at once), instead
  // of in a burst in the measured window, where worker processes all starting together on two
  // cores take seconds each and each slowed request starts one more.
  for (let index = 0; index < live.length;) {
    const batch = Math.min(OPENING_AT_ONCE, Math.max(1, Math.floor(index / 2)));
    await Promise.all(live.slice(index, index + batch).map((call) => openCall(call)));
    index += batch;
  }
  for (const tenant of tenants) await checkPlacement(tenant, live);

  const visible: number[] = [];
  const specs: DashboardSpec[] = [];
  for (let index = 0; index < dashboards; index++) {
    const tenant = tenants[index % tenants.length];
    if (tenant === undefined) break;
    const ofTenant = live.filter((call) => call.tenant === tenant);
    const watched = ofTenant[Math.floor(index / tenants.length) % ofTenant.length];
    const member =
      tenant.dispatchers[Math.floor(index / tenants.length) % tenant.dispatchers.length];
    if (watched?.callId === undefined || member === undefined) continue;
    specs.push({
      tenantId: tenant.id,
      databaseUrl: instanceUrl(tenant.instance),
      email: member.email,
      uid: member.uid,
      callId: watched.callId,
    });
  }
  const open = await openDashboards(specs, DASHBOARD_THREADS, visible);

  const turnTimes: number[] = [];
  let failed = 0;
  const measuredFrom = performance.now() + WARMUP_SECONDS * 1000;
  const endAt = measuredFrom + SECONDS * 1000;
  const before = sleep(WARMUP_SECONDS * 1000).then(() => Promise.all(instances.map(instanceStats)));
  await Promise.all(
    live.map(async (call, index) => {
      const joinOver = Math.max(INTERVAL_MS, WARMUP_SECONDS * 1000);
      await sleep((index / Math.max(1, live.length)) * joinOver);
      for (let n = 0; performance.now() < endAt; n++) {
        const due = performance.now() + INTERVAL_MS;
        const text = call.urgent && n === 1 ? URGENT : (CALM[n % CALM.length] ?? "Hello");
        const measured = performance.now() >= measuredFrom;
        try {
          const elapsed = await turn(call, text, measured);
          if (!measured) continue;
          if (elapsed > LOST_AFTER_MS) failed++;
          else turnTimes.push(elapsed);
        } catch {
          if (measured) failed++;
        } finally {
          await sleep(Math.max(0, due - performance.now()));
        }
      }
    }),
  );
  const elapsedSeconds = (performance.now() - measuredFrom) / 1000;
  // Dashboards get a moment to show the last turns before the counters are read.
  await sleep(1000);
  const [started, after] = await Promise.all([before, Promise.all(instances.map(instanceStats))]);
  await open.close();
  sentAt.clear();
  if (refusals.length > 0) throw new Error(`dashboards refused: ${refusals.join("; ")}`);

  return {
    label,
    instances: instances.length,
    calls: live.length,
    dashboards: specs.length,
    turn: percentiles(turnTimes),
    visible: percentiles(visible),
    turnsPerSecond: turnTimes.length / elapsedSeconds,
    failedTurns: failed,
    perInstance: instances.map((instance, index) => ({
      instance,
      writesPerSecond:
        ((after[index]?.writes ?? 0) - (started[index]?.writes ?? 0)) / elapsedSeconds,
      open: started[index]?.open ?? Number.NaN,
      peak: after[index]?.peak ?? Number.NaN,
    })),
  };
}

/**
 * A call's first turn, tried again when the Functions emulator loses it (a worker process it
 * started died under it): the load needs every call open, and opening is not measured.
 */
async function openCall(call: LiveCall): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await turn(call, "Hello, it's me.");
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Refuses to report figures for a layout the functions do not follow. */
async function checkPlacement(tenant: Tenant, live: readonly LiveCall[]): Promise<void> {
  const call = live.find((candidate) => candidate.tenant === tenant);
  if (call?.callId === undefined) return;
  const where = `tenants/${tenant.id}/calls/${call.callId}`;
  // A first turn that missed its answer budget is written a little later (a deferred turn).
  const deadline = performance.now() + LOST_AFTER_MS;
  while (!(await adminDatabase(tenant.instance).ref(where).get()).exists()) {
    if (performance.now() > deadline) {
      throw new Error(
        `tenant ${tenant.id} is placed on ${tenant.instance}, but its call is not there: the functions do not route it to its instance`,
      );
    }
    await sleep(200);
  }
}

// ---------------------------------------------------------------- report

function ms(value: number): string {
  return Number.isNaN(value) ? "–" : value.toFixed(0);
}

function printPhase(result: PhaseResult): void {
  console.log(
    `| ${result.label} | ${result.instances} | ${result.calls} | ${result.dashboards} | ` +
      `${ms(result.turn.p50)} / ${ms(result.turn.p90)} / ${ms(result.turn.p99)} / ${ms(result.turn.max)} | ` +
      `${ms(result.visible.p50)} / ${ms(result.visible.p99)} | ${result.turnsPerSecond.toFixed(1)} | ` +
      `${result.failedTurns} | ` +
      result.perInstance
        .map((one) => `${one.instance}: ${one.writesPerSecond.toFixed(1)} w/s, ${one.open} conn`)
        .join("; ") +
      " |",
  );
}

const HEADER =
  "| phase | instances | calls | dashboards | turn p50/p90/p99/max (ms) | turn → dashboard p50/p99 (ms) | turns/s | failed turns | per instance |\n" +
  "|---|---|---|---|---|---|---|---|---|";

setLogLevel("silent");
const results: PhaseResult[] = [];
try {
  const all = projectInstances();
  const sharded = all.slice(
    0,
    values.instances === undefined
      ? all.length
      : Math.max(1, positive("instances", values.instances)),
  );
  const home = sharded[0] ?? defaultInstance();
  console.log(
    `bench:load: ${TENANTS} tenants, a turn every ${INTERVAL_MS} ms per call, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s measured per phase, dashboards in ${DASHBOARD_THREADS} threads; instances: ${sharded.join(", ")}`,
  );
  if (!values.json) console.log(HEADER);
  if (values.knee) {
    for (let calls = Math.max(10, CALLS); ; calls = Math.round(calls * 1.5)) {
      const result = await phase(`knee ${calls}`, [home], calls, DASHBOARDS);
      results.push(result);
      if (!values.json) printPhase(result);
      if (result.turn.p99 > KNEE_P99_MS || result.failedTurns > 0) break;
    }
  } else {
    for (const [label, instances] of [
      ["baseline", [home]],
      ["sharded", sharded],
    ] as const) {
      const result = await phase(label, instances, CALLS, DASHBOARDS);
      results.push(result);
      if (!values.json) printPhase(result);
    }
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
} finally {
  for (const database of instanceDatabases.values()) database.goOffline();
  await admin.close();
}
