/**
 * The generated access matrix: every principal × own/other tenant × assigned/unassigned subject ×
 * path × operation (read, the dashboard's queries, set, update, delete). Expected outcomes come from
 * ./policy.ts (README's policy), each allowed cell is asserted with assertSucceeds and every other
 * with assertFails. Cells run concurrently against seeded data, each write cell on its own ids.
 */
import { expect } from "chai";
import type { RulesTestEnvironment } from "@firebase/rules-unit-testing";
import {
  alertPath,
  callPath,
  type DashboardQuery,
  inboxItemPath,
  memberPath,
  messagePath,
  outboxMessagePath,
  presencePath,
  revocationPath,
  subjectPath,
  guidancePath,
  viewerPath,
} from "@lifeline/model";
import {
  expectOutcome,
  onTarget,
  RULES_TARGETS,
  rulesTestEnvironment,
  runBounded,
  seedFresh,
  type Database,
} from "./env.js";
import {
  COLLEAGUE_UID,
  PRINCIPALS,
  SUBJECT_ASSIGNED,
  SUBJECT_UNASSIGNED,
  TARGETS,
  TENANT_A,
  TENANT_B,
  asMember,
  counterpartUid,
  memberName,
  uidInPaths,
  type Principal,
  type Target,
  type World,
} from "./policy.js";

type Op = "read" | "set" | "update" | "delete" | `query ${string}`;

interface Cell {
  readonly principal: Principal;
  readonly target: Target;
  readonly world: World;
  readonly op: Op;
  readonly allowed: boolean;
  readonly run: (db: Database) => Promise<unknown>;
}

/** Revocation time of the revoked principal; its token's auth_time is 0. */
const REVOKED_AT_MS = 1_000_000;

function queryOf(db: Database, q: DashboardQuery) {
  let query = db.ref(q.path).orderByChild(q.orderByChild);
  if (q.equalTo !== undefined) query = query.equalTo(q.equalTo);
  if (q.limitToLast !== undefined) query = query.limitToLast(q.limitToLast);
  return query;
}

function parentAndKey(path: string): { parent: string; key: string } {
  const slash = path.lastIndexOf("/");
  return { parent: path.slice(0, slash), key: path.slice(slash + 1) };
}

function updateOf(target: Target, world: World): { at: string; value: Record<string, unknown> } {
  const path = target.path(world);
  if (target.update) return { at: path, value: target.update(world) };
  const value = target.value(world);
  if (typeof value === "object" && value !== null && path !== "/") {
    return { at: path, value: Object.fromEntries(Object.entries(value)) };
  }
  if (path === "/") return { at: "/", value: { probe: 1 } };
  const { parent, key } = parentAndKey(path);
  return { at: parent, value: { [key]: value } };
}

function buildCells(): Cell[] {
  const cells: Cell[] = [];
  let writeWorld = 0;
  for (const principal of PRINCIPALS) {
    for (const target of TARGETS) {
      for (const ownTenant of target.byTenant ? [true, false] : [true]) {
        for (const assigned of target.bySubject ? [true, false] : [true]) {
          const worldFor = (key: string): World => ({
            tenantId: ownTenant ? TENANT_A : TENANT_B,
            ownTenant,
            subjectId: assigned ? SUBJECT_ASSIGNED : SUBJECT_UNASSIGNED,
            assigned,
            principal,
            callId: `c-${key}`,
            alertId: `a-${key}`,
            messageId: "m-1",
            outboxId: "o-1",
            baseAlertId: `a-base-${ownTenant ? "A" : "B"}`,
          });
          const member = asMember(principal, { ownTenant, assigned });
          const may = (rule: (m: NonNullable<typeof member>) => boolean) =>
            member !== null && rule(member);
          // Reads share one world per tenant/subject (and per principal when it owns the call).
          const readKey = `r-${ownTenant ? "A" : "B"}-${assigned ? "1" : "0"}${
            target.world === "ownedCall"
              ? `-${uidInPaths(principal)}`
              : target.world === "colleagueCall"
                ? "-colleague"
                : ""
          }`;
          const readWorld = worldFor(readKey);
          const add = (op: Op, world: World, allowed: boolean, runOp: Cell["run"]) =>
            cells.push({ principal, target, world, op, allowed, run: runOp });

          add("read", readWorld, may(target.read), (db) => db.ref(target.path(readWorld)).get());
          for (const q of target.queries ?? []) {
            add(`query ${q.name}`, readWorld, may(q.allow), (db) =>
              queryOf(db, q.query(readWorld)).get(),
            );
          }
          const setWorld = worldFor(`w${writeWorld++}`);
          add("set", setWorld, may(target.write), (db) =>
            db.ref(target.path(setWorld)).set(target.value(setWorld)),
          );
          const updateWorld = worldFor(`w${writeWorld++}`);
          const update = updateOf(target, updateWorld);
          add("update", updateWorld, may(target.updateRule ?? target.write), (db) =>
            db.ref(update.at).update(update.value),
          );
          const deleteWorld = worldFor(`w${writeWorld++}`);
          add("delete", deleteWorld, may(target.remove), (db) =>
            db.ref(target.path(deleteWorld)).remove(),
          );
        }
      }
    }
  }
  return cells;
}

