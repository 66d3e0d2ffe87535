/**
 * The rules-unit-testing environment every rules suite shares: the emulator named by
 * FIREBASE_DATABASE_EMULATOR_HOST, each of firebase.json's database targets with the rules file it
 * deploys (comments and all, exactly what deploys) loaded into a namespace of its own, and helpers
 * to seed data and to tell a denied request from a broken one.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { setLogLevel } from "firebase/app";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";

const FIREBASE_JSON = new URL("../../firebase.json", import.meta.url);

/** One of firebase.json's database targets, as these suites load it. */
export interface RulesTarget {
  /** The deploy target (`main`, `shard-2`): `.firebaserc` maps it to an instance. */
  readonly target: string;
  /** The rules file it deploys, relative to the repository. */
  readonly rules: string;
  /**
   * The namespace (`ns=`, rules-unit-testing's project id) the suites load those rules into:
   * `demo-rules-lifeline-<target>`. Not named `demo-lifeline-…`, the pattern the product's
   * triggers listen on, so nothing written here sets them off.
   */
  readonly namespace: string;
}

const databaseConfig = z.union([
  z.object({ rules: z.string() }),
  z.array(z.object({ target: z.string(), rules: z.string() })).min(1),
]);

/**
 * Every database target firebase.json deploys (one unnamed `main` when it has a single database
 * entry). The rules suites run once per target, so an instance that deploys a rules file of its
 * own is held to the same policy; test/static/firebase-targets.test.ts checks they deploy one file.
 */
export function rulesTargets(): readonly RulesTarget[] {
  const config = z
    .object({ database: databaseConfig })
    .parse(JSON.parse(readFileSync(FIREBASE_JSON, "utf8")));
  const entries = Array.isArray(config.database)
    ? config.database
    : [{ target: "main", rules: config.database.rules }];
  return entries.map(({ target, rules }) => ({
    target,
    rules,
    namespace: `demo-rules-lifeline-${target}`,
  }));
}

export const RULES_TARGETS = rulesTargets();

/** `{".sv":"timestamp"}`: what `serverTimestamp()` sends; the rules compare it with `now`. */
export const SERVER_TIME = { ".sv": "timestamp" } as const;

export function emulatorHostAndPort(): { host: string; port: number } {
  const hostPort = process.env.FIREBASE_DATABASE_EMULATOR_HOST;
  if (hostPort === undefined || hostPort === "") {
    throw new Error(
      "FIREBASE_DATABASE_EMULATOR_HOST is not set: run the rules tests inside the emulator suite",
    );
  }
  const colon = hostPort.lastIndexOf(":");
  const port = Number(hostPort.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port)) {
    throw new Error(`FIREBASE_DATABASE_EMULATOR_HOST is not host:port: ${hostPort}`);
  }
  return { host: hostPort.slice(0, colon), port };
}

/** A target's rules, loaded into its own namespace. */
export async function rulesTestEnvironment(target: RulesTarget): Promise<RulesTestEnvironment> {
  // Denied writes and listens are the point of these suites; the SDK would warn for each of thousands.
  setLogLevel("silent");
  return initializeTestEnvironment({
    projectId: target.namespace,
    database: {
      ...emulatorHostAndPort(),
      rules: readFileSync(new URL(`../../${target.rules}`, import.meta.url), "utf8"),
    },
  });
}

/** How a suite's title names the target it runs on. */
export function onTarget(target: RulesTarget): string {
  return `${target.rules} on database target ${target.target}`;
}

/** A prefix no other run uses, so suites never see each other's data and never need clearing. */
export function freshRunId(): string {
  return `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Writes `updates` (root-relative paths to values) as one multi-path update, rules bypassed. */
export async function seed(
  env: RulesTestEnvironment,
  updates: Record<string, unknown>,
): Promise<void> {
  await env.withSecurityRulesDisabled(async (ctx) => {
    await ctx.database().ref().update(updates);
  });
}

/**
 * Like `seed`, for data under ids no one else uses: the paths are merged into one tree and written
 * as whole subtrees two levels down (`tenants/{t}`, `inbox/{uid}`), replacing what was there. For
 * the server that is far cheaper than thousands of separate paths.
 */
export async function seedFresh(
  env: RulesTestEnvironment,
  updates: Record<string, unknown>,
): Promise<void> {
  const tree: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(updates)) {
    const keys = path.split("/").filter((key) => key !== "");
    let node = tree;
    keys.slice(0, -1).forEach((key) => {
      const next = node[key];
      if (isRecord(next)) {
        node = next;
      } else {
        const created: Record<string, unknown> = {};
        node[key] = created;
        node = created;
      }
    });
    const last = keys.at(-1);
    if (last !== undefined) node[last] = value;
  }
  const subtrees: Record<string, unknown> = {};
  for (const [top, children] of Object.entries(tree)) {
    if (!isRecord(children)) {
      subtrees[top] = children;
      continue;
    }
    for (const [key, value] of Object.entries(children)) subtrees[`${top}/${key}`] = value;
  }
  await seed(env, subtrees);
}

export async function readAsOwner(env: RulesTestEnvironment, path: string): Promise<unknown> {
  let value: unknown;
  await env.withSecurityRulesDisabled(async (ctx) => {
    value = (await ctx.database().ref(path).get()).val();
  });
  return value;
}

export type Database = ReturnType<RulesTestContext["database"]>;

/** Resolves when `op` was allowed as expected; rejects with a readable reason otherwise. */
export async function expectOutcome(allowed: boolean, op: () => Promise<unknown>): Promise<void> {
  if (allowed) await assertSucceeds(op());
  else await assertFails(op());
}

/** Runs `tasks` with at most `limit` in flight; resolves with each task's error message or null. */
export async function runBounded(
  tasks: readonly (() => Promise<void>)[],
  limit: number,
): Promise<(string | null)[]> {
  const results: (string | null)[] = new Array<string | null>(tasks.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) {
      const task = tasks[i];
      if (task === undefined) continue;
      try {
        await task();
      } catch (error) {
        results[i] = error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
