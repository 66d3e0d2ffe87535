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
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { adminSdk, freshId } from "../functions/test/emulator/support/emulators.js";
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
  const baseline: number[] = [];
  const turns: number[] = [];
  const imports: number[] = [];
  let deferred = 0;
  for (let i = 0; i <= SAMPLES; i++) {
    const base = run(["baseline"], env);
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
    const turn = run(["bundle", bundle, JSON.stringify(request)], env);
    if (turn.status !== 200) throw new Error(`first speech turn failed: ${JSON.stringify(turn)}`);
    // The first pair warms the disk cache: not counted.
    if (i === 0) continue;
    baseline.push(base.ms);
    turns.push(turn.ms);
    imports.push(turn.importMs ?? NaN);
    // Over the answer budget the caller gets the playbook's answer and the turn is written later.
    if (turn.turn !== "live") deferred++;
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
  if (deferred > 0) console.log(`${deferred} of ${turns.length} first turns answered deferred`);
  console.log(
    `ratio of p50s: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`,
  );
} finally {
  await admin.close();
}
