/**
 * What long polling puts on the wire (spec §2.9): the client's messages arrive as numbered
 * base64 segments in query strings and are reassembled here; the server answers with JSONP scripts
 * and the disconnect frame. No connection state beyond one connection's segment stream.
 */
import type { ServerResponse } from "node:http";

const BASE64_WEB_SAFE = /^[A-Za-z0-9_\-.+/=]*$/;
const SEGMENTS_PER_REQUEST_LIMIT = 100;
const PENDING_SEGMENTS_LIMIT = 20_000;

export class BadRequest extends Error {}

export interface Segment {
  readonly serial: number;
  readonly total: number;
  readonly data: string;
}

export function readSegments(params: URLSearchParams): Segment[] {
  const segments: Segment[] = [];
  for (let index = 0; ; index++) {
    const serial = params.get(`seg${index}`);
    if (serial === null) break;
    if (index >= SEGMENTS_PER_REQUEST_LIMIT) throw new BadRequest("Too many segments");
    const total = params.get(`ts${index}`);
    const data = params.get(`d${index}`);
    if (total === null || data === null) throw new BadRequest(`Incomplete segment ${index}`);
    segments.push({
      serial: parseCount(serial, `seg${index}`),
      total: parseCount(total, `ts${index}`),
      data: parseBase64(data, `d${index}`),
    });
  }
  return segments;
}

function parseCount(text: string, name: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`Malformed ${name}`);
  return Number(text);
}

function parseBase64(text: string, name: string): string {
  if (!BASE64_WEB_SAFE.test(text)) throw new BadRequest(`Malformed ${name}`);
  return text;
}

/** The client encodes with @firebase/util's web-safe alphabet, which pads with "." instead of "=". */
function decodeWebSafeBase64(text: string): string {
  return Buffer.from(
    text.replace(/-/g, "+").replace(/_/g, "/").replace(/\./g, "="),
    "base64",
  ).toString("utf8");
}

/**
 * Puts the client's segments back together. Segment numbers run from 0 across the connection; a
 * message of `ts` segments occupies consecutive numbers, and two polls in flight may arrive out of
 * order.
 */
export class SegmentAssembler {
  private readonly pending = new Map<number, Segment>();
  private next = 0;

  add(segment: Segment): void {
    if (segment.serial < this.next) return; // a duplicate of something already delivered
    if (segment.total < 1) throw new BadRequest("Segment count must be positive");
    if (this.pending.size >= PENDING_SEGMENTS_LIMIT)
      throw new BadRequest("Too many pending segments");
    this.pending.set(segment.serial, segment);
  }

  /** Removes and returns every complete message at the head of the stream, in order. */
  takeMessages(): string[] {
    const messages: string[] = [];
    for (;;) {
      const head = this.pending.get(this.next);
      if (!head) return messages;
      const parts: string[] = [];
      for (let offset = 0; offset < head.total; offset++) {
        const part = this.pending.get(this.next + offset);
        if (!part) return messages;
        parts.push(part.data);
      }
      for (let offset = 0; offset < head.total; offset++) this.pending.delete(this.next + offset);
      this.next += head.total;
      messages.push(decodeWebSafeBase64(parts.join("")));
    }
  }
}

export const END_OF_TRANSMISSION = { t: "c", d: { t: "n", d: {} } } as const;
export const SWITCH_ACK = { t: "c", d: { t: "a", d: {} } } as const;
export const PONG = { t: "c", d: { t: "o", d: {} } } as const;

export function isControl(message: unknown, command: string): boolean {
  if (typeof message !== "object" || message === null) return false;
  if (!("t" in message) || message.t !== "c" || !("d" in message)) return false;
  const control = message.d;
  return typeof control === "object" && control !== null && "t" in control && control.t === command;
}

/** JSON is valid script; escaping non-ASCII keeps it intact whatever charset the browser assumes. */
export function toScriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function sendScript(res: ServerResponse, script: string): void {
  sendText(res, 200, "application/javascript", script);
}

export function sendText(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, {
    "Content-Type": `${type}; charset=utf-8`,
    "Cache-Control": "no-cache, no-store, must-revalidate",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * The page the client keeps in a hidden iframe for as long as the connection lives. The client
 * removes the iframe when it closes the connection, and the page then tells us, so onDisconnect
 * runs at once instead of after the idle timeout.
 */
export function disconnectFrameHtml(id: string, password: string): string {
  const url = JSON.stringify(
    `/.lp?disconn=t&id=${encodeURIComponent(id)}&pw=${encodeURIComponent(password)}`,
  ).replace(/</g, "\\u003c");
  return (
    "<!doctype html><html><body><script>" +
    `var sent=false;function bye(){if(sent)return;sent=true;` +
    `try{if(navigator.sendBeacon&&navigator.sendBeacon(${url}))return;}catch(e){}` +
    `try{fetch(${url},{keepalive:true});}catch(e){}}` +
    `addEventListener("pagehide",bye);addEventListener("unload",bye);` +
    "</script></body></html>"
  );
}
