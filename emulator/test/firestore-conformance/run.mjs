#!/usr/bin/env node
// `npm run test:firestore-conformance`: the official Node.js Firestore client's own system tests
// (googleapis/nodejs-firestore, dev/system-test/firestore.ts, at the version installed here) against
// the emulator package's Firestore, started the way firebase-tools starts it
// (scripts/firestore-emulator.mjs). The tests run against the installed client's build, not its
// sources, so what passes is what Lifeline's functions run.
//
// The tests live only in the client's repository, not in its npm package. They are read from a git
// repository of it (--source or NODEJS_FIRESTORE_SOURCE, or a clone from GitHub when the network
// allows) and kept in a cache (~/.cache/lifeline) so later runs need neither.
// Tests that need production (not an emulator) are excluded by title, each with its reason:
// exclusions.mjs.
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseCommandLine } from "../../../scripts/lib/cli-args.mjs";
import { throwawayCredentialsFile } from "../../../scripts/lib/throwaway-credentials.mjs";
import { EXCLUDED } from "./exclusions.mjs";

const USAGE = `Usage: npm run test:firestore-conformance [-- options]

Runs the official Node.js Firestore client's system tests against this Firestore emulator.

Options:
  --rest             run them over REST (FIRESTORE_PREFER_REST=1), as preferRest does
  --grep <pattern>   only the tests whose full title matches
  --source <path>    a git repository of googleapis/nodejs-firestore to read the tests from
                     (also NODEJS_FIRESTORE_SOURCE); needed once, when the cache is empty and
                     GitHub cannot be reached
  --reporter <name>  mocha reporter (default: dot)
  --install          only install the runner's test libraries, then exit (npm test does this
                     once before running both transports side by side)
  --help, -h         print this and exit

Exit status: 0 all passed, 1 a test failed, 3 the tests could not be found (see --source).
`;

