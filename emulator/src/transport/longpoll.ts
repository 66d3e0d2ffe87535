/**
 * The long-polling transport (`/.lp`, spec §2.9) that browsers fall back to whenever a WebSocket
 * attempt failed before. Each long-poll connection carries one protocol session: the client's
 * messages arrive base64-encoded in the query strings of script-tag GETs, and the server's replies go
 * back as JSONP scripts calling the client's `pLPCommand<cb>` / `pRTLPCB<cb>` callbacks. Once the
 * client has a handshake it opens a WebSocket with `s=<sessionId>`, and the session moves there
 * (see `adoptUpgradeSocket`).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../engine/database.js";
import { createSession, type Session, type SessionInfo } from "../protocol/session.js";
import type { Transport } from "../engine/types.js";
import {
  BadRequest,
  END_OF_TRANSMISSION,
  PONG,
  SWITCH_ACK,
  SegmentAssembler,
  disconnectFrameHtml,
  isControl,
  readSegments,
  sendText,
  type Segment,
  sendScript,
  toScriptJson,
} from "./longpoll-wire.js";

export type SessionFactory = (transport: Transport, info: SessionInfo) => Session;

export interface LongPollTimings {
  /** How long a poll is held open waiting for data. The client re-polls after 25 s on its own. */
  readonly holdMs: number;
  /** A connection with no request for this long is considered gone, which fires onDisconnect. */
  readonly idleMs: number;
}

export const DEFAULT_LONG_POLL_TIMINGS: LongPollTimings = { holdMs: 20_000, idleMs: 45_000 };

const DEFAULT_NAMESPACE = "fake-server";
/** The client's LUIDGenerator yields integers; anything else would end up inside our script. */
const CALLBACK_ID = /^[A-Za-z0-9_]{1,32}$/;
/**
 * Long-poll connections of one emulator instance. `handleLongPoll` keeps one hub per Database, so
 * two emulators in one process never see each other's connections.
 */
export class LongPollHub {
  private readonly byId = new Map<string, LongPollConnection>();
  /** Keyed by the protocol session id the handshake announced: the client's `s=` on upgrade. */
  private readonly bySessionId = new Map<string, LongPollConnection>();

  constructor(
    private readonly createSession: SessionFactory,
    private readonly timings: LongPollTimings = DEFAULT_LONG_POLL_TIMINGS,
  ) {}

  /** Serves one `/.lp` request. Never throws: malformed requests get a 400. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.route(req, res);
    } catch (error) {
      const message = error instanceof BadRequest ? error.message : "Internal error";
      if (!res.headersSent) {
        res.writeHead(error instanceof BadRequest ? 400 : 500, {
          "Content-Type": "text/plain; charset=utf-8",
          "Cache-Control": "no-store",
        });
      }
      res.end(message);
    }
  }

  /**
   * Moves the session announced as `sessionId` onto a WebSocket that the client opened with
   * `s=<sessionId>`. Returns what the WebSocket side must feed with the socket's parsed messages and
   * its close, or null when no such long-poll connection exists (then close the socket: the client
   * simply stays on long polling).
   */
  adoptUpgradeSocket(sessionId: string, socket: Transport): Session | null {
    const connection = this.bySessionId.get(sessionId);
    return connection ? connection.attachUpgradeSocket(socket) : null;
  }

  /** Ends every connection (server shutdown): held polls are answered so sockets can close. */
  closeAll(): number {
    const connections = [...this.byId.values()];
    for (const connection of connections) connection.endSession("server");
    return connections.length;
  }

  /** Number of live long-poll connections; for tests and diagnostics. */
  get size(): number {
    return this.byId.size;
  }

  /** Number of polls currently held open waiting for data; for tests and diagnostics. */
  get heldPolls(): number {
    let count = 0;
    for (const connection of this.byId.values()) if (connection.isHolding) count += 1;
    return count;
  }

