/**
 * Plumbing for the firebase-tools suite (spec §16 items 29–31). These tests run INSIDE
 * `firebase emulators:exec` (see run.mjs), on the fixture project in ./fixture: firebase-tools starts
 * our database emulator through the java shim, loads the fixture's functions and rules, and exports
 * the emulator hosts to the test process.
 */
import { randomBytes } from "node:crypto";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getDatabase, type Database } from "firebase-admin/database";

/** Reads a variable firebase-tools must have exported; fails loudly outside `emulators:exec`. */
export function exportedVariable(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(
      `${name} is not set: run this suite through emulator/test/firebase-tools/run.mjs`,
    );
  }
  return value;
}

export const PROJECT = process.env["GCLOUD_PROJECT"] ?? "demo-conformance";
/** The namespace firebase.json rules load into, and the one the fixture functions write to. */
export const NAMESPACE = `${PROJECT}-default-rtdb`;

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export function splitHost(hostPort: string): { host: string; port: number } {
  const colon = hostPort.lastIndexOf(":");
  const port = Number(hostPort.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port)) throw new Error(`not host:port: ${hostPort}`);
  return { host: hostPort.slice(0, colon).replace(/^\[|\]$/g, ""), port };
}

export type Seen = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `params[name]` of a record, or undefined. */
export function param(seen: Seen, name: string): unknown {
  const params = seen["params"];
  return isRecord(params) ? params[name] : undefined;
}

/** The records a fixture function wrote under out/<name>, oldest first. */
function parseRecords(value: unknown): Seen[] {
  if (!isRecord(value)) return [];
  return Object.keys(value)
    .sort()
    .flatMap((key) => {
      const entry = value[key];
      if (!isRecord(entry) || typeof entry["seen"] !== "string") return [];
      const parsed: unknown = JSON.parse(entry["seen"]);
      return isRecord(parsed) ? [parsed] : [];
    });
}

/** An Admin SDK handle on NAMESPACE, the way test code and the functions both reach it. */
export class Admin {
  readonly app: App;
  readonly database: Database;

  constructor() {
    this.app = initializeApp(
      { projectId: PROJECT, databaseURL: `https://${NAMESPACE}.firebaseio.com` },
      uniqueId("admin"),
    );
    this.database = getDatabase(this.app);
  }

  /**
   * Resolves with the records of function `name` that satisfy `match` once there are at least
   * `count` of them; rejects after `ms`.
   */
  waitForRecords(
    name: string,
    match: (seen: Seen) => boolean,
    count = 1,
    ms = 30_000,
  ): Promise<Seen[]> {
    const ref = this.database.ref(`out/${name}`);
    return new Promise((resolve, reject) => {
      let latest: Seen[] = [];
      const timer = setTimeout(() => {
        ref.off("value", listener);
        reject(
          new Error(
            `timed out after ${ms} ms waiting for ${count} record(s) of ${name}; ` +
              `have ${JSON.stringify(latest)}`,
          ),
        );
      }, ms);
      const listener = ref.on(
        "value",
        (snapshot) => {
          latest = parseRecords(snapshot.val()).filter(match);
          if (latest.length >= count) {
            clearTimeout(timer);
            ref.off("value", listener);
            resolve(latest);
          }
        },
        (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** The records of function `name` that satisfy `match`, right now. */
  async records(name: string, match: (seen: Seen) => boolean): Promise<Seen[]> {
    const snapshot = await this.database.ref(`out/${name}`).get();
    return parseRecords(snapshot.val()).filter(match);
  }

  close(): Promise<void> {
    return deleteApp(this.app);
  }
}

/** Matches records whose `{id}` param is `id`. */
export function withId(id: string): (seen: Seen) => boolean {
  return (seen) => param(seen, "id") === id;
}
