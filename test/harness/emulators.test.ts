/** scripts/emulators.mjs: argument handling and the environment it gives `firebase emulators:*`. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHIM_DIR = join(REPO_ROOT, "scripts", "java-shim");
const SCRIPT_URL = pathToFileURL(join(REPO_ROOT, "scripts", "emulators.mjs")).href;

/**
 * Calls an export of scripts/emulators.mjs in a fresh Node process (it is plain JavaScript without
 * type declarations) and returns its JSON-encoded result; Sets become arrays. A throw becomes
 * `{ thrown: message }`.
 */
function call(name: string, ...args: unknown[]): unknown {
  const code = `
    const m = await import(${JSON.stringify(SCRIPT_URL)});
    const args = JSON.parse(process.argv[1]);
    let result;
    try { result = m[${JSON.stringify(name)}](...args); } catch (e) { result = { thrown: e.message }; }
    process.stdout.write(JSON.stringify(result, (k, v) => (v instanceof Set ? [...v] : v) ?? null));
  `;
  const child = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", code, JSON.stringify(args)],
    {
      encoding: "utf8",
    },
  );
  if (child.status !== 0) throw new Error(`emulators.mjs ${name} failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

function parseArgs(argv: string[]): Record<string, unknown> {
  const result = call("parseArgs", argv);
  if (typeof result !== "object" || result === null) throw new Error("parseArgs: not an object");
  return { ...result };
}

function onlyEmulators(passthrough: string[]): unknown {
  return call("onlyEmulators", passthrough);
}

function resolveProject(project: string | null, configPath: string): unknown {
  return call("resolveProject", project, configPath);
}

function isStale(output: string, inputs: string[]): unknown {
  return call("isStale", output, inputs);
}

function emulatorEnv(
  baseEnv: Record<string, string>,
  options: { project: string; official: boolean },
): Record<string, string | undefined> {
  const result = call("emulatorEnv", baseEnv, options);
  if (typeof result !== "object" || result === null) throw new Error("emulatorEnv: not an object");
  return Object.fromEntries(
    Object.entries(result).map(([key, value]) => [
      key,
      typeof value === "string" ? value : undefined,
    ]),
  );
}

describe("parseArgs", () => {
  it("returns the exec command and keeps firebase's flags in order", () => {
    const args = parseArgs(["exec", "mocha x", "--only", "database,functions", "--import=dir"]);
    expect(args.mode).to.equal("exec");
    expect(args.command).to.equal("mocha x");
    expect(args.official).to.equal(false);
    expect(args.passthrough).to.deep.equal(["--only", "database,functions", "--import=dir"]);
  });

  it("takes --official, --project and --config out of the firebase flags", () => {
    const args = parseArgs(["start", "--official", "--project=demo-a", "--config", "f.json"]);
    expect(args).to.deep.include({ mode: "start", official: true, project: "demo-a" });
    expect(args.config).to.equal("f.json");
    expect(args.passthrough).to.deep.equal([]);
  });

  it("takes our switches before the exec command and firebase's flags after it", () => {
    const args = parseArgs(["exec", "--faults", "mocha y", "--ui", "--log-verbosity", "QUIET"]);
    expect(args).to.deep.include({ mode: "exec", command: "mocha y", faults: true });
    expect(args.passthrough).to.deep.equal(["--ui", "--log-verbosity", "QUIET"]);
  });

  it("rejects exec without a command, unknown modes, stray arguments and unknown flags", () => {
    expect(parseArgs(["exec", "--only", "database"])["thrown"]).to.match(/needs the command/);
    expect(parseArgs(["serve"])["thrown"]).to.match(/expected exec or start/);
    expect(parseArgs(["start", "extra"])["thrown"]).to.match(/unexpected argument extra/);
    expect(parseArgs(["exec", "mocha", "--onyl", "database"])["thrown"]).to.match(/--onyl/);
    expect(parseArgs(["exec", "mocha", "--project"])["thrown"]).to.match(/--project/);
    for (const message of [
      parseArgs(["serve"])["thrown"],
      parseArgs(["exec", "mocha", "--onyl", "x"])["thrown"],
    ]) {
      expect(message).to.match(/Usage:/);
    }
  });
});

describe("onlyEmulators", () => {
  it("returns the --only names without :target suffixes, or undefined", () => {
    expect(onlyEmulators(["--only", "database:main,functions"])).to.deep.equal([
      "database",
      "functions",
    ]);
    expect(onlyEmulators(["--only=firestore"])).to.deep.equal(["firestore"]);
    expect(onlyEmulators(["--import", "x"])).to.equal(null);
  });
});

describe("resolveProject", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "emulators-project-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns --project, else the .firebaserc default next to the config, else demo-lifeline", () => {
    const config = join(dir, "firebase.json");
    expect(resolveProject(null, config)).to.equal("demo-lifeline");
    writeFileSync(join(dir, ".firebaserc"), JSON.stringify({ projects: { default: "demo-rc" } }));
    expect(resolveProject(null, config)).to.equal("demo-rc");
    expect(resolveProject("demo-flag", config)).to.equal("demo-flag");
  });
});

describe("isStale", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "emulators-stale-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns true for a missing output or a source newer than it, false otherwise", () => {
    const src = join(dir, "src");
    mkdirSync(join(src, "deep"), { recursive: true });
    const source = join(src, "deep", "a.ts");
    const output = join(dir, "out.js");
    writeFileSync(source, "");
    expect(isStale(output, [src])).to.equal(true);
    writeFileSync(output, "");
    const built = statSync(output).mtime;
    utimesSync(source, new Date(built.getTime() - 60_000), new Date(built.getTime() - 60_000));
    expect(isStale(output, [src])).to.equal(false);
    utimesSync(source, new Date(built.getTime() + 60_000), new Date(built.getTime() + 60_000));
    expect(isStale(output, [src])).to.equal(true);
  });
});

describe("emulatorEnv", () => {
  it("puts the shim first on PATH and points both binary paths at existing placeholders", () => {
    const env = emulatorEnv({ PATH: "/usr/bin" }, { project: "demo-p", official: false });
    expect(env["PATH"]).to.equal(`${SHIM_DIR}${delimiter}/usr/bin`);
    for (const name of ["DATABASE_EMULATOR_BINARY_PATH", "FIRESTORE_EMULATOR_BINARY_PATH"]) {
      const path = env[name];
      if (path === undefined) throw new Error(`${name} is not set`);
      expect(statSync(path).isFile()).to.equal(true);
    }
    expect(env["LIFELINE_NODE"]).to.equal(process.execPath);
  });

  it("pins one namespace, <project>-default-rtdb, for the functions and the exec'd command", () => {
    const env = emulatorEnv({ PATH: "/usr/bin" }, { project: "demo-p", official: true });
    expect(env["DATABASE_URL"]).to.equal("https://demo-p-default-rtdb.firebaseio.com");
    const config: unknown = JSON.parse(env["FIREBASE_CONFIG"] ?? "null");
    expect(config).to.deep.include({
      projectId: "demo-p",
      databaseURL: "https://demo-p-default-rtdb.firebaseio.com",
    });
  });

  it("leaves PATH and the binary paths alone with --official", () => {
    const env = emulatorEnv({ PATH: "/usr/bin" }, { project: "demo-p", official: true });
    expect(env["PATH"]).to.equal("/usr/bin");
    expect(env["DATABASE_EMULATOR_BINARY_PATH"]).to.equal(undefined);
    expect(env["FIRESTORE_EMULATOR_BINARY_PATH"]).to.equal(undefined);
  });

  it("keeps a DATABASE_URL the caller already set", () => {
    const env = emulatorEnv(
      { DATABASE_URL: "https://other.firebaseio.com" },
      { project: "demo-p", official: true },
    );
    expect(env["DATABASE_URL"]).to.equal("https://other.firebaseio.com");
  });
});
