/**
 * Frame-level tests with a raw `ws` client: handshake, framing both ways, control messages, the
 * order of replies and pushes, and robustness against malformed input (spec §2–§3, §5, §6.6).
 */
import { expect } from "chai";
import {
  connectRaw,
  pushOf,
  replyBody,
  startEmulator,
  uniqueNamespace,
  type RawClient,
  type TestEmulator,
} from "../helpers/emulator.js";

function mockToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", type: "JWT" })}.${encode({ iat: 0, exp: 3600, ...claims })}.`;
}

function isPush(action: string, path?: string) {
  return (message: unknown): boolean => {
    const push = pushOf(message);
    return push !== undefined && push.a === action && (path === undefined || push.b["p"] === path);
  };
}

describe("WebSocket protocol", () => {
  let emulator: TestEmulator;
  const clients: RawClient[] = [];

  async function client(namespace: string, headers?: Record<string, string>): Promise<RawClient> {
    const connected = await connectRaw(emulator, { namespace, ...(headers ? { headers } : {}) });
    clients.push(connected);
    await connected.handshake();
    return connected;
  }

  before(async () => {
    emulator = await startEmulator();
  });

  afterEach(() => {
    for (const connected of clients.splice(0)) connected.terminate();
  });

  after(async () => {
    await emulator.stop();
  });

  describe("handshake", () => {
    it("sends the handshake first, with ts, v 5, h equal to the Host header and a session id", async () => {
      const raw = await connectRaw(emulator, { namespace: uniqueNamespace() });
      clients.push(raw);
      const handshake = await raw.handshake();
      expect(raw.messages[0]).to.have.nested.property("d.t", "h");
      expect(handshake.v).to.equal("5");
      expect(handshake.h).to.equal(emulator.hostPort);
      expect(handshake.s).to.be.a("string").and.not.equal("");
      expect(Math.abs(Number(handshake.ts) - Date.now())).to.be.below(5000);
    });

    it("echoes a different Host header verbatim", async () => {
      const raw = await client(uniqueNamespace(), { Host: `localhost:${String(emulator.port)}` });
      expect((await raw.handshake()).h).to.equal(`localhost:${String(emulator.port)}`);
    });
  });

  describe("control messages", () => {
    it("answers a ping with a pong carrying d:{}", async () => {
      const raw = await client(uniqueNamespace());
      raw.send({ t: "c", d: { t: "p", d: {} } });
      const pong = await raw.next(
        (message) => JSON.stringify(message) === '{"t":"c","d":{"t":"o","d":{}}}',
      );
      expect(pong).to.deep.equal({ t: "c", d: { t: "o", d: {} } });
    });

    it("answers stats with ok and an empty string", async () => {
      const raw = await client(uniqueNamespace());
      expect(await raw.request("s", { c: { "sdk.node.12-19-0": 1 } })).to.deep.equal({
        s: "ok",
        d: "",
      });
    });
  });

  describe("framing", () => {
    it("reassembles a 40 KB message sent as a count frame and chunks", async () => {
      const raw = await client(uniqueNamespace());
      const big = "x".repeat(40_000);
      const text = JSON.stringify({ t: "d", d: { r: 1, a: "p", b: { p: "/big", d: big } } });
      const chunks: string[] = [];
      for (let offset = 0; offset < text.length; offset += 16384)
        chunks.push(text.slice(offset, offset + 16384));
      expect(chunks).to.have.length(3);
      raw.sendFrame(String(chunks.length));
      for (const chunk of chunks) raw.sendFrame(chunk);
      const reply = await raw.next((message) => replyBody(message, 1) !== undefined);
      expect(replyBody(reply, 1)).to.deep.equal({ s: "ok", d: "" });
      const read = await raw.request("g", { p: "/big", q: {} });
      expect(read).to.deep.equal({ s: "ok", d: big });
    });

    it("splits a 50 KB reply into a count frame and chunks of at most 16384 characters", async () => {
      const raw = await client(uniqueNamespace());
      const big = "y".repeat(50_000);
      expect(await raw.request("p", { p: "/big", d: big })).to.deep.equal({ s: "ok", d: "" });
      const before = raw.frames.length;
      expect(await raw.request("g", { p: "/big", q: {} })).to.deep.equal({ s: "ok", d: big });
      const frames = raw.frames.slice(before);
      expect(frames[0]).to.match(/^\d+$/);
      expect(frames.length).to.equal(Number(frames[0]) + 1);
      for (const chunk of frames.slice(1)) expect(chunk.length).to.be.at.most(16384);
    });

    it("ignores the client's 0 keepalive and keeps serving", async () => {
      const raw = await client(uniqueNamespace());
      raw.sendFrame("0");
      expect(await raw.request("s", { c: {} })).to.deep.equal({ s: "ok", d: "" });
    });

    it("never sends a bare digit string except as the count of the chunks that follow", async () => {
      const raw = await client(uniqueNamespace());
      await raw.request("q", { p: "/", h: "" });
      await raw.request("p", { p: "/digits", d: "1".repeat(40_000) });
      await raw.request("p", { p: "/n", d: 0 });
      let index = 0;
      while (index < raw.frames.length) {
        const frame = raw.frames[index] ?? "";
        if (/^\d+$/.test(frame)) {
          expect(Number(frame)).to.be.above(1);
          index += Number(frame) + 1;
        } else {
          expect(() => JSON.parse(frame) as unknown).not.to.throw();
          index++;
        }
      }
      expect(index).to.equal(raw.frames.length);
    });
  });

  describe("robustness", () => {
    it("answers or ignores malformed messages and keeps serving every client", async () => {
      const namespace = uniqueNamespace();
      const raw = await client(namespace);
      const other = await client(namespace);
      raw.sendFrame("{not json");
      raw.sendFrame("[1,2,3]");
      raw.sendFrame('"just a string"');
      raw.send({ t: "d", d: "nope" });
      raw.send({ t: "x", d: {} });
      raw.send({ t: "c" });
      expect((await raw.request("nonsense", {})).s).to.not.equal("ok");
      expect((await raw.request("p", { p: "/bad.key", d: 1 })).s).to.not.equal("ok");
      expect((await raw.request("p", { p: 42, d: 1 })).s).to.not.equal("ok");
      expect((await raw.request("p", { p: "/x" })).s).to.not.equal("ok");
      expect((await raw.request("m", { p: "/x", d: 5 })).s).to.not.equal("ok");
      expect((await raw.request("q", { p: "/x", q: "bad", t: 1, h: "" })).s).to.not.equal("ok");
      expect((await raw.request("p", { p: "/x", d: { "a.b": 1 } })).s).to.not.equal("ok");
      raw.send({ t: "d", d: { r: 99, a: "p" } });
      expect(await raw.request("s", {})).to.deep.equal({ s: "ok", d: "" });
      expect(await other.request("p", { p: "/still", d: "fine" })).to.deep.equal({
        s: "ok",
        d: "",
      });
    });
  });

  describe("listen", () => {
    it("pushes the data before the ok", async () => {
      const raw = await client(uniqueNamespace());
      await raw.request("p", { p: "/items", d: { a: 1 } });
      const start = raw.messages.length;
      await raw.request("q", { p: "/items", h: "" });
      const after = raw.messages.slice(start);
      expect(after).to.have.length(2);
      expect(pushOf(after[0])).to.deep.equal({ a: "d", b: { p: "items", d: { a: 1 } } });
      expect(replyBody(after[1], 2)).to.deep.equal({ s: "ok", d: {} });
    });

    it("pushes a tagged query's window with its tag", async () => {
      const raw = await client(uniqueNamespace());
      await raw.request("p", { p: "/q", d: { a: { n: 3 }, b: { n: 1 }, c: { n: 2 } } });
      await raw.request("q", { p: "/q", q: { l: 2, vf: "l", i: "n" }, t: 1, h: "" });
      const push = pushOf(await raw.next(isPush("d", "q")));
      expect(push?.b).to.deep.equal({ p: "q", d: { b: { n: 1 }, c: { n: 2 } }, t: 1 });
    });

    it("pushes another client's write to listeners before the writer's ok", async () => {
      const namespace = uniqueNamespace();
      const listener = await client(namespace);
      const writer = await client(namespace);
      await listener.request("q", { p: "/room", h: "" });
      await writer.request("q", { p: "/room", h: "" });
      const start = writer.messages.length;
      await writer.request("p", { p: "/room/msg", d: "hi" });
      const after = writer.messages.slice(start);
      expect(pushOf(after[0])).to.deep.equal({ a: "d", b: { p: "room/msg", d: "hi" } });
      expect(replyBody(after[1], 2)).to.deep.equal({ s: "ok", d: "" });
      const pushed = pushOf(await listener.next(isPush("d", "room/msg")));
      expect(pushed?.b["d"]).to.equal("hi");
    });

    it("stops pushing after unlisten", async () => {
      const raw = await client(uniqueNamespace());
      await raw.request("q", { p: "/a", h: "" });
      expect(await raw.request("n", { p: "/a" })).to.deep.equal({ s: "ok", d: "" });
      const start = raw.messages.length;
      await raw.request("p", { p: "/a", d: 1 });
      expect(
        raw.messages.slice(start).filter((message) => pushOf(message) !== undefined),
      ).to.deep.equal([]);
    });
  });

  describe("auth", () => {
    it("answers garbage credentials with invalid_token", async () => {
      const raw = await client(uniqueNamespace());
      expect((await raw.request("auth", { cred: "garbage" })).s).to.equal("invalid_token");
    });

    it("answers unauth with ok unauthenticated and revokes listens the rules now deny", async () => {
      const namespace = uniqueNamespace();
      emulator.database?.setRules(
        namespace,
        '{"rules":{".read":"auth != null",".write":"auth != null"}}',
      );
      const raw = await client(namespace);
      expect((await raw.request("q", { p: "/a", h: "" })).s).to.equal("permission_denied");
      expect((await raw.request("auth", { cred: mockToken({ sub: "alice" }) })).s).to.equal("ok");
      expect(await raw.request("q", { p: "/a", h: "" })).to.deep.equal({ s: "ok", d: {} });
      const query = { l: 1, vf: "l", i: "n" };
      expect((await raw.request("q", { p: "/b", q: query, t: 1, h: "" })).s).to.equal("ok");
      expect(await raw.request("unauth", {})).to.deep.equal({ s: "ok", d: "unauthenticated" });
      expect(pushOf(await raw.next(isPush("c", "a")))?.b).to.deep.equal({ p: "a" });
      expect(pushOf(await raw.next(isPush("c", "b")))?.b).to.deep.equal({ p: "b", q: [query] });
    });

    it("denies a read with d Permission denied", async () => {
      const namespace = uniqueNamespace();
      emulator.database?.setRules(namespace, '{"rules":{".read":false,".write":false}}');
      const raw = await client(namespace);
      expect(await raw.request("g", { p: "/x", q: {} })).to.deep.equal({
        s: "permission_denied",
        d: "Permission denied",
      });
      expect(await raw.request("p", { p: "/x", d: 1 })).to.deep.equal({
        s: "permission_denied",
        d: "Permission denied",
      });
      expect((await raw.request("gauth", { cred: "owner" })).s).to.equal("ok");
      expect(await raw.request("p", { p: "/x", d: 1 })).to.deep.equal({ s: "ok", d: "" });
    });
  });

  describe("onDisconnect", () => {
    it("applies queued operations in order when the socket drops abruptly, and not cancelled ones", async () => {
      const namespace = uniqueNamespace();
      const observer = await client(namespace);
      const leaving = await client(namespace);
      await observer.request("q", { p: "/presence", h: "" });
      expect(
        await leaving.request("o", { p: "/presence/alice", d: { at: { ".sv": "timestamp" } } }),
      ).to.deep.equal({ s: "ok", d: "" });
      expect((await leaving.request("om", { p: "/presence/bob", d: { x: 1 } })).s).to.equal("ok");
      expect((await leaving.request("om", { p: "/presence/carol", d: { x: 1 } })).s).to.equal("ok");
      expect(await leaving.request("oc", { p: "/presence/carol", d: null })).to.deep.equal({
        s: "ok",
        d: "",
      });
      const before = Date.now();
      leaving.terminate();
      await observer.next((message) => {
        const push = pushOf(message);
        return push !== undefined && JSON.stringify(push.b).includes("alice");
      });
      const read = await observer.request("g", { p: "/presence", q: {} });
      const value = read.d as { alice: { at: number }; bob: unknown; carol?: unknown };
      expect(value.alice.at).to.be.at.least(before);
      expect(value.bob).to.deep.equal({ x: 1 });
      expect(value.carol).to.equal(undefined);
    });
  });

  describe("namespaces", () => {
    it("uses fake-server when the URL has no ns", async () => {
      const raw = await connectRaw(emulator, { path: "/.ws?v=5" });
      clients.push(raw);
      await raw.handshake();
      const value = uniqueNamespace("v");
      await raw.request("p", { p: "/marker", d: value });
      expect(emulator.database?.root("fake-server")).to.have.property("marker", value);
    });
  });
});
