/**
 * The Firestore emulator's start and footprint (`npm run bench:firestore`; builds the emulator
 * package first), against the database emulator's as the baseline in the same run: the issue asks
 * for both to behave alike. Every sample is a fresh Node process, alternating: the database
 * emulator (`emulator/lib/cli.js`), the Firestore engine alone (`emulator/lib/firestore`), and the
 * launcher firebase-tools runs (`scripts/firestore-emulator.mjs`: the engine behind the admin API).
 * Per sample: spawn → the port accepts connections; → a first write and read answer (Admin SDK for
 * Firestore, REST for the database); the server's resident memory then, and after 1,000 more
 * documents. Medians and 90th percentiles.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Firestore } from "@google-cloud/firestore";

const SAMPLES = Number(process.env.SAMPLES ?? 7);
const WRITES = 1000;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Contender {
  readonly name: string;
  readonly args: (port: number) => string[];
  readonly kind: "firestore" | "database";
}

const CONTENDERS: readonly Contender[] = [
  {
    name: "baseline: the database emulator (emulator/lib/cli.js)",
    kind: "database",
    args: (port) => ["emulator/lib/cli.js", "--host", "127.0.0.1", "--port", String(port)],
  },
  {
    name: "Firestore engine (emulator/lib/firestore)",
    kind: "firestore",
    args: (port) => [
      "--input-type=module",
      "-e",
      `const { startFirestoreEmulator } = await import(${JSON.stringify(`${ROOT}emulator/lib/firestore/index.js`)});
       await startFirestoreEmulator({ host: "127.0.0.1", port: ${port} });`,
    ],
  },
  {
    name: "Firestore launcher (scripts/firestore-emulator.mjs)",
    kind: "firestore",
    args: (port) => [
      "scripts/firestore-emulator.mjs",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ],
  },
];

/** The database emulator's REST API: a write, then a read of it. */
async function databaseRoundTrip(port: number, path: string, body: unknown): Promise<void> {
  const url = `http://127.0.0.1:${port}/${path}.json?ns=bench`;
  const put = await fetch(url, { method: "PUT", body: JSON.stringify(body) });
  if (!put.ok) throw new Error(`PUT ${String(put.status)}`);
  const get = await fetch(url);
  if (!get.ok) throw new Error(`GET ${String(get.status)}`);
  await get.arrayBuffer();
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/** Resident memory of a process, from /proc (kB → MB). */
function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid ?? 0}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function until<T>(attempt: () => Promise<T>, deadline: number): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Resolves once something accepts a TCP connection on the port. */
async function portOpen(port: number, deadline: number): Promise<void> {
  await until(
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => {
          socket.destroy();
          resolve();
        });
        socket.once("error", reject);
      }),
    deadline,
  );
}

interface Sample {
  listeningMs: number;
  readyMs: number;
  rssReady: number;
  rssAfterWrites: number;
}

async function sample(contender: Contender): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, contender.args(port), { cwd: ROOT, stdio: "ignore" });
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
  const db =
    contender.kind === "firestore" ? new Firestore({ projectId: "demo-bench" }) : undefined;
  try {
    // Polling a port that is not yet open is the only way to see it open from outside.
    await portOpen(port, started + 30_000);
    const listeningMs = performance.now() - started;
    await until(async () => {
      if (db === undefined) {
        await databaseRoundTrip(port, "bench/ready", { at: Date.now() });
        return;
      }
      await db.doc("bench/ready").set({ at: Date.now() });
      await db.doc("bench/ready").get();
    }, started + 30_000);
    const readyMs = performance.now() - started;
    const rssReady = rssMb(child);
    const text = "x".repeat(100);
    if (db === undefined) {
      const children = Object.fromEntries(
        Array.from({ length: WRITES }, (_, j) => [`doc-${String(j)}`, { j, text }]),
      );
      await databaseRoundTrip(port, "bench/docs", children);
    } else {
      const batchSize = 500;
      for (let i = 0; i < WRITES; i += batchSize) {
        const batch = db.batch();
        for (let j = i; j < i + batchSize; j++)
          batch.set(db.doc(`bench/doc-${String(j)}`), { j, text });
        await batch.commit();
      }
    }
    return { listeningMs, readyMs, rssReady, rssAfterWrites: rssMb(child) };
  } finally {
    await db?.terminate();
    child.kill("SIGKILL");
    await once(child, "exit");
  }
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `${at(0.5).toFixed(0).padStart(6)} ${at(0.9).toFixed(0).padStart(6)}`;
}

const results = new Map<string, Sample[]>(CONTENDERS.map((c) => [c.name, []]));
for (const contender of CONTENDERS) await sample(contender); // one of each, not counted
for (let i = 0; i < SAMPLES; i++) {
  for (const contender of CONTENDERS) results.get(contender.name)?.push(await sample(contender));
}
console.log(
  `${`${SAMPLES} fresh processes each, alternating; p50 / p90`.padEnd(72)} listening ms  write+read ms  RSS MB ready  RSS MB after ${WRITES} writes`,
);
for (const [name, samples] of results) {
  console.log(
    `${name.padEnd(72)} ${stats(samples.map((s) => s.listeningMs))}   ${stats(samples.map((s) => s.readyMs))}          ${stats(samples.map((s) => s.rssReady))}   ${stats(samples.map((s) => s.rssAfterWrites))}`,
  );
}
