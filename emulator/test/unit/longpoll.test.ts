import { createServer, type Server } from "node:http";
import { runInNewContext } from "node:vm";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { LongPollHub, type LongPollTimings } from "../../src/transport/longpoll.js";
import type { Session, SessionInfo } from "../../src/protocol/session.js";
import type { Transport } from "../../src/engine/types.js";

/** A stand-in protocol session: sends a handshake like the real one and records what it gets. */
class RecordingSession implements Session {
  readonly received: unknown[] = [];
  closedCount = 0;
  readonly sessionId: string;

  constructor(
    readonly transport: Transport,
    readonly info: SessionInfo,
  ) {
    this.sessionId = `session-${Math.random().toString(36).slice(2)}`;
    transport.send({
      t: "c",
      d: { t: "h", d: { ts: 1, v: "5", h: info.host, s: this.sessionId } },
    });
  }

  receive(message: unknown): void {
    this.received.push(message);
  }

  closed(): void {
    this.closedCount += 1;
  }
}

/** What the client's iframe callbacks saw, in call order. */
type ClientEvent =
  | { readonly kind: "command"; readonly args: unknown[] }
  | { readonly kind: "data"; readonly responseNumber: unknown; readonly messages: unknown };

function runScript(script: string, callbackId: string): ClientEvent[] {
  const events: ClientEvent[] = [];
  const parent: Record<string, unknown> = {
    [`pLPCommand${callbackId}`]: (...args: unknown[]) => events.push({ kind: "command", args }),
    [`pRTLPCB${callbackId}`]: (responseNumber: unknown, messages: unknown) =>
      events.push({ kind: "data", responseNumber, messages }),
  };
  // The response is JSONP meant for a script tag; running it here plays the browser's part.
  runInNewContext(script, { parent });
  return events;
}

function encodeWebSafe(message: unknown): string {
  return Buffer.from(JSON.stringify(message), "utf8")
    .toString("base64")
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=/g, ".");
}

interface Harness {
  readonly hub: LongPollHub;
  readonly sessions: RecordingSession[];
  readonly base: string;
  close(): Promise<void>;
}

