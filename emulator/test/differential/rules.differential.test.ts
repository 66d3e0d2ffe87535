/**
 * Differential test: the emulator's rules engine against targaryen@3.1.0 on generated cases.
 *
 * Every disagreement must belong to a class listed in `emulator/src/rules/DIFFERENCES.md`; the
 * test recognises those classes by name, counts them, and fails on anything else.
 */
import { expect } from "chai";
import targaryen, { type TargaryenDatabase } from "targaryen";
import targaryenStringMethods from "targaryen/lib/parser/string-methods.js";
import { Ruleset, RulesError } from "../../src/rules/index.js";
import { child, getAt, type Node } from "../../src/engine/tree.js";
import {
  generateCase,
  generateScenario,
  NOW,
  Random,
  type RulesCase,
  type Scenario,
} from "./rules-generator.js";
import { isServerValue, normalise, setAt } from "./tree-writes.js";

const CASES = Number(process.env.RULES_DIFF_CASES ?? 6000);
/** Each generated rules tree and database is tried with this many (auth, operation) pairs. */
const CASES_PER_SCENARIO = 4;
const SEED = Number(process.env.RULES_DIFF_SEED ?? 20240611);

/** "error": the engine threw on the operation itself (not on the rules). */
type Outcome = "allow" | "deny" | "invalid" | "error";

interface Run {
  readonly mine: Outcome;
  readonly oracle: Outcome;
}

function parseMine(scenario: Scenario): Ruleset | "invalid" {
  try {
    return Ruleset.parse(JSON.stringify(scenario.rules));
  } catch (error) {
    if (error instanceof RulesError) return "invalid";
    throw error;
  }
}

function parseOracle(scenario: Scenario): TargaryenDatabase | "invalid" {
  try {
    return targaryen.database(scenario.rules, scenario.data, NOW);
  } catch {
    return "invalid";
  }
}

function runMine(testCase: RulesCase, ruleset: Ruleset | "invalid"): Outcome {
  if (ruleset === "invalid") return "invalid";
  const { data, auth, operation } = testCase;
  switch (operation.kind) {
    case "read": {
      const allowed = ruleset.canRead({
        path: operation.path,
        root: data,
        auth,
        now: NOW,
        query: operation.query?.variables ?? null,
      });
      return allowed ? "allow" : "deny";
    }
    case "set": {
      const newValue = normalise(operation.value, getAt(data, operation.path), NOW);
      const newRoot = setAt(data, operation.path, newValue);
      const allowed = ruleset.canWrite({
        root: data,
        newRoot,
        paths: [operation.path],
        auth,
        now: NOW,
      });
      return allowed ? "allow" : "deny";
    }
    case "update": {
      let newRoot = data;
      const paths: string[][] = [];
      for (const [key, value] of Object.entries(operation.values)) {
        const path = [...operation.path, ...key.split("/")];
        paths.push(path);
        newRoot = setAt(newRoot, path, normalise(value, getAt(data, path), NOW));
      }
      const allowed = ruleset.canWrite({ root: data, newRoot, paths, auth, now: NOW });
      return allowed ? "allow" : "deny";
    }
  }
}

function runOracle(
  testCase: RulesCase,
  prepared: TargaryenDatabase | "invalid" = parseOracle(testCase),
): Outcome {
  if (prepared === "invalid") return "invalid";
  const database = prepared.as(testCase.auth);
  const { operation } = testCase;
  const path = `/${operation.path.join("/")}`;
  let allowed: boolean;
  try {
    switch (operation.kind) {
      case "read":
        allowed = database.read(path, { now: NOW, query: operation.query?.options }).allowed;
        break;
      case "set":
        allowed = database.write(path, operation.value, { now: NOW }).allowed;
        break;
      case "update":
        allowed = database.update(path, { ...operation.values }, { now: NOW }).allowed;
        break;
    }
  } catch {
    return "error";
  }
  return allowed ? "allow" : "deny";
}

/** The value with only its increments resolved, for an oracle that knows timestamps alone. */
function resolveIncrements(value: unknown, existing: Node): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isServerValue(value))
    return containsIncrement(value) ? normalise(value, existing, NOW) : value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      resolveIncrements(entry, child(existing, key)),
    ]),
  );
}

function containsIncrement(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isServerValue(value)) return typeof value[".sv"] === "object";
  return Object.values(value).some(containsIncrement);
}

/**
 * Documented difference classes (DIFFERENCES.md): each returns true when the case's disagreement
 * is explained by it. Anything unexplained fails the test. Cheap checks first.
 */
