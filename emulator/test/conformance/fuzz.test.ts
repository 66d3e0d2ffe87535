/**
 * Robustness: many concurrent raw clients send random and mutated frames; afterwards the emulator is
 * alive, never sent a malformed frame, and serves a well-behaved real client correctly.
 */
import { expect } from "chai";
import { get, ref, set, update } from "firebase/database";
import {
  RawClient,
  connectClient,
  layer,
  rest,
  startEmulator,
  uniqueName,
  watch,
  type Emulator,
  type Json,
} from "./support.js";

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

const ACTIONS = [
  "s",
  "auth",
  "gauth",
  "unauth",
  "appcheck",
  "unappeck",
  "q",
  "n",
  "g",
  "p",
  "m",
  "o",
  "om",
  "oc",
  "l",
  "u",
  "zz",
  "",
];
const BAD_KEYS = [
  "a.b",
  "a#b",
  "a$b",
  "a[b",
  "a]b",
  "\u0001",
  ".priority",
  ".value",
  ".sv",
  "",
  " ",
  "\u{1F600}",
];

function randomJunk(random: () => number, depth = 0): Json {
  const roll = depth > 3 ? random() / 2 : random();
  if (roll < 0.1) return null;
  if (roll < 0.2) return random() < 0.5;
  if (roll < 0.35)
    return pick(random, [0, -1, 1e308, -1e-308, 2 ** 53, 3.5, Number.MAX_SAFE_INTEGER]);
  if (roll < 0.5)
    return pick(random, [
      "",
      "/",
      "//",
      "x",
      "[MIN_NAME]",
      "[MAX_NAME]",
      "a".repeat(1000),
      ...BAD_KEYS,
    ]);
  if (roll < 0.6) return [randomJunk(random, depth + 1), randomJunk(random, depth + 1)];
  const object: { [key: string]: Json } = {};
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i += 1) {
    object[
      pick(random, [
        "p",
        "d",
        "q",
        "t",
        "h",
        "b",
        "sp",
        "i",
        "l",
        "vf",
        ".sv",
        ".priority",
        ".value",
        ...BAD_KEYS,
      ])
    ] = randomJunk(random, depth + 1);
  }
  return object;
}

function randomPath(random: () => number): Json {
  const roll = random();
  if (roll < 0.15) return "/" + Array.from({ length: 400 }, (_, i) => `k${i}`).join("/");
  if (roll < 0.25) return "/" + "x".repeat(5000);
  if (roll < 0.4) return `/ok/${pick(random, BAD_KEYS)}`;
  if (roll < 0.5) return randomJunk(random);
  return pick(random, [
    "/",
    "",
    "/a",
    "a/b",
    "/a//b",
    "/.info",
    "/.settings/rules",
    "/a/.priority",
    "/.priority",
  ]);
}

/** A valid-looking request with random mutations in its fields. */
function mutatedRequest(random: () => number, r: number): Json {
  const action = pick(random, ACTIONS);
  const body: { [key: string]: Json } = { p: randomPath(random) };
  if (random() < 0.7) body["d"] = randomJunk(random);
  if (random() < 0.4) body["q"] = randomJunk(random);
  if (random() < 0.3) body["t"] = randomJunk(random);
  if (random() < 0.3) body["h"] = randomJunk(random);
  if (random() < 0.2) body["cred"] = randomJunk(random);
  const envelope: Json = {
    t: "d",
    d: {
      r: random() < 0.9 ? r : randomJunk(random),
      a: action,
      b: random() < 0.9 ? body : randomJunk(random),
    },
  };
  return envelope;
}

function randomFrames(random: () => number, r: number): string[] {
  const roll = random();
  if (roll < 0.1)
    return [pick(random, ["{", "[1,2", "nul", "}{", "\u0000", "'single'", '{"t":', ""])];
  if (roll < 0.2) return [JSON.stringify(randomJunk(random))];
  if (roll < 0.27)
    return [
      pick(random, [
        '{"t":"c"}',
        '{"t":"c","d":null}',
        '{"t":"c","d":{"t":"p"}}',
        '{"t":"c","d":{"t":"zz","d":1}}',
        '{"t":5,"d":{}}',
        '{"t":"d","d":"x"}',
      ]),
    ];
  if (roll < 0.3) {
    // A well-formed multi-frame message: a count frame, then the chunks of a mutated request.
    const text = JSON.stringify(mutatedRequest(random, r));
    const count = 2 + Math.floor(random() * 3);
    const size = Math.ceil(text.length / count);
    const chunks = Array.from({ length: count }, (_, i) => text.slice(i * size, (i + 1) * size));
    return chunks.every((chunk) => chunk.length > 0) ? [String(count), ...chunks] : [text];
  }
  if (roll < 0.31) {
    // A count frame followed by the wrong number of chunks, or a bogus count.
    const count = pick(random, [3, 999999]);
    return [String(count), pick(random, ['{"t":"d",', '"d":{}}', "garbage"])];
  }
  if (roll < 0.34)
    return [JSON.stringify({ t: "d", d: { r, a: "p", b: { p: "/big", d: "z".repeat(300_000) } } })];
  return [JSON.stringify(mutatedRequest(random, r))];
}