const { values } = parseCommandLine({
  name: "test:firestore-conformance",
  usage: USAGE,
  options: {
    rest: { type: "boolean" },
    grep: { type: "string" },
    source: { type: "string" },
    reporter: { type: "string" },
    install: { type: "boolean" },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", "..");
const clientPackage = createRequire(join(root, "emulator", "package.json")).resolve(
  "@google-cloud/firestore/package.json",
);
const clientRoot = dirname(clientPackage);
const version = JSON.parse(readFileSync(clientPackage, "utf8")).version;
const tag = `v${version}`;
/** The files the system tests import from their repository, besides the client itself. */
const TEST_FILES = ["dev/system-test", "dev/test/util", "dev/test/bundle.ts", "dev/test/util.ts"];
const REPOSITORY = "https://github.com/googleapis/nodejs-firestore.git";

function run(command, args, options = {}) {
  return spawnSync(command, args, { encoding: "utf8", ...options });
}

/** Extracts TEST_FILES at `tag` from a git directory into `into`; false if the tag is missing. */
function extract(gitDir, into) {
  const archive = run("git", ["--git-dir", gitDir, "archive", "--format=tar", tag, ...TEST_FILES], {
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (archive.status !== 0) return false;
  mkdirSync(into, { recursive: true });
  return run("tar", ["-x", "-C", into], { input: archive.stdout }).status === 0;
}

function gitDirOf(path) {
  return existsSync(join(path, ".git")) ? join(path, ".git") : path;
}

/** The system tests at the installed version, cached; undefined when they cannot be had. */
function systemTests() {
  const cacheRoot =
    process.env.FIRESTORE_CONFORMANCE_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "lifeline");
  const cached = join(cacheRoot, `nodejs-firestore-${tag}`);
  if (existsSync(join(cached, "dev", "system-test", "firestore.ts"))) return cached;
  const source = values.source ?? process.env.NODEJS_FIRESTORE_SOURCE;
  const staging = `${cached}.part`;
  rmSync(staging, { recursive: true, force: true });
  let found;
  if (source !== undefined) {
    found = extract(gitDirOf(resolve(source)), staging);
    if (!found) console.error(`No tag ${tag} in the git repository at ${source}.`);
  } else {
    const clone = mkdtempSync(join(tmpdir(), "nodejs-firestore-"));
    const cloned = run(
      "git",
      ["clone", "--quiet", "--bare", "--depth", "1", "--branch", tag, REPOSITORY, clone],
      { stdio: ["ignore", "ignore", "inherit"], timeout: 120_000 },
    );
    found = cloned.status === 0 && extract(clone, staging);
    rmSync(clone, { recursive: true, force: true });
  }
  if (!found) return undefined;
  rmSync(cached, { recursive: true, force: true });
  cpSync(staging, cached, { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  return cached;
}

/**
 * A working copy of the tests, compiled as their repository compiles them (CommonJS, TypeScript's
 * own emit), whose `../src`, `../protos` and `../../package.json` are the installed client.
 */
function prepare(tests) {
  // One copy per transport: npm test runs gRPC and REST side by side.
  const work = join(here, ".work", `${tag}-${values.rest ? "rest" : "grpc"}`);
  rmSync(work, { recursive: true, force: true });
  cpSync(tests, work, { recursive: true });
  symlinkSync(join(clientRoot, "build", "src"), join(work, "dev", "src"));
  symlinkSync(join(clientRoot, "build", "protos"), join(work, "dev", "protos"));
  symlinkSync(clientPackage, join(work, "package.json"));
  const tsc = run(join(root, "node_modules", ".bin", "tsc"), ["-p", join(here, "tsconfig.json")], {
    stdio: "inherit",
  });
  if (tsc.status !== 0) throw new Error("compiling the system tests failed");
  return join(work, "dev", "system-test", "firestore.js");
}

/** The runner's own test libraries (the versions the client's repository tests with). */
function installDependencies() {
  const marker = join(here, "node_modules", ".package-lock.json");
  if (existsSync(marker)) return;
  const npm = run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], {
    cwd: here,
    stdio: "inherit",
  });
  if (npm.status !== 0) throw new Error("installing the runner's test libraries failed");
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

if (values.install) {
  installDependencies();
  process.exit(0);
}
const tests = systemTests();
if (tests === undefined) {
  console.error(
    `The official client's system tests (${REPOSITORY} at ${tag}) are not in the cache and ` +
      `could not be fetched. Give a git repository of it once: --source <path> or NODEJS_FIRESTORE_SOURCE.`,
  );
  process.exit(3);
}
installDependencies();
const spec = prepare(tests);

const { startFirestoreEmulator } = await import("../../../scripts/firestore-emulator.mjs");
// The system tests expect no composite-index checks (production has their indexes built), as the
// official emulator has none.
process.env.FIRESTORE_ENFORCE_INDEXES = "0";
const emulator = await startFirestoreEmulator({ host: "127.0.0.1", port: 0, log: () => {} });

console.log(
  `Official Firestore client system tests, ${tag}, ${values.rest ? "REST" : "gRPC"}, ` +
    `${EXCLUDED.length} production-only tests excluded (exclusions.mjs).`,
);
// One pattern for mocha's --grep (matched against each test's full title): not an excluded test,
// and the caller's pattern if one was given.
const excluded = EXCLUDED.map(
  ({ title, suite }) => `${escapeRegExp(title)}${suite === true ? " .*" : ""}`,
).join("|");
const grep = `^${excluded === "" ? "" : `(?!(?:${excluded})$)`}(?=.*(?:${values.grep ?? ""}))`;
const args = [
  join(root, "node_modules", "mocha", "bin", "mocha.js"),
  "--no-config",
  "--no-package",
  "--timeout",
  "30000",
  "--reporter",
  values.reporter ?? "dot",
  "--exit",
  "--grep",
  grep,
  spec,
];
// Asynchronously: the emulator serves from this process's event loop.
const mocha = spawn(process.execPath, args, {
  stdio: "inherit",
  cwd: here,
  env: {
    ...process.env,
    FIRESTORE_EMULATOR_HOST: `127.0.0.1:${emulator.port}`,
    GCLOUD_PROJECT: "demo-conformance",
    // Over REST the client wants credentials even against an emulator (see the helper).
    ...(values.rest
      ? {
          FIRESTORE_PREFER_REST: "1",
          GOOGLE_APPLICATION_CREDENTIALS: throwawayCredentialsFile("demo-conformance"),
        }
      : {}),
  },
});
const status = await new Promise((done) => mocha.on("close", (code) => done(code ?? 1)));
await emulator.close();
process.exit(status === 0 ? 0 : 1);
