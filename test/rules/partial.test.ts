/**
 * The generated partial-update matrix: every client-writable record × every principal who may
 * write it × every proper non-empty subset of the children of its whole valid write, sent as
 * update() over a record someone else wrote at an old time. Rules see only the merged record, so
 * each such update must leave behind a value the record refuses: someone else's identity, an old
 * time, a colleague's words or a function-only child. Each cell is paired with the whole write
 * (allowed), and each record with its phantom twin: the whole write where its parent is missing.
 *
 * Expected outcomes come from the policy below, never from the rules:
 * - an update that leaves no child with a value other than the whole write's is the whole write
 *   in effect (the take-over from a colleague without `kind`: the colleague's hold is human too);
 * - acks, presence and viewer entries are keyed by the writer's uid, so no one else ever wrote them: the earlier
 *   record is the member's own, and what a partial update may leave there is its own earlier
 *   status, note or state (never the old time, which every record must rewrite);
 * - every other partial update is denied, and so is every write over an existing create-only record.
 */
import { expect } from "chai";
import type { RulesTestEnvironment } from "@firebase/rules-unit-testing";
import {
  alertAckPath,
  alertOutcomePath,
  alertPath,
  callLeadPath,
  callOwnerPath,
  callPath,
  callUrgencyOverridePath,
  callEndRequestPath,
  guidancePath,
  inboxItemPath,
  memberPath,
  outboxMessagePath,
  presencePath,
  type Role,
  viewerPath,
} from "@lifeline/model";
import {
  SERVER_TIME,
  expectOutcome,
  freshRunId,
  onTarget,
  RULES_TARGETS,
  rulesTestEnvironment,
  runBounded,
  seedFresh,
  type Database,
} from "./env.js";

const RUN = freshRunId();
const TENANT = `${RUN}-P`;
const SUBJECT = "s-1";
const COLLEAGUE = `${RUN}-colleague`;
const THIRD = `${RUN}-third`;
const uidOf = (role: Role) => `${RUN}-${role}`;
const nameOf = (who: string) => `Name of ${who}`;

const TENANT_WIDE: readonly Role[] = ["admin", "dispatcher"];
const TAKE_OVER: readonly Role[] = ["admin", "dispatcher", "doctor", "nurse"];
const ACT_ON_ALERTS: readonly Role[] = ["admin", "dispatcher", "doctor", "nurse", "caregiver"];

/** The ids of one cell: every cell writes its own call and alert. */
interface Ctx {
  readonly role: Role;
  readonly who: string;
  readonly callId: string;
  readonly alertId: string;
  readonly messageId: string;
}

interface RecordCase {
  readonly name: string;
  readonly writers: readonly Role[];
  readonly path: (c: Ctx) => string;
  /** The parent entity, root-relative paths to values. */
  readonly parent: (c: Ctx) => Record<string, unknown>;
  /** The record as someone else (or, for own-keyed records, the member itself) left it, at time 1. */
  readonly earlier: (c: Ctx) => Record<string, unknown>;
  /** The principal's whole valid write, as update() children (null: the child goes). */
  readonly whole: (c: Ctx) => Record<string, unknown>;
  /** Each write adds a new record; an existing one is never rewritten. */
  readonly createOnly?: boolean;
  /** Children holding the member's own earlier words, which a partial update may leave. */
  readonly ownWords?: readonly string[];
  /** Keyed by its writer: each cell writes as a member of its own, so cells never share it. */
  readonly keyedByWriter?: boolean;
}

const call = (c: Ctx, extra: Record<string, unknown> = {}) => ({
  [callPath(TENANT, c.callId)]: {
    subjectId: SUBJECT,
    phone: "+15550100001",
    medium: "voice",
    status: "active",
    urgency: "normal",
    owner: { kind: "ai", since: 1 },
    startedAt: 1,
    lastMessageAt: 1,
    messageCount: 0,
    lastSnippet: "",
    ...extra,
  },
});

const alert = (c: Ctx, status: string, extra: Record<string, unknown> = {}) => {
  const item = {
    tenantId: TENANT,
    kind: "urgency",
    severity: "critical",
    title: "t",
    at: 1,
    status,
  };
  return {
    [alertPath(TENANT, c.alertId)]: {
      kind: "urgency",
      severity: "critical",
      callId: c.callId,
      subjectId: SUBJECT,
      title: "Caller reports a fire",
      at: 1,
      status,
      level: 0,
      ...extra,
    },
    // The fan-out copied it to the writer's inbox: scoped roles may act on it.
    [inboxItemPath(c.who, c.alertId)]: item,
  };
};

