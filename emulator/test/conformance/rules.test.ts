/**
 * Spec §16 items 27 and 28: security-rule semantics and query rules through the emulator, each case
 * also checked against targaryen as an oracle for the expectation itself.
 */
import { createRequire } from "node:module";
import { expect } from "chai";
import {
  endAt,
  equalTo,
  get,
  limitToFirst,
  limitToLast,
  orderByChild,
  orderByKey,
  query,
  ref,
  set,
  startAt,
  update,
  type Query,
} from "firebase/database";
import {
  connectClient,
  idTokenClaims,
  rest,
  sortedKeys,
  startEmulator,
  unsignedJwt,
  uniqueName,
  watch,
  type ClientHandle,
  type Emulator,
} from "./support.js";

const RULES = {
  rules: {
    cascade: {
      ".read": "auth != null",
      ".write": "auth != null",
      deep: { ".read": false, ".write": false },
    },
    partial: { child: { ".read": true } },
    validated: {
      ".write": true,
      ".validate": "newData.hasChildren(['name'])",
      name: { ".validate": "newData.isString() && newData.val().length < 10" },
      age: { ".validate": "newData.isNumber()" },
      $other: { ".validate": false },
    },
    multi: {
      a: { ".write": "auth.uid == 'alice'" },
      b: { ".write": "auth.uid == 'alice'", ".validate": "newData.parent().child('a').exists()" },
      c: { ".write": "auth.uid == 'bob'" },
    },
    time: { ".write": true, ".validate": "newData.val() <= now" },
    lower: { $name: { ".write": "$name.toLowerCase() == $name" } },
    match: { $id: { ".write": "$id.matches(/^item-[0-9]+$/)" } },
    members: { ".read": true },
    rooms: {
      $room: {
        ".read": "root.child('members').child($room).child(auth.uid).val() == true",
        ".write":
          "data.child('owner').val() == auth.uid || (!data.exists() && newData.child('owner').val() == auth.uid)",
      },
    },
    typed: { ".write": "newData.val() > 5" },
    nullcall: { ".write": "data.child('missing').val().length > 0" },
    notes: {
      ".read": "query.orderByChild == 'owner' && query.equalTo == auth.uid",
      ".indexOn": ["owner"],
    },
    feed: { ".read": "query.limitToFirst <= 10" },
    keyed: { ".read": "query.orderByKey == true && query.startAt == 'b'" },
  },
};

const SEED = {
  cascade: { deep: { v: 1 } },
  partial: { child: 1, other: 2 },
  validated: { name: "old", age: 1 },
  multi: { a: 1 },
  members: { r1: { alice: true } },
  rooms: { r1: { owner: "alice", title: "one" }, r2: { owner: "bob", title: "two" } },
  notes: {
    n1: { owner: "alice", text: "a" },
    n2: { owner: "bob", text: "b" },
    n3: { owner: "alice", text: "c" },
  },
  feed: { a: 1, b: 2, c: 3 },
  keyed: { a: 1, b: 2, c: 3 },
};

type Who = "alice" | "bob" | null;
type Operation =
  | { kind: "read"; path: string; query?: (root: Query) => Query; targaryenQuery?: object }
  | { kind: "set"; path: string; value: unknown }
  | { kind: "update"; path: string; values: Record<string, unknown> };

interface RuleCase {
  readonly name: string;
  readonly who: Who;
  readonly op: Operation;
  readonly allowed: boolean;
}

