/**
 * Static checks over database.rules.json (no emulator): the structure that keeps the rules safe,
 * whatever the individual expressions say.
 *
 * - Above a tenant (the root, `tenants`, and the roots of `inbox` and `revocations`) there is no
 *   `.read` or `.write` other than `false`, and no wildcard: nothing there can be granted to anyone.
 * - Every other `.read`/`.write` that is not `false` is a conjunction whose top-level terms include
 *   `auth != null`, the revocation guard, and the scope guard: `auth.token.tenant === $t` under
 *   `tenants/$t`, `auth.uid === $uid` under `inbox/$uid` and `revocations/$uid` (read only there).
 *   At `tenants/$t` itself the only grant is a read that also requires `auth.token.role === 'admin'`.
 * - A client-writable node (one whose `.write` is not `false`) and every named node below it has a
 *   `.validate`; each of them with named children rejects unknown ones with `$other: false`.
 * - Each client-writable record pins its identity fields to the writer and its time fields to `now`
 *   on its own `.validate`, and no such constraint sits only on a child: a child's `.validate` runs
 *   only when that child is written, so a partial update would get past it.
 * - Every dashboard query's `orderByChild` has an `.indexOn`, and the rules' limits and closed sets
 *   match model/src/vocabulary.ts.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { parse } from "firebase-json";
import {
  ACK_STATUSES,
  dashboardQueries,
  FOLLOW_UP_OUTCOMES,
  LEAD_STATUSES,
  LIMITS,
  PRESENCE_STATES,
  URGENCY_LEVELS,
} from "@lifeline/model";

const RULES_FILE = new URL("../../database.rules.json", import.meta.url);

type RuleNode = { readonly [key: string]: unknown };

function isNode(value: unknown): value is RuleNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function loadRules(): RuleNode {
  const file: unknown = parse(readFileSync(RULES_FILE, "utf8"));
  if (!isNode(file) || !isNode(file.rules))
    throw new Error("database.rules.json has no rules object");
  return file.rules;
}

interface Visit {
  readonly path: readonly string[];
  readonly node: RuleNode;
}

function walk(node: RuleNode, path: readonly string[] = []): Visit[] {
  const visits: Visit[] = [{ path, node }];
  for (const [key, child] of Object.entries(node)) {
    if (!key.startsWith(".") && isNode(child)) visits.push(...walk(child, [...path, key]));
  }
  return visits;
}

const childKeys = (node: RuleNode) =>
  Object.keys(node).filter((key) => !key.startsWith(".") && isNode(node[key]));

/** The top-level `&&` terms of an expression, whitespace-normalised, parentheses and quotes respected. */
export function conjuncts(expression: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression.charAt(i);
    if (quote !== null) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && expression.startsWith("&&", i)) {
      terms.push(expression.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  terms.push(expression.slice(start));
  return terms.map((term) => term.trim().replace(/\s+/g, " "));
}

const REVOCATION_GUARD =
  "(!root.child('revocations/' + auth.uid).exists() || auth.token.auth_time * 1000 >= root.child('revocations/' + auth.uid).val())";

/** The term every client write under a tenant carries: nothing is written while the tenant moves. */
const MOVING_GUARD = "!root.child('tenants/' + $t + '/moving').exists()";

const isFalse = (value: unknown) => value === false || value === "false";
const display = (path: readonly string[]) => `/${path.join("/")}`;

const PIN_VALUES = {
  writer: "auth.uid",
  memberName: "root.child('tenants/' + $t + '/members/' + auth.uid + '/name').val()",
  now: "now",
} as const;

interface Pin {
  readonly to: keyof typeof PIN_VALUES;
  /** A top-level term of the record's rule, so it holds whatever branch the write takes. */
  readonly everyBranch: boolean;
}
const pin = (to: Pin["to"], everyBranch = true): Pin => ({ to, everyBranch });

/**
 * Every client-writable record and the fields that say who wrote it and when. A record added to
 * the rules without an entry here fails the test: declare its pins first. Acks are keyed by the
 * writer's uid (pinned by `.write`); the owner's uid and name are pinned in each branch that writes
 * a human owner, and a hand-back must carry neither.
 */
const PINS: Readonly<Record<string, Readonly<Record<string, Pin>>>> = {
  "/tenants/$t/calls/$callId/owner": {
    since: pin("now"),
    uid: pin("writer", false),
    name: pin("memberName", false),
  },
  "/tenants/$t/calls/$callId/lead": { by: pin("writer"), at: pin("now") },
  "/tenants/$t/calls/$callId/urgencyOverride": { by: pin("writer"), at: pin("now") },
  "/tenants/$t/calls/$callId/endRequest": {
    by: pin("writer"),
    name: pin("memberName"),
    at: pin("now"),
  },
  "/tenants/$t/outbox/$callId/$messageId": { by: pin("writer"), at: pin("now") },
  "/tenants/$t/guidance/$callId/$guidanceId": { by: pin("writer"), at: pin("now") },
  "/tenants/$t/alerts/$alertId/acks/$uid": { at: pin("now") },
  "/tenants/$t/alerts/$alertId/outcome": { by: pin("writer"), at: pin("now") },
  "/tenants/$t/presence/$uid": { lastSeen: pin("now"), name: pin("memberName") },
  "/tenants/$t/viewers/$callId/$uid": { since: pin("now"), name: pin("memberName") },
  "/tenants/$t/pushTokens/$uid/$tokenId": { at: pin("now") },
};

/** Mentions the writer (its uid or member record) or the server clock. */
const PINNING = /\bauth\.uid\b|\bnow\b|\/members\//;

/**
 * Identity and time constraints below a client-writable record that the record's own `.validate`
 * does not also state. A child's rule runs only when that child is written, so such a constraint
 * lets an update() naming the other children keep someone else's value or an old time. Each
 * finding is `<child path>: <term>`; a term counts as stated when the record's rule holds it with
 * `newData` read through the child (`newData.val()` → `newData.child('<key>').val()`).
 */
export function childOnlyPins(rules: RuleNode): string[] {
  const findings: string[] = [];
  for (const { path, node } of walk(rules)) {
    if (!(".write" in node) || isFalse(node[".write"])) continue;
    const own = typeof node[".validate"] === "string" ? node[".validate"].replace(/\s+/g, " ") : "";
    for (const below of walk(node, path).slice(1)) {
      const rule = below.node[".validate"];
      if (typeof rule !== "string") continue;
      const relative = below.path.slice(path.length).join("/");
      for (const term of conjuncts(rule)) {
        if (!PINNING.test(term)) continue;
        const lifted = term.replaceAll("newData.", `newData.child('${relative}').`);
        if (!own.includes(lifted)) findings.push(`${display(below.path)}: ${term}`);
      }
    }
  }
  return findings;
}

describe("database.rules.json (static)", function () {
  const rules = loadRules();
  const visits = walk(rules);

  it("grants nothing above a tenant: no .read/.write but false, no wildcard", function () {
    const aboveTenant = visits.filter(
      ({ path }) =>
        path.length === 0 ||
        (path.length === 1 && ["tenants", "inbox", "revocations"].includes(path[0] ?? "")),
    );
    expect(aboveTenant.map(({ path }) => display(path))).to.have.members([
      "/",
      "/tenants",
      "/inbox",
      "/revocations",
    ]);
    expect(childKeys(rules)).to.have.members(["tenants", "inbox", "revocations"]);
    for (const { path, node } of aboveTenant) {
      for (const kind of [".read", ".write"]) {
        if (kind in node) expect(isFalse(node[kind]), `${kind} at ${display(path)}`).to.be.true;
      }
      if (path.length === 1) {
        // One wildcard and nothing else: every grant below names the tenant or uid it is for.
        expect(childKeys(node), `children of ${display(path)}`).to.have.lengthOf(1);
        expect(childKeys(node)[0], `child of ${display(path)}`).to.match(/^\$/);
      }
    }
  });

  it("makes every other grant require a signed-in, unrevoked member of the right tenant or uid", function () {
    let grants = 0;
    for (const { path, node } of visits) {
      for (const kind of [".read", ".write"]) {
        const rule = node[kind];
        if (!(kind in node) || isFalse(rule)) continue;
        const where = `${kind} at ${display(path)}`;
        expect(rule, where).to.be.a("string");
        const terms = conjuncts(String(rule));
        const scope =
          path[0] === "tenants"
            ? "auth.token.tenant === $t"
            : path[0] === "inbox" || path[0] === "revocations"
              ? "auth.uid === $uid"
              : null;
        expect(
          scope,
          `${where}: grants are only made under tenants/$t, inbox/$uid and revocations/$uid`,
        ).to.not.equal(null);
        if (path[0] === "revocations") {
          expect(kind, `${where}: revocations are written by functions only`).to.equal(".read");
        }
        expect(terms, where).to.include.members(["auth != null", String(scope), REVOCATION_GUARD]);
        expect(path[1], where).to.match(/^\$/);
        if (path.length === 2) {
          expect(kind, `${where}: the tenant root is only readable`).to.equal(".read");
          if (path[0] === "tenants") expect(terms, where).to.include("auth.token.role === 'admin'");
        }
        grants++;
      }
    }
    expect(grants).to.be.greaterThan(10);
  });

  it("refuses every client write under a tenant while it moves, and lets no client write the move's markers", function () {
    const writable = visits.filter(({ node }) => ".write" in node && !isFalse(node[".write"]));
    expect(writable).to.have.length.greaterThan(10);
    for (const { path, node } of writable) {
      expect(path[0], display(path)).to.equal("tenants");
      expect(conjuncts(String(node[".write"])), `.write at ${display(path)}`).to.include(
        MOVING_GUARD,
      );
    }
    const tenant = rules.tenants;
    const $t = isNode(tenant) ? tenant.$t : undefined;
    for (const marker of ["moving", "movedTo"]) {
      const node = isNode($t) ? $t[marker] : undefined;
      expect(isNode(node), `tenants/$t/${marker} has rules`).to.be.true;
      const below = isNode(node) ? walk(node) : [];
      for (const { node: inner } of below) {
        expect(".write" in inner && !isFalse(inner[".write"]), `a write grant at ${marker}`).to.be
          .false;
      }
    }
  });

  it("validates every client-writable node and every named node below it, rejecting unknown children", function () {
    const writable = visits.filter(({ node }) => ".write" in node && !isFalse(node[".write"]));
    expect(writable.map(({ path }) => path.at(-1))).to.have.members([
      "owner",
      "lead",
      "urgencyOverride",
      "endRequest",
      "$messageId",
      "$guidanceId",
      "$uid",
      "$uid",
      "outcome",
      "$uid",
      "$tokenId",
    ]);
    for (const { path, node } of writable) {
      for (const below of walk(node, path)) {
        const where = display(below.path);
        if (below.path.at(-1) === "$other") {
          expect(isFalse(below.node[".validate"]), `${where} rejects`).to.be.true;
          continue;
        }
        expect(below.node[".validate"], `.validate at ${where}`).to.be.a("string");
        if (below.path.length > path.length) {
          expect(".write" in below.node, `no nested .write at ${where}`).to.be.false;
        }
        const named = childKeys(below.node);
        if (named.length > 0) {
          expect(named, `${where} closes its children`).to.include("$other");
          expect(
            named.filter((key) => key.startsWith("$") && key !== "$other"),
            where,
          ).to.be.empty;
        }
      }
    }
  });

  it("indexes every child the dashboard orders by", function () {
    const queries = [
      dashboardQueries.recentCalls("T"),
      dashboardQueries.callsByUrgency("T", "critical"),
      dashboardQueries.callsOfSubject("T", "S"),
      dashboardQueries.transcript("T", "C"),
      dashboardQueries.alertFeed("T"),
      dashboardQueries.inbox("U"),
    ];
    for (const query of queries) {
      let node: RuleNode = rules;
      for (const key of query.path.split("/")) {
        const named = node[key];
        const wildcard = childKeys(node).find((k) => k.startsWith("$"));
        const next = isNode(named) ? named : wildcard === undefined ? undefined : node[wildcard];
        if (!isNode(next)) throw new Error(`no rules node for ${query.path}`);
        node = next;
      }
      const indexOn = node[".indexOn"];
      const indexed = Array.isArray(indexOn) ? indexOn : [indexOn];
      expect(indexed, `.indexOn at ${query.path}`).to.include(query.orderByChild);
    }
  });

  it("uses the limits and closed sets of the model, on each record's own node", function () {
    const validateAt = (...path: string[]) => {
      let node: unknown = rules;
      for (const key of path) node = isNode(node) ? node[key] : undefined;
      if (!isNode(node) || typeof node[".validate"] !== "string") {
        throw new Error(`no .validate at /${path.join("/")}`);
      }
      return node[".validate"];
    };
    const call = ["tenants", "$t", "calls", "$callId"];
    const alert = ["tenants", "$t", "alerts", "$alertId"];
    const ack = validateAt(...alert, "acks", "$uid");
    const outcome = validateAt(...alert, "outcome");
    const owner = validateAt(...call, "owner");
    const lead = validateAt(...call, "lead");
    const override = validateAt(...call, "urgencyOverride");
    const outbox = validateAt("tenants", "$t", "outbox", "$callId", "$messageId");
    const presence = validateAt("tenants", "$t", "presence", "$uid");
    const length = (field: string, limit: number) =>
      `newData.child('${field}').val().length <= ${limit}`;
    expect(ack).to.contain(length("note", LIMITS.ackNote));
    expect(override).to.contain(length("reason", LIMITS.overrideReason));
    expect(owner).to.contain(length("reason", LIMITS.takeOverReason));
    expect(outbox).to.contain(length("text", LIMITS.outboxText));
    expect(validateAt("tenants", "$t", "guidance", "$callId", "$guidanceId")).to.contain(
      length("text", LIMITS.guidanceText),
    );
    expect(outcome).to.contain(length("note", LIMITS.followUpNote));
    const pushToken = validateAt("tenants", "$t", "pushTokens", "$uid", "$tokenId");
    expect(pushToken).to.contain(length("token", LIMITS.pushToken));
    expect(pushToken).to.contain(length("userAgent", LIMITS.pushUserAgent));
    const closedSet = (rule: string, field: string) =>
      [
        ...rule.matchAll(
          new RegExp(`newData\\.child\\('${field}'\\)\\.val\\(\\) === '([^']+)'`, "g"),
        ),
      ].map((m) => m[1]);
    expect(closedSet(ack, "status")).to.have.members([...ACK_STATUSES]);
    expect(closedSet(outcome, "outcome")).to.have.members([...FOLLOW_UP_OUTCOMES]);
    expect(closedSet(lead, "status")).to.have.members([...LEAD_STATUSES]);
    expect(closedSet(override, "level")).to.have.members([...URGENCY_LEVELS]);
    expect(closedSet(presence, "state")).to.have.members([...PRESENCE_STATES]);
  });

  it("pins each client-writable record's identity and time fields on the record's own node", function () {
    const records = visits.filter(({ node }) => ".write" in node && !isFalse(node[".write"]));
    expect(records.map(({ path }) => display(path))).to.have.members(Object.keys(PINS));
    for (const { path, node } of records) {
      const where = display(path);
      const rule = node[".validate"];
      if (typeof rule !== "string") throw new Error(`no .validate at ${where}`);
      const terms = conjuncts(rule);
      for (const [field, pin] of Object.entries(PINS[where] ?? {})) {
        const constraint = `newData.child('${field}').val() === ${PIN_VALUES[pin.to]}`;
        if (pin.everyBranch) expect(terms, `${where}: ${constraint}`).to.include(constraint);
        else expect(rule, `${where}: ${constraint}`).to.contain(constraint);
      }
    }
  });

  it("leaves no identity or time constraint on a child alone", function () {
    expect(childOnlyPins(rules)).to.deep.equal([]);
  });
});

describe("childOnlyPins", function () {
  const record = (validate: string, at: string) => ({
    rules: {
      tenants: {
        $t: {
          lead: {
            ".write": "auth != null",
            ".validate": validate,
            at: { ".validate": at },
            by: { ".validate": "newData.isString()" },
          },
        },
      },
    },
  });

  it("finds a time constraint that sits only on the child", function () {
    const found = childOnlyPins(
      record("newData.hasChildren(['at'])", "newData.val() === now").rules,
    );
    expect(found).to.deep.equal(["/tenants/$t/lead/at: newData.val() === now"]);
  });

  it("finds an identity constraint on a child that the record states differently", function () {
    const rules = record("newData.child('at').val() === now", "newData.isNumber()").rules;
    const lead = rules.tenants.$t.lead;
    const withIdentity = {
      tenants: {
        $t: { lead: { ...lead, by: { ".validate": "newData.val() === auth.uid" } } },
      },
    };
    expect(childOnlyPins(withIdentity)).to.deep.equal([
      "/tenants/$t/lead/by: newData.val() === auth.uid",
    ]);
  });

  it("accepts a child constraint the record's own node also states", function () {
    const found = childOnlyPins(
      record("newData.child('at').val() === now", "newData.val() === now").rules,
    );
    expect(found).to.deep.equal([]);
  });
});

describe("conjuncts", function () {
  it("splits only top-level && terms, respecting parentheses and quotes", function () {
    expect(conjuncts("a && (b && c) && 'x && y' === d")).to.deep.equal([
      "a",
      "(b && c)",
      "'x && y' === d",
    ]);
  });
});
