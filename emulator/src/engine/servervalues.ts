/**
 * Server values (spec §6.2): clients send `{".sv": "timestamp"}` and `{".sv": {"increment": n}}`
 * unresolved, anywhere in a value or in a `.priority`, and the server replaces them before the
 * rules see the data, using one `now` for the whole write.
 */
import { InvalidDataError, VALUE_KEY, leafValue, type Node } from "./tree.js";

const SERVER_VALUE_KEY = ".sv";

/**
 * Returns `value` with every server value replaced. `existing(relPath)` gives the stored node at a
 * location relative to the written one (`.priority` as the last key reads a priority); it is only
 * asked about increments. Unchanged subtrees are returned as they are, not copied.
 * Throws InvalidDataError for an unknown server value.
 */
export function resolveServerValues(
  value: unknown,
  existing: (relPath: readonly string[]) => Node,
  now: number,
): unknown {
  return resolve(value, [], existing, now);
}

function resolve(
  value: unknown,
  path: string[],
  existing: (relPath: readonly string[]) => Node,
  now: number,
): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    // Array.isArray narrows to any[]; the elements are no better known than the value itself.
    const items: readonly unknown[] = value;
    let copy: unknown[] | null = null;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      path.push(String(index));
      const resolved = resolve(item, path, existing, now);
      path.pop();
      if (resolved !== item) {
        copy ??= [...items];
        copy[index] = resolved;
      }
    }
    return copy ?? items;
  }
  if (Object.prototype.hasOwnProperty.call(value, SERVER_VALUE_KEY)) {
    const spec: unknown = Reflect.get(value, SERVER_VALUE_KEY);
    return serverValue(spec, path, existing, now);
  }
  let copy: Record<string, unknown> | null = null;
  for (const entry of Object.entries(value)) {
    const key = entry[0];
    const item: unknown = entry[1];
    // `.value` holds the node's own value, so it resolves at the node's own location.
    if (key !== VALUE_KEY) path.push(key);
    const resolved = resolve(item, path, existing, now);
    if (key !== VALUE_KEY) path.pop();
    if (resolved !== item) {
      copy ??= { ...value };
      Object.defineProperty(copy, key, {
        value: resolved,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy ?? value;
}

function serverValue(
  spec: unknown,
  path: readonly string[],
  existing: (relPath: readonly string[]) => Node,
  now: number,
): number {
  if (spec === "timestamp") return now;
  if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
    const entries = Object.entries(spec);
    const [entry] = entries;
    if (entries.length === 1 && entry !== undefined && entry[0] === "increment") {
      const delta: unknown = entry[1];
      if (typeof delta !== "number" || !Number.isFinite(delta)) {
        throw invalid(path, `increment by ${JSON.stringify(delta)}, which is not a number`);
      }
      // As the client's own estimate: a stored number is incremented, anything else is replaced.
      const current = leafValue(existing(path));
      return typeof current === "number" ? current + delta : delta;
    }
  }
  throw invalid(path, `unknown server value ${JSON.stringify(spec)}`);
}

function invalid(path: readonly string[], what: string): InvalidDataError {
  return new InvalidDataError(`Invalid data at /${path.join("/")}: ${what}`);
}