const ruleCases: RuleCase[] = [
  {
    name: "grants a read by a parent rule (cascade)",
    who: "alice",
    op: { kind: "read", path: "cascade/deep" },
    allowed: true,
  },
  {
    name: "grants a write by a parent rule that a deeper false cannot revoke",
    who: "alice",
    op: { kind: "set", path: "cascade/deep/v", value: 2 },
    allowed: true,
  },
  {
    name: "denies the cascaded grant to the unauthenticated",
    who: null,
    op: { kind: "read", path: "cascade" },
    allowed: false,
  },
  {
    name: "allows reading a child with its own grant",
    who: null,
    op: { kind: "read", path: "partial/child" },
    allowed: true,
  },
  {
    name: "denies a partial read of the parent",
    who: null,
    op: { kind: "read", path: "partial" },
    allowed: false,
  },
  {
    name: "passes .validate on every written node",
    who: null,
    op: { kind: "set", path: "validated", value: { name: "ann", age: 3 } },
    allowed: true,
  },
  {
    name: "rejects a $other child with .validate false",
    who: null,
    op: { kind: "set", path: "validated", value: { name: "ann", extra: 1 } },
    allowed: false,
  },
  {
    name: "rejects when a required child is missing",
    who: null,
    op: { kind: "set", path: "validated", value: { age: 3 } },
    allowed: false,
  },
  {
    name: "checks .validate of ancestors on a deep write",
    who: null,
    op: { kind: "set", path: "validated/name", value: 5 },
    allowed: false,
  },
  {
    name: "skips .validate on delete",
    who: null,
    op: { kind: "set", path: "validated", value: null },
    allowed: true,
  },
  {
    name: "skips .validate on a child delete",
    who: null,
    op: { kind: "set", path: "validated/age", value: null },
    allowed: true,
  },
  {
    name: "grants a multi-path update when every path is granted",
    who: "alice",
    op: { kind: "update", path: "multi", values: { a: 2, b: 3 } },
    allowed: true,
  },
  {
    name: "denies a whole multi-path update when one path is not granted",
    who: "alice",
    op: { kind: "update", path: "multi", values: { a: 2, c: 3 } },
    allowed: false,
  },
  {
    name: "validates a multi-path update against the whole new data",
    who: "alice",
    op: { kind: "update", path: "multi", values: { a: null, b: 3 } },
    allowed: false,
  },
  {
    name: "evaluates now in .validate",
    who: null,
    op: { kind: "set", path: "time", value: 1000 },
    allowed: true,
  },
  {
    name: "denies a future time against now",
    who: null,
    op: { kind: "set", path: "time", value: 4_102_444_800_000 },
    allowed: false,
  },
  {
    name: "allows a lowercase $name (toLowerCase)",
    who: null,
    op: { kind: "set", path: "lower/abc", value: 1 },
    allowed: true,
  },
  {
    name: "denies a mixed-case $name (toLowerCase)",
    who: null,
    op: { kind: "set", path: "lower/aBc", value: 1 },
    allowed: false,
  },
  {
    name: "allows a key matching the regex",
    who: null,
    op: { kind: "set", path: "match/item-12", value: 1 },
    allowed: true,
  },
  {
    name: "denies a key not matching the regex",
    who: null,
    op: { kind: "set", path: "match/item-x", value: 1 },
    allowed: false,
  },
  {
    name: "reads root across paths (member)",
    who: "alice",
    op: { kind: "read", path: "rooms/r1" },
    allowed: true,
  },
  {
    name: "reads root across paths (non-member)",
    who: "bob",
    op: { kind: "read", path: "rooms/r1" },
    allowed: false,
  },
  {
    name: "uses data for the owner's update",
    who: "alice",
    op: { kind: "set", path: "rooms/r1/title", value: "x" },
    allowed: true,
  },
  {
    name: "uses data to deny a non-owner",
    who: "alice",
    op: { kind: "set", path: "rooms/r2/title", value: "x" },
    allowed: false,
  },
  {
    name: "uses newData to allow creating an own room",
    who: "bob",
    op: { kind: "set", path: "rooms/r3", value: { owner: "bob" } },
    allowed: true,
  },
  {
    name: "uses newData to deny creating a room for someone else",
    who: "bob",
    op: { kind: "set", path: "rooms/r4", value: { owner: "alice" } },
    allowed: false,
  },
  {
    name: "evaluates a comparison type error as false",
    who: null,
    op: { kind: "set", path: "typed", value: "abc" },
    allowed: false,
  },
  {
    name: "allows the well-typed twin of the type error",
    who: null,
    op: { kind: "set", path: "typed", value: 10 },
    allowed: true,
  },
  {
    name: "evaluates a method call on null as false",
    who: null,
    op: { kind: "set", path: "nullcall", value: 1 },
    allowed: false,
  },
];

