/**
 * Moving a tenant to another Realtime Database instance (`npm run admin -- tenants move`), with
 * nothing lost and every caller answered. The steps, each safe to run again:
 *
 * 1. mark: the tenant record gets `moving: {to, since}` and the instance it leaves gets
 *    `tenants/{t}/moving`. From then on the rules refuse every client write under the tenant and
 *    functions write to neither instance (`TenantMoving`: a speech turn answers the caller and
 *    defers the turn, tasks retry, endpoints answer 503). Triggers still act on events from the
 *    old instance, there (a turn written just before the move was seen is still fanned out).
 * 2. settle: wait until every warm function instance has dropped the placement it cached before
 *    the mark (SETTINGS_CACHE_SECONDS) and requests in flight have ended.
 * 3. copy: `tenants/{t}` (without the markers) and each member's `inbox/{uid}` and
 *    `revocations/{uid}`, to the new instance.
 * 4. switch: the record names the new instance, `moving` goes, `movedFrom` records the step.
 *    Functions see it within MOVING_CACHE_MS; deferred turns and retried tasks land there.
 * 5. claims: every member's `db` claim names the new instance (none for the default instance);
 *    `tenants/{t}/movedTo` on the old instance tells open dashboards to refresh and reconnect.
 * 6. catch up: after a trigger run that saw `moving` has had time to end, the old copy is read
 *    again and whatever changed there since the copy is carried over (three-way: a path the new
 *    instance changed meanwhile keeps its new value and counts as a conflict).
 * 7. clean up: unless `keepOld`, the old copy goes except its markers (`moving` keeps refusing
 *    writes from a dashboard still connected there, `movedTo` sends it on); `movedFrom` goes.
 *
 * A failed run is resumed by running the same move again: before the switch it waits out what is
 * left of the settle and copies again; after it, it finishes steps 5 to 7. Before the switch a
 * move can also be undone (`abortMove`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Database } from "firebase-admin/database";
import { FieldValue } from "firebase-admin/firestore";
import { claimsOf } from "../../functions/src/domain/members.js";
import {
  instanceOfUrl,
  lifelineInstances,
  MOVING_CACHE_MS,
} from "../../functions/src/store/instances.js";
import {
  firestore,
  inboxPath,
  instanceName,
  memberDocSchema,
  membersPath,
  revocationPath,
  tenantMovedToPath,
  tenantMovingPath,
  tenantPath,
  type TenantMove,
} from "@lifeline/model";
import {
  type AdminTargets,
  BadInput,
  checkId,
  instanceDatabase,
  Refused,
  requireTenant,
} from "./operations.js";

/** The functions' default SETTINGS_CACHE_SECONDS (functions/src/params.ts). */
export const DEFAULT_SETTINGS_CACHE_SECONDS = 30;
/** Beyond the cache TTL: a request or trigger run that started just before it expired ends. */
export const SETTLE_MARGIN_SECONDS = 15;
export const DEFAULT_SETTLE_SECONDS = DEFAULT_SETTINGS_CACHE_SECONDS + SETTLE_MARGIN_SECONDS;
/** After the switch: every cached "moving" placement has expired and its trigger runs have ended. */
export const CATCH_UP_MS = MOVING_CACHE_MS + 3_000;

/** The tenant's own markers on an instance: neither is copied, and neither counts as its data. */
const MARKERS = ["moving", "movedTo"] as const;

export interface MoveOptions {
  /** Seconds between the mark and the copy (default DEFAULT_SETTLE_SECONDS). */
  readonly settleSeconds?: number;
  /** Leave the old copy in place (still marked: no client writes to it). */
  readonly keepOld?: boolean;
  /** Milliseconds between the switch and the catch-up read (default CATCH_UP_MS). */
  readonly catchUpMs?: number;
  /** Progress lines, as each step starts. */
  readonly progress?: (line: string) => void;
  readonly now?: () => number;
}

export interface MoveReport {
  readonly tenantId: string;
  readonly from: string;
  readonly to: string;
  /** This run continued a move an earlier run had begun ("copy": before the switch; "finish": after it). */
  readonly resumed: "copy" | "finish" | false;
  /** What was copied: children per node of `tenants/{t}`, inboxes' items, revocations. */
  readonly copied: {
    readonly tenant: Readonly<Record<string, number>>;
    readonly inboxItems: number;
    readonly revocations: number;
  };
  readonly members: { readonly claimsSet: number; readonly withoutAuthUser: number };
  /** Values written on the old instance after the copy and carried over, and those the new kept. */
  readonly lateWrites: { readonly carried: number; readonly conflicts: number };
  readonly keptOld: boolean;
  /** Milliseconds per step. */
  readonly timings: Readonly<Record<string, number>>;
}

/** A step failed: the message says which and how to go on. */
export class MoveFailed extends Error {
  override readonly name = "MoveFailed";
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null;
}

