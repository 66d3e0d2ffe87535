/**
 * Every command-line script answers `--help` with its usage (exit 0) and refuses a flag it does not
 * know (non-zero, naming the flag) before doing anything else.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Each script with the arguments that come before its flags (a mode, the tsx loader). */
const SCRIPTS: readonly { readonly script: string; readonly node: readonly string[] }[] = [
  { script: "scripts/emulators.mjs", node: [] },
  { script: "scripts/start.mjs", node: [] },
  { script: "scripts/test.mjs", node: [] },
  { script: "scripts/firestore-emulator.mjs", node: [] },
  { script: "scripts/seed.ts", node: ["--import", "tsx"] },
  { script: "scripts/admin.ts", node: ["--import", "tsx"] },
  { script: "scripts/demo/gateway.ts", node: ["--import", "tsx"] },
  { script: "scripts/demo/measure-start.ts", node: ["--import", "tsx"] },
];

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script to its end; all runs go at once, since most of each is loading TypeScript. */
function run(node: readonly string[], script: string, args: readonly string[]): Promise<Outcome> {
  // No emulator hosts: a script that got past its flags would fail differently, never hang.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.endsWith("_EMULATOR_HOST")),
  );
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...node, join(REPO_ROOT, script), ...args],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000, env },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(new Error(`${script} did not run`, { cause: error }));
          return;
        }
        resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

const outcomes = new Map<string, Promise<Outcome>>();
function outcome(node: readonly string[], script: string, flag: string): Promise<Outcome> {
  const key = `${script} ${flag}`;
  let pending = outcomes.get(key);
  if (pending === undefined) {
    pending = run(node, script, [flag]);
    outcomes.set(key, pending);
  }
  return pending;
}

before(function () {
  this.timeout(120_000);
  for (const { script, node } of SCRIPTS) {
    for (const flag of ["--help", "--no-such-flag"]) void outcome(node, script, flag);
  }
});

for (const { script, node } of SCRIPTS) {
  describe(script, () => {
    it("prints its usage and exits 0 on --help", async () => {
      const result = await outcome(node, script, "--help");
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^Usage:/);
    });

    it("refuses an unknown flag with its name and a non-zero exit", async () => {
      const result = await outcome(node, script, "--no-such-flag");
      expect(result.status, result.stderr).to.not.equal(0);
      expect(result.stderr).to.match(/no-such-flag/);
      expect(result.stdout).to.not.match(/^Usage:/);
    });
  });
}

describe("-h", () => {
  it("is --help", async () => {
    const result = await outcome([], "scripts/test.mjs", "-h");
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^Usage:/);
  });
});
