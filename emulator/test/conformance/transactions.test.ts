/** Spec §16 item 15: the transaction hash, datastale, and concurrent transactions. */
import { expect } from "chai";
import { ref, runTransaction, set } from "firebase/database";
import {
  FrameProxy,
  RawClient,
  clientRequest,
  connectClient,
  layer,
  rest,
  startEmulator,
  uniqueName,
  watch,
  type Emulator,
} from "./support.js";

/**
 * The §6.4 corpus: values whose hash is easy to get wrong (tiny doubles, -0, integer-like keys,
 * priorities on leaves and objects). Each is written in export format by one client.
 */
const corpus: [string, unknown][] = [
  ["zero", 0],
  ["negative zero", -0],
  ["0.1", 0.1],
  ["a tiny negative double -1e-300", -1e-300],
  ["1e21", 1e21],
  ["2^53 + 2", 2 ** 53 + 2],
  ["a Unicode string", "héllo ☃ 𝄞 \u00e9"],
  ["true", true],
  ["false", false],
  [
    "integer-like keys",
    { "1": "a", "01": "b", "001": "c", "-1": "d", "2147483648": "e", "10": "f", z: "g" },
  ],
  ["a nested object", { a: { b: { c: 1.5, d: "x" } }, e: [1, 2], f: false }],
  ["an array", [1, "two", { three: 3 }]],
  ["a leaf with a number priority", { ".value": "v", ".priority": 42 }],
  ["a leaf with a string priority", { ".value": 7, ".priority": "pri" }],
  [
    "an object with priorities on itself and its children",
    {
      ".priority": 3.5,
      a: { ".value": 1, ".priority": "z" },
      b: { ".value": 2, ".priority": 0 },
      c: 3,
    },
  ],
];

describe("transactions (§16 item 15)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.15 transaction hash", () => {
    let ns: string;
    let writer: ReturnType<typeof connectClient>;
    let runner: ReturnType<typeof connectClient>;
    before(() => {
      ns = uniqueName("hash");
      writer = connectClient(emulator, ns);
      runner = connectClient(emulator, ns);
    });
    after(async () => {
      await writer.close();
      await runner.close();
    });

    corpus.forEach(([name, value], index) => {
      it(`matches the client's h on the first attempt for ${name}`, async () => {
        const path = `corpus/${index}`;
        await set(ref(writer.db, path), value);
        const cached = watch(ref(runner.db, path));
        try {
          await cached.waitFor((snap) => snap.exists(), "the cached value");
          let attempts = 0;
          const result = await runTransaction(ref(runner.db, path), () => {
            attempts += 1;
            return `replaced-${index}`;
          });
          expect(result.committed).to.equal(true);
          expect(attempts, "update function calls (more than 1 means datastale)").to.equal(1);
          expect((await rest(emulator, "GET", `/${path}.json?ns=${ns}`)).json()).to.equal(
            `replaced-${index}`,
          );
        } finally {
          cached.off();
        }
      });
    });

    it("answers a stale h with datastale and does not write", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        await client.request("p", { p: "/counter", d: 1 });
        const reply = await client.request("p", { p: "/counter", d: 2, h: "" });
        expect(reply).to.deep.equal({ s: "datastale", d: "Transaction hash does not match" });
        expect((await client.request("g", { p: "/counter", q: {} })).d).to.equal(1);
      } finally {
        client.close();
      }
    });

    it('commits h:"" on an empty location', async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const reply = await client.request("p", { p: "/fresh", d: 1, h: "" });
        expect(reply.s).to.equal("ok");
      } finally {
        client.close();
      }
    });

    it("makes the real client retry after datastale and commit on fresh data", async () => {
      const ns2 = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const seeder = connectClient(emulator, ns2);
      const client = connectClient(emulator, ns2, { via: proxy.address });
      try {
        await set(ref(seeder.db, "counter"), 41);
        const seen: unknown[] = [];
        const result = await runTransaction(ref(client.db, "counter"), (current: unknown) => {
          seen.push(current);
          return typeof current === "number" ? current + 1 : 1;
        });
        expect(result.committed).to.equal(true);
        expect(result.snapshot.val()).to.equal(42);
        expect(seen[0]).to.equal(null);
        expect(seen.at(-1)).to.equal(41);
        const stale = proxy
          .serverMessages()
          .map((m) => layer(m, "d")?.["b"])
          .filter(
            (b) => JSON.stringify(b) === '{"s":"datastale","d":"Transaction hash does not match"}',
          );
        expect(stale.length).to.be.greaterThan(0);
        const puts = proxy
          .clientMessages()
          .map(clientRequest)
          .filter((r) => r?.a === "p" && "h" in r.b);
        expect(puts.length).to.equal(stale.length + 1);
      } finally {
        await seeder.close();
        await client.close();
        await proxy.close();
      }
    });

    it("gives exactly 75 from 3 clients × 25 concurrent runTransaction increments", async () => {
      const ns3 = uniqueName("ns");
      const clients = [0, 1, 2].map(() => connectClient(emulator, ns3));
      try {
        const transactions = clients.flatMap((client) =>
          Array.from({ length: 25 }, () =>
            runTransaction(ref(client.db, "count"), (current: unknown) =>
              typeof current === "number" ? current + 1 : 1,
            ),
          ),
        );
        const results = await Promise.all(transactions);
        expect(results.every((r) => r.committed)).to.equal(true);
        expect((await rest(emulator, "GET", `/count.json?ns=${ns3}`)).json()).to.equal(75);
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    });
  });
});