/** True when `frames` is a count frame followed by exactly that many chunks. */
function completeMultiFrame(frames: readonly string[]): boolean {
  return /^\d+$/.test(frames[0] ?? "") && Number(frames[0]) === frames.length - 1;
}

interface FuzzOutcome {
  readonly client: RawClient;
  /** Pings that went unanswered on a socket that had not announced an incomplete multi-frame message. */
  readonly unansweredPings: string[];
}

async function fuzzClient(emulator: Emulator, seed: number, frames: number): Promise<FuzzOutcome> {
  const random = generator(seed);
  const query = pick(random, [
    `v=5&ns=fuzz-${seed % 4}`,
    "v=5",
    "v=4&ns=fuzz-x",
    `v=5&ns=${"n".repeat(300)}`,
    "v=5&ns=bad.name$",
    "ns=&&&",
  ]);
  const client = await RawClient.connect(emulator.address, query);
  const unansweredPings: string[] = [];
  // After a count frame the server rightly waits for that many chunks, so pings prove nothing.
  let awaitingChunks = false;
  for (let r = 1; r <= frames && !client.isClosed(); r += 1) {
    const batch = randomFrames(random, r);
    if (/^\d+$/.test(batch[0] ?? "") && !completeMultiFrame(batch)) awaitingChunks = true;
    for (const frame of batch) {
      if (client.isClosed()) break;
      client.sendRaw(frame);
    }
    if (random() < 0.02 && !client.isClosed()) {
      client.socket.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
    }
    if (random() < 0.005) {
      client.terminate();
      break;
    }
    if (r % 15 === 0 && !client.isClosed() && !awaitingChunks) {
      await client.ping(3_000).catch((error: unknown) => {
        if (!client.isClosed()) unansweredPings.push(`seed ${seed}, frame ${r}: ${String(error)}`);
      });
    }
  }
  return { client, unansweredPings };
}

describe("fuzz (robustness of the wire protocol)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  it("survives 40 concurrent raw clients sending random and mutated frames, then serves a real client", async () => {
    const ns = uniqueName("canary");
    const watcher = connectClient(emulator, ns);
    const before = watch(ref(watcher.db, "canary"));
    await set(ref(watcher.db, "canary"), { state: "before" });
    await before.waitFor(
      (snap) => snap.child("state").val() === "before",
      "the canary before fuzzing",
    );

    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => fuzzClient(emulator, 1000 + i, 60)),
    );
    const clients = outcomes.map((outcome) => outcome.client);
    console.log(
      clients.map((c) => `${c.closed ? "closed" : "open"}:${c.messages.length}`).join(" "),
    );
    expect(outcomes.flatMap((outcome) => outcome.unansweredPings)).to.deep.equal([]);
    const violations = clients.flatMap((client) => client.violations);
    const digitFrames = clients.flatMap((client) => client.frames).filter((frame) => frame === "0");
    for (const client of clients) client.terminate();

    expect(violations, "frames from the server that were neither JSON nor a count").to.deep.equal(
      [],
    );
    expect(digitFrames, 'bare "0" frames from the server').to.deep.equal([]);

    // The watcher's listener from before the fuzzing still gets changes.
    const writer = connectClient(emulator, ns);
    try {
      await update(ref(writer.db, "canary"), { state: "after", n: 1 });
      const after = await before.waitFor(
        (snap) => snap.child("state").val() === "after",
        "the canary after",
      );
      expect(after.val()).to.deep.equal({ state: "after", n: 1 });
      expect((await get(ref(writer.db, "canary/n"))).val()).to.equal(1);
      expect((await rest(emulator, "GET", `/canary.json?ns=${ns}`)).json()).to.deep.equal({
        state: "after",
        n: 1,
      });
      const fresh = await RawClient.open(emulator, ns);
      const handshake = layer(fresh.messages[0] ?? null, "c");
      expect(handshake?.["t"]).to.equal("h");
      expect(await fresh.request("g", { p: "/canary/state", q: {} })).to.deep.equal({
        s: "ok",
        d: "after",
      });
      fresh.close();
    } finally {
      before.off();
      await writer.close();
      await watcher.close();
    }
  });

  it("answers every well-formed request on a socket that also receives garbage", async () => {
    const client = await RawClient.open(emulator, uniqueName("mixed"));
    const random = generator(77);
    try {
      for (let i = 0; i < 50; i += 1) {
        client.sendRaw(
          pick(random, [
            "{",
            '{"t":"d","d":{"a":"p"}}',
            '{"t":"d","d":{"r":"x","a":"g","b":{}}}',
            "[]",
            "true",
          ]),
        );
        const reply = await client.request("p", { p: `/ok/${i}`, d: i });
        expect(reply.s, `request ${i}`).to.equal("ok");
      }
      const all = await client.request("g", { p: "/ok", q: {} });
      const values: Json[] = Array.from({ length: 50 }, (_, i) => i);
      expect(all.d).to.deep.equal(Object.fromEntries(values.map((value, i) => [String(i), value])));
    } finally {
      client.close();
    }
  });
});
