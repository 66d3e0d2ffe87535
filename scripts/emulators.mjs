#!/usr/bin/env node
// The one way this repository runs the Firebase emulator suite:
//
//   node scripts/emulators.mjs exec "<command>" [--only …] [--project demo-x] [--config f.json] [--official] [--faults]
//   node scripts/emulators.mjs start [--only …] [--project demo-x] [--config f.json] [--official] [--faults]
//
// `--faults` turns on our database emulator's fault control (`/.faults`, see emulator/README.md) by
// putting RTDB_EMULATOR_FAULTS=1 in the environment firebase-tools passes on to the emulator.
// `--official` also exports LIFELINE_OFFICIAL=1, so tests that need our emulator can skip.
//
// The firebase flags listed in USAGE are passed to `firebase emulators:<exec|start>` unchanged; any
// other flag is refused (`--help` lists them).
//
// firebase-tools 15 runs its database and Firestore emulators as `java -jar <downloaded JAR>` and
// refuses Java < 21. This script makes it run ours instead (spec §12.4 option A): a `java` shim
// (scripts/java-shim/java) goes first on PATH for the firebase process only, and
// DATABASE_EMULATOR_BINARY_PATH / FIRESTORE_EMULATOR_BINARY_PATH name placeholder files that the shim
// recognises and runs on Node. firebase-tools still does everything else itself: ports, rules from
// firebase.json, trigger registration, the Hub, exported *_EMULATOR_HOST variables, shutdown.
// `--official` skips all of that, for machines with Java 21 and a network.
//
// Both modes pin one Realtime Database namespace, `<project>-default-rtdb` (the one firebase.json
// rules load into and client `getDatabase()` uses), for the functions' Admin SDK (DATABASE_URL) and
// for the command run by `exec` (FIREBASE_CONFIG). See scripts/README.md, "The default namespace".
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs as parseArgsStrict } from "node:util";
import { writeLocalConfig } from "./lib/local-config.mjs";
import { ensureLocalSecrets } from "./local-secrets.mjs";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SHIM_DIR = join(REPO_ROOT, "scripts", "java-shim");
const DEFAULT_PROJECT = "demo-lifeline";

export const USAGE = `Usage:
  node scripts/emulators.mjs exec [options] "<command>"
  node scripts/emulators.mjs start [options]

Runs \`firebase emulators:exec|start\` on this repository's emulators (see scripts/README.md).

Options:
  --faults                    turn on the database emulator's fault control (/.faults)
  --official                  use firebase-tools' own emulators (Java 21 and a network needed)
  --project, -P <id>          project id (default: .firebaserc's default, else demo-lifeline)
  --config, -c <file>         firebase.json to use (default: the repository's)
  --only <emulators>          passed to firebase: only these emulators (comma separated)
  --import <dir>              passed to firebase: import data exported earlier
  --export-on-exit <dir>      passed to firebase: export the data on a clean exit
  --inspect-functions <port>  passed to firebase: run the functions under the inspector
  --log-verbosity <level>     passed to firebase: DEBUG, INFO, QUIET or SILENT
  --ui                        passed to firebase: run the Emulator UI
  --debug                     passed to firebase: its debug log
  --help, -h                  print this and exit
`;

/** Flags handed to `firebase emulators:*` as given. */
const FIREBASE_FLAGS = {
  only: { type: "string" },
  import: { type: "string" },
  "export-on-exit": { type: "string" },
  "inspect-functions": { type: "string" },
  "log-verbosity": { type: "string" },
  ui: { type: "boolean" },
  debug: { type: "boolean" },
};

/**
 * Splits our arguments from firebase's (node:util parseArgs, strict). Returns { mode, command,
 * official, faults, project, config, passthrough, help }; `project` and `config` are undefined when
 * not given. Throws on bad usage: an unknown mode or flag, a missing value or command.
 */