const queryCases: RuleCase[] = [
  {
    name: "allows orderByChild('owner').equalTo(auth.uid)",
    who: "alice",
    op: {
      kind: "read",
      path: "notes",
      query: (r) => query(r, orderByChild("owner"), equalTo("alice")),
      targaryenQuery: { orderByChild: "owner", equalTo: "alice" },
    },
    allowed: true,
  },
  {
    name: "denies equalTo another uid",
    who: "alice",
    op: {
      kind: "read",
      path: "notes",
      query: (r) => query(r, orderByChild("owner"), equalTo("bob")),
      targaryenQuery: { orderByChild: "owner", equalTo: "bob" },
    },
    allowed: false,
  },
  {
    name: "denies the unfiltered read",
    who: "alice",
    op: { kind: "read", path: "notes" },
    allowed: false,
  },
  {
    name: "denies another orderByChild",
    who: "alice",
    op: {
      kind: "read",
      path: "notes",
      query: (r) => query(r, orderByChild("text"), equalTo("alice")),
      targaryenQuery: { orderByChild: "text", equalTo: "alice" },
    },
    allowed: false,
  },
  {
    name: "allows limitToFirst within the bound",
    who: null,
    op: {
      kind: "read",
      path: "feed",
      query: (r) => query(r, limitToFirst(5)),
      targaryenQuery: { limitToFirst: 5 },
    },
    allowed: true,
  },
  {
    name: "denies limitToFirst above the bound",
    who: null,
    op: {
      kind: "read",
      path: "feed",
      query: (r) => query(r, limitToFirst(20)),
      targaryenQuery: { limitToFirst: 20 },
    },
    allowed: false,
  },
  {
    name: "denies limitToLast where limitToFirst is required",
    who: null,
    op: {
      kind: "read",
      path: "feed",
      query: (r) => query(r, limitToLast(5)),
      targaryenQuery: { limitToLast: 5 },
    },
    allowed: false,
  },
  {
    name: "maps orderByKey and startAt",
    who: null,
    op: {
      kind: "read",
      path: "keyed",
      query: (r) => query(r, orderByKey(), startAt("b")),
      targaryenQuery: { orderByKey: true, startAt: "b" },
    },
    allowed: true,
  },
  {
    name: "denies orderByKey with another startAt",
    who: null,
    op: {
      kind: "read",
      path: "keyed",
      query: (r) => query(r, orderByKey(), startAt("a"), endAt("c")),
      targaryenQuery: { orderByKey: true, startAt: "a", endAt: "c" },
    },
    allowed: false,
  },
];

// targaryen ships without types: check the small surface used here at runtime.
interface TargaryenResult {
  allowed: boolean;
}
interface TargaryenDatabase {
  as(auth: object | null): TargaryenDatabase;
  read(path: string, options: object): TargaryenResult;
  write(path: string, value: unknown, options: object): TargaryenResult;
  update(path: string, patch: object, options: object): TargaryenResult;
}
function loadTargaryen(): (rules: object, data: object, now: number) => TargaryenDatabase {
  const loaded: unknown = createRequire(import.meta.url)("targaryen");
  const database: unknown =
    typeof loaded === "object" && loaded !== null && "database" in loaded
      ? loaded.database
      : undefined;
  if (typeof database !== "function") throw new Error("targaryen.database is missing");
  return (rules, data, now) => {
    const result: unknown = Reflect.apply(database, loaded, [rules, data, now]);
    if (!isTargaryenDatabase(result)) throw new Error("unexpected targaryen database shape");
    return result;
  };
}
function isTargaryenDatabase(value: unknown): value is TargaryenDatabase {
  return (
    typeof value === "object" &&
    value !== null &&
    "as" in value &&
    "read" in value &&
    "write" in value
  );
}

function targaryenAllows(testCase: RuleCase): boolean {
  const now = Date.now();
  const database = loadTargaryen()(RULES, SEED, now).as(
    testCase.who === null ? null : { uid: testCase.who, provider: "custom" },
  );
  const { op } = testCase;
  const path = `/${op.path}`;
  if (op.kind === "read")
    return database.read(
      path,
      op.targaryenQuery === undefined ? { now } : { now, query: op.targaryenQuery },
    ).allowed;
  if (op.kind === "set") return database.write(path, op.value, { now }).allowed;
  return database.update(path, op.values, { now }).allowed;
}

