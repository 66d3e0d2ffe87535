/**
 * Spec §16 item 10: key, value and priority ordering, and a seeded property test comparing the
 * server's filtering of tagged queries with the client's own filtering of the full data.
 */
import { expect } from "chai";
import {
  endAt,
  endBefore,
  equalTo,
  limitToFirst,
  limitToLast,
  onValue,
  orderByChild,
  orderByKey,
  orderByPriority,
  orderByValue,
  query,
  ref,
  remove,
  set,
  startAfter,
  startAt,
  update,
  type DataSnapshot,
  type Database,
  type Query,
  type QueryConstraint,
} from "firebase/database";
import {
  FrameProxy,
  clientRequest,
  connectClient,
  nextValue,
  orderedKeys,
  rest,
  startEmulator,
  uniqueName,
  watch,
  type ClientHandle,
  type Watch,
  type Emulator,
} from "./support.js";

/** mulberry32: a tiny seeded generator, so a failure names a seed that reproduces it. */
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

type Leaf = string | number | boolean;
type Bound = Leaf | null;

const KEYS = [
  "0",
  "1",
  "01",
  "001",
  "-1",
  "9",
  "10",
  "007",
  "2147483647",
  "2147483648",
  "-2147483648",
  "-2147483649",
  "a",
  "b",
  "A",
  "Z",
  "aa",
  "_x",
  "~",
  "é",
  "key-10",
  "10a",
  "-",
  "-0",
];
const STRINGS = ["", "a", "B", "b", "aa", "z", "10", "é", "~"];
const NUMBERS = [-5, -1, -0.5, 0, 1, 1.5, 2, 10, 1e21, -1e-7];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function randomLeaf(random: () => number): Leaf | null {
  const roll = random();
  if (roll < 0.12) return null;
  if (roll < 0.2) return false;
  if (roll < 0.28) return true;
  if (roll < 0.65) return pick(random, NUMBERS);
  return pick(random, STRINGS);
}

function randomPriority(random: () => number): string | number | null {
  const roll = random();
  if (roll < 0.35) return null;
  if (roll < 0.7)
    return pick(
      random,
      NUMBERS.filter((n) => Number.isFinite(n)),
    );
  return pick(
    random,
    STRINGS.filter((s) => s !== ""),
  );
}

/** One random child in export format: a leaf, or an object with `n` and `deep/x`; maybe a priority. */
function randomNode(random: () => number, id: number): Record<string, unknown> | Leaf {
  const priority = randomPriority(random);
  if (random() < 0.3) {
    const leaf = randomLeaf(random) ?? "leaf";
    return priority === null ? leaf : { ".value": leaf, ".priority": priority };
  }
  const object: Record<string, unknown> = { id };
  const n = randomLeaf(random);
  if (n !== null) object["n"] = n;
  const x = randomLeaf(random);
  if (x !== null) object["deep"] = { x };
  if (random() < 0.1) object["n"] = { nested: true };
  if (priority !== null) object[".priority"] = priority;
  return object;
}

/** A random child set in export format. */
function randomData(random: () => number): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const count = 6 + Math.floor(random() * 12);
  for (let i = 0; i < count; i += 1) data[pick(random, KEYS)] = randomNode(random, i);
  return data;
}

/** Applies one random change under `data`: set, remove or update a child, or a multi-child update. */
async function randomChange(random: () => number, db: Database, step: number): Promise<string> {
  const key = pick(random, KEYS);
  const roll = random();
  if (roll < 0.4) {
    const node = randomNode(random, 100 + step);
    await set(ref(db, `data/${key}`), node);
    return `set ${key}=${JSON.stringify(node)}`;
  }
  if (roll < 0.6) {
    await remove(ref(db, `data/${key}`));
    return `remove ${key}`;
  }
  if (roll < 0.8) {
    const n = randomLeaf(random);
    await update(ref(db, `data/${key}`), { n });
    return `update ${key}/n=${JSON.stringify(n)}`;
  }
  const other = pick(random, KEYS);
  const values = { [key]: randomNode(random, 200 + step), [other]: null };
  await update(ref(db, "data"), values);
  return `update ${JSON.stringify(values)}`;
}