/** Members and subjects of both tenants. Tenant B also holds records for tenant A's uids (same
 * role, same assignments), so only the `tenant` claim can keep A's members out of B. */
function baseData(): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const uids = [...PRINCIPALS.map(uidInPaths), COLLEAGUE_UID];
  for (const [tenantId, tag] of [
    [TENANT_A, "A"],
    [TENANT_B, "B"],
  ] as const) {
    for (const p of PRINCIPALS) {
      const role = p.role ?? "dispatcher";
      data[memberPath(tenantId, uidInPaths(p))] = {
        role,
        name: memberName(uidInPaths(p)),
        subjects: { [SUBJECT_ASSIGNED]: true },
      };
      data[memberPath(tenantId, counterpartUid(p))] = {
        role,
        name: memberName(counterpartUid(p)),
        subjects: { [SUBJECT_ASSIGNED]: true },
      };
    }
    data[memberPath(tenantId, COLLEAGUE_UID)] = {
      role: "dispatcher",
      name: memberName(COLLEAGUE_UID),
    };
    for (const uid of uids) {
      data[presencePath(tenantId, uid)] = { state: "online", lastSeen: 1, name: memberName(uid) };
    }
    for (const subjectId of [SUBJECT_ASSIGNED, SUBJECT_UNASSIGNED]) {
      data[subjectPath(tenantId, subjectId)] = {
        name: `Subject ${subjectId}`,
        vitals: { heart_rate: { value: 72, unit: "bpm", at: 1, status: "normal" } },
      };
    }
    const item = {
      tenantId,
      kind: "urgency",
      severity: "urgent",
      title: "Base",
      at: 1,
      status: "open",
    };
    for (const uid of [...uids, ...PRINCIPALS.map(counterpartUid)]) {
      data[inboxItemPath(uid, `a-base-${tag}`)] = item;
    }
  }
  for (const p of PRINCIPALS.filter((principal) => principal.revoked)) {
    data[revocationPath(uidInPaths(p))] = REVOKED_AT_MS;
  }
  return data;
}

/** A call with its transcript, one pending outbox message and an open follow-up alert; the alert is
 * in the inbox of every principal the fan-out would have copied it to (subject assigned). */