async function emulatorAllows(emulator: Emulator, testCase: RuleCase): Promise<boolean> {
  const ns = uniqueName("rules");
  const put = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
    body: JSON.stringify(RULES),
    headers: { Authorization: "Bearer owner" },
  });
  expect(put.status, put.text).to.equal(200);
  const seeded = await rest(emulator, "PUT", `/.json?ns=${ns}`, {
    body: SEED,
    headers: { Authorization: "Bearer owner" },
  });
  expect(seeded.status, seeded.text).to.equal(200);
  const client: ClientHandle = connectClient(
    emulator,
    ns,
    testCase.who === null ? {} : { mockUserToken: { sub: testCase.who, user_id: testCase.who } },
  );
  try {
    const { op } = testCase;
    const target = ref(client.db, op.path);
    const attempt =
      op.kind === "read"
        ? get(op.query === undefined ? target : op.query(target))
        : op.kind === "set"
          ? set(target, op.value)
          : update(target, op.values);
    return await attempt.then(
      () => true,
      (error: unknown) => {
        if (error instanceof Error && /permission.denied/i.test(error.message)) return false;
        throw error;
      },
    );
  } finally {
    await client.close();
  }
}

describe("security rules (§16 items 27–28)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.27 rule semantics", () => {
    for (const testCase of ruleCases) {
      it(`${testCase.name} (${testCase.allowed ? "allowed" : "denied"})`, async () => {
        expect(
          targaryenAllows(testCase),
          "the targaryen oracle disagrees with the expectation",
        ).to.equal(testCase.allowed);
        expect(await emulatorAllows(emulator, testCase)).to.equal(testCase.allowed);
      });
    }
  });

  describe("§16.28 query rules", () => {
    for (const testCase of queryCases) {
      it(`${testCase.name} (${testCase.allowed ? "allowed" : "denied"})`, async () => {
        expect(
          targaryenAllows(testCase),
          "the targaryen oracle disagrees with the expectation",
        ).to.equal(testCase.allowed);
        expect(await emulatorAllows(emulator, testCase)).to.equal(testCase.allowed);
      });
    }

    it("returns only the matching notes to an allowed query listen", async () => {
      const ns = uniqueName("rules");
      await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: JSON.stringify(RULES),
        headers: { Authorization: "Bearer owner" },
      });
      await rest(emulator, "PUT", `/.json?ns=${ns}`, {
        body: SEED,
        headers: { Authorization: "Bearer owner" },
      });
      const alice = connectClient(emulator, ns, {
        mockUserToken: { sub: "alice", user_id: "alice" },
      });
      const mine = watch(query(ref(alice.db, "notes"), orderByChild("owner"), equalTo("alice")));
      const theirs = watch(query(ref(alice.db, "notes"), orderByChild("owner"), equalTo("bob")));
      try {
        const snapshot = await mine.waitFor((s) => s.exists(), "alice's notes");
        expect(sortedKeys(snapshot.val())).to.deep.equal(["n1", "n3"]);
        const error = await theirs.waitForError("the denied query's cancel");
        expect(error).to.have.property("code", "PERMISSION_DENIED");
      } finally {
        mine.off();
        theirs.off();
        await alice.close();
      }
    });

    it("applies query rules to REST GET with ?auth=", async () => {
      const ns = uniqueName("rules");
      await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: JSON.stringify(RULES),
        headers: { Authorization: "Bearer owner" },
      });
      await rest(emulator, "PUT", `/.json?ns=${ns}`, {
        body: SEED,
        headers: { Authorization: "Bearer owner" },
      });
      const token = unsignedJwt(idTokenClaims("alice", ns));
      const allowed = await rest(
        emulator,
        "GET",
        `/notes.json?ns=${ns}&orderBy=%22owner%22&equalTo=%22alice%22&auth=${token}`,
      );
      expect(allowed.status, allowed.text).to.equal(200);
      expect(sortedKeys(allowed.json())).to.deep.equal(["n1", "n3"]);
      const denied = await rest(
        emulator,
        "GET",
        `/notes.json?ns=${ns}&orderBy=%22owner%22&equalTo=%22bob%22&auth=${token}`,
      );
      expect(denied.status).to.equal(401);
      expect(denied.json()).to.deep.equal({ error: "Permission denied" });
    });
  });
});
