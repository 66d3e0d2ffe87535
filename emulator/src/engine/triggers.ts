/**
 * Cloud Functions database triggers (spec §12): firebase-tools registers them through
 * `POST /.settings/functionTriggers.json`, and after every commit the emulator posts one event per
 * changed location that a trigger's path pattern matches to the Functions emulator.
 *
 * Delivery never blocks or fails a write. Events of one trigger are posted one at a time, in commit
 * order (the Functions emulator answers once the function has run); different triggers run in parallel.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import { child, childKeys, hasChildren, leafValue, type Node } from "./tree.js";
import type { AuthContext, CommitEvent } from "./types.js";

export class TriggerRegistrationError extends Error {
  override name = "TriggerRegistrationError";
}

export interface FunctionsEmulatorAddress {
  readonly host: string;
  readonly port: number;
}

export interface TriggerRegistryOptions {
  /** Where the Functions emulator listens (`--functions_emulator_host/port`). No delivery without it. */
  readonly functionsEmulator?: FunctionsEmulatorAddress;
  /** Where delivery failures are reported; stderr by default. */
  readonly logError?: (message: string) => void;
}

type ChangeKind = "created" | "updated" | "deleted";
type TriggerKind = ChangeKind | "written";

type PatternSegment =
  | { readonly type: "literal"; readonly value: string }
  /** One key; `glob` is set for partial wildcards such as `user-*`. */
  | { readonly type: "single"; readonly capture?: string; readonly glob?: RegExp }
  /** Zero or more keys. */
  | { readonly type: "multi"; readonly capture?: string };

interface Trigger {
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
interface MatchedLocation {
  readonly path: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  readonly before: Node;
  readonly after: Node;
}

const DEFAULT_NAMESPACE = "fake-server";
const DEFAULT_REGION = "us-central1";
const DELIVERY_TIMEOUT_MS = 10 * 60 * 1000;

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

function parseTrigger(namespace: string | undefined, bundle: unknown): Trigger {
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
function payloadValue(node: Node): unknown {
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
function valueChanged(before: Node, after: Node): boolean {
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
function matchLocations(
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

function classify(before: Node, after: Node): ChangeKind {
  if (before === null) return "created";
  if (after === null) return "deleted";
  return "updated";
}

function v2AuthFields(auth: AuthContext): Record<string, string> {
  if (auth.admin) return { authtype: "admin" };
  if (auth.variable === null) return { authtype: "unauthenticated" };
  return { authtype: "app_user", authid: auth.variable.uid };
}

function v1Auth(auth: AuthContext): Record<string, unknown> {
  if (auth.admin) return { admin: true };
  if (auth.variable === null) return { admin: false };
  return { admin: false, variable: auth.variable };
}

interface Delivery {
  readonly trigger: Trigger;
  readonly body: string;
}

export class TriggerRegistry {
  private readonly triggers = new Map<string, Trigger>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly functionsEmulator: FunctionsEmulatorAddress | undefined;
  private readonly logError: (message: string) => void;

  constructor(options: TriggerRegistryOptions = {}) {
    this.functionsEmulator = options.functionsEmulator;
    this.logError = options.logError ?? ((message) => process.stderr.write(`${message}\n`));
  }

  /**
   * Registers a bundle from `POST /.settings/functionTriggers.json`. `namespace` is the `?ns=` of a
   * v1 registration; v2 bundles carry `namespacePattern`. A bundle replaces an earlier generation
   * of the same function. Throws TriggerRegistrationError for malformed bundles.
   */
  register(namespace: string | undefined, bundle: unknown): void {
    const trigger = parseTrigger(namespace, bundle);
    for (const [name, existing] of this.triggers) {
      if (existing.family === trigger.family) this.triggers.delete(name);
    }
    this.triggers.set(trigger.name, trigger);
  }

  /** Names of the registered triggers. */
  names(): string[] {
    return [...this.triggers.keys()];
  }

  /** Queues the events a commit produces. Never throws: a trigger must not fail a write. */
  handleCommit(event: CommitEvent): void {
    if (!event.fireTriggers || this.triggers.size === 0) return;
    try {
      const time = new Date().toISOString();
      for (const trigger of this.triggers.values()) {
        if (!trigger.matchesNamespace(event.namespace)) continue;
        const locations: MatchedLocation[] = [];
        matchLocations(trigger.pattern, 0, [], {}, event.before, event.after, locations);
        for (const location of locations) {
          if (!valueChanged(location.before, location.after)) continue;
          const change = classify(location.before, location.after);
          if (trigger.kind !== "written" && trigger.kind !== change) continue;
          this.enqueue({ trigger, body: this.payload(trigger, event, location, time) });
        }
      }
    } catch (error) {
      this.logError(`Database triggers: could not process a commit: ${String(error)}`);
    }
  }

  /** Resolves once every queued delivery has been attempted. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /** Closes idle keep-alive connections to the Functions emulator. */
  close(): void {
    this.agent.destroy();
  }

  private payload(
    trigger: Trigger,
    event: CommitEvent,
    location: MatchedLocation,
    time: string,
  ): string {
    const ref = location.path.join("/");
    const before = payloadValue(location.before);
    const data = { data: before, delta: deltaFor(before, payloadValue(location.after)) };
    if (trigger.cloudEvent) {
      return JSON.stringify({
        specversion: "1.0",
        id: randomUUID(),
        source: `//firebasedatabase.googleapis.com/projects/_/locations/${trigger.region}/instances/${event.namespace}`,
        type: trigger.eventType,
        time,
        subject: `refs/${ref}`,
        firebasedatabasehost: "firebaseio.com",
        instance: event.namespace,
        ref,
        location: trigger.region,
        ...v2AuthFields(event.auth),
        data: {
          "@type": "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData",
          ...data,
        },
      });
    }
    return JSON.stringify({
      eventId: randomUUID(),
      timestamp: time,
      eventType: trigger.eventType,
      resource: `projects/_/instances/${event.namespace}/refs/${ref}`,
      params: location.params,
      auth: v1Auth(event.auth),
      data,
    });
  }

  private enqueue(delivery: Delivery): void {
    const target = this.functionsEmulator;
    if (target === undefined) return;
    const key = delivery.trigger.name;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.post(target, delivery));
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  /** Posts one event; resolves (never rejects) once the Functions emulator has answered or failed. */
  private post(target: FunctionsEmulatorAddress, { trigger, body }: Delivery): Promise<void> {
    const path = `/functions/projects/${encodeURIComponent(trigger.projectId)}/triggers/${encodeURIComponent(trigger.key)}`;
    return new Promise((resolve) => {
      let reported = false;
      const fail = (reason: string): void => {
        if (!reported) this.logError(`Database trigger ${trigger.key}: delivery failed: ${reason}`);
        reported = true;
        resolve();
      };
      const request = http.request(
        {
          host: target.host,
          port: target.port,
          method: "POST",
          path,
          agent: this.agent,
          timeout: DELIVERY_TIMEOUT_MS,
          headers: {
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(body),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", (error) => {
            fail(error.message);
          });
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            // 204: the Functions emulator has background triggers disabled; that is not a failure.
            if (status >= 200 && status < 300) resolve();
            else fail(`HTTP ${status} ${Buffer.concat(chunks).toString("utf8").slice(0, 500)}`);
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error("timed out")));
      request.on("error", (error) => {
        fail(error.message);
      });
      request.end(body);
    });
  }
}
