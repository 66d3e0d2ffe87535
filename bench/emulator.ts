/**
 * Benchmarks for the Realtime Database emulator (`npm run bench:emulator`). Prints one table.
 *
 * Every latency is measured from the moment the writer sends a frame to the moment each listening
 * socket receives the push, on raw protocol-v5 WebSockets (the wire the SDKs use), so the numbers are
 * the server's own cost, not a client library's. Every row also runs against a baseline in the same
 * run: a minimal server speaking just enough of protocol v5 (handshake, listen, put) over the same
 * `ws` library, with no tree, rules, queries or indexes — the floor that Node, loopback and `ws` set
 * on this machine. For readiness the baseline is a bare Node HTTP server started the same way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { WebSocket, WebSocketServer } from "ws";

const CLI = new URL("../emulator/lib/cli.js", import.meta.url).pathname;
const LIFELINE_RULES = new URL("../database.rules.json", import.meta.url).pathname;

interface Stats {
  p50: number;
  p99: number;
  max: number;
}

function percentiles(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/.json?ns=bench`);
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

interface Started {
  child: ChildProcess;
  port: number;
  readyMs: number;
}

/** The baseline process for readiness: Node itself, one HTTP server, nothing else. */
const BARE_NODE_SERVER =
  'require("node:http").createServer((q,s)=>s.end("null")).listen(+process.argv[1],"127.0.0.1")';

async function startProcess(args: string[], port: number): Promise<Started> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: "ignore" });
  await waitForPort(port, started + 10_000);
  return { child, port, readyMs: performance.now() - started };
}

async function startEmulator(args: string[] = []): Promise<Started> {
  const port = await freePort();
  return startProcess([CLI, "--host", "127.0.0.1", "--port", String(port), ...args], port);
}

async function startBareNode(): Promise<Started> {
  const port = await freePort();
  return startProcess(["-e", BARE_NODE_SERVER, String(port)], port);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGINT");
  await once(child, "exit");
}

/** A raw protocol-v5 client: enough of the wire to listen, write and auth. */
class RawClient {
  private nextRequest = 1;
  private readonly pending = new Map<number, (body: unknown) => void>();
  onPush: (action: string, body: { p: string; d: unknown }) => void = () => undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (raw: Buffer) => {
      const text = raw.toString();
      if (!text.startsWith("{")) return;
      const frame = JSON.parse(text) as { t: string; d: { r?: number; a?: string; b?: unknown } };
      if (frame.t !== "d") return;
      const { r, a, b } = frame.d;
      if (r !== undefined) {
        this.pending.get(r)?.(b);
        this.pending.delete(r);
      } else if (a !== undefined) {
        this.onPush(a, b as { p: string; d: unknown });
      }
    });
  }

  static async connect(url: string): Promise<RawClient> {
    const socket = new WebSocket(url);
    const client = new RawClient(socket);
    await once(socket, "message"); // handshake
    return client;
  }

  send(action: string, body: object): Promise<unknown> {
    const r = this.nextRequest++;
    const reply = new Promise<unknown>((resolve) => this.pending.set(r, resolve));
    this.socket.send(JSON.stringify({ t: "d", d: { r, a: action, b: body } }));
    return reply;
  }

  close(): void {
    this.socket.terminate();
  }
}

async function connectMany(url: string, count: number): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () => RawClient.connect(url)),
    );
    clients.push(...batch);
  }
  return clients;
}

/** Write→every-listener latency: per write, the time until the LAST listener has the push. */
async function fanOutLatency(
  url: string,
  listeners: number,
  writes: number,
  prepare: (client: RawClient, index: number) => Promise<void> = () => Promise.resolve(),
  target: { listen: string; write: string; value: (i: number) => unknown } = {
    listen: `/bench/fanout-${listeners}-${Date.now()}`,
    write: `/bench/fanout-${listeners}-${Date.now()}`,
    value: (i) => i,
  },
): Promise<Stats> {
  const readers = await connectMany(url, listeners);
  await Promise.all(readers.map((reader, index) => prepare(reader, index)));
  await Promise.all(readers.map((reader) => reader.send("q", { p: target.listen, h: "" })));
  const writer = await RawClient.connect(url);
  await prepare(writer, -1);
  const samples: number[] = [];
  for (let i = 0; i < writes; i++) {
    let remaining = listeners;
    const done = new Promise<void>((resolve) => {
      for (const reader of readers) {
        reader.onPush = (_action, body) => {
          if (body.d === i || (typeof body.d === "object" && body.d !== null)) {
            reader.onPush = () => undefined;
            if (--remaining === 0) resolve();
          }
        };
      }
    });
    const sent = performance.now();
    await Promise.all([writer.send("p", { p: target.write, d: target.value(i) }), done]);
    samples.push(performance.now() - sent);
  }
  for (const reader of readers) reader.close();
  writer.close();
  return percentiles(samples);
}

