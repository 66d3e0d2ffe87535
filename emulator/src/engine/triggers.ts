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
import type { CommitEvent } from "./types.js";
import {
  TriggerRegistrationError,
  classify,
  deltaFor,
  matchLocations,
  parseTrigger,
  payloadValue,
  v1Auth,
  v2AuthFields,
  valueChanged,
  type MatchedLocation,
  type Trigger,
} from "./trigger-match.js";

export { TriggerRegistrationError, deltaFor };

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

const DELIVERY_TIMEOUT_MS = 10 * 60 * 1000;

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