async function startHub(
  timings: LongPollTimings = { holdMs: 5_000, idleMs: 10_000 },
): Promise<Harness> {
  const sessions: RecordingSession[] = [];
  const hub = new LongPollHub((transport, info) => {
    const session = new RecordingSession(transport, info);
    sessions.push(session);
    return session;
  }, timings);
  const server: Server = createServer((req, res) => {
    hub.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hub,
    sessions,
    base: `http://127.0.0.1:${port}/.lp`,
    close: async () => {
      hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

interface Connected {
  readonly id: string;
  readonly pw: string;
  readonly session: RecordingSession;
  readonly startEvents: ClientEvent[];
}

const CALLBACK = "7";

async function connect(harness: Harness, query = "&v=5&ns=demo-ns"): Promise<Connected> {
  const response = await fetch(`${harness.base}?start=t&ser=123&cb=${CALLBACK}${query}`);
  expect(response.status).to.equal(200);
  expect(response.headers.get("content-type")).to.match(/javascript/);
  const startEvents = runScript(await response.text(), CALLBACK);
  const start = startEvents[0];
  if (start?.kind !== "command" || start.args[0] !== "start") {
    throw new Error(`expected a start command, got ${JSON.stringify(startEvents)}`);
  }
  const [, id, pw] = start.args;
  if (typeof id !== "string" || typeof pw !== "string") throw new Error("start without id/pw");
  const session = harness.sessions.at(-1);
  if (!session) throw new Error("no session was created");
  return { id, pw, session, startEvents };
}

let serial = 1000;
function poll(harness: Harness, connection: Connected, data = ""): Promise<Response> {
  serial += 1;
  return fetch(`${harness.base}?id=${connection.id}&pw=${connection.pw}&ser=${serial}${data}`);
}

function segmentParams(firstSegment: number, encoded: string, size: number): string[] {
  const chunks: string[] = [];
  for (let offset = 0; offset < encoded.length; offset += size) {
    chunks.push(encoded.slice(offset, offset + size));
  }
  return chunks.map(
    (chunk, index) =>
      `&seg${index}=${firstSegment + index}&ts${index}=${chunks.length}&d${index}=${chunk}`,
  );
}

/** Renumbers `&segN=…&tsN=…&dN=…` parameter groups so they can be regrouped into one request. */
function asRequestData(groups: readonly string[]): string {
  return groups.map((group, index) => group.replace(/(seg|ts|d)\d+=/g, `$1${index}=`)).join("");
}

async function until(condition: () => boolean, label: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

class FakeSocket implements Transport {
  readonly sent: unknown[] = [];
  closedByServer = false;
  send(message: object): void {
    this.sent.push(message);
  }
  close(): void {
    this.closedByServer = true;
  }
}

describe("LongPollHub", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHub();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("answers start with the start command and the handshake as response 0", async () => {
    const { startEvents, session } = await connect(harness);
    expect(session.info).to.deep.equal({
      namespace: "demo-ns",
      host: new URL(harness.base).host,
    });
    expect(startEvents[1]).to.deep.equal({
      kind: "data",
      responseNumber: 0,
      messages: [
        { t: "c", d: { t: "h", d: { ts: 1, v: "5", h: session.info.host, s: session.sessionId } } },
      ],
    });
  });

  it("uses the fake-server namespace when ns is missing", async () => {
    const { session } = await connect(harness, "&v=5");
    expect(session.info.namespace).to.equal("fake-server");
  });

  it("rejects malformed requests with 400 and never crashes", async () => {
    const statuses = await Promise.all(
      [
        "?start=t&ser=1",
        "?start=t&ser=1&cb=x%22);alert(1)//",
        "?id=abc",
        "?dframe=t&id=nope&pw=nope",
      ].map(async (query) => (await fetch(`${harness.base}${query}`)).status),
    );
    expect(statuses).to.deep.equal([400, 400, 400, 400]);
    const connection = await connect(harness);
    const badSegment = await poll(harness, connection, "&seg0=x&ts0=1&d0=abc");
    expect(badSegment.status).to.equal(400);
    const badCharacters = await poll(harness, connection, "&seg0=0&ts0=1&d0=%3Cscript%3E");
    expect(badCharacters.status).to.equal(400);
    const put = await fetch(harness.base, { method: "PUT" });
    expect(put.status).to.equal(405);
  });

  it("rejects a message that is not JSON and closes the session", async () => {
    const connection = await connect(harness);
    const notJson = Buffer.from("{nope").toString("base64").replace(/=/g, ".");
    const response = await poll(harness, connection, `&seg0=0&ts0=1&d0=${notJson}`);
    expect(response.status).to.equal(400);
    expect(connection.session.closedCount).to.equal(1);
  });

  it("returns 404 to a poll for an unknown connection", async () => {
    const response = await fetch(`${harness.base}?id=unknown&pw=x&ser=5`);
    expect(response.status).to.equal(404);
  });

  it("reassembles a message split into segments that arrive out of order", async () => {
    const connection = await connect(harness);
    const message = { t: "d", d: { r: 1, a: "p", b: { p: "/x", d: "héllo ✓ ".repeat(40) } } };
    const groups = segmentParams(0, encodeWebSafe(message), 50);
    expect(groups.length).to.be.greaterThan(3);
    const later = poll(harness, connection, asRequestData(groups.slice(2)));
    // The second request holds the first segments; only then is the message complete.
    await until(() => harness.hub.heldPolls === 1, "the later poll to be held");
    expect(connection.session.received).to.deep.equal([]);
    const earlier = poll(harness, connection, asRequestData(groups.slice(0, 2)));
    await until(() => connection.session.received.length === 1, "the reassembled message");
    expect(connection.session.received).to.deep.equal([message]);
    connection.session.transport.send({ t: "d", d: { r: 1, b: { s: "ok", d: "" } } });
    const responses = await Promise.all([later, earlier]);
    const events = (await Promise.all(responses.map((r) => r.text()))).flatMap((script) =>
      runScript(script, CALLBACK),
    );
    expect(events).to.deep.equal([
      {
        kind: "data",
        responseNumber: 1,
        messages: [{ t: "d", d: { r: 1, b: { s: "ok", d: "" } } }],
      },
    ]);
  });

  it("delivers consecutive messages in order across polls with increasing response numbers", async () => {
    const connection = await connect(harness);
    const first = poll(harness, connection);
    connection.session.transport.send({ t: "d", d: { a: "d", b: { p: "a", d: 1 } } });
    connection.session.transport.send({ t: "d", d: { r: 2, b: { s: "ok", d: {} } } });
    const firstEvents = runScript(await (await first).text(), CALLBACK);
    expect(firstEvents).to.deep.equal([
      {
        kind: "data",
        responseNumber: 1,
        messages: [
          { t: "d", d: { a: "d", b: { p: "a", d: 1 } } },
          { t: "d", d: { r: 2, b: { s: "ok", d: {} } } },
        ],
      },
    ]);
    connection.session.transport.send({ t: "d", d: { a: "d", b: { p: "a", d: "ü" } } });
    const second = await poll(harness, connection);
    const script = await second.text();
    expect(script).to.match(/^[\x20-\x7e]*$/);
    expect(runScript(script, CALLBACK)).to.deep.equal([
      {
        kind: "data",
        responseNumber: 2,
        messages: [{ t: "d", d: { a: "d", b: { p: "a", d: "ü" } } }],
      },
    ]);
  });

  it("releases a held poll empty when the client opens another to send data", async () => {
    const connection = await connect(harness);
    const held = poll(harness, connection);
    await until(() => harness.hub.heldPolls === 1, "the first poll to be held");
    const sending = poll(
      harness,
      connection,
      segmentParams(0, encodeWebSafe({ t: "c", d: { t: "p", d: {} } }), 1800).join(""),
    );
    const releasedScript = await (await held).text();
    expect(runScript(releasedScript, CALLBACK)).to.deep.equal([]);
    expect(connection.session.received).to.deep.equal([{ t: "c", d: { t: "p", d: {} } }]);
    connection.session.transport.send({ t: "c", d: { t: "o", d: {} } });
    expect(runScript(await (await sending).text(), CALLBACK)).to.deep.equal([
      { kind: "data", responseNumber: 1, messages: [{ t: "c", d: { t: "o", d: {} } }] },
    ]);
  });

  it("closes the session once when the disconnect frame reports the client left", async () => {
    const connection = await connect(harness);
    const frame = await fetch(`${harness.base}?dframe=t&id=${connection.id}&pw=${connection.pw}`);
    expect(frame.status).to.equal(200);
    expect(await frame.text()).to.contain(`disconn=t&id=${connection.id}&pw=${connection.pw}`);
    const held = poll(harness, connection);
    const bye = await fetch(`${harness.base}?disconn=t&id=${connection.id}&pw=${connection.pw}`, {
      method: "POST",
    });
    expect(bye.status).to.equal(200);
    await held;
    expect(connection.session.closedCount).to.equal(1);
    await fetch(`${harness.base}?disconn=t&id=${connection.id}&pw=${connection.pw}`);
    expect(connection.session.closedCount).to.equal(1);
    expect((await poll(harness, connection)).status).to.equal(404);
  });

  it("rejects a poll with the wrong password", async () => {
    const connection = await connect(harness);
    const response = await fetch(`${harness.base}?id=${connection.id}&pw=wrong&ser=9`);
    expect(response.status).to.equal(404);
    expect(connection.session.closedCount).to.equal(0);
  });

  it("tells the client to close after the last response when the session closes", async () => {
    const connection = await connect(harness);
    const held = poll(harness, connection);
    await until(() => harness.hub.heldPolls === 1, "the poll to be held");
    connection.session.transport.send({ t: "c", d: { t: "s", d: "bye" } });
    connection.session.transport.close();
    const events = runScript(await (await held).text(), CALLBACK);
    expect(events).to.deep.equal([
      { kind: "data", responseNumber: 1, messages: [{ t: "c", d: { t: "s", d: "bye" } }] },
      { kind: "command", args: ["close", 1] },
    ]);
    expect(connection.session.closedCount).to.equal(1);
  });

  it("moves the session to an upgrade socket after the client's end of transmission", async () => {
    const connection = await connect(harness);
    expect(harness.hub.adoptUpgradeSocket("no-such-session", new FakeSocket())).to.equal(null);
    const socket = new FakeSocket();
    const upgraded = harness.hub.adoptUpgradeSocket(connection.session.sessionId, socket);
    if (!upgraded) throw new Error("upgrade refused");
    expect(socket.sent).to.deep.equal([{ t: "c", d: { t: "a", d: {} } }]);
    upgraded.receive({ t: "c", d: { t: "p", d: {} } });
    expect(socket.sent.at(-1)).to.deep.equal({ t: "c", d: { t: "o", d: {} } });

    // Replies still go over polls until the end of transmission arrives there.
    const held = poll(harness, connection);
    connection.session.transport.send({ t: "d", d: { a: "d", b: { p: "x", d: 1 } } });
    expect(runScript(await (await held).text(), CALLBACK)[0]).to.deep.include({
      responseNumber: 1,
    });

    upgraded.receive({ t: "c", d: { t: "a", d: {} } });
    const early = { t: "d", d: { r: 5, a: "p", b: { p: "/y", d: 2 } } };
    upgraded.receive(early);
    expect(connection.session.received).to.deep.equal([]);
    const end = await poll(
      harness,
      connection,
      segmentParams(0, encodeWebSafe({ t: "c", d: { t: "n", d: {} } }), 1800).join(""),
    );
    expect(runScript(await end.text(), CALLBACK)).to.deep.equal([
      { kind: "data", responseNumber: 2, messages: [{ t: "c", d: { t: "n", d: {} } }] },
      { kind: "command", args: ["close", 2] },
    ]);
    expect(connection.session.received).to.deep.equal([early]);
    connection.session.transport.send({ t: "d", d: { r: 5, b: { s: "ok", d: "" } } });
    expect(socket.sent.at(-1)).to.deep.equal({ t: "d", d: { r: 5, b: { s: "ok", d: "" } } });
    expect((await poll(harness, connection)).status).to.equal(404);

    // The old transport's disconnect frame must not end the session that moved on.
    await fetch(`${harness.base}?disconn=t&id=${connection.id}&pw=${connection.pw}`);
    expect(connection.session.closedCount).to.equal(0);
    upgraded.closed();
    expect(connection.session.closedCount).to.equal(1);
  });

  it("stays on polls when the upgrade socket closes before the switch", async () => {
    const connection = await connect(harness);
    const socket = new FakeSocket();
    const upgraded = harness.hub.adoptUpgradeSocket(connection.session.sessionId, socket);
    if (!upgraded) throw new Error("upgrade refused");
    upgraded.closed();
    expect(connection.session.closedCount).to.equal(0);
    const held = poll(harness, connection);
    connection.session.transport.send({ t: "d", d: { a: "d", b: { p: "z", d: 3 } } });
    expect(runScript(await (await held).text(), CALLBACK)).to.have.length(1);
    expect(socket.sent).to.have.length(1);
  });
});

describe("LongPollHub timing", () => {
  it("releases an idle poll empty and closes a connection that stops polling", async () => {
    const harness = await startHub({ holdMs: 50, idleMs: 300 });
    try {
      const connection = await connect(harness);
      const released = await poll(harness, connection);
      expect(await released.text()).to.equal("");
      await until(() => connection.session.closedCount === 1, "the idle timeout", 3_000);
      expect(harness.hub.size).to.equal(0);
    } finally {
      await harness.close();
    }
  });
});