/**
 * Sustained small writes per second, pipelined on 4 sockets, with 100 listening dashboards each
 * watching its own location; writes go round-robin to those locations, so every write is pushed
 * to exactly one listener (pushing every write to all 100 would measure the client process's
 * JSON parsing, not the server).
 */
async function writeThroughput(url: string, listeners: number, seconds: number): Promise<number> {
  const path = `/bench/throughput-${Date.now()}`;
  const readers = await connectMany(url, listeners);
  await Promise.all(readers.map((reader, i) => reader.send("q", { p: `${path}/l${i}`, h: "" })));
  const writers = await connectMany(url, 4);
  let completed = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    writers.map(async (writer) => {
      let n = 0;
      while (performance.now() < deadline) {
        const batch = Array.from({ length: 50 }, () =>
          writer.send("p", { p: `${path}/l${n % listeners}`, d: n++ }),
        );
        await Promise.all(batch);
        completed += batch.length;
      }
    }),
  );
  for (const client of [...readers, ...writers]) client.close();
  return completed / seconds;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+)/.exec(status);
  return match?.[1] === undefined ? NaN : Number(match[1]);
}

async function idleConnectionMemory(port: number, pid: number, count: number): Promise<number> {
  const url = `ws://127.0.0.1:${port}/.ws?v=5&ns=bench-memory`;
  const warm = await connectMany(url, 50);
  for (const client of warm) client.close();
  const before = rssKb(pid);
  const clients = await connectMany(url, count);
  await Promise.all(clients.map((client) => client.send("s", { c: { "sdk.bench": 1 } })));
  const after = rssKb(pid);
  for (const client of clients) client.close();
  return (after - before) / count;
}

/**
 * The floor: protocol v5 reduced to a handshake, listens kept in a map by exact path, and puts that
 * push the value to that path's listeners before acknowledging. No tree, rules, queries or indexes.
 */
