/**
 * Static checks over database.rules.json (no emulator): the structure that keeps the rules safe,
 * whatever the individual expressions say.
 *
 * - Above a tenant (the root, `tenants`, and the roots of `inbox` and `revocations`) there is no
 *   `.read` or `.write` other than `false`, and no wildcard: nothing there can be granted to anyone.
 * - Every other `.read`/`.write` that is not `false` is a conjunction whose top-level terms include
 *   `auth != null`, the revocation guard, and the scope guard: `auth.token.tenant === $t` under
 *   `tenants/$t`, `auth.uid === $uid` under `inbox/$uid`. At `tenants/$t` itself the only grant is a
 *   read that also requires `auth.token.role === 'admin'`.
 * - A client-writable node (one whose `.write` is not `false`) and every named node below it has a
 *   `.validate`; each of them with named children rejects unknown ones with `$other: false`.
 * - Every dashboard query's `orderByChild` has an `.indexOn`, and the rules' limits and closed sets
 *   match functions/src/lib/model.ts.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { parse } from "firebase-json";
import {
  ACK_STATUSES,
  LEAD_STATUSES,
  LIMITS,
  PRESENCE_STATES,
  URGENCY_LEVELS,
} from "../../functions/src/lib/model.js";
import { dashboardQueries } from "../../functions/src/lib/paths.js";

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

const isFalse = (value: unknown) => value === false || value === "false";
const display = (path: readonly string[]) => `/${path.join("/")}`;

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
      if (path.length === 1 && path[0] !== "revocations") {
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
            : path[0] === "inbox"
              ? "auth.uid === $uid"
              : null;
        expect(
          scope,
          `${where}: grants are only made under tenants/$t and inbox/$uid`,
        ).to.not.equal(null);
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

  it("validates every client-writable node and every named node below it, rejecting unknown children", function () {
    const writable = visits.filter(({ node }) => ".write" in node && !isFalse(node[".write"]));
    expect(writable.map(({ path }) => path.at(-1))).to.have.members([
      "owner",
      "lead",
      "urgencyOverride",
      "$messageId",
      "$uid",
      "$uid",
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

  it("uses the limits and closed sets of the model", function () {
    const validateAt = (...path: string[]) => {
      let node: unknown = rules;
      for (const key of path) node = isNode(node) ? node[key] : undefined;
      if (!isNode(node) || typeof node[".validate"] !== "string") {
        throw new Error(`no .validate at /${path.join("/")}`);
      }
      return node[".validate"];
    };
    const call = ["tenants", "$t", "calls", "$callId"];
    const ack = ["tenants", "$t", "alerts", "$alertId", "acks", "$uid"];
    const outbox = ["tenants", "$t", "outbox", "$callId", "$messageId"];
    expect(validateAt(...ack, "note")).to.contain(`length <= ${LIMITS.ackNote}`);
    expect(validateAt(...call, "urgencyOverride", "reason")).to.contain(
      `length <= ${LIMITS.overrideReason}`,
    );
    expect(validateAt(...outbox, "text")).to.contain(`length <= ${LIMITS.outboxText}`);
    const closedSet = (rule: string) =>
      [...rule.matchAll(/newData\.val\(\) === '([^']+)'/g)].map((m) => m[1]);
    expect(closedSet(validateAt(...ack, "status"))).to.have.members([...ACK_STATUSES]);
    expect(closedSet(validateAt(...call, "lead", "status"))).to.have.members([...LEAD_STATUSES]);
    expect(closedSet(validateAt(...call, "urgencyOverride", "level"))).to.have.members([
      ...URGENCY_LEVELS,
    ]);
    expect(closedSet(validateAt("tenants", "$t", "presence", "$uid", "state"))).to.have.members([
      ...PRESENCE_STATES,
    ]);
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
