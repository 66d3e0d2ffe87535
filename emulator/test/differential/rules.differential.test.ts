/**
 * Differential test: the emulator's rules engine against targaryen@3.1.0 on generated cases.
 *
 * Every disagreement must belong to a class listed in `emulator/src/rules/DIFFERENCES.md`; the
 * test recognises those classes by name, counts them, and fails on anything else.
 */
import { expect } from "chai";
import targaryen from "targaryen";
import targaryenStringMethods from "targaryen/lib/parser/string-methods.js";
import { Ruleset, RulesError } from "../../src/rules/index.js";
import { childKeys, getPriority, hasChildren, type Node } from "../../src/tree.js";
import { generateCase, NOW, Random, type RulesCase } from "./rules-generator.js";

const CASES = Number(process.env.RULES_DIFF_CASES ?? 6000);
const SEED = Number(process.env.RULES_DIFF_SEED ?? 20240611);

type Outcome = "allow" | "deny" | "invalid";

/** Resolves server timestamps and normalises to the export format (no nulls, no empty objects). */
function normalise(value: unknown): Node {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (typeof value !== "object" || Array.isArray(value)) throw new Error("unexpected value");
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0] === ".sv") return NOW;
  const out: Record<string, Node> = {};
  for (const [key, entry] of entries) {
    const node = normalise(entry);
    if (node !== null) out[key] = node;
  }
  if (".value" in out) return out;
  return Object.keys(out).some((key) => key !== ".priority") ? out : null;
}

function setAt(root: Node, path: readonly string[], value: Node): Node {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  // Writing below a leaf replaces it with children but keeps its priority (as the SDKs' tree does).
  const priority = getPriority(root);
  const out: Record<string, Node> = hasChildren(root)
    ? { ...root }
    : priority === null
      ? {}
      : { ".priority": priority };
  const next = setAt(out[key] ?? null, rest, value);
  if (next === null) delete out[key];
  else out[key] = next;
  return childKeys(out).length > 0 ? out : null;
}

interface Run {
  readonly mine: Outcome;
  readonly oracle: Outcome;
}

function runMine(testCase: RulesCase): Outcome {
  let ruleset: Ruleset;
  try {
    ruleset = Ruleset.parse(JSON.stringify(testCase.rules));
  } catch (error) {
    if (error instanceof RulesError) return "invalid";
    throw error;
  }
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
      const newRoot = setAt(data, operation.path, normalise(operation.value));
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
        newRoot = setAt(newRoot, path, normalise(value));
      }
      const allowed = ruleset.canWrite({ root: data, newRoot, paths, auth, now: NOW });
      return allowed ? "allow" : "deny";
    }
  }
}

function runOracle(testCase: RulesCase): Outcome {
  let database;
  try {
    database = targaryen.database(testCase.rules, testCase.data, NOW).as(testCase.auth);
  } catch {
    return "invalid";
  }
  const { operation } = testCase;
  const path = `/${operation.path.join("/")}`;
  let allowed: boolean;
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
  return allowed ? "allow" : "deny";
}

/**
 * Documented difference classes (DIFFERENCES.md): each returns true when the case's disagreement
 * is explained by it. Anything unexplained fails the test.
 */
const KNOWN_DIFFERENCES: ReadonlyArray<{
  name: string;
  explains(testCase: RulesCase, run: Run): boolean;
}> = [
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
    const tally = { agree: 0, allow: 0, deny: 0, invalid: 0, byKind: new Map<string, number>() };
    const known = new Map<string, number>();
    const unexplained: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const testCase = generateCase(random);
      const run: Run = { mine: runMine(testCase), oracle: runOracle(testCase) };
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
        `documented differences ${JSON.stringify(Object.fromEntries(known))}; unexplained ${unexplained.length}`,
    );
    if (unexplained.length > 0) console.log(unexplained.slice(0, 3).join("\n"));
    expect(unexplained, "disagreements not listed in DIFFERENCES.md").to.have.length(0);
    // The generator must exercise both answers, or agreement proves nothing.
    expect(tally.allow).to.be.greaterThan(CASES / 10);
    expect(tally.deny).to.be.greaterThan(CASES / 10);
    expect(tally.invalid).to.be.greaterThan(0);
  });
});