const hold = (who: string) => ({ kind: "human", uid: who, name: nameOf(who), since: 1 });

const RECORDS: readonly RecordCase[] = [
  {
    name: "calls/{c}/owner: take over from the AI",
    writers: TAKE_OVER,
    path: (c) => callOwnerPath(TENANT, c.callId),
    parent: (c) => call(c),
    earlier: () => ({ kind: "ai", since: 1 }),
    whole: (c) => ({ kind: "human", uid: c.who, name: nameOf(c.who), since: SERVER_TIME }),
  },
  {
    name: "calls/{c}/owner: hand back (the writer's own hold)",
    writers: TAKE_OVER,
    path: (c) => callOwnerPath(TENANT, c.callId),
    parent: (c) => call(c),
    earlier: (c) => hold(c.who),
    whole: () => ({ kind: "ai", since: SERVER_TIME, uid: null, name: null }),
  },
  {
    name: "calls/{c}/owner: take over from a colleague",
    writers: TENANT_WIDE,
    path: (c) => callOwnerPath(TENANT, c.callId),
    parent: (c) => call(c),
    earlier: () => ({ ...hold(COLLEAGUE), takenFrom: THIRD, reason: "The colleague's reason." }),
    whole: (c) => ({
      kind: "human",
      uid: c.who,
      name: nameOf(c.who),
      since: SERVER_TIME,
      takenFrom: COLLEAGUE,
      reason: "The colleague went offline mid-call.",
    }),
  },
  {
    name: "calls/{c}/lead",
    writers: TENANT_WIDE,
    path: (c) => callLeadPath(TENANT, c.callId),
    parent: (c) => call(c),
    earlier: () => ({ status: "callback", by: COLLEAGUE, at: 1 }),
    whole: (c) => ({ status: "referred", by: c.who, at: SERVER_TIME }),
  },
  {
    name: "calls/{c}/urgencyOverride",
    writers: TENANT_WIDE,
    path: (c) => callUrgencyOverridePath(TENANT, c.callId),
    // The colleague's override was applied: the call is at its level.
    parent: (c) => call(c, { urgency: "urgent" }),
    earlier: () => ({ level: "urgent", reason: "The colleague's reason.", by: COLLEAGUE, at: 1 }),
    whole: (c) => ({
      level: "critical",
      reason: "Caller stopped answering.",
      by: c.who,
      at: SERVER_TIME,
    }),
  },
  {
    name: "outbox/{c}/{m}",
    writers: TAKE_OVER,
    path: (c) => outboxMessagePath(TENANT, c.callId, c.messageId),
    // Doctors and nurses message the caller only while they hold the call.
    parent: (c) =>
      call(c, TENANT_WIDE.includes(c.role) ? {} : { owner: { ...hold(c.who), since: 1 } }),
    earlier: () => ({ text: "The colleague's message.", by: COLLEAGUE, at: 1 }),
    whole: (c) => ({ text: "An ambulance is on its way.", by: c.who, at: SERVER_TIME }),
    createOnly: true,
  },
  {
    name: "guidance/{c}/{g}",
    writers: TAKE_OVER,
    path: (c) => guidancePath(TENANT, c.callId, c.messageId),
    // Doctors and nurses guide the assistant only while they hold the call.
    parent: (c) =>
      call(c, TENANT_WIDE.includes(c.role) ? {} : { owner: { ...hold(c.who), since: 1 } }),
    earlier: () => ({ text: "The colleague's guidance.", by: COLLEAGUE, at: 1 }),
    whole: (c) => ({ text: "Ask about the stairs.", by: c.who, at: SERVER_TIME }),
    createOnly: true,
  },
  {
    name: "calls/{c}/endRequest",
    writers: TAKE_OVER,
    path: (c) => callEndRequestPath(TENANT, c.callId),
    // Doctors and nurses end a call only while they hold it.
    parent: (c) =>
      call(c, TENANT_WIDE.includes(c.role) ? {} : { owner: { ...hold(c.who), since: 1 } }),
    earlier: () => ({ by: COLLEAGUE, name: nameOf(COLLEAGUE), at: 1 }),
    whole: (c) => ({ by: c.who, name: nameOf(c.who), at: SERVER_TIME }),
    createOnly: true,
  },
  {
    name: "alerts/{a}/acks/{own uid}",
    writers: ACT_ON_ALERTS,
    path: (c) => alertAckPath(TENANT, c.alertId, c.who),
    parent: (c) => alert(c, "acknowledged"),
    earlier: () => ({ status: "acknowledged", note: "Earlier note.", at: 1 }),
    whole: () => ({ status: "resolved", note: "Caller is safe.", at: SERVER_TIME }),
    ownWords: ["status", "note"],
  },
  {
    name: "alerts/{a}/outcome",
    writers: ACT_ON_ALERTS,
    path: (c) => alertOutcomePath(TENANT, c.alertId),
    parent: (c) => alert(c, "open", { followUp: { since: 1 } }),
    earlier: () => ({ outcome: "reached", note: "The colleague's note.", by: COLLEAGUE, at: 1 }),
    whole: (c) => ({
      outcome: "called_back",
      note: "Left a voicemail.",
      by: c.who,
      at: SERVER_TIME,
    }),
    createOnly: true,
  },
  {
    name: "presence/{own uid}",
    writers: ACT_ON_ALERTS,
    path: (c) => presencePath(TENANT, c.who),
    parent: (c) => ({
      [memberPath(TENANT, c.who)]: {
        role: c.role,
        name: nameOf(c.who),
        subjects: { [SUBJECT]: true },
      },
    }),
    earlier: (c) => ({ state: "away", lastSeen: 1, name: nameOf(c.who) }),
    whole: (c) => ({ state: "online", lastSeen: SERVER_TIME, name: nameOf(c.who) }),
    ownWords: ["state"],
    keyedByWriter: true,
  },
  {
    name: "viewers/{c}/{own uid}",
    writers: ACT_ON_ALERTS,
    path: (c) => viewerPath(TENANT, c.callId, c.who),
    // A call the member may read, and its own member record (the name it must carry).
    parent: (c) => ({
      ...call(c),
      [memberPath(TENANT, c.who)]: {
        role: c.role,
        name: nameOf(c.who),
        subjects: { [SUBJECT]: true },
      },
    }),
    earlier: (c) => ({ name: nameOf(c.who), since: 1 }),
    whole: (c) => ({ name: nameOf(c.who), since: SERVER_TIME }),
    keyedByWriter: true,
  },
];