/** Every leaf of `value` under `prefix`, by its full path. */
export function leaves(value: unknown, prefix: string, into = new Map<string, unknown>()) {
  if (isTree(value)) {
    for (const [key, child] of Object.entries(value)) leaves(child, `${prefix}/${key}`, into);
  } else if (value !== null && value !== undefined) {
    into.set(prefix, value);
  }
  return into;
}

/**
 * The writes that carry `theirs` (the old instance now) over to the new instance, from `base`
 * (what was copied) and `ours` (the new instance now): a leaf that changed on the old instance is
 * written when the new one still holds what was copied, and is a conflict otherwise. Without a
 * base (a resumed finish, the copy's snapshot is gone), only leaves the new instance lacks are added.
 */
export function lateWrites(
  base: ReadonlyMap<string, unknown> | undefined,
  theirs: ReadonlyMap<string, unknown>,
  ours: ReadonlyMap<string, unknown>,
): { update: Record<string, unknown>; conflicts: number } {
  const update: Record<string, unknown> = {};
  let conflicts = 0;
  if (base === undefined) {
    for (const [path, value] of theirs) if (!ours.has(path)) update[path] = value;
    return { update, conflicts };
  }
  for (const path of new Set([...base.keys(), ...theirs.keys()])) {
    const was = base.get(path);
    const now = theirs.get(path);
    if (was === now) continue;
    if (ours.get(path) === was) update[path] = now ?? null;
    else if (ours.get(path) !== now) conflicts++;
  }
  return { update, conflicts };
}

function withoutMarkers(tenant: unknown): Tree {
  if (!isTree(tenant)) return {};
  const kept: Tree = {};
  for (const [key, value] of Object.entries(tenant)) {
    if (!(MARKERS as readonly string[]).includes(key)) kept[key] = value;
  }
  return kept;
}

function childCount(value: unknown): number {
  return isTree(value) ? Object.keys(value).length : value === null ? 0 : 1;
}

/** What the move copies from one instance: the tenant's subtree and its members' own nodes. */
interface TenantCopy {
  readonly tenant: Tree;
  readonly inboxes: ReadonlyMap<string, unknown>;
  readonly revocations: ReadonlyMap<string, unknown>;
}

async function readCopy(db: Database, tenantId: string, uids: readonly string[]) {
  const nodesOf = async (path: (uid: string) => string) => {
    const values = await Promise.all(
      uids.map(async (uid): Promise<[string, unknown]> => [
        uid,
        (await db.ref(path(uid)).get()).val(),
      ]),
    );
    return new Map(values.filter(([, value]) => value !== null));
  };
  const [tenant, inboxes, revocations] = await Promise.all([
    db.ref(tenantPath(tenantId)).get(),
    nodesOf(inboxPath),
    nodesOf(revocationPath),
  ]);
  const copy: TenantCopy = { tenant: withoutMarkers(tenant.val()), inboxes, revocations };
  return copy;
}

function copyLeaves(tenantId: string, copy: TenantCopy): Map<string, unknown> {
  const all = leaves(copy.tenant, tenantPath(tenantId));
  for (const [uid, inbox] of copy.inboxes) leaves(inbox, inboxPath(uid), all);
  for (const [uid, at] of copy.revocations) leaves(at, revocationPath(uid), all);
  return all;
}

/** The members whose own nodes move with the tenant: its Firestore records and its live mirror. */
async function memberUids(targets: AdminTargets, tenantId: string, db: Database) {
  const [records, mirror] = await Promise.all([
    targets.firestore.collection(firestore.membersCollection(tenantId)).get(),
    db.ref(membersPath(tenantId)).get(),
  ]);
  const mirrored: unknown = mirror.val();
  return [
    ...new Set([
      ...records.docs.map((doc) => doc.id),
      ...(isTree(mirrored) ? Object.keys(mirrored) : []),
    ]),
  ].sort();
}

function defaultInstanceOf(targets: AdminTargets): string {
  const url = targets.database.app.options.databaseURL;
  const instance = url === undefined ? undefined : instanceOfUrl(url);
  if (instance === undefined) throw new Error("the Admin SDK app has no database URL");
  return instance;
}

/** The instances triggers listen on (`<project>-*`): a tenant anywhere else would get no fan-out. */
function checkTarget(to: string, defaultInstance: string): void {
  if (!instanceName.safeParse(to).success) {
    throw new BadInput(`"${to}" is not a database instance name`);
  }
  const pattern = lifelineInstances({ DATABASE_URL: `https://${defaultInstance}.firebaseio.com` });
  const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : undefined;
  if (to !== defaultInstance && (prefix === undefined || !to.startsWith(prefix))) {
    throw new BadInput(
      `"${to}" is not a Lifeline instance: the triggers listen on ${pattern} only`,
    );
  }
}

