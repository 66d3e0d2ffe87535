#!/usr/bin/env node
// `npm test`: every check a change must pass, in the order that fails fastest.
// Static checks first, then unit tests, then the emulator's own suites (each test file starts its own
// emulator), then the product suites inside `firebase emulators:exec` on the demo project.
// `--official` runs the emulator-suite step on the official emulators (Java 21 and a network needed).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { parseCommandLine } from "./lib/cli-args.mjs";
import { resolveProject } from "./emulators.mjs";

const USAGE = `Usage: npm test [-- --official]
       node scripts/test.mjs [--official]

Every check a change must pass: build, type-check, lint, unit tests, the emulator package's suites,
the firebase-tools integration, the dashboard end-to-end tests and the emulator-suite tests.

Options:
  --official  run the emulator-suite steps on firebase-tools' own emulators (Java 21, network)
  --help, -h  print this and exit
`;

const { values } = parseCommandLine({
  name: "test",
  usage: USAGE,
  options: { official: { type: "boolean" } },
});
const official = values.official === true;
const mocha = "node_modules/.bin/mocha";
const failures = [];

function step(name, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`${ok ? "✔" : "✘"} ${name} (${seconds} s)`);
  if (!ok) {
    failures.push(name);
    if (options.fatal !== false) finish();
  }
}

/** Runs one step with its output kept, for `together`. */
function captured(name, command, args, options = {}) {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    const end = (code) =>
      done({ name, ok: code === 0, code, output, seconds: (Date.now() - started) / 1000 });
    child.on("error", (error) => {
      output.push(Buffer.from(`${String(error)}\n`));
      end(null);
    });
    child.on("close", end);
  });
}

/**
 * Steps that need no emulator suite and not each other, run at once (this machine has two cores
 * and several of them mostly wait on loading TypeScript). Each one's output is printed whole, in
 * order, once all have finished.
 */
async function together(steps, { unavailable } = {}) {
  console.log(`\n▶ at once: ${steps.map(([name]) => name).join(" · ")}`);
  const results = await Promise.all(steps.map((args) => captured(...args)));
  for (const { name, ok, output, code, seconds } of results) {
    console.log(`\n▶ ${name}`);
    process.stdout.write(Buffer.concat(output));
    if (!ok && code === unavailable && unavailable !== undefined) {
      console.log(`⚠ ${name}: NOT RUN (${seconds.toFixed(1)} s); see above`);
      continue;
    }
    console.log(`${ok ? "✔" : "✘"} ${name} (${seconds.toFixed(1)} s)`);
    if (!ok) failures.push(name);
  }
  if (failures.length > 0) finish();
}

/** The emulator package's own mocha configs (emulator/.mocharc*.yaml), run from its folder. */
function emulatorTests(config) {
  return [resolve(mocha), config === undefined ? [] : ["--config", config], { cwd: "emulator" }];
}

function emulatorStep(name, config) {
  step(name, ...emulatorTests(config));
}

function finish() {
  if (failures.length > 0) {
    console.error(`\nFailed: ${failures.join(", ")}`);
    process.exit(1);
  }
  console.log("\nAll checks passed.");
  process.exit(0);
}

step("build", "npm", [
  "run",
  "build",
  "--silent",
  "--workspace",
  "emulator",
  "--workspace",
  "functions",
]);
step("type-check model, dashboard and tests", "node_modules/.bin/tsc", [
  "-p",
  "tsconfig.test.json",
]);
step("lint", "node_modules/.bin/eslint", [".", "--max-warnings", "0"]);
// Type-only and dynamic imports count too: a circle of types still ties the modules' meaning together.
// The workspace model is followed through its package name, so a circle through it shows as well.
step("no import circles", "node_modules/.bin/dpdm", [
  "--no-tree",
  "--no-warning",
  "--no-progress",
  "--circular",
  "--exit-code",
  "circular:1",
  ...["model", "functions", "dashboard", "emulator"].map((pkg) => `${pkg}/src/**/*.ts`),
]);
await together([
  ["unit tests: model", "npm", ["test", "--silent", "--workspace", "@lifeline/model"]],
  ["unit tests: functions", "npm", ["test", "--silent", "--workspace", "functions"]],
  ["unit tests: dashboard", "npm", ["test", "--silent", "--workspace", "dashboard"]],
  ["unit tests: scripts and static checks", mocha, ["--config", ".mocharc.unit.yaml"]],
  ["unit tests: emulator", ...emulatorTests()],
  // Packs functions/ as `firebase deploy` does and loads it with only its declared dependencies.
  [
    "deploy pack: functions/ installed and loaded as deployed",
    "npm",
    ["run", "test:deploy", "--silent", "--workspace", "functions"],
  ],
]);
/**
 * The official Node.js Firestore client's system tests against the emulator package's Firestore,
 * over gRPC and over REST at once. Exit 3 means the tests could not be had (their repository is
 * neither cached nor reachable): said loudly, not counted as a failure.
 */