async function startBaseline(): Promise<{ url: string; close(): void }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(server, "listening");
  const listeners = new Map<string, Set<WebSocket>>();
  server.on("connection", (socket) => {
    socket.send(
      JSON.stringify({ t: "c", d: { t: "h", d: { ts: Date.now(), v: "5", h: "x", s: "s" } } }),
    );
    socket.on("message", (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as {
        d: { r: number; a: string; b: { p: string; d?: unknown } };
      };
      const { r, a, b } = frame.d;
      if (a === "q") {
        const set = listeners.get(b.p) ?? new Set<WebSocket>();
        set.add(socket);
        listeners.set(b.p, set);
        socket.send(JSON.stringify({ t: "d", d: { a: "d", b: { p: b.p, d: null } } }));
      } else if (a === "p") {
        const push = JSON.stringify({ t: "d", d: { a: "d", b: { p: b.p, d: b.d } } });
        for (const peer of listeners.get(b.p) ?? []) peer.send(push);
      }
      socket.send(JSON.stringify({ t: "d", d: { r, b: { s: "ok", d: "" } } }));
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}/.ws?v=5&ns=bench`,
    close: () => {
      server.close();
    },
  };
}

/** An unsigned ID token, as the Auth emulator issues them: the emulator decodes, never verifies. */
function dispatcherToken(uid: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: uid, user_id: uid, iat: now, exp: now + 3600, auth_time: now };
  const token = {
    ...claims,
    tenant: "bench",
    role: "dispatcher",
    firebase: { sign_in_provider: "password" },
  };
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(token)}.`;
}

const signIn = (client: RawClient, index: number) =>
  client.send("auth", { cred: dispatcherToken(`d${index + 1}`) }).then(() => undefined);

/** Dispatchers watch the tenant's presence list while one of them (d0) updates its own presence. */
const PRESENCE_TARGET = {
  listen: "/tenants/bench/presence",
  write: "/tenants/bench/presence/d0",
  value: (i: number) => ({
    state: i % 2 === 0 ? "online" : "away",
    lastSeen: { ".sv": "timestamp" },
    name: "Bench Dispatcher",
  }),
};

async function seedBenchTenant(url: string): Promise<void> {
  const owner = await RawClient.connect(url);
  await owner.send("gauth", { cred: "owner" });
  await owner.send("p", {
    p: "/tenants/bench/members/d0",
    d: { role: "dispatcher", name: "Bench Dispatcher" },
  });
  owner.close();
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");

async function main(): Promise<void> {
  const rows: string[][] = [];
  const readyRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let i = 0; i < 7; i++) {
    const bare = await startBareNode();
    bareRuns.push(bare.readyMs);
    await stop(bare.child);
    const emulator = await startEmulator();
    readyRuns.push(emulator.readyMs);
    await stop(emulator.child);
  }
  const ready = percentiles(readyRuns);
  const bareReady = percentiles(bareRuns);
  rows.push([
    "ready: process start → answering HTTP (7 runs)",
    `p50 ${fmt(ready.p50)} / max ${fmt(ready.max)} ms`,
    `bare Node HTTP server p50 ${fmt(bareReady.p50)} / max ${fmt(bareReady.max)} ms`,
    "< 500 ms",
  ]);

  const { child, port } = await startEmulator();
  const url = `ws://127.0.0.1:${port}/.ws?v=5&ns=bench`;
  const baseline = await startBaseline();
  for (const [listeners, writes, target] of [
    [1, 500, ""],
    [100, 300, "p99 < 10 ms"],
    [1000, 100, "p99 < 50 ms"],
  ] as const) {
    const base = await fanOutLatency(baseline.url, listeners, writes);
    const stats = await fanOutLatency(url, listeners, writes);
    rows.push([
      `write → all ${listeners} listener(s) on the path, ${writes} writes`,
      `p50 ${fmt(stats.p50)} / p99 ${fmt(stats.p99)} / max ${fmt(stats.max)} ms`,
      `p50 ${fmt(base.p50)} / p99 ${fmt(base.p99)} / max ${fmt(base.max)} ms`,
      target,
    ]);
  }
  const baseThroughput = await writeThroughput(baseline.url, 100, 3);
  const throughput = await writeThroughput(url, 100, 3);
  rows.push([
    "sustained writes/s, 100 listeners (3 s, 4 pipelined writers)",
    `${throughput.toFixed(0)} writes/s`,
    `${baseThroughput.toFixed(0)} writes/s`,
    "≥ 5,000/s",
  ]);
  baseline.close();
  const perConnection =
    child.pid === undefined ? NaN : await idleConnectionMemory(port, child.pid, 1000);
  rows.push([
    "resident memory per idle connection (1,000)",
    `${fmt(perConnection)} KB`,
    "",
    "< 50 KB",
  ]);
  await seedBenchTenant(url);
  const open = await fanOutLatency(url, 100, 300, signIn, PRESENCE_TARGET);
  await stop(child);

  const ruled = await startEmulator(["--rules", LIFELINE_RULES]);
  const ruledUrl = `ws://127.0.0.1:${ruled.port}/.ws?v=5&ns=bench`;
  await seedBenchTenant(ruledUrl);
  const withRules = await fanOutLatency(ruledUrl, 100, 300, signIn, PRESENCE_TARGET);
  rows.push([
    "presence write → 100 signed-in dispatchers, Lifeline's rules (write + read checked)",
    `p50 ${fmt(withRules.p50)} / p99 ${fmt(withRules.p99)} / max ${fmt(withRules.max)} ms`,
    `open rules: p50 ${fmt(open.p50)} / p99 ${fmt(open.p99)} ms`,
    "",
  ]);
  await stop(ruled.child);

  console.log("\n| measure | emulator | baseline (same run) | target |\n|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

await main();