const KNOWN_DIFFERENCES: ReadonlyArray<{
  name: string;
  explains(testCase: RulesCase, run: Run): boolean;
}> = [
  {
    // targaryen throws "invalid server value type" on {".sv": {"increment": n}}. The class holds
    // when the oracle, given the increments already resolved, agrees with us.
    name: "targaryen-no-increment",
    explains(testCase, run) {
      const { operation, data } = testCase;
      if (run.oracle !== "error" || operation.kind === "read") return false;
      if (operation.kind === "set") {
        if (!containsIncrement(operation.value)) return false;
        const value = resolveIncrements(operation.value, getAt(data, operation.path));
        return runOracle({ ...testCase, operation: { ...operation, value } }) === run.mine;
      }
      if (!containsIncrement(operation.values)) return false;
      const values = Object.fromEntries(
        Object.entries(operation.values).map(([key, value]) => [
          key,
          resolveIncrements(value, getAt(data, [...operation.path, ...key.split("/")])),
        ]),
      );
      return runOracle({ ...testCase, operation: { ...operation, values } }) === run.mine;
    },
  },
  {
    // targaryen throws '"startAfter" is not a query parameter.' (and the same for endBefore). The
    // class holds when the oracle, given them as startAt/endAt (what rules see), agrees with us.
    name: "targaryen-no-startAfter-endBefore",
    explains(testCase, run) {
      const { operation } = testCase;
      if (run.oracle !== "error" || operation.kind !== "read" || operation.query === null) {
        return false;
      }
      const { startAfter, endBefore, ...options } = operation.query.options;
      if (startAfter === undefined && endBefore === undefined) return false;
      if (startAfter !== undefined) options.startAt = startAfter;
      if (endBefore !== undefined) options.endAt = endBefore;
      const query = { ...operation.query, options };
      return runOracle({ ...testCase, operation: { ...operation, query } }) === run.mine;
    },
  },
  {
    // targaryen computes endsWith as `indexOf(s) + s.length === length`, so "hello".endsWith("@x.com")
    // is true. The class holds when the oracle, given a correct endsWith, agrees with us.
    name: "targaryen-endsWith-bug",
    explains(testCase, run) {
      const buggy = targaryenStringMethods.endsWith;
      targaryenStringMethods.endsWith = (str, substr) => {
        if (typeof substr !== "string") throw new Error(`${String(substr)} is not a string.`);
        return str.endsWith(substr);
      };
      try {
        return runOracle(testCase) === run.mine;
      } finally {
        targaryenStringMethods.endsWith = buggy;
      }
    },
  },
];

function describeCase(testCase: RulesCase, run: Run): string {
  return JSON.stringify({ ...run, ...testCase });
}

describe("Ruleset (differential, against targaryen 3.1.0)", function () {
  this.timeout(60000);

  it(`agrees with targaryen on ${CASES} generated cases, apart from documented differences`, function () {
    const random = new Random(SEED);
    const tally = {
      agree: 0,
      allow: 0,
      deny: 0,
      invalid: 0,
      error: 0,
      byKind: new Map<string, number>(),
    };
    const known = new Map<string, number>();
    const timing = { mine: 0, oracle: 0 };
    const unexplained: string[] = [];
    let scenarioRules: Scenario = { rules: { rules: {} }, data: null };
    let ruleset: Ruleset | "invalid" = "invalid";
    let database: TargaryenDatabase | "invalid" = "invalid";
    for (let i = 0; i < CASES; i++) {
      if (i % CASES_PER_SCENARIO === 0) {
        const scenario = generateScenario(random);
        const parseStarted = performance.now();
        ruleset = parseMine(scenario);
        const parsed = performance.now();
        database = parseOracle(scenario);
        timing.mine += parsed - parseStarted;
        timing.oracle += performance.now() - parsed;
        scenarioRules = scenario;
      }
      const testCase = generateCase(random, scenarioRules);
      const started = performance.now();
      const mine = runMine(testCase, ruleset);
      const between = performance.now();
      const run: Run = { mine, oracle: runOracle(testCase, database) };
      timing.mine += between - started;
      timing.oracle += performance.now() - between;
      const kind = testCase.operation.kind;
      tally.byKind.set(kind, (tally.byKind.get(kind) ?? 0) + 1);
      if (run.mine === run.oracle) {
        tally.agree++;
        tally[run.mine]++;
        continue;
      }
      const explanation = KNOWN_DIFFERENCES.find((difference) =>
        difference.explains(testCase, run),
      );
      if (explanation !== undefined) {
        known.set(explanation.name, (known.get(explanation.name) ?? 0) + 1);
      } else {
        unexplained.push(describeCase(testCase, run));
      }
    }
    console.log(
      `      rules differential: ${tally.agree}/${CASES} agree ` +
        `(allow ${tally.allow}, deny ${tally.deny}, invalid rules ${tally.invalid}); ` +
        `operations ${JSON.stringify(Object.fromEntries(tally.byKind))}; ` +
        `documented differences ${JSON.stringify(Object.fromEntries(known))}; unexplained ${unexplained.length}; ` +
        `time in ours ${Math.round(timing.mine)} ms, in targaryen ${Math.round(timing.oracle)} ms`,
    );
    if (unexplained.length > 0) console.log(unexplained.slice(0, 3).join("\n"));
    expect(unexplained, "disagreements not listed in DIFFERENCES.md").to.have.length(0);
    // The generator must exercise both answers, or agreement proves nothing.
    expect(tally.allow).to.be.greaterThan(CASES / 10);
    expect(tally.deny).to.be.greaterThan(CASES / 10);
    expect(tally.invalid).to.be.greaterThan(0);
  });
});
