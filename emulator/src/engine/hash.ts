/**
 * The client's node hash (spec §6.4). A transaction's `p` carries the hash of the value the client
 * based its update on, and the write commits only when the server's hash of the current value is
 * equal, so this must reproduce the client bit for bit, quirks included.
 */
import { createHash } from "node:crypto";
import { comparePriorities, nameCompare } from "./order.js";
import {
  VALUE_KEY,
  childKeys,
  getPriority,
  isObjectNode,
  type Node,
  type Priority,
} from "./tree.js";

export function hashNode(node: Node): string {
  if (node === null) return "";
  const priority = getPriority(node);
  let text = priority === null ? "" : `priority:${priorityText(priority)}:`;
  if (!isObjectNode(node) || VALUE_KEY in node) {
    const value = isObjectNode(node) ? node[VALUE_KEY] : node;
    if (typeof value === "number") return sha1Base64(`${text}number:${doubleBitsHex(value)}`);
    if (typeof value === "string" || typeof value === "boolean") {
      return sha1Base64(`${text}${typeof value}:${String(value)}`);
    }
    return "";
  }
  for (const [key, childNode] of childrenByPriority(node)) {
    const childHash = hashNode(childNode);
    if (childHash !== "") text += `:${key}:${childHash}`;
  }
  return text === "" ? "" : sha1Base64(text);
}

function childrenByPriority(node: Readonly<Record<string, Node>>): Array<readonly [string, Node]> {
  const children = childKeys(node).map((key) => [key, node[key] ?? null] as const);
  return children.sort((a, b) => comparePriorities(a[1], b[1]) || nameCompare(a[0], b[0]));
}

function priorityText(priority: Priority): string {
  return typeof priority === "number" ? `number:${doubleBitsHex(priority)}` : `string:${priority}`;
}

/**
 * The 16 hex digits the client writes for a double. It derives the exponent from
 * `floor(log2(v))` and the fraction from `v * 2^(52 - exponent)`, and for magnitudes below about
 * 2^-971 that power of two overflows to Infinity, leaving all 52 fraction bits zero. Those are the
 * bits the client hashes, so they are the bits computed here; the exact IEEE 754 bits would differ.
 */
export function doubleBitsHex(value: number): string {
  const exponentBias = 1023;
  const fractionBits = 52;
  let negative: boolean;
  let exponent: number;
  let fraction: number;
  if (value === 0) {
    negative = Object.is(value, -0);
    exponent = 0;
    fraction = 0;
  } else {
    negative = value < 0;
    const magnitude = Math.abs(value);
    if (magnitude >= Math.pow(2, 1 - exponentBias)) {
      const power = Math.min(Math.floor(Math.log(magnitude) / Math.LN2), exponentBias);
      exponent = power + exponentBias;
      fraction = Math.round(
        magnitude * Math.pow(2, fractionBits - power) - Math.pow(2, fractionBits),
      );
    } else {
      exponent = 0;
      fraction = Math.round(magnitude / Math.pow(2, 1 - exponentBias - fractionBits));
    }
  }
  // Bits are peeled off with `% 2` and halving, as the client does: that is what turns an infinite
  // (or, after a misestimated exponent, negative) fraction into the bit pattern the client sends.
  const bits: number[] = new Array<number>(64);
  for (let position = 63; position >= 12; position--) {
    bits[position] = fraction % 2 ? 1 : 0;
    fraction = Math.floor(fraction / 2);
  }
  for (let position = 11; position >= 1; position--) {
    bits[position] = exponent % 2 ? 1 : 0;
    exponent = Math.floor(exponent / 2);
  }
  bits[0] = negative ? 1 : 0;
  let hex = "";
  for (let byte = 0; byte < 8; byte++) {
    let byteValue = 0;
    for (let bit = 0; bit < 8; bit++) byteValue = byteValue * 2 + (bits[byte * 8 + bit] ?? 0);
    hex += byteValue.toString(16).padStart(2, "0");
  }
  return hex;
}

function sha1Base64(text: string): string {
  return createHash("sha1").update(clientUtf8(text)).digest("base64");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The bytes the client hashes for a string: UTF-8 for well-formed text. For lone surrogates the
 * client's encoder differs from Node's (which substitutes U+FFFD): a high surrogate always
 * swallows the next code unit, and a lone low surrogate is encoded as if it were a character.
 */
function clientUtf8(text: string): Buffer {
  if (!LONE_SURROGATE.test(text)) return Buffer.from(text, "utf8");
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    let codePoint = text.charCodeAt(index);
    if (codePoint >= 0xd800 && codePoint <= 0xdbff && index + 1 < text.length) {
      index++;
      codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (text.charCodeAt(index) - 0xdc00);
    }
    if (codePoint < 0x80) {
      bytes.push(codePoint);
    } else if (codePoint < 0x800) {
      bytes.push((codePoint >> 6) | 0xc0, (codePoint & 0x3f) | 0x80);
    } else if (codePoint < 0x10000) {
      bytes.push(
        (codePoint >> 12) | 0xe0,
        ((codePoint >> 6) & 0x3f) | 0x80,
        (codePoint & 0x3f) | 0x80,
      );
    } else {
      bytes.push(
        (codePoint >> 18) | 0xf0,
        ((codePoint >> 12) & 0x3f) | 0x80,
        ((codePoint >> 6) & 0x3f) | 0x80,
        (codePoint & 0x3f) | 0x80,
      );
    }
  }
  return Buffer.from(bytes);
}