function worldData(w: World, holder: string | null): Record<string, unknown> {
  const owner =
    holder === null
      ? { kind: "ai", since: 1 }
      : { kind: "human", uid: holder, name: memberName(holder), since: 1 };
  const data: Record<string, unknown> = {
    [callPath(w.tenantId, w.callId)]: {
      subjectId: w.subjectId,
      phone: "+15550100001",
      medium: "voice",
      status: "active",
      urgency: "normal",
      owner,
      startedAt: 1,
      lastMessageAt: 2,
      messageCount: 1,
      lastSnippet: "I fell",
    },
    [messagePath(w.tenantId, w.callId, w.messageId)]: {
      seq: 1,
      role: "caller",
      text: "I fell",
      at: 2,
    },
    [outboxMessagePath(w.tenantId, w.callId, w.outboxId)]: {
      text: "Stay calm",
      by: COLLEAGUE_UID,
      at: 2,
    },
    [alertPath(w.tenantId, w.alertId)]: {
      kind: "urgency",
      severity: "urgent",
      callId: w.callId,
      subjectId: w.subjectId,
      title: "Caller fell",
      at: 2,
      status: "open",
      level: 0,
      followUp: { since: 3 },
    },
    [guidancePath(w.tenantId, w.callId, "g-1")]: {
      text: "Ask about the stairs.",
      by: COLLEAGUE_UID,
      at: 2,
    },
    [viewerPath(w.tenantId, w.callId, COLLEAGUE_UID)]: {
      name: memberName(COLLEAGUE_UID),
      since: 2,
    },
  };
  if (w.assigned) {
    for (const uid of PRINCIPALS.map(uidInPaths)) {
      data[inboxItemPath(uid, w.alertId)] = {
        tenantId: w.tenantId,
        kind: "urgency",
        severity: "urgent",
        title: "Caller fell",
        at: 2,
        status: "open",
        callId: w.callId,
        subjectId: w.subjectId,
      };
    }
  }
  return data;
}

function seedData(cells: readonly Cell[]): Record<string, unknown> {
  const data = baseData();
  const seen = new Set<string>();
  for (const { target, world } of cells) {
    if (target.world === "none" || seen.has(world.callId)) continue;
    seen.add(world.callId);
    const holder =
      target.world === "ownedCall"
        ? uidInPaths(world.principal)
        : target.world === "colleagueCall"
          ? COLLEAGUE_UID
          : null;
    Object.assign(data, worldData(world, holder));
  }
  return data;
}

function databaseOf(env: RulesTestEnvironment, p: Principal): Database {
  if (p.uid === null) return env.unauthenticatedContext().database();
  if (p.role === null) return env.authenticatedContext(p.uid).database();
  return env.authenticatedContext(p.uid, { tenant: TENANT_A, role: p.role }).database();
}

const cells = buildCells();
const allowedCount = cells.filter((c) => c.allowed).length;

for (const target of RULES_TARGETS) {
  describe(`access matrix: ${onTarget(target)}`, function () {
    let env: RulesTestEnvironment;
    const failures = new Map<string, string[]>();

    before(async function () {
      this.timeout(120_000);
      env = await rulesTestEnvironment(target);
      await seedFresh(env, seedData(cells));
      // Reads and writes use separate connections: the SDK answers a get() from its own pending
      // writes when one covers the path, and a denied write is pending until the server refuses it.
      const readers = new Map(PRINCIPALS.map((p) => [p, databaseOf(env, p)]));
      const writers = new Map(PRINCIPALS.map((p) => [p, databaseOf(env, p)]));
      const isRead = (op: Op) => op === "read" || op.startsWith("query ");
      const results = await runBounded(
        cells.map((cell) => () => {
          const db = (isRead(cell.op) ? readers : writers).get(cell.principal);
          if (db === undefined) throw new Error(`no database for ${cell.principal.name}`);
          return expectOutcome(cell.allowed, () => cell.run(db));
        }),
        64,
      );
      results.forEach((error, i) => {
        const cell = cells[i];
        if (error === null || cell === undefined) return;
        const key = `${cell.principal.name} ${cell.target.name}`;
        const where = `${cell.world.ownTenant ? "own" : "other"} tenant, ${
          cell.world.assigned ? "assigned" : "unassigned"
        }`;
        const line = `${cell.op} (${where}) expected ${cell.allowed ? "allowed" : "denied"}: ${error}`;
        failures.set(key, [...(failures.get(key) ?? []), line]);
      });
      console.log(
        `      access matrix: ${cells.length} cells, ${allowedCount} allowed, ${cells.length - allowedCount} denied`,
      );
    });

    after(async function () {
      await env.cleanup();
    });

    for (const principal of PRINCIPALS) {
      describe(principal.name, function () {
        for (const target of TARGETS) {
          const mine = cells.filter((c) => c.principal === principal && c.target === target);
          const allowed = mine.filter((c) => c.allowed).length;
          it(`${target.name}: ${allowed} allowed, ${mine.length - allowed} denied`, function () {
            expect(failures.get(`${principal.name} ${target.name}`) ?? []).to.deep.equal([]);
          });
        }
      });
    }
  });
}