type IndexKind = "child" | "deep" | "key" | "value" | "priority";

/** A random query shape the client accepts, always with a range or a limit (so it is tagged). */
function randomShape(random: () => number): { label: string; constraints: QueryConstraint[] } {
  const index: IndexKind = pick(random, ["child", "deep", "key", "value", "priority"] as const);
  const constraints: QueryConstraint[] = [];
  const parts: string[] = [];
  switch (index) {
    case "child":
      constraints.push(orderByChild("n"));
      break;
    case "deep":
      constraints.push(orderByChild("deep/x"));
      break;
    case "key":
      constraints.push(orderByKey());
      break;
    case "value":
      constraints.push(orderByValue());
      break;
    case "priority":
      constraints.push(orderByPriority());
      break;
  }
  parts.push(index);
  const bound = (): Bound => {
    if (index === "key") return pick(random, KEYS);
    if (index === "priority") {
      const p = randomPriority(random);
      return p;
    }
    return randomLeaf(random);
  };
  const withKey = (): string | undefined =>
    index !== "key" && random() < 0.3 ? pick(random, KEYS) : undefined;
  const roll = random();
  if (roll < 0.2) {
    const value = bound();
    const key = withKey();
    constraints.push(key === undefined ? equalTo(value) : equalTo(value, key));
    parts.push(`equalTo(${JSON.stringify(value)}${key === undefined ? "" : `,${key}`})`);
  } else {
    if (random() < 0.6) {
      const value = bound();
      const key = withKey();
      const after = random() < 0.4;
      const make = after ? startAfter : startAt;
      constraints.push(key === undefined ? make(value) : make(value, key));
      parts.push(
        `${after ? "startAfter" : "startAt"}(${JSON.stringify(value)}${key === undefined ? "" : `,${key}`})`,
      );
    }
    if (random() < 0.5) {
      const value = bound();
      const key = withKey();
      const before = random() < 0.4;
      const make = before ? endBefore : endAt;
      constraints.push(key === undefined ? make(value) : make(value, key));
      parts.push(
        `${before ? "endBefore" : "endAt"}(${JSON.stringify(value)}${key === undefined ? "" : `,${key}`})`,
      );
    }
  }
  if (random() < 0.6 || parts.length === 1) {
    const limit = 1 + Math.floor(random() * 5);
    const first = random() < 0.5;
    constraints.push(first ? limitToFirst(limit) : limitToLast(limit));
    parts.push(`${first ? "limitToFirst" : "limitToLast"}(${limit})`);
  }
  return { label: parts.join("."), constraints };
}

/** What a snapshot shows to the application: ordered keys with values and priorities. */
function visible(snapshot: DataSnapshot): unknown[] {
  const out: unknown[] = [];
  snapshot.forEach((child) => {
    out.push([child.key, child.exportVal()]);
  });
  return out;
}