async function step<T>(
  name: string,
  timings: Record<string, number>,
  next: string,
  run: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } catch (error) {
    if (error instanceof Refused || error instanceof BadInput) throw error;
    throw new MoveFailed(
      `${name} failed: ${error instanceof Error ? error.message : String(error)}. ${next}`,
      { cause: error },
    );
  } finally {
    timings[name] = Date.now() - started;
  }
}

/** Moves the tenant to instance `to`, or finishes a move to it that an earlier run began. */
export async function moveTenant(
  targets: AdminTargets,
  tenantId: string,
  to: string,
  options: MoveOptions = {},
): Promise<MoveReport> {
  const now = options.now ?? Date.now;
  const say = options.progress ?? (() => undefined);
  checkId("tenant id", tenantId);
  const settleSeconds = options.settleSeconds ?? DEFAULT_SETTLE_SECONDS;
  if (!Number.isFinite(settleSeconds) || settleSeconds < 0) {
    throw new BadInput("--settle-seconds is a number of seconds, 0 or more");
  }
  const defaultInstance = defaultInstanceOf(targets);
  checkTarget(to, defaultInstance);
  const record = await requireTenant(targets, tenantId);
  const current = record.database ?? defaultInstance;
  const recordRef = targets.firestore.doc(firestore.tenantDoc(tenantId));
  const rerun = `Re-run \`npm run admin -- tenants move ${tenantId} --to ${to}\` to continue`;
  const timings: Record<string, number> = {};

  let from: string;
  let resumed: MoveReport["resumed"] = false;
  let move: TenantMove;
  if (record.moving !== undefined) {
    if (record.moving.to !== to) {
      throw new Refused(
        `tenant "${tenantId}" is already moving to ${record.moving.to} (since ${new Date(record.moving.since).toISOString()}): ` +
          `finish it with --to ${record.moving.to}, or undo it with --abort`,
      );
    }
    from = current;
    move = record.moving;
    resumed = "copy";
  } else if (current === to) {
    if (record.movedFrom === undefined) {
      throw new Refused(`tenant "${tenantId}" already lives on ${to}`);
    }
    from = record.movedFrom.from;
    move = { to, since: record.movedFrom.at };
    resumed = "finish";
  } else {
    from = current;
    move = { to, since: now() };
  }
  const oldDb = instanceDatabase(targets, from);
  const newDb = instanceDatabase(targets, to);

  let base: Map<string, unknown> | undefined;
  let copied: MoveReport["copied"] = { tenant: {}, inboxItems: 0, revocations: 0 };
  if (resumed !== "finish") {
    if (resumed === false) {
      const held = withoutMarkers((await newDb.ref(tenantPath(tenantId)).get()).val());
      if (Object.keys(held).length > 0) {
        throw new Refused(
          `${to} already holds data under ${tenantPath(tenantId)} (${Object.keys(held).join(", ")}): ` +
            "nothing was written; remove it first if it is a stale copy",
        );
      }
      say(`marking ${tenantId} as moving from ${from} to ${to}`);
      await step("mark", timings, rerun, async () => {
        await targets.firestore.runTransaction(async (transaction) => {
          const latest = await transaction.get(recordRef);
          if (latest.get("moving") !== undefined) {
            throw new Refused(`tenant "${tenantId}" was just marked as moving by another run`);
          }
          transaction.update(recordRef, { moving: move });
        });
        await oldDb.ref(tenantMovingPath(tenantId)).set(move);
      });
    } else {
      say(
        `continuing the move of ${tenantId} from ${from} to ${to}, marked ${new Date(move.since).toISOString()}`,
      );
      // The earlier run may have stopped between the record and the instance's marker.
      await step("mark", timings, rerun, () => oldDb.ref(tenantMovingPath(tenantId)).set(move));
    }

    const wait = Math.max(0, move.since + settleSeconds * 1000 - now());
    say(`settling: ${Math.ceil(wait / 1000)} s for function instances to drop the old placement`);
    await step("settle", timings, rerun, () => sleep(wait));

    say("copying");
    await step("copy", timings, rerun, async () => {
      const uids = await memberUids(targets, tenantId, oldDb);
      const copy = await readCopy(oldDb, tenantId, uids);
      const update: Record<string, unknown> = { [tenantPath(tenantId)]: copy.tenant };
      for (const [uid, inbox] of copy.inboxes) update[inboxPath(uid)] = inbox;
      for (const [uid, at] of copy.revocations) update[revocationPath(uid)] = at;
      await newDb.ref().update(update);
      base = copyLeaves(tenantId, copy);
      copied = {
        tenant: Object.fromEntries(
          Object.entries(copy.tenant).map(([key, value]) => [key, childCount(value)]),
        ),
        inboxItems: [...copy.inboxes.values()].reduce<number>((n, v) => n + childCount(v), 0),
        revocations: copy.revocations.size,
      };
    });

    say(`switching the record to ${to}`);
    await step("switch", timings, rerun, () =>
      targets.firestore.runTransaction(async (transaction) => {
        const latest = await transaction.get(recordRef);
        const moving: unknown = latest.get("moving");
        if (!isTree(moving) || moving.to !== to) {
          throw new Refused(`tenant "${tenantId}" is no longer marked as moving to ${to}`);
        }
        transaction.update(recordRef, {
          database: to === defaultInstance ? FieldValue.delete() : to,
          moving: FieldValue.delete(),
          movedFrom: { from, at: now() },
        });
      }),
    );
  }

  const finish = `The tenant now lives on ${to}. ${rerun} (claims, late writes, the old copy).`;
  say("setting members' claims and telling open dashboards where the tenant went");
  const members = await step("claims", timings, finish, async () => {
    const snapshot = await targets.firestore
      .collection(firestore.membersCollection(tenantId))
      .get();
    let claimsSet = 0;
    let withoutAuthUser = 0;
    for (const doc of snapshot.docs) {
      const member = memberDocSchema.safeParse(doc.data());
      if (!member.success) continue;
      const claims = claimsOf(
        { tenantId, role: member.data.role },
        to === defaultInstance ? undefined : to,
      );
      try {
        await targets.auth.setCustomUserClaims(doc.id, claims);
        claimsSet++;
      } catch (error) {
        if (!isTree(error) || error.code !== "auth/user-not-found") throw error;
        withoutAuthUser++;
      }
    }
    await oldDb.ref(tenantMovedToPath(tenantId)).set({ to, at: now() });
    return { claimsSet, withoutAuthUser };
  });

  say("carrying over what was written on the old instance after the copy");
  const late = await step("catch up", timings, finish, async () => {
    await sleep(options.catchUpMs ?? CATCH_UP_MS);
    const uids = await memberUids(targets, tenantId, newDb);
    const [theirs, ours] = await Promise.all([
      readCopy(oldDb, tenantId, uids),
      readCopy(newDb, tenantId, uids),
    ]);
    const { update, conflicts } = lateWrites(
      base,
      copyLeaves(tenantId, theirs),
      copyLeaves(tenantId, ours),
    );
    if (Object.keys(update).length > 0) await newDb.ref().update(update);
    return { carried: Object.keys(update).length, conflicts };
  });

  const keepOld = options.keepOld === true;
  say(keepOld ? "keeping the old copy (marked)" : "removing the old copy (its markers stay)");
  await step("clean up", timings, finish, async () => {
    if (!keepOld) {
      const uids = await memberUids(targets, tenantId, newDb);
      const markers = {
        moving: move,
        movedTo: (await oldDb.ref(tenantMovedToPath(tenantId)).get()).val() as unknown,
      };
      const update: Record<string, unknown> = { [tenantPath(tenantId)]: markers };
      for (const uid of uids) {
        update[inboxPath(uid)] = null;
        update[revocationPath(uid)] = null;
      }
      await oldDb.ref().update(update);
    }
    await recordRef.update({ movedFrom: FieldValue.delete() });
  });

  return {
    tenantId,
    from,
    to,
    resumed,
    copied,
    members,
    lateWrites: late,
    keptOld: keepOld,
    timings,
  };
}