  registerSessionId(sessionId: string, connection: LongPollConnection): void {
    this.bySessionId.set(sessionId, connection);
  }

  forget(connection: LongPollConnection): void {
    if (this.byId.get(connection.id) === connection) this.byId.delete(connection.id);
    for (const [sessionId, candidate] of this.bySessionId) {
      if (candidate === connection) this.bySessionId.delete(sessionId);
    }
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "POST") {
      res.writeHead(405, { Allow: "GET, POST", "Content-Type": "text/plain; charset=utf-8" });
      res.end("Method not allowed");
      return;
    }
    // The request body (a disconnect beacon's) carries nothing we need.
    req.resume();
    const params = new URL(req.url ?? "/", "http://localhost").searchParams;

    if (params.get("start") === "t") {
      this.start(params, req, res);
      return;
    }
    const id = params.get("id");
    const password = params.get("pw");
    if (id === null || password === null) throw new BadRequest("Missing id or pw");
    const connection = this.byId.get(id);
    const known = connection !== undefined && connection.passwordMatches(password);

    if (params.get("disconn") === "t") {
      if (known) connection.clientLeft();
      sendText(res, 200, "text/plain", "");
      return;
    }
    if (params.get("dframe") === "t") {
      if (!known) throw new BadRequest("Unknown long-poll connection");
      sendText(res, 200, "text/html", disconnectFrameHtml(id, password));
      return;
    }
    if (!known) {
      // The script tag's error handler makes the client drop this transport and reconnect.
      sendText(res, 404, "text/plain", "Unknown long-poll connection");
      return;
    }
    connection.poll(readSegments(params), res);
  }

  private start(params: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const callbackId = params.get("cb");
    if (callbackId === null || !CALLBACK_ID.test(callbackId)) {
      throw new BadRequest("Missing or malformed cb");
    }
    const namespace = params.get("ns") || DEFAULT_NAMESPACE;
    const host = req.headers.host ?? "localhost";
    const connection = new LongPollConnection(this, callbackId, this.timings);
    this.byId.set(connection.id, connection);
    connection.open(this.createSession, { namespace, host }, res);
  }
}

interface HeldPoll {
  readonly res: ServerResponse;
  /** Script to run before the data callback; the `start` command on the opening request. */
  readonly prefix: string;
  readonly timer: NodeJS.Timeout;
}

class LongPollConnection {
  readonly id = randomBytes(12).toString("hex");
  private readonly password = randomBytes(12).toString("hex");
  private readonly assembler = new SegmentAssembler();
  private outbox: object[] = [];
  /** Serial of the next data callback, which the client's PacketReceiver replays in order. */
  private nextResponseNumber = 0;
  private held: HeldPoll | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Registered with the hub and answering polls. */
  private pollsOpen = true;
  /** Where the session's messages go: polls until the client ends transmission on them. */
  private route: "polls" | "socket" = "polls";
  private session: Session | null = null;
  private sessionEnded = false;
  private upgradeSocket: Transport | null = null;
  /** The client has switched its sending to the WebSocket: losing that socket loses the session. */
  private upgradeCommitted = false;
  /** Messages that came over the WebSocket before the polls' end-of-transmission. */
  private upgradeBacklog: unknown[] = [];

  constructor(
    private readonly hub: LongPollHub,
    private readonly callbackId: string,
    private readonly timings: LongPollTimings,
  ) {}

  get isHolding(): boolean {
    return this.held !== null;
  }

