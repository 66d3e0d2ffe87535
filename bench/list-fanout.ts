/**
 * What one change to a call costs the database emulator when a tenant's dashboards watch its calls
 * list (`npm run bench:list-fanout`): D tagged listens of the console's `recentCalls` query
 * (orderByChild lastMessageAt, limitToLast 100) over C calls, then one turn's update of one call at
 * a time. Reports the engine's time per write (window upkeep and pushes, each push serialised as
 * the WebSocket transport does) and the bytes pushed per write, beside what pushing the whole
 * window to every listener would send. In process, no network: the emulator's own cost.
 *
 *   npm run bench:list-fanout -- [--dashboards 50] [--calls 25] [--writes 2000]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Database } from "../emulator/src/engine/database.js";
import { parseWireQuery } from "../emulator/src/engine/query.js";
import { ADMIN } from "../emulator/src/engine/types.js";

const { values } = parseArgs({
  options: {
    dashboards: { type: "string", default: "50" },
    calls: { type: "string", default: "25" },
    writes: { type: "string", default: "2000" },
  },
  strict: true,
});
const DASHBOARDS = Number(values.dashboards);
const CALLS = Number(values.calls);
const WRITES = Number(values.writes);
const NS = "bench-list-fanout";
const PATH = ["tenants", "t1", "calls"];

function call(index: number, at: number): Record<string, unknown> {
  return {
    subjectId: `subject-${String(index)}`,
    phone: `+1555000${String(1000 + index)}`,
    medium: "voice",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai" },
    startedAt: 1_700_000_000_000,
    lastMessageAt: at,
    messageCount: 4,
    lastSnippet: "I had my lunch and took my tablets, and everything is fine here at home.",
  };
}

const database = new Database();
const calls: Record<string, unknown> = {};
for (let index = 0; index < CALLS; index++) calls[`call-${String(index)}`] = call(index, index);
database.write({
  namespace: NS,
  path: PATH,
  operation: { kind: "set", value: calls },
  auth: ADMIN,
});

let pushedBytes = 0;
let wholeWindowBytes = 0;
const query = parseWireQuery({ i: "lastMessageAt", l: 100, vf: "r" });
for (let tag = 0; tag < DASHBOARDS; tag++) {
  database.listen({
    namespace: NS,
    path: PATH,
    query,
    tag: 1,
    auth: () => ADMIN,
    sink: {
      push: (action, body) => {
        pushedBytes += JSON.stringify({ t: "d", d: { a: action, b: body } }).length;
      },
      revoked: () => undefined,
    },
  });
}

const started = performance.now();
for (let write = 0; write < WRITES; write++) {
  const index = write % CALLS;
  database.write({
    namespace: NS,
    path: [...PATH, `call-${String(index)}`],
    operation: {
      kind: "update",
      values: {
        lastMessageAt: CALLS + write,
        messageCount: 5 + write,
        lastSnippet: `turn ${String(write)}`,
      },
    },
    auth: ADMIN,
  });
}
const elapsed = performance.now() - started;
const window = database.read({ namespace: NS, path: PATH, query, auth: ADMIN });
if (window.status === "ok") {
  wholeWindowBytes = JSON.stringify({
    t: "d",
    d: { a: "d", b: { p: PATH.join("/"), d: window.node, t: 1 } },
  }).length;
}
console.log(
  `${String(DASHBOARDS)} listeners of a ${String(CALLS)}-call list, ${String(WRITES)} writes: ` +
    `${(elapsed / WRITES).toFixed(3)} ms per write, ${(pushedBytes / WRITES / 1024).toFixed(1)} KiB pushed per write ` +
    `(whole window to every listener: ${((wholeWindowBytes * DASHBOARDS) / 1024).toFixed(1)} KiB)`,
);
