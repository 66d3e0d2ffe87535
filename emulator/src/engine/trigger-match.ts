/**
 * What a commit means to the registered triggers: registration bundles parsed into path patterns
 * (`{x}`, `{x=*}`, `{x=**}`, partial wildcards, namespace patterns), the concrete locations a
 * pattern matches in a commit, and the pieces of the event payload (delta, change kind, auth).
 * Pure: delivery lives in `triggers.ts`.
 */
import { child, childKeys, hasChildren, leafValue, type Node } from "./tree.js";
import type { AuthContext } from "./types.js";

export class TriggerRegistrationError extends Error {
  override name = "TriggerRegistrationError";
}

type ChangeKind = "created" | "updated" | "deleted";
type TriggerKind = ChangeKind | "written";

type PatternSegment =
  | { readonly type: "literal"; readonly value: string }
  /** One key; `glob` is set for partial wildcards such as `user-*`. */
  | { readonly type: "single"; readonly capture?: string; readonly glob?: RegExp }
  /** Zero or more keys. */
  | { readonly type: "multi"; readonly capture?: string };

export interface Trigger {
  readonly name: string;
  /** `name` without the `-<generation>` suffix firebase-tools bumps on every reload (§12.1). */
  readonly family: string;
  readonly projectId: string;
  readonly key: string;
  readonly region: string;
  readonly cloudEvent: boolean;
  readonly kind: TriggerKind;
  readonly eventType: string;
  readonly pattern: readonly PatternSegment[];
  readonly matchesNamespace: (namespace: string) => boolean;
}

/** One concrete location a trigger pattern matched, with its data on both sides of the commit. */
export interface MatchedLocation {
  readonly path: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  readonly before: Node;
  readonly after: Node;
}

const DEFAULT_NAMESPACE = "fake-server";
const DEFAULT_REGION = "us-central1";