  passwordMatches(candidate: string): boolean {
    const expected = Buffer.from(this.password);
    const given = Buffer.from(candidate);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  open(factory: SessionFactory, options: SessionInfo, res: ServerResponse): void {
    this.touch();
    const start = [JSON.stringify("start"), JSON.stringify(this.id), JSON.stringify(this.password)];
    // The handshake must ride on this response: the client sends no poll before it has one.
    this.hold(res, `c(${start.join(",")});`);
    this.session = factory(this.sessionTransport(), options);
    this.flush();
  }

  poll(segments: readonly Segment[], res: ServerResponse): void {
    if (!this.pollsOpen) {
      sendText(res, 404, "text/plain", "Unknown long-poll connection");
      return;
    }
    this.touch();
    for (const segment of segments) this.assembler.add(segment);
    for (const text of this.assembler.takeMessages()) {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        this.endSession("protocol");
        throw new BadRequest("Malformed message");
      }
      this.receiveFromPolls(message);
    }
    // The client opens a second poll only to send data and expects the older one to be released.
    this.releaseHeld();
    this.hold(res, "");
    // Handling the messages may have ended the session or moved it to the upgrade socket.
    if (this.pollsFinished()) {
      this.releaseHeld();
    } else {
      this.flush();
    }
  }

  /** The client's disconnect frame went away, or it stopped polling. */
  clientLeft(): void {
    if (this.route === "socket") {
      this.retirePolls();
    } else {
      this.endSession("client");
    }
  }

  attachUpgradeSocket(socket: Transport): Session | null {
    if (!this.pollsOpen || this.route !== "polls" || this.upgradeSocket || this.sessionEnded) {
      return null;
    }
    this.upgradeSocket = socket;
    this.upgradeCommitted = false;
    // The client's secondary transport waits for this before it starts its health pings.
    socket.send(SWITCH_ACK);
    return {
      receive: (message) => {
        this.receiveFromUpgradeSocket(socket, message);
      },
      closed: () => {
        this.upgradeSocketClosed(socket);
      },
    };
  }

  /** Ends the protocol session for good: onDisconnect operations run in `closed()`. */
  endSession(reason: "client" | "server" | "idle" | "protocol" | "socket-lost"): void {
    if (this.sessionEnded) return;
    this.sessionEnded = true;
    this.retirePolls();
    const socket = this.upgradeSocket;
    this.upgradeSocket = null;
    if (socket && reason !== "socket-lost") socket.close();
    this.session?.closed();
  }

  private sessionTransport(): Transport {
    return {
      send: (message) => {
        if (this.sessionEnded) return;
        if (this.route === "socket") {
          this.upgradeSocket?.send(message);
          return;
        }
        this.noteHandshake(message);
        this.outbox.push(message);
        // Sessions often send several messages in one turn (data, then the ack): batch them.
        queueMicrotask(() => {
          this.flush();
        });
      },
      close: () => {
        this.endSession("server");
      },
    };
  }

  private noteHandshake(message: object): void {
    if (!("t" in message) || message.t !== "c" || !("d" in message)) return;
    const control = message.d;
    if (typeof control !== "object" || control === null || !("t" in control)) return;
    if (control.t !== "h" || !("d" in control)) return;
    const handshake = control.d;
    if (typeof handshake !== "object" || handshake === null || !("s" in handshake)) return;
    if (typeof handshake.s === "string") this.hub.registerSessionId(handshake.s, this);
  }

  private receiveFromPolls(message: unknown): void {
    if (this.sessionEnded) return;
    if (isControl(message, "n")) {
      this.switchToUpgradeSocket();
      return;
    }
    this.session?.receive(message);
  }

  private receiveFromUpgradeSocket(socket: Transport, message: unknown): void {
    if (socket !== this.upgradeSocket || this.sessionEnded) return;
    if (isControl(message, "a")) {
      // The client's switch-ack: from now on it sends on the socket only.
      this.upgradeCommitted = true;
      return;
    }
    if (this.route === "socket") {
      this.session?.receive(message);
    } else if (isControl(message, "p")) {
      // Until the switch the socket only proves itself; the session still talks over polls.
      socket.send(PONG);
    } else {
      this.upgradeBacklog.push(message);
    }
  }

  private upgradeSocketClosed(socket: Transport): void {
    if (socket !== this.upgradeSocket) return;
    this.upgradeSocket = null;
    if (this.route === "polls" && !this.upgradeCommitted) {
      // A failed upgrade attempt: the client carries on over polls.
      this.upgradeBacklog = [];
      return;
    }
    this.endSession("socket-lost");
  }