describe("ordering (§16 item 10)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function seed(ns: string, path: string, value: unknown): Promise<void> {
    const response = await rest(emulator, "PUT", `/${path}.json?ns=${ns}`, {
      body: JSON.stringify(value),
      headers: { Authorization: "Bearer owner" },
    });
    expect(response.status, response.text).to.equal(200);
  }

  describe("§16.10 ordering", () => {
    it("orders integer-like keys numerically first (shorter first on ties), then the rest by UTF-16", async () => {
      const ns = uniqueName("ns");
      const keys = [
        "b",
        "10",
        "2",
        "01",
        "1",
        "-1",
        "2147483648",
        "-2147483649",
        "A",
        "_",
        "a",
        "001",
        "2147483647",
        "é",
      ];
      await seed(ns, "k", Object.fromEntries(keys.map((key) => [key, true])));
      const client = connectClient(emulator, ns);
      try {
        const snapshot = await nextValue(
          query(ref(client.db, "k"), orderByKey(), limitToFirst(keys.length)),
        );
        expect(orderedKeys(snapshot)).to.deep.equal([
          "-1",
          "1",
          "01",
          "001",
          "2",
          "10",
          "2147483647",
          "-2147483649",
          "2147483648",
          "A",
          "_",
          "a",
          "b",
          "é",
        ]);
      } finally {
        await client.close();
      }
    });

    it("orders values null < false < true < numbers < strings < objects, ties by key", async () => {
      const ns = uniqueName("ns");
      await seed(ns, "v", {
        s2: { n: "b" },
        s1: { n: "a" },
        o: { n: { x: 1 } },
        t: { n: true },
        f: { n: false },
        m: { other: 1 },
        n2: { n: 2 },
        n1: { n: -1 },
        z: { n: 2 },
      });
      const client = connectClient(emulator, ns);
      try {
        const snapshot = await nextValue(
          query(ref(client.db, "v"), orderByChild("n"), limitToFirst(20)),
        );
        expect(orderedKeys(snapshot)).to.deep.equal([
          "m",
          "f",
          "t",
          "n1",
          "n2",
          "z",
          "s1",
          "s2",
          "o",
        ]);
      } finally {
        await client.close();
      }
    });

    it("orders priorities none < numbers < strings, ties by key", async () => {
      const ns = uniqueName("ns");
      await seed(ns, "p", {
        c: { ".value": 1, ".priority": "a" },
        b: { ".value": 1, ".priority": 2 },
        a: { ".value": 1, ".priority": 10 },
        d: 1,
        "5": { ".value": 1, ".priority": 2 },
        e: { x: 1, ".priority": "B" },
      });
      const client = connectClient(emulator, ns);
      try {
        const snapshot = await nextValue(
          query(ref(client.db, "p"), orderByPriority(), limitToFirst(10)),
        );
        expect(orderedKeys(snapshot)).to.deep.equal(["d", "5", "b", "a", "e", "c"]);
      } finally {
        await client.close();
      }
    });

    describe("property: server-maintained windows equal the client's after random changes", () => {
      const SEEDS = [11, 12, 13, 14, 15, 16];
      const QUERIES = 12;
      const CHANGES = 30;
      for (const seedValue of SEEDS) {
        it(`keeps ${QUERIES} live tagged queries equal to local filtering through ${CHANGES} changes (seed ${seedValue})`, async () => {
          const random = generator(seedValue);
          const ns = uniqueName("live");
          await seed(ns, "data", randomData(random));
          const server = connectClient(emulator, ns);
          const local = connectClient(emulator, ns);
          const writer = connectClient(emulator, ns);
          const offFull = onValue(ref(local.db, "data"), () => undefined);
          const pairs: { label: string; server: Watch; local: Watch }[] = [];
          const serverMarker = watch(ref(server.db, "marker"));
          const localMarker = watch(ref(local.db, "marker"));
          try {
            await nextValue(ref(local.db, "data"), () => true, "the full data");
            while (pairs.length < QUERIES) {
              const shape = randomShape(random);
              try {
                const serverQuery = query(ref(server.db, "data"), ...shape.constraints);
                const localQuery = query(ref(local.db, "data"), ...shape.constraints);
                pairs.push({
                  label: shape.label,
                  server: watch(serverQuery),
                  local: watch(localQuery),
                });
              } catch {
                continue; // a shape the client itself rejects
              }
            }
            const log: string[] = [];
            for (let step = 0; step < CHANGES; step += 1)
              log.push(await randomChange(random, writer.db, step));
            const latest = (w: Watch): string => {
              const snapshot = w.snapshots.at(-1);
              return snapshot === undefined ? "<none>" : JSON.stringify(visible(snapshot));
            };
            // Pushes arrive in commit order, so once both clients see the marker they hold every change.
            const marker = uniqueName("marker");
            await set(ref(writer.db, "marker"), marker);
            await Promise.all([
              serverMarker.waitFor((snap) => snap.val() === marker, "the marker (server client)"),
              localMarker.waitFor((snap) => snap.val() === marker, "the marker (local client)"),
            ]);
            const expectedFinal = JSON.stringify(
              (await nextValue(ref(local.db, "data"), () => true, "the final data")).exportVal(),
            );
            const mismatches = pairs
              .filter((pair) => latest(pair.server) !== latest(pair.local))
              .map(
                (pair) =>
                  `${pair.label}\n    server: ${latest(pair.server)}\n    client: ${latest(pair.local)}`,
              );
            expect(
              mismatches,
              `seed ${seedValue}; final data ${expectedFinal}; changes:\n  ${log.join("\n  ")}\nmismatches:\n  ${mismatches.join("\n  ")}`,
            ).to.deep.equal([]);
            const errors = pairs.flatMap((pair) => [...pair.server.errors, ...pair.local.errors]);
            expect(errors.map(String)).to.deep.equal([]);
            const serverEvents = pairs.reduce((sum, pair) => sum + pair.server.snapshots.length, 0);
            expect(serverEvents, "window changes pushed by the server").to.be.greaterThan(
              QUERIES * 2,
            );
          } finally {
            for (const pair of pairs) {
              pair.server.off();
              pair.local.off();
            }
            serverMarker.off();
            localMarker.off();
            offFull();
            await server.close();
            await local.close();
            await writer.close();
          }
        });
      }
    });

    describe("property: server filtering equals the client's local filtering", () => {
      const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const QUERIES_PER_SEED = 40;
      for (const seedValue of SEEDS) {
        it(`agrees on ${QUERIES_PER_SEED} random tagged queries over random data (seed ${seedValue})`, async () => {
          const random = generator(seedValue);
          const ns = uniqueName("prop");
          await seed(ns, "data", randomData(random));
          const proxy = await FrameProxy.start(emulator.address);
          const server: ClientHandle = connectClient(emulator, ns, { via: proxy.address });
          const local: ClientHandle = connectClient(emulator, ns);
          // A default listen on the whole location makes the local client filter queries itself.
          const offFull = onValue(ref(local.db, "data"), () => undefined);
          try {
            await nextValue(ref(local.db, "data"), () => true, "the full data");
            const mismatches: string[] = [];
            let checked = 0;
            let nonEmpty = 0;
            while (checked < QUERIES_PER_SEED) {
              const shape = randomShape(random);
              let serverQuery: Query;
              let localQuery: Query;
              try {
                serverQuery = query(ref(server.db, "data"), ...shape.constraints);
                localQuery = query(ref(local.db, "data"), ...shape.constraints);
              } catch {
                continue; // a shape the client itself rejects (e.g. a bound type it disallows)
              }
              checked += 1;
              const [fromServer, fromLocal] = await Promise.all([
                nextValue(serverQuery, () => true, `server ${shape.label}`),
                nextValue(localQuery, () => true, `local ${shape.label}`),
              ]);
              if (fromServer.exists()) nonEmpty += 1;
              const a = JSON.stringify(visible(fromServer));
              const b = JSON.stringify(visible(fromLocal));
              if (a !== b) mismatches.push(`${shape.label}\n    server: ${a}\n    client: ${b}`);
            }
            expect(mismatches, `seed ${seedValue}:\n  ${mismatches.join("\n  ")}`).to.deep.equal(
              [],
            );
            // Guard against a vacuous pass: the queries really went to the server, tagged.
            const tagged = proxy
              .clientMessages()
              .map(clientRequest)
              .filter((r) => r?.a === "q" && "t" in r.b);
            expect(tagged.length).to.equal(QUERIES_PER_SEED);
            expect(nonEmpty, "queries with a non-empty result").to.be.greaterThan(
              QUERIES_PER_SEED / 3,
            );
          } finally {
            offFull();
            await server.close();
            await local.close();
            await proxy.close();
          }
        });
      }
    });
  });
});
