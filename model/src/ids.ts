/**
 * The one rule for ids. Ids are checked as they go into a path: an id that is not a valid key would
 * silently address a different node (`a/b` is two levels) or be refused by the server.
 */
/** Characters the Realtime Database forbids in keys: `. $ # [ ] /` and ASCII control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_RTDB_KEY = /[.$#[\]/\u0000-\u001f\u007f]/;
/**
 * A key's limit in UTF-8 bytes, as the stores count it: the Realtime Database allows 768 bytes per
 * key, Firestore 1500 per document id. One id names records in both, so the tighter one holds.
 */
export const MAX_KEY_BYTES = 768;
/**
 * What an id that arrives in a request may take: ids are also built from others (`vitals-{s}`,
 * `{turnId}-assistant`, `{alertId}-unwatched`, audit ids joining a time, an action and two ids), so
 * an id from outside leaves room for them and no derived id ever goes over the key limit.
 */
export const MAX_REQUEST_ID_BYTES = 256;
// TextEncoder rather than Buffer: the dashboard imports this module in the browser.
const utf8 = new TextEncoder();

export class InvalidIdError extends Error {
  constructor(what: string, id: string, why: string) {
    super(`invalid ${what} ${JSON.stringify(id.slice(0, 80))}: ${why}`);
    this.name = "InvalidIdError";
  }
}

/**
 * False when `text` holds a lone UTF-16 surrogate. Such a string has no UTF-8 form: each store
 * would replace it (or refuse it) differently, so two distinct ids could name one record.
 * (`String.prototype.isWellFormed` does this from ES2024; this module also runs in older browsers.)
 */
export function isWellFormedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit >= 0xdc00) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** Size of `text` in UTF-8, as the databases measure keys. */
export function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/**
 * Why `id` is not a valid key in both databases, or undefined when it is: empty, a lone
 * surrogate, a character the Realtime Database forbids (which also rules out Firestore's `.`, `..`
 * and `/`), over `maxBytes` of UTF-8, a name Firestore reserves (`__…__`, which also keeps
 * `__proto__` out of every object keyed by ids), or a name every JavaScript object already has
 * (`constructor`, `toString`, `valueOf`…): ids key plain objects everywhere (snapshots, records,
 * stores), where such a key reads an inherited member instead of nothing.
 */
export function idProblem(id: string, maxBytes: number = MAX_KEY_BYTES): string | undefined {
  if (id.length === 0) return "empty";
  if (!isWellFormedText(id)) return "contains a lone UTF-16 surrogate";
  if (FORBIDDEN_RTDB_KEY.test(id)) return "contains one of . $ # [ ] / or a control character";
  if (utf8Bytes(id) > maxBytes) return `longer than ${maxBytes} bytes of UTF-8`;
  if (/^__.*__$/s.test(id)) return "reserved (__…__)";
  if (Object.hasOwn(Object.prototype, id)) return "reserved (a name every JavaScript object has)";
  return undefined;
}

/** Returns `id` when it is a valid RTDB key and Firestore document id, else throws. */
export function checkId(what: string, id: string): string {
  const problem = idProblem(id);
  if (problem !== undefined) throw new InvalidIdError(what, id, problem);
  return id;
}

export function isValidId(id: string): boolean {
  return idProblem(id) === undefined;
}

/** The rule for ids that come in with a request: valid keys with room left for derived ids. */
export function isRequestId(id: string): boolean {
  return idProblem(id, MAX_REQUEST_ID_BYTES) === undefined;
}