type Kind = "partial" | "whole set" | "whole update" | "whole, new record" | "phantom parent";

interface Cell {
  readonly record: RecordCase;
  readonly role: Role;
  readonly kind: Kind;
  readonly label: string;
  readonly allowed: boolean;
  readonly writer: string;
  readonly seed: Record<string, unknown>;
  readonly run: (db: Database) => Promise<unknown>;
}

/** Every proper non-empty subset of `keys`, as sorted key lists. */
export function properSubsets(keys: readonly string[]): string[][] {
  const subsets: string[][] = [];
  for (let mask = 1; mask < (1 << keys.length) - 1; mask++) {
    subsets.push(keys.filter((_, i) => (mask & (1 << i)) !== 0));
  }
  return subsets;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The policy: may `update(whole restricted to subset)` over `earlier` go through? */
function partialAllowed(record: RecordCase, c: Ctx, subset: readonly string[]): boolean {
  if (record.createOnly === true) return false;
  const whole = record.whole(c);
  const earlier = record.earlier(c);
  const left = Object.keys(whole).filter(
    (key) => !subset.includes(key) && !same(earlier[key], whole[key]),
  );
  return left.every((key) => record.ownWords?.includes(key) === true);
}

let counter = 0;
function ctxFor(role: Role, record: RecordCase): Ctx {
  const n = counter++;
  const who = record.keyedByWriter === true ? `${uidOf(role)}-${n}` : uidOf(role);
  return { role, who, callId: `c-${n}`, alertId: `a-${n}`, messageId: `m-${n}` };
}

function buildCells(): Cell[] {
  const cells: Cell[] = [];
  for (const record of RECORDS) {
    for (const role of record.writers) {
      const add = (
        kind: Kind,
        label: string,
        allowed: boolean,
        c: Ctx,
        seed: Record<string, unknown>,
        run: Cell["run"],
      ) => cells.push({ record, role, kind, label, allowed, writer: c.who, seed, run });
      const existing = (c: Ctx) => ({ ...record.parent(c), [record.path(c)]: record.earlier(c) });

      for (const subset of properSubsets(Object.keys(record.whole(ctxFor(role, record))))) {
        const c = ctxFor(role, record);
        const whole = record.whole(c);
        const value = Object.fromEntries(subset.map((key) => [key, whole[key]]));
        add(
          "partial",
          `{${subset.join(", ")}}`,
          partialAllowed(record, c, subset),
          c,
          existing(c),
          (db) => db.ref(record.path(c)).update(value),
        );
      }
      const overSet = ctxFor(role, record);
      add("whole set", "set", record.createOnly !== true, overSet, existing(overSet), (db) =>
        db.ref(record.path(overSet)).set(withoutNulls(record.whole(overSet))),
      );
      const overUpdate = ctxFor(role, record);
      add(
        "whole update",
        "update",
        record.createOnly !== true,
        overUpdate,
        existing(overUpdate),
        (db) => db.ref(record.path(overUpdate)).update(record.whole(overUpdate)),
      );
      if (record.createOnly === true) {
        const fresh = ctxFor(role, record);
        add("whole, new record", "set", true, fresh, record.parent(fresh), (db) =>
          db.ref(record.path(fresh)).set(record.whole(fresh)),
        );
      }
      // No parent seeded: no call, no alert, or (for presence) no member record.
      const phantom = ctxFor(role, record);
      add("phantom parent", "set", false, phantom, {}, (db) =>
        db.ref(record.path(phantom)).set(withoutNulls(record.whole(phantom))),
      );
    }
  }
  return cells;
}

function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

function members(): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const role of ACT_ON_ALERTS) {
    data[memberPath(TENANT, uidOf(role))] = {
      role,
      name: nameOf(uidOf(role)),
      subjects: { [SUBJECT]: true },
    };
  }
  for (const who of [COLLEAGUE, THIRD]) {
    data[memberPath(TENANT, who)] = { role: "dispatcher", name: nameOf(who) };
  }
  return data;
}