async function firestoreConformance() {
  const runner = "emulator/test/firestore-conformance/run.mjs";
  // Installed once first: two `npm ci` in one folder at once break each other.
  step("Firestore: the system tests' own test libraries", "node", [runner, "--install"]);
  await together(
    [
      ["Firestore: official client system tests over gRPC", "node", [runner]],
      ["Firestore: official client system tests over REST", "node", [runner, "--rest"]],
    ],
    { unavailable: 3 },
  );
}

if (!official) {
  emulatorStep("emulator wire, conformance and differential tests", ".mocharc.conformance.yaml");
  await firestoreConformance();
  step("chromium", "node", ["scripts/ensure-chromium.mjs"]);
  emulatorStep("emulator browser tests", ".mocharc.browser.yaml");
}
step("firebase-tools integration (conformance §16 items 29–31)", "node", [
  "emulator/test/firebase-tools/run.mjs",
  ...(official ? ["--official"] : []),
]);
const e2e = ["scripts/emulators.mjs", "exec", `${mocha} --config .mocharc.e2e.yaml`];
if (official) e2e.push("--official");
step("dashboard end-to-end tests (Chromium, firebase emulators:exec with hosting)", "node", e2e);
/** The instance of firebase.json's database targets other than `main`, as .firebaserc maps it. */
function secondInstance() {
  const project = resolveProject(undefined, resolve("firebase.json"));
  const rc = JSON.parse(readFileSync(".firebaserc", "utf8"));
  const mapped = Object.entries(rc.targets?.[project]?.database ?? {});
  const instance = mapped.find(([target]) => target !== "main")?.[1]?.[0];
  if (typeof instance !== "string") {
    throw new Error(`.firebaserc maps no database target but main for ${project}`);
  }
  return instance;
}

/**
 * The emulator suite, as two mocha runs in one `emulators:exec` (one start of the emulators): the
 * rest of .mocharc.emulators.yaml with its tenants on the default instance, then the pipeline
 * suites (.mocharc.pipeline.yaml) with their tenants on the second instance. Both always run; the
 * command fails when either does.
 */
function emulatorSuiteCommand() {
  // mocha's own config loader: the files left out of the first run are exactly the second run's.
  const { loadOptions } = createRequire(import.meta.url)("mocha/lib/cli/options");
  const pipeline = loadOptions(["--config", ".mocharc.pipeline.yaml"])._;
  const ignored = pipeline.map((spec) => `--ignore '${spec}'`).join(" ");
  const instance = secondInstance();
  return [
    `${mocha} --config .mocharc.emulators.yaml ${ignored}`,
    "rest=$?",
    `echo "pipeline suites, test tenants on ${instance}"`,
    `LIFELINE_TEST_DATABASE=${instance} ${mocha} --config .mocharc.pipeline.yaml`,
    "pipeline=$?",
    '[ "$rest" -eq 0 ] && [ "$pipeline" -eq 0 ]',
  ].join("; ");
}

const emulators = ["scripts/emulators.mjs", "exec", emulatorSuiteCommand()];
// Fault-control tests need our emulator's /.faults; under --official they skip themselves.
emulators.push(official ? "--official" : "--faults");
step(
  "emulator-suite tests (firebase emulators:exec, pipeline on a second instance)",
  "node",
  emulators,
);
finish();