export function parseArgs(argv) {
  let parsed;
  try {
    parsed = parseArgsStrict({
      args: argv,
      options: {
        faults: { type: "boolean" },
        official: { type: "boolean" },
        project: { type: "string", short: "P" },
        config: { type: "string", short: "c" },
        help: { type: "boolean", short: "h" },
        ...FIREBASE_FLAGS,
      },
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`, {
      cause: error,
    });
  }
  const { values, positionals, tokens } = parsed;
  if (values.help === true) return { help: true };
  const [mode, command, ...extra] = positionals;
  if (mode !== "exec" && mode !== "start") {
    throw new Error(`expected exec or start, got ${mode ?? "nothing"}\n\n${USAGE}`);
  }
  if (mode === "exec" && command === undefined) {
    throw new Error(`exec needs the command to run\n\n${USAGE}`);
  }
  const unexpected = mode === "exec" ? extra : positionals.slice(1);
  if (unexpected.length > 0) {
    throw new Error(`unexpected argument ${unexpected[0]}\n\n${USAGE}`);
  }
  const passthrough = [];
  for (const token of tokens) {
    if (token.kind !== "option" || !Object.hasOwn(FIREBASE_FLAGS, token.name)) continue;
    if (token.value === undefined) passthrough.push(token.rawName);
    else if (token.inlineValue) passthrough.push(`${token.rawName}=${token.value}`);
    else passthrough.push(token.rawName, token.value);
  }
  return {
    mode,
    command,
    official: values.official === true,
    faults: values.faults === true,
    project: values.project,
    config: values.config,
    passthrough,
  };
}

/** The project id: --project, else the config directory's .firebaserc default, else demo-lifeline. */
export function resolveProject(project, configPath) {
  if (typeof project === "string") return project;
  const rcPath = join(dirname(configPath), ".firebaserc");
  if (existsSync(rcPath)) {
    const rc = JSON.parse(readFileSync(rcPath, "utf8"));
    const fromRc = rc?.projects?.default;
    if (typeof fromRc === "string" && fromRc !== "") return fromRc;
  }
  return DEFAULT_PROJECT;
}

/** The namespace firebase.json rules load into, and the URL every Admin SDK should use for it. */
export function defaultDatabaseUrl(project) {
  return `https://${project}-default-rtdb.firebaseio.com`;
}

/** Newest mtime of the TypeScript sources and JSON under `path` (notes and folders don't count). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.(ts|mts|cts|json)$/.test(path) ? stat.mtimeMs : 0;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "lib") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when `output` is missing or older than anything under `inputs`. */
export function isStale(output, inputs) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

/** The emulators named by --only (without `:target` suffixes), or undefined when all run. */
export function onlyEmulators(passthrough) {
  for (let i = 0; i < passthrough.length; i++) {
    const arg = passthrough[i] ?? "";
    const value = arg.startsWith("--only=")
      ? arg.slice(7)
      : arg === "--only"
        ? passthrough[i + 1]
        : undefined;
    if (value !== undefined) return new Set(value.split(",").map((name) => name.split(":")[0]));
  }
  return undefined;
}

/**
 * Packages this run needs built: our emulator, and each functions source (its `npm run build`
 * bundles it with the workspace model, so the model's sources are inputs too).
 */
function projectsToBuild(configPath, official, only) {
  const projects = [];
  const runs = (name) => only === undefined || only.has(name);
  if (!official && runs("database")) {
    const emulatorDir = join(REPO_ROOT, "emulator");
    projects.push({
      dir: emulatorDir,
      output: join(emulatorDir, "lib", "cli.js"),
      // tsc -b leaves unchanged outputs alone, so freshness is judged by the build info it rewrites.
      stamp: join(emulatorDir, "lib", ".tsbuildinfo"),
      inputs: [join(emulatorDir, "src"), join(emulatorDir, "tsconfig.json")],
    });
  }
  const firebaseJson = JSON.parse(readFileSync(configPath, "utf8"));
  const functionsConfig = firebaseJson.functions;
  const functionsEntries = Array.isArray(functionsConfig)
    ? functionsConfig
    : functionsConfig
      ? [functionsConfig]
      : [];
  for (const entry of runs("functions") ? functionsEntries : []) {
    const dir = resolve(dirname(configPath), entry.source ?? "functions");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    if (pkg.scripts?.build === undefined) continue;
    projects.push({
      dir,
      output: join(dir, pkg.main ?? "lib/index.js"),
      inputs: [join(dir, "src"), join(dir, "package.json"), join(REPO_ROOT, "model", "src")],
    });
  }
  return projects;
}

function buildIfStale(projects) {
  for (const project of projects.filter((p) => isStale(p.stamp ?? p.output, p.inputs))) {
    console.error(`emulators: building ${project.dir}`);
    const result = spawnSync("npm", ["run", "build", "--silent"], {
      stdio: "inherit",
      cwd: project.dir,
    });
    if (result.status !== 0) {
      throw new Error(`building ${project.dir} failed (exit ${result.status ?? result.signal})`);
    }
    if (!existsSync(project.output)) {
      throw new Error(`build finished but ${project.output} is missing`);
    }
  }
}

/**
 * Writes the placeholder "JARs" firebase-tools is pointed at. firebase-tools chmods them, so they
 * live in a directory this user owns rather than in the checkout.
 */
export function preparePlaceholders() {
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  const dir = join(tmpdir(), `lifeline-emulators-${uid}`);
  mkdirSync(dir, { recursive: true });
  const note = (name) =>
    `Placeholder for the ${name} emulator JAR. scripts/java-shim/java runs our Node emulator ` +
    `when firebase-tools asks for "java -jar <this file>".\n`;
  const database = join(dir, "database-emulator.jar");
  const firestore = join(dir, "firestore-emulator.jar");
  writeFileSync(database, note("Realtime Database"));
  writeFileSync(firestore, note("Firestore"));
  return { database, firestore };
}

/** The environment for `firebase emulators:*`. */
export function emulatorEnv(baseEnv, { project, official, faults = false }) {
  const env = { ...baseEnv };
  // firebase-tools starts the database emulator with its own environment, and the java shim execs
  // Node with it unchanged, so the emulator's CLI sees this variable.
  if (faults) env.RTDB_EMULATOR_FAULTS = "1";
  if (official) env.LIFELINE_OFFICIAL = "1";
  env.DATABASE_URL ??= defaultDatabaseUrl(project);
  // The Functions emulator gives a cold worker 30 s to load (FUNCTIONS_DISCOVERY_TIMEOUT, seconds).
  // Several triggers firing at once on a two-core machine start that many Node processes together,
  // which can take longer.
  env.FUNCTIONS_DISCOVERY_TIMEOUT ??= "120";
  // Only read by the command `emulators:exec` runs: firebase-tools would otherwise give it
  // databaseURL https://<project>.firebaseio.com, i.e. a different namespace.
  env.FIREBASE_CONFIG ??= JSON.stringify({
    projectId: project,
    databaseURL: env.DATABASE_URL,
    storageBucket: `${project}.appspot.com`,
  });
  if (!official) {
    const placeholders = preparePlaceholders();
    env.PATH = `${SHIM_DIR}${delimiter}${baseEnv.PATH ?? ""}`;
    env.DATABASE_EMULATOR_BINARY_PATH = placeholders.database;
    env.FIRESTORE_EMULATOR_BINARY_PATH = placeholders.firestore;
    env.LIFELINE_NODE = process.execPath;
  }
  return env;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const configPath = resolve(args.config ?? join(REPO_ROOT, "firebase.json"));
  if (!existsSync(configPath)) throw new Error(`no Firebase config at ${configPath}`);
  const project = resolveProject(args.project, configPath);
  const only = onlyEmulators(args.passthrough);
  buildIfStale(projectsToBuild(configPath, args.official, only));
  // The Functions emulator needs GATEWAY_JWT_KEY in either mode.
  if (ensureLocalSecrets(REPO_ROOT)) {
    console.error("emulators: generated the local gateway key pair (.local/, .secret.local)");
  }
  if (args.faults && args.official) {
    console.error("emulators: --faults has no effect on the official database emulator");
  }
  if (!args.official && (only === undefined || only.has("firestore"))) {
    console.error(
      "emulators: Firestore runs on the emulator package's own Firestore (emulator/src/firestore): " +
        "gRPC clients only, composite indexes enforced from firestore.indexes.json, security rules " +
        "NOT enforced, no Firestore triggers (npm run test:official for those).",
    );
  }

  const firebaseArgs = [`emulators:${args.mode}`];
  if (args.command !== undefined) firebaseArgs.push(args.command);
  // The dashboard's CSP names production origins only; the emulators run with a copy of the
  // config that also allows their loopback origins (scripts/lib/local-config.mjs).
  const runConfig = writeLocalConfig(configPath);
  firebaseArgs.push("--project", project, "--config", runConfig, ...args.passthrough);
  const firebase = join(REPO_ROOT, "node_modules", ".bin", "firebase");
  const child = spawn(firebase, firebaseArgs, {
    stdio: "inherit",
    env: emulatorEnv(process.env, { project, official: args.official, faults: args.faults }),
  });
  // A terminal Ctrl-C reaches both processes; firebase-tools ignores a repeat within 100 ms.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("error", (error) => {
    console.error(`emulators: could not run ${firebase}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(`emulators: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
