/** Spec §16 items 1–6 and 22: handshake, namespaces, framing, ping, stats, bad credentials. */
import { expect } from "chai";
import { get, ref, set } from "firebase/database";
import {
  FrameProxy,
  RawClient,
  clientRequest,
  connectClient,
  isJsonObject,
  layer,
  nextValue,
  rest,
  startEmulator,
  uniqueName,
  until,
  type Emulator,
  type Json,
} from "./support.js";

describe("transport (§16 items 1–6, 22)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.1 handshake", () => {
    it("sends t:c/h with ts, v, h = Host and a session id as the first frame", async () => {
      const before = Date.now();
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const first = client.messages[0] ?? null;
        const control = layer(first, "c");
        expect(control?.["t"], JSON.stringify(first)).to.equal("h");
        const handshake = control?.["d"];
        if (!isJsonObject(handshake))
          throw new Error(`handshake without d: ${JSON.stringify(first)}`);
        expect(handshake["v"]).to.equal("5");
        expect(handshake["h"]).to.equal(emulator.address);
        expect(handshake["s"]).to.be.a("string").that.is.not.empty;
        const ts = handshake["ts"];
        expect(ts).to.be.a("number");
        expect(Math.abs(Number(ts) - before)).to.be.lessThan(5_000);
      } finally {
        client.close();
      }
    });

    it("echoes a non-default Host header in h", async () => {
      const client = await RawClient.connect(emulator.address, `v=5&ns=${uniqueName("ns")}`, {
        Host: "db.example.test:4321",
      });
      try {
        const message = await client.waitFor((m) => layer(m, "c")?.["t"] === "h", "the handshake");
        const handshake = layer(message, "c")?.["d"];
        expect(isJsonObject(handshake) ? handshake["h"] : undefined).to.equal(
          "db.example.test:4321",
        );
      } finally {
        client.close();
      }
    });

    it("gives each connection its own session id", async () => {
      const ns = uniqueName("ns");
      const [a, b] = await Promise.all([
        RawClient.open(emulator, ns),
        RawClient.open(emulator, ns),
      ]);
      try {
        const sessionOf = (client: RawClient): Json => {
          const handshake = layer(client.messages[0] ?? null, "c")?.["d"];
          return isJsonObject(handshake) ? (handshake["s"] ?? null) : null;
        };
        expect(sessionOf(a)).to.not.equal(sessionOf(b));
      } finally {
        a.close();
        b.close();
      }
    });
  });

  describe("§16.2 namespaces", () => {
    it("isolates namespaces: a write in A is invisible in B", async () => {
      const [nsA, nsB] = [uniqueName("ns-a"), uniqueName("ns-b")];
      const a = connectClient(emulator, nsA);
      const b = connectClient(emulator, nsB);
      try {
        await set(ref(a.db, "shared/value"), "from-a");
        expect((await get(ref(a.db, "shared/value"))).val()).to.equal("from-a");
        expect((await get(ref(b.db, "shared/value"))).val()).to.equal(null);
        const viaRest = await rest(emulator, "GET", `/shared/value.json?ns=${nsA}`);
        expect(viaRest.json()).to.equal("from-a");
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("takes the namespace from the databaseURL subdomain (ws ?ns=)", async () => {
      const ns = uniqueName("sub");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await set(ref(client.db, "x"), 1);
        expect(proxy.connections[0]?.path).to.contain(`ns=${ns}`);
        expect((await rest(emulator, "GET", `/x.json?ns=${ns}`)).json()).to.equal(1);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("uses fake-server when the upgrade has no ns", async () => {
      const client = await RawClient.open(emulator, null);
      const key = uniqueName("no-ns");
      try {
        const reply = await client.request("p", { p: `/${key}`, d: "here" });
        expect(reply.s).to.equal("ok");
        expect((await rest(emulator, "GET", `/${key}.json?ns=fake-server`)).json()).to.equal(
          "here",
        );
        expect((await rest(emulator, "GET", `/${key}.json`)).json()).to.equal("here");
      } finally {
        client.close();
      }
    });
  });

  describe("§16.3 no bare digit strings from the server", () => {
    it('ignores the client\'s "0" keepalive, including between requests', async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        client.sendRaw("0");
        const first = await client.request("p", { p: "/k", d: 1 });
        client.sendRaw("0");
        client.sendRaw("0");
        const second = await client.request("g", { p: "/k", q: {} });
        expect(first).to.deep.equal({ s: "ok", d: "" });
        expect(second).to.deep.equal({ s: "ok", d: 1 });
      } finally {
        client.close();
      }
    });

    it("sends only JSON frames or count frames followed by exactly that many chunks", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        await client.request("s", { c: { "sdk.node.12-19-0": 1 } });
        await client.request("q", { p: "/big", h: "" });
        await client.request("p", { p: "/big", d: { blob: "x".repeat(60_000) } });
        await client.request("g", { p: "/big", q: {} });
        await client.ping();
        expect(client.violations).to.deep.equal([]);
        const digitFrames = client.frames.filter((frame) => /^\d{1,6}$/.test(frame));
        expect(digitFrames).to.not.include("0");
      } finally {
        client.close();
      }
    });
  });

  describe("§16.4 multi-frame messages", () => {
    it('reassembles a client message sent as "3" plus 3 chunks (≥ 40 KB)', async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const value = "y".repeat(40_000);
        const r = client.reserveRequestNumber();
        const text = JSON.stringify({ t: "d", d: { r, a: "p", b: { p: "/chunked", d: value } } });
        const size = Math.ceil(text.length / 3);
        client.sendRaw("3");
        for (let i = 0; i < 3; i += 1) client.sendRaw(text.slice(i * size, (i + 1) * size));
        const reply = await client.waitFor((m) => layer(m, "d")?.["r"] === r, "the put reply");
        expect(layer(reply, "d")?.["b"]).to.deep.equal({ s: "ok", d: "" });
        const readBack = await client.request("g", { p: "/chunked", q: {} });
        expect(readBack.s).to.equal("ok");
        expect(
          readBack.d === value,
          `read back ${JSON.stringify(readBack.d).length} characters`,
        ).to.equal(true);
      } finally {
        client.close();
      }
    });

    it("round-trips a 50 KB value between two real clients (count frame + chunks both ways)", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const writer = connectClient(emulator, ns);
      const reader = connectClient(emulator, ns, { via: proxy.address });
      try {
        const value = { blob: "z".repeat(50_000), n: 7 };
        const seen = nextValue(ref(reader.db, "large"), (s) => s.exists(), "the large value");
        await set(ref(writer.db, "large"), value);
        expect((await seen).val()).to.deep.equal(value);
        // The emulator splits large messages as the client does, so the client's reassembly ran.
        const fromServer = proxy.connections.flatMap((c) => c.fromServer);
        expect(fromServer).to.not.include("0");
        const countIndex = fromServer.findIndex((frame) => /^[1-9]\d{0,5}$/.test(frame));
        expect(countIndex, "a count frame before the 50 KB push").to.be.greaterThan(-1);
        const count = Number(fromServer[countIndex]);
        const chunks = fromServer.slice(countIndex + 1, countIndex + 1 + count);
        expect(chunks).to.have.length(count);
        expect(chunks.every((chunk) => chunk.length <= 16384)).to.equal(true);
        expect(JSON.parse(chunks.join(""))).to.have.nested.property("d.b.d.blob");
      } finally {
        await writer.close();
        await reader.close();
        await proxy.close();
      }
    });
  });

  describe("§16.5 ping", () => {
    it("answers t:c/p with the pong t:c/o and d:{}", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const from = client.messages.length;
        client.send({ t: "c", d: { t: "p", d: {} } });
        const pong = await client.waitFor((m) => layer(m, "c")?.["t"] === "o", "a pong", from);
        expect(pong).to.deep.equal({ t: "c", d: { t: "o", d: {} } });
      } finally {
        client.close();
      }
    });
  });

  describe("§16.6 stats", () => {
    it('answers s with {s:ok, d:""}', async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const reply = await client.request("s", { c: { "sdk.node.12-19-0": 1 } });
        expect(reply).to.deep.equal({ s: "ok", d: "" });
      } finally {
        client.close();
      }
    });

    it("answers the stats the real client sends on its first connection", async () => {
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, uniqueName("ns"), { via: proxy.address });
      try {
        await set(ref(client.db, "touch"), true);
        const stats = proxy
          .clientMessages()
          .map(clientRequest)
          .find((request) => request?.a === "s");
        if (stats === undefined)
          throw new Error("the client sent no stats on its first connection");
        expect(Object.keys(stats.b["c"] ?? {})).to.deep.equal(["sdk.node.12-19-0"]);
        const reply = proxy
          .serverMessages()
          .map((m) => layer(m, "d"))
          .find((d) => d?.["r"] === stats.r);
        expect(reply?.["b"]).to.deep.equal({ s: "ok", d: "" });
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });

  describe("§16.22 invalid credentials", () => {
    it("replies invalid_token to an auth whose credential is garbage", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const reply = await client.request("auth", { cred: "garbage.not-a-jwt" });
        expect(reply.s).to.equal("invalid_token");
        expect(reply.d).to.be.a("string");
      } finally {
        client.close();
      }
    });

    it("replies invalid_token to a JWT whose payload is not JSON", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const header = Buffer.from('{"alg":"none"}').toString("base64url");
        const reply = await client.request("auth", { cred: `${header}.bm90IGpzb24.` });
        expect(reply.s).to.equal("invalid_token");
      } finally {
        client.close();
      }
    });

    it("lets the real client reconnect after invalid_token and then read normally", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      let corrupted = 0;
      proxy.onClientFrame = (frame) => {
        const request = clientRequest(parseFrame(frame));
        if (request?.a === "auth" && corrupted === 0) {
          corrupted += 1;
          return JSON.stringify({ t: "d", d: { r: request.r, a: "auth", b: { cred: "garbage" } } });
        }
        return frame;
      };
      const token = { sub: "alice", user_id: "alice" };
      const client = connectClient(emulator, ns, { via: proxy.address, mockUserToken: token });
      try {
        await rest(emulator, "PUT", `/greeting.json?ns=${ns}`, {
          body: JSON.stringify("hello"),
          headers: { Authorization: "Bearer owner" },
        });
        const value = await nextValue(ref(client.db, "greeting"), (s) => s.val() === "hello");
        expect(value.val()).to.equal("hello");
        await until(() => proxy.connections.length >= 2, "the client to reconnect");
        const replies = proxy.serverMessages(proxy.connections[0]).map((m) => layer(m, "d")?.["b"]);
        expect(replies.some((b) => isJsonObject(b) && b["s"] === "invalid_token")).to.equal(true);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });
});

function parseFrame(frame: string): Json {
  try {
    return JSON.parse(frame) as Json;
  } catch {
    return null;
  }
}