  private switchToUpgradeSocket(): void {
    if (this.route !== "polls" || !this.upgradeSocket) return;
    this.upgradeCommitted = true;
    // The end-of-transmission is the last message the polls carry; after it the client reads only
    // the socket, and buffers what the socket brought meanwhile.
    this.outbox.push(END_OF_TRANSMISSION);
    this.route = "socket";
    const backlog = this.upgradeBacklog;
    this.upgradeBacklog = [];
    for (const message of backlog) this.session?.receive(message);
  }

  /** Stops answering polls; the client is told to close this transport after what it has. */
  private retirePolls(): void {
    if (!this.pollsOpen) return;
    this.pollsOpen = false;
    this.hub.forget(this);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.releaseHeld();
  }

  private hold(res: ServerResponse, prefix: string): void {
    const timer = setTimeout(() => {
      if (this.held?.res === res) this.releaseHeld();
    }, this.timings.holdMs);
    timer.unref();
    this.held = { res, prefix, timer };
    res.on("close", () => {
      // The browser gave up on this poll (navigation, tab closed); nothing more can go through it.
      if (this.held?.res === res) {
        clearTimeout(timer);
        this.held = null;
      }
    });
  }

  private flush(): void {
    if (this.held && this.outbox.length > 0) this.releaseHeld();
  }

  /**
   * Answers the held poll with everything queued. Once the polls are retired or the session moved
   * to the socket, the answer ends with the close command, naming the last data callback the client
   * must process first.
   */
  private releaseHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    clearTimeout(held.timer);
    let body = held.prefix;
    if (this.outbox.length > 0) {
      body += `d(${this.nextResponseNumber},${toScriptJson(this.outbox)});`;
      this.nextResponseNumber++;
      this.outbox = [];
    }
    if (this.pollsFinished()) {
      const lastResponse = this.nextResponseNumber - 1;
      body += lastResponse > 0 ? `c("close",${lastResponse});` : `c("close");`;
    }
    sendScript(held.res, body === "" ? "" : this.wrapForClient(body));
    if (this.route === "socket") this.retirePolls();
  }

  /** Whether answers must now tell the client to stop polling. */
  private pollsFinished(): boolean {
    return !this.pollsOpen || this.route === "socket";
  }

  /** Script tags run inside the client's hidden iframe; its callbacks live on the parent window. */
  private wrapForClient(body: string): string {
    const command = JSON.stringify(`pLPCommand${this.callbackId}`);
    const data = JSON.stringify(`pRTLPCB${this.callbackId}`);
    return `(function(c,d){${body}})(parent[${command}],parent[${data}]);`;
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.clientLeft();
    }, this.timings.idleMs);
    this.idleTimer.unref();
  }
}

const hubs = new WeakMap<Database, LongPollHub>();

function hubFor(engine: Database): LongPollHub {
  let hub = hubs.get(engine);
  if (!hub) {
    hub = new LongPollHub((transport, info) => createSession(engine, transport, info));
    hubs.set(engine, hub);
  }
  return hub;
}

/** Serves a `/.lp` request for the emulator backed by `engine`. */
export function handleLongPoll(engine: Database, req: IncomingMessage, res: ServerResponse): void {
  hubFor(engine).handle(req, res);
}

/**
 * For the WebSocket side: a socket opened with `s=<sessionId>` continues that long-poll session.
 * Feed the returned session every parsed message and the close; on null, close the socket.
 */
export function adoptUpgradeSocket(
  engine: Database,
  sessionId: string,
  socket: Transport,
): Session | null {
  return hubs.get(engine)?.adoptUpgradeSocket(sessionId, socket) ?? null;
}

/** Ends every long-poll connection of `engine` (server shutdown); returns how many there were. */
export function closeLongPolls(engine: Database): number {
  return hubs.get(engine)?.closeAll() ?? 0;
}
