/**
 * Database paths as arrays of keys. Wire and REST paths arrive as "/a/b" strings; pushes send them
 * back without the leading slash. Key validity follows the production rules (spec §4).
 */

export class InvalidPathError extends Error {
  override name = "InvalidPathError";
}

/** Longest key production accepts, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 768;

// ASCII control characters and the characters the key grammar reserves.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: keys may not contain them
const FORBIDDEN_KEY_CHARACTER = /[.#$[\]/\u0000-\u001F\u007F]/;

/**
 * Why `key` cannot name a child, or null when it can. The metadata keys `.priority` and `.value`
 * are reported invalid too: only the export format (and a trailing `.priority` in a write path)
 * may use them, and the callers that accept them check for them first.
 */
export function invalidKeyReason(key: string): string | null {
  if (key.length === 0) return "Keys must be non-empty strings";
  const forbidden = FORBIDDEN_KEY_CHARACTER.exec(key);
  if (forbidden !== null) {
    const character = forbidden[0];
    const code = character.charCodeAt(0);
    const shown =
      code < 0x20 || code === 0x7f
        ? `control character U+${code.toString(16).padStart(4, "0").toUpperCase()}`
        : `"${character}"`;
    return `Invalid key "${key}": keys can't contain ".", "#", "$", "/", "[", "]" or ASCII control characters (found ${shown})`;
  }
  // Three UTF-8 bytes per UTF-16 unit at most: skip the byte count for short keys.
  if (key.length * 3 > MAX_KEY_BYTES && Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    return `Invalid key "${key.slice(0, 50)}…": keys can be at most ${MAX_KEY_BYTES} bytes long in UTF-8`;
  }
  return null;
}

/**
 * Splits "/a/b/" into ["a", "b"]; "" and "/" give the root []. Every segment must be a valid key,
 * except that the last one may be `.priority` (a write addressing a node's priority, spec §4).
 * Percent-decoding is the caller's job. Throws InvalidPathError.
 */
export function parsePath(text: string): string[] {
  const path: string[] = [];
  for (const segment of text.split("/")) {
    if (segment !== "") path.push(segment);
  }
  for (let index = 0; index < path.length; index++) {
    const key = path[index] ?? "";
    if (key === ".priority" && index === path.length - 1) continue;
    const reason = invalidKeyReason(key);
    if (reason !== null) throw new InvalidPathError(`Invalid path "${text}": ${reason}`);
  }
  return path;
}

/** The form pushes use: "a/b", and "" for the root. */
export function formatPath(path: readonly string[]): string {
  return path.join("/");
}

/** True when `ancestor` is `descendant` or one of its ancestors. */
export function isAncestorOrSelf(
  ancestor: readonly string[],
  descendant: readonly string[],
): boolean {
  if (ancestor.length > descendant.length) return false;
  for (let index = 0; index < ancestor.length; index++) {
    if (ancestor[index] !== descendant[index]) return false;
  }
  return true;
}

/** The keys leading from `ancestor` down to `descendant`; throws when it is not an ancestor. */
export function relativePath(ancestor: readonly string[], descendant: readonly string[]): string[] {
  if (!isAncestorOrSelf(ancestor, descendant)) {
    throw new Error(
      `"/${formatPath(ancestor)}" is not an ancestor of "/${formatPath(descendant)}"`,
    );
  }
  return descendant.slice(ancestor.length);
}