const V2_EVENT_PREFIX = "google.firebase.database.ref.v1.";
const V1_EVENT_PREFIX = "providers/google.firebase.database/eventTypes/ref.";
const V1_KINDS: Readonly<Record<string, TriggerKind>> = {
  write: "written",
  create: "created",
  update: "updated",
  delete: "deleted",
};
const V2_KINDS: Readonly<Record<string, TriggerKind>> = {
  written: "written",
  created: "created",
  updated: "updated",
  deleted: "deleted",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `*` inside a segment matches any run of characters within that segment. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map(escapeRegExp).join(".*")}$`);
}

function parsePattern(path: string): PatternSegment[] {
  const segments: PatternSegment[] = [];
  for (const part of path.split("/")) {
    if (part === "") continue;
    const capture = /^\{([^/{}=]+)(?:=(\*\*?))?\}$/.exec(part);
    if (capture !== null) {
      const name = capture[1] ?? "";
      segments.push(
        capture[2] === "**" ? { type: "multi", capture: name } : { type: "single", capture: name },
      );
    } else if (part.includes("{") || part.includes("}")) {
      throw new TriggerRegistrationError(`Unsupported path segment "${part}" in "${path}"`);
    } else if (part === "**") {
      segments.push({ type: "multi" });
    } else if (part.includes("*")) {
      segments.push({ type: "single", glob: globToRegExp(part) });
    } else {
      segments.push({ type: "literal", value: part });
    }
  }
  return segments;
}

/** A namespace pattern is a single path segment: exact, glob (`my-db-*`, `*`) or a capture. */
function namespaceMatcher(pattern: string): (namespace: string) => boolean {
  if (/^\{[^/{}]+\}$/.test(pattern)) return () => true;
  if (!pattern.includes("*")) return (namespace) => namespace === pattern;
  const glob = globToRegExp(pattern);
  return (namespace) => glob.test(namespace);
}

function requireString(bundle: Record<string, unknown>, field: string): string {
  const value = bundle[field];
  if (typeof value !== "string" || value === "") {
    throw new TriggerRegistrationError(`Trigger bundle needs a non-empty string "${field}"`);
  }
  return value;
}

export function parseTrigger(namespace: string | undefined, bundle: unknown): Trigger {
  if (!isRecord(bundle)) throw new TriggerRegistrationError("Trigger bundle must be a JSON object");
  const name = requireString(bundle, "name");
  const path = requireString(bundle, "path");
  const eventType = requireString(bundle, "event");
  const namespacePattern = bundle["namespacePattern"];
  const cloudEvent = namespacePattern !== undefined;
  if (cloudEvent && (typeof namespacePattern !== "string" || namespacePattern === "")) {
    throw new TriggerRegistrationError('"namespacePattern" must be a non-empty string');
  }

  const prefix = cloudEvent ? V2_EVENT_PREFIX : V1_EVENT_PREFIX;
  const kind = eventType.startsWith(prefix)
    ? (cloudEvent ? V2_KINDS : V1_KINDS)[eventType.slice(prefix.length)]
    : undefined;
  if (kind === undefined) {
    throw new TriggerRegistrationError(`Unsupported database event type "${eventType}"`);
  }

  // projects/<p>/locations/<region or _>/(triggers|functions)/<key>
  const nameParts = name.split("/");
  const projectId = nameParts[0] === "projects" ? nameParts[1] : undefined;
  const key = nameParts[nameParts.length - 1];
  if (projectId === undefined || projectId === "" || key === undefined || key === "") {
    throw new TriggerRegistrationError(`Trigger name "${name}" is not projects/<project>/…/<key>`);
  }
  const location = nameParts[2] === "locations" ? nameParts[3] : undefined;
  const region =
    location !== undefined && location !== "_" && location !== "" ? location : DEFAULT_REGION;

  const ownNamespace = namespace ?? DEFAULT_NAMESPACE;
  return {
    name,
    family: name.replace(/-\d+$/, ""),
    projectId,
    key,
    region,
    cloudEvent,
    kind,
    eventType,
    pattern: parsePattern(path),
    matchesNamespace:
      typeof namespacePattern === "string"
        ? namespaceMatcher(namespacePattern)
        : (candidate) => candidate === ownNamespace,
  };
}

function unionKeys(before: Node, after: Node): string[] {
  const keys = childKeys(before);
  const seen = new Set(keys);
  for (const key of childKeys(after)) if (!seen.has(key)) keys.push(key);
  return keys;
}

/**
 * The value a function sees: priorities stripped, no array conversion. (Not tree.plainValue, whose
 * plain assignment would drop a `__proto__` key.)
 */
export function payloadValue(node: Node): unknown {
  if (!hasChildren(node)) return leafValue(node);
  const out: Record<string, unknown> = {};
  for (const key of childKeys(node)) defineKey(out, key, payloadValue(node[key] ?? null));
  return out;
}

function plainEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (!isRecord(left) || !isRecord(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every(
    (key) => Object.prototype.hasOwnProperty.call(right, key) && plainEqual(left[key], right[key]),
  );
}

/** Changed as a function sees it: priorities are not part of the payload, so they do not count. */
export function valueChanged(before: Node, after: Node): boolean {
  return before !== after && !plainEqual(payloadValue(before), payloadValue(after));
}

/** True for the empty node and for nodes with children: a change below them has a single key. */
function mayDescend(node: Node): boolean {
  return node === null || hasChildren(node);
}

/**
 * The deepest location at or under `path` that still contains every change below it. A trailing
 * `{x=**}` matches there: it stands for the location the write addressed, which a commit does not
 * record.
 */
function changeRoot(path: readonly string[], before: Node, after: Node): MatchedLocation {
  let location = { path, before, after };
  while (mayDescend(location.before) && mayDescend(location.after)) {
    const changed = changedKeys(location.before, location.after);
    const only = changed.length === 1 ? changed[0] : undefined;
    if (only === undefined) break;
    location = {
      path: [...location.path, only],
      before: child(location.before, only),
      after: child(location.after, only),
    };
  }
  return { ...location, params: {} };
}

function changedKeys(before: Node, after: Node): string[] {
  return unionKeys(before, after).filter((key) =>
    valueChanged(child(before, key), child(after, key)),
  );
}

/**
 * Locations for a trailing `{x=**}`: one or more keys below `path` (firebase-functions leaves an
 * empty capture undefined), so changes to several children of `path` give one location each.
 */
function multiSegmentLocations(
  path: readonly string[],
  before: Node,
  after: Node,
): MatchedLocation[] {
  const root = changeRoot(path, before, after);
  if (root.path.length > path.length) return [root];
  return changedKeys(before, after).map((key) =>
    changeRoot([...path, key], child(before, key), child(after, key)),
  );
}

/**
 * Every location the pattern matches over before ∪ after where the data may differ. Subtrees that
 * are the same object on both sides are skipped: a commit rebuilds only the nodes along its paths.
 */
export function matchLocations(
  pattern: readonly PatternSegment[],
  index: number,
  path: readonly string[],
  params: Readonly<Record<string, string>>,
  before: Node,
  after: Node,
  out: MatchedLocation[],
): void {
  if (before === after) return;
  const segment = pattern[index];
  if (segment === undefined) {
    out.push({ path, params, before, after });
    return;
  }
  if (segment.type === "literal") {
    const key = segment.value;
    matchLocations(
      pattern,
      index + 1,
      [...path, key],
      params,
      child(before, key),
      child(after, key),
      out,
    );
    return;
  }
  if (segment.type === "single") {
    for (const key of unionKeys(before, after)) {
      if (segment.glob !== undefined && !segment.glob.test(key)) continue;
      const captured =
        segment.capture === undefined ? params : { ...params, [segment.capture]: key };
      matchLocations(
        pattern,
        index + 1,
        [...path, key],
        captured,
        child(before, key),
        child(after, key),
        out,
      );
    }
    return;
  }
  if (index === pattern.length - 1) {
    for (const location of multiSegmentLocations(path, before, after)) {
      const rest = location.path.slice(path.length).join("/");
      const capture = segment.capture;
      out.push({
        ...location,
        params: capture === undefined ? params : { ...params, [capture]: rest },
      });
    }
    return;
  }
  matchMulti(pattern, index, path, path.length, params, before, after, out);
}

/** A `**` followed by more segments: try every depth at which the rest of the pattern could start. */
function matchMulti(
  pattern: readonly PatternSegment[],
  index: number,
  path: readonly string[],
  captureStart: number,
  params: Readonly<Record<string, string>>,
  before: Node,
  after: Node,
  out: MatchedLocation[],
): void {
  if (before === after) return;
  const segment = pattern[index];
  const capture = segment?.type === "multi" ? segment.capture : undefined;
  const captured =
    capture === undefined ? params : { ...params, [capture]: path.slice(captureStart).join("/") };
  matchLocations(pattern, index + 1, path, captured, before, after, out);
  for (const key of unionKeys(before, after)) {
    matchMulti(
      pattern,
      index,
      [...path, key],
      captureStart,
      params,
      child(before, key),
      child(after, key),
      out,
    );
  }
}

/**
 * What `applyChange(before, delta)` in firebase-functions needs to rebuild `after`: it merges the
 * delta into `before` and deletes only keys whose delta is null, so every key that disappeared must
 * be sent as an explicit null (spec §12.2, "Delta semantics").
 */
export function deltaFor(before: unknown, after: unknown): unknown {
  if (!isRecord(before) || !isRecord(after)) return after ?? null;
  const delta: Record<string, unknown> = {};
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) defineKey(delta, key, null);
  }
  for (const [key, value] of Object.entries(after)) {
    defineKey(delta, key, deltaFor(Object.hasOwn(before, key) ? before[key] : undefined, value));
  }
  return delta;
}

/** Assignment that also works for a key named `__proto__`, which is a valid database key. */
function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function classify(before: Node, after: Node): ChangeKind {
  if (before === null) return "created";
  if (after === null) return "deleted";
  return "updated";
}

export function v2AuthFields(auth: AuthContext): Record<string, string> {
  if (auth.admin) return { authtype: "admin" };
  if (auth.variable === null) return { authtype: "unauthenticated" };
  return { authtype: "app_user", authid: auth.variable.uid };
}

export function v1Auth(auth: AuthContext): Record<string, unknown> {
  if (auth.admin) return { admin: true };
  if (auth.variable === null) return { admin: false };
  return { admin: false, variable: auth.variable };
}
