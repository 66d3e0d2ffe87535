/**
 * The admin CLI run in process, as `npm run admin` runs it, on the test's emulator suite: its
 * output captured, its stores the test's Admin SDK app (the default instance as its database).
 */
import { expect } from "chai";
import { cliTargets, type Admin } from "../../functions/test/emulator/support/emulators.js";
import { runAdmin } from "../../scripts/admin.js";

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run admin -- <args>` against the stores of `admin()` (read when the command runs). */
export async function runCli(admin: () => Admin, ...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runAdmin(
    args,
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    },
    () => ({
      targets: cliTargets(admin()),
      where: "the test's emulator suite",
      close: () => Promise.resolve(),
    }),
  );
  return { code, stdout, stderr };
}

/** Runs a command that must succeed with `--json` and answers its parsed output. */
export async function runCliJson(admin: () => Admin, ...args: string[]): Promise<unknown> {
  const run = await runCli(admin, ...args, "--json");
  expect(run.code, run.stderr).to.equal(0);
  return JSON.parse(run.stdout) as unknown;
}