const cells = buildCells();

for (const target of RULES_TARGETS) {
  describe(`partial-update matrix: ${onTarget(target)}`, function () {
    let env: RulesTestEnvironment;
    const failures = new Map<string, string[]>();

    before(async function () {
      this.timeout(120_000);
      env = await rulesTestEnvironment(target);
      const data = members();
      for (const cell of cells) Object.assign(data, cell.seed);
      await seedFresh(env, data);
      const dbs = new Map<string, Database>();
      const dbOf = (cell: Cell) => {
        const known = dbs.get(cell.writer);
        if (known !== undefined) return known;
        const db = env
          .authenticatedContext(cell.writer, { tenant: TENANT, role: cell.role })
          .database();
        dbs.set(cell.writer, db);
        return db;
      };
      const results = await runBounded(
        cells.map((cell) => () => expectOutcome(cell.allowed, () => cell.run(dbOf(cell)))),
        64,
      );
      results.forEach((error, i) => {
        const cell = cells[i];
        if (error === null || cell === undefined) return;
        const key = `${cell.record.name} ${cell.role}`;
        const line = `${cell.kind} ${cell.label} expected ${cell.allowed ? "allowed" : "denied"}: ${error}`;
        failures.set(key, [...(failures.get(key) ?? []), line]);
      });
      const partial = cells.filter((c) => c.kind === "partial");
      console.log(
        `      partial-update matrix: ${cells.length} cells; ${partial.length} partial updates, ${
          partial.filter((c) => c.allowed).length
        } of them allowed (own words or whole in effect)`,
      );
    });

    after(async function () {
      await env.cleanup();
    });

    it("generates every proper subset: 2^n - 2 per record and writer", function () {
      expect(properSubsets(["a", "b", "c"])).to.have.deep.members([
        ["a"],
        ["b"],
        ["a", "b"],
        ["c"],
        ["a", "c"],
        ["b", "c"],
      ]);
      for (const record of RECORDS) {
        const n = Object.keys(record.whole(ctxFor(record.writers[0] ?? "admin", record))).length;
        const partial = cells.filter((c) => c.record === record && c.kind === "partial");
        expect(partial, record.name).to.have.lengthOf(record.writers.length * (2 ** n - 2));
      }
    });

    for (const record of RECORDS) {
      describe(record.name, function () {
        for (const role of record.writers) {
          const mine = cells.filter((c) => c.record === record && c.role === role);
          const denied = mine.filter((c) => c.kind === "partial" && !c.allowed).length;
          const allowed = mine.filter((c) => c.allowed).length;
          it(`${role}: ${denied} partial updates denied, ${allowed} writes allowed, phantom parent denied`, function () {
            expect(failures.get(`${record.name} ${role}`) ?? []).to.deep.equal([]);
          });
        }
      });
    }
  });
}
