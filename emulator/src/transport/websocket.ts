/**
 * The WebSocket transport (spec §2.5): frame reassembly from the client, splitting of large server
 * messages, and a `Transport` that feeds a protocol session.
 */
import type { RawData, WebSocket } from "ws";
import type { Database } from "../engine/database.js";
import { adoptUpgradeSocket } from "./longpoll.js";
import { createSession } from "../protocol/session.js";
import type { Transport } from "../engine/types.js";

/** The client's own chunk size; larger messages travel as a count frame plus chunks. */
export const MAX_FRAME_CHARS = 16384;

/**
 * Splits one serialised message into the frames to send. A message that needs several frames is
 * announced by a frame holding only the count; a single frame is never all digits because messages
 * are JSON objects, so the client cannot mistake it for a count (a bare "0" would wedge it).
 */
export function frameMessage(text: string, maxFrameChars: number = MAX_FRAME_CHARS): string[] {
  if (text.length <= maxFrameChars) return [text];
  const frames = [String(Math.ceil(text.length / maxFrameChars))];
  for (let offset = 0; offset < text.length; offset += maxFrameChars) {
    frames.push(text.slice(offset, offset + maxFrameChars));
  }
  return frames;
}

/**
 * Reassembles client frames: a frame of at most 6 digits announces that many chunks, except the
 * bare "0" keepalive, which is ignored. Returns each complete message's text.
 */
export class FrameAssembler {
  private expected = 0;
  private chunks: string[] = [];

  accept(frame: string): string | undefined {
    if (this.expected > 0) {
      this.chunks.push(frame);
      if (this.chunks.length < this.expected) return undefined;
      const text = this.chunks.join("");
      this.expected = 0;
      this.chunks = [];
      return text;
    }
    if (frame.length <= 6 && /^\d+$/.test(frame)) {
      this.expected = Number(frame);
      return undefined;
    }
    return frame;
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

/** A Transport over an open `ws` socket. */
export function webSocketTransport(socket: WebSocket): Transport {
  return {
    send(message: object): void {
      if (socket.readyState !== socket.OPEN) return;
      for (const frame of frameMessage(JSON.stringify(message))) socket.send(frame);
    },
    close(): void {
      socket.close();
    },
  };
}

export interface WebSocketInfo {
  readonly namespace: string;
  /** The `Host` header of the upgrade, echoed in the handshake. */
  readonly host: string;
  /** `s=` of the URL: the client is upgrading this long-poll session to the socket. */
  readonly transportSessionId?: string;
}

/** Runs the protocol on an accepted socket until it closes, however it closes. */
export function serveWebSocket(database: Database, socket: WebSocket, info: WebSocketInfo): void {
  const transport = webSocketTransport(socket);
  const session =
    info.transportSessionId === undefined
      ? createSession(database, transport, { namespace: info.namespace, host: info.host })
      : adoptUpgradeSocket(database, info.transportSessionId, transport);
  if (session === null) {
    socket.close();
    return;
  }
  const assembler = new FrameAssembler();
  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    const text = assembler.accept(rawText(data));
    if (text === undefined) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    session.receive(message);
  });
  // An abrupt drop emits "error" then "close"; only "close" ends the session.
  socket.on("error", () => undefined);
  socket.on("close", () => {
    session.closed();
  });
}
