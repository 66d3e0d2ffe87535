/**
 * Cold start of the deployed bundle, against firebase-functions alone. Run it inside the emulator
 * suite (database and Firestore are what a first speech turn reads):
 *
 *   node scripts/emulators.mjs exec "node --import tsx bench/cold-start.ts" --only database,firestore
 *
 * Every sample is a fresh Node process (bench/cold-start-probe.mjs), alternating:
 * - baseline: importing `firebase-functions/v2/https`, what any HTTPS function pays;
 * - speech turn: importing `functions/lib/index.js` (what every deployed function loads) and
 *   answering a first speech turn through its `speechTurn` export: a new call from a known number,
 *   so the turn reads the directory, the call and the deferred-turn markers and writes the turn.
 * The handler runs in that process against the emulators rather than through the Functions
 * emulator, whose worker start (its own runtime, firebase-tools' modules) would be timed with it
 * and cannot be restarted per sample. `SAMPLES` (10) of each after one of each not counted.
 * Target (issue 11): the speech turn's p50 within 1.5× of the baseline's.
 *
 * Whether the functions should set the Admin SDK's `preferRest`: the speech turn again with
 * FIRESTORE_PREFER_REST=1 (what `preferRest: true` does, without a code change), and a probe that
 * only imports Firestore and reads one document twice, over gRPC and over REST.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { adminSdk, exported, freshId } from "../functions/test/emulator/support/emulators.js";
import { throwawayCredentialsFile } from "../scripts/lib/throwaway-credentials.mjs";
import {
  freshTurnId,
  gatewayToken,
  seedGatewayTenant,
} from "../functions/test/emulator/support/gateway-client.js";

const SAMPLES = Number(process.env.SAMPLES ?? 10);
const TARGET_RATIO = 1.5;
const probe = fileURLToPath(new URL("./cold-start-probe.mjs", import.meta.url));
/** `BUNDLE=<path>` measures another build of the bundle (an earlier commit's, say). */
const bundle =
  process.env.BUNDLE === undefined
    ? fileURLToPath(new URL("../functions/lib/index.js", import.meta.url))
    : resolve(process.env.BUNDLE);
const functionsDir = new URL("../functions/", import.meta.url);

/** The params and secrets firebase-tools would give the functions when emulating. */
function functionsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const file of [".env.local", ".secret.local"]) {
    Object.assign(env, parseEnv(readFileSync(new URL(file, functionsDir), "utf8")));
  }
  return env;
}

interface Sample {
  readonly mode: string;
  readonly ms: number;
  readonly importMs?: number;
  readonly firstReadMs?: number;
  readonly secondReadMs?: number;
  readonly status?: number;
  readonly turn?: string;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv): Sample {
  const child = spawnSync(process.execPath, [probe, ...args], {
    cwd: fileURLToPath(functionsDir),
    env,
    encoding: "utf8",
  });
  const line = child.stdout.split("\n").find((text) => text.startsWith("COLD-START "));
  if (child.status !== 0 || line === undefined) {
    throw new Error(`probe ${args[0] ?? ""} failed (${String(child.status)}): ${child.stderr}`);
  }
  return JSON.parse(line.slice("COLD-START ".length)) as Sample;
}

function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const admin = adminSdk();
try {
  const tenant = await seedGatewayTenant(admin);
  const env = functionsEnv();
  // Over REST the client wants credentials even against an emulator (see the helper).
  const restEnv = {
    ...env,
    FIRESTORE_PREFER_REST: "1",
    GOOGLE_APPLICATION_CREDENTIALS: throwawayCredentialsFile(exported("GCLOUD_PROJECT")),
  };
  const baseline: number[] = [];
  const turns: number[] = [];
  const imports: number[] = [];
  const restTurns: number[] = [];
  const transports = {
    gRPC: { imports: [] as number[], first: [] as number[], second: [] as number[] },
    REST: { imports: [] as number[], first: [] as number[], second: [] as number[] },
  };
  let deferred = 0;
  const firstTurn = async (environment: NodeJS.ProcessEnv) => {
    const request = {
      token: await gatewayToken({ sub: freshId("cold") }),
      body: {
        callRef: freshId("CA"),
        from: tenant.phone,
        text: "Hello, I just wanted to check in.",
        medium: "voice",
        turnId: freshTurnId(),
      },
    };
    const turn = run(["bundle", bundle, JSON.stringify(request)], environment);
    if (turn.status !== 200) throw new Error(`first speech turn failed: ${JSON.stringify(turn)}`);
    return turn;
  };
  const document = `benchColdStart/${freshId("doc")}`;
  await admin.firestore.doc(document).set({ at: Date.now() });
  for (let i = 0; i <= SAMPLES; i++) {
    const base = run(["baseline"], env);
    const turn = await firstTurn(env);
    const restTurn = await firstTurn(restEnv);
    const reads = {
      gRPC: run(["firestore", document], env),
      REST: run(["firestore", document], restEnv),
    };
    // The first round warms the disk cache: not counted.
    if (i === 0) continue;
    baseline.push(base.ms);
    turns.push(turn.ms);
    imports.push(turn.importMs ?? NaN);
    restTurns.push(restTurn.ms);
    for (const [name, sample] of Object.entries(reads)) {
      const into = transports[name as keyof typeof transports];
      into.imports.push(sample.importMs ?? NaN);
      into.first.push(sample.firstReadMs ?? NaN);
      into.second.push(sample.secondReadMs ?? NaN);
    }
    // Over the answer budget the caller gets the playbook's answer and the turn is written later.
    if (turn.turn !== "live") deferred++;
    if (restTurn.turn !== "live") deferred++;
  }
  const ms = (value: number) => value.toFixed(1).padStart(8);
  const row = (name: string, samples: readonly number[], note = "") =>
    `${name.padEnd(52)}${String(samples.length).padStart(4)}${ms(quantile(samples, 0.5))}${ms(quantile(samples, 0.9))}   ${note}`;
  const ratio = quantile(turns, 0.5) / quantile(baseline, 0.5);
  console.log(
    `\n${"cold start, fresh process (ms)".padEnd(52)}${"n".padStart(4)}${"p50".padStart(8)}${"p90".padStart(8)}`,
  );
  console.log(row("baseline: import firebase-functions/v2/https", baseline));
  console.log(row(`import ${relative(process.cwd(), bundle)}`, imports, "(part of the next line)"));
  console.log(row("import the bundle + answer a first speech turn", turns));
  console.log(row("  the same with preferRest (FIRESTORE_PREFER_REST=1)", restTurns));
  for (const [name, samples] of Object.entries(transports)) {
    console.log(row(`Firestore over ${name}: import firebase-admin/firestore`, samples.imports));
    console.log(row(`  first read (client, channel, first request)`, samples.first));
    console.log(row(`  second read`, samples.second));
  }
  if (deferred > 0)
    console.log(`${deferred} of ${turns.length + restTurns.length} first turns answered deferred`);
  console.log(
    `ratio of p50s: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`,
  );
} finally {
  await admin.close();
}