/**
 * Undoes a move that has not switched yet: the record and the old instance lose their `moving`
 * marker (clients and functions write there again at once, within MOVING_CACHE_MS), and whatever
 * was copied to the target is removed.
 */
export async function abortMove(
  targets: AdminTargets,
  tenantId: string,
): Promise<{ tenantId: string; from: string; to: string }> {
  checkId("tenant id", tenantId);
  const record = await requireTenant(targets, tenantId);
  const move = record.moving;
  if (move === undefined) {
    throw new Refused(
      record.movedFrom === undefined
        ? `tenant "${tenantId}" is not moving`
        : `tenant "${tenantId}" has already switched to ${record.database ?? defaultInstanceOf(targets)}: finish the move instead`,
    );
  }
  const from = record.database ?? defaultInstanceOf(targets);
  const recordRef = targets.firestore.doc(firestore.tenantDoc(tenantId));
  const oldDb = instanceDatabase(targets, from);
  const newDb = instanceDatabase(targets, move.to);
  const uids = await memberUids(targets, tenantId, oldDb);
  const update: Record<string, unknown> = { [tenantPath(tenantId)]: null };
  for (const uid of uids) {
    update[inboxPath(uid)] = null;
    update[revocationPath(uid)] = null;
  }
  await newDb.ref().update(update);
  await recordRef.update({ moving: FieldValue.delete() });
  await oldDb.ref(tenantMovingPath(tenantId)).remove();
  return { tenantId, from, to: move.to };
}
