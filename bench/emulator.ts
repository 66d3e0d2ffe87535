/**
 * Benchmarks for the Realtime Database emulator (`npm run bench:emulator`). Prints one table.
 *
 * Every latency is measured from the moment the writer sends a frame to the moment each listening
 * socket receives the push, on raw protocol-v5 WebSockets (the wire the SDKs use), so the numbers are
 * the server's own cost, not a client library's. The baseline row is a bare `ws` broadcast server on
 * the same machine in the same run: it is the floor the loopback network and the `ws` library set.
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

async function startEmulator(
  args: string[] = [],
): Promise<{ child: ChildProcess; port: number; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, "--host", "127.0.0.1", "--port", String(port), ...args],
    {
      stdio: "ignore",
    },
  );
  await waitForPort(port, started + 10_000);
  return { child, port, readyMs: performance.now() - started };
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
): Promise<Stats> {
  const path = `/bench/fanout-${listeners}-${Date.now()}`;
  const readers = await connectMany(url, listeners);
  await Promise.all(readers.map((reader, index) => prepare(reader, index)));
  await Promise.all(readers.map((reader) => reader.send("q", { p: path, h: "" })));
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
    await Promise.all([writer.send("p", { p: path, d: i }), done]);
    samples.push(performance.now() - sent);
  }
  for (const reader of readers) reader.close();
  writer.close();
  return percentiles(samples);
}

/** Sustained small writes per second, pipelined on 4 sockets, with listeners attached. */
async function writeThroughput(url: string, listeners: number, seconds: number): Promise<number> {
  const path = `/bench/throughput-${Date.now()}`;
  const readers = await connectMany(url, listeners);
  await Promise.all(readers.map((reader) => reader.send("q", { p: path, h: "" })));
  const writers = await connectMany(url, 4);
  let completed = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    writers.map(async (writer, w) => {
      let n = 0;
      while (performance.now() < deadline) {
        const batch = Array.from({ length: 50 }, () =>
          writer.send("p", { p: `${path}/w${w}`, d: n++ }),
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

/** The floor: a bare `ws` server that broadcasts each message to every other socket. */
async function baselineLatency(listeners: number, writes: number): Promise<Stats> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(server, "listening");
  server.on("connection", (socket) => {
    socket.on("message", (data: Buffer) => {
      for (const peer of server.clients) if (peer !== socket) peer.send(data.toString());
    });
  });
  const address = server.address();
  const port = typeof address === "object" ? address.port : 0;
  const open = (): Promise<WebSocket> => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    return once(socket, "open").then(() => socket);
  };
  const readers = await Promise.all(Array.from({ length: listeners }, open));
  const writer = await open();
  const samples: number[] = [];
  for (let i = 0; i < writes; i++) {
    const done = Promise.all(readers.map((reader) => once(reader, "message")));
    const sent = performance.now();
    writer.send(JSON.stringify({ n: i }));
    await done;
    samples.push(performance.now() - sent);
  }
  for (const socket of [...readers, writer]) socket.terminate();
  server.close();
  return percentiles(samples);
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");

async function main(): Promise<void> {
  const rows: string[][] = [];
  const readyRuns: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { child, readyMs } = await startEmulator();
    readyRuns.push(readyMs);
    await stop(child);
  }
  const ready = percentiles(readyRuns);
  rows.push([
    "ready (process start → serving), 5 runs",
    `p50 ${fmt(ready.p50)} ms`,
    `max ${fmt(ready.max)} ms`,
    "< 500 ms",
  ]);

  const { child, port } = await startEmulator();
  const url = `ws://127.0.0.1:${port}/.ws?v=5&ns=bench`;
  for (const [listeners, writes, target] of [
    [1, 500, ""],
    [100, 300, "p99 < 10 ms"],
    [1000, 100, "p99 < 50 ms"],
  ] as const) {
    const base = await baselineLatency(listeners, writes);
    const stats = await fanOutLatency(url, listeners, writes);
    rows.push([
      `write → all ${listeners} listener(s), ${writes} writes`,
      `p50 ${fmt(stats.p50)} / p99 ${fmt(stats.p99)} / max ${fmt(stats.max)} ms`,
      `baseline ws broadcast p50 ${fmt(base.p50)} / p99 ${fmt(base.p99)} ms`,
      target,
    ]);
  }
  const throughput = await writeThroughput(url, 100, 3);
  rows.push([
    "sustained writes/s with 100 listeners (3 s)",
    `${throughput.toFixed(0)} writes/s`,
    "",
    "≥ 5,000/s",
  ]);
  const perConnection =
    child.pid === undefined ? NaN : await idleConnectionMemory(port, child.pid, 1000);
  rows.push([
    "resident memory per idle connection (1,000)",
    `${fmt(perConnection)} KB`,
    "",
    "< 50 KB",
  ]);
  await stop(child);

  const ruled = await startEmulator(["--rules", LIFELINE_RULES]);
  const ruledUrl = `ws://127.0.0.1:${ruled.port}/.ws?v=5&ns=bench`;
  const admin = (client: RawClient) =>
    client.send("gauth", { cred: "owner" }).then(() => undefined);
  const withRules = await fanOutLatency(ruledUrl, 100, 300, admin);
  rows.push([
    "write → 100 listeners under Lifeline's rules file (owner)",
    `p50 ${fmt(withRules.p50)} / p99 ${fmt(withRules.p99)} / max ${fmt(withRules.max)} ms`,
    "",
    "",
  ]);
  await stop(ruled.child);

  console.log("\n| measure | result | baseline (same run) | target |\n|---|---|---|---|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

await main();
