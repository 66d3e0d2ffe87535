/**
 * The `rtdb-emulator` command as firebase-tools runs it (spec §12.4): its flags, readiness, and a
 * prompt exit 0 on SIGINT. Runs `emulator/lib/cli.js`: build first (`npx tsc -b emulator`).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { USAGE, UsageError, serverOptionsFromArguments } from "../../src/cli.js";
import { connectRaw, startEmulator, uniqueNamespace, withTimeout } from "../helpers/emulator.js";

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../lib/cli.js");

describe("serverOptionsFromArguments", () => {
  it("maps the flags firebase-tools passes, as --name value and --name=value", () => {
    const options = serverOptionsFromArguments([
      "--host",
      "127.0.0.1",
      "--port=9000",
      "--single_project_mode",
      "Warning",
      "--functions_emulator_host",
      "127.0.0.1",
      "--functions_emulator_port",
      "5001",
      "--rules",
      "r.json",
    ]);
    expect(options).to.deep.equal({
      host: "127.0.0.1",
      port: 9000,
      functionsEmulator: { host: "127.0.0.1", port: 5001 },
      singleProjectMode: "Warning",
      rulesFile: "r.json",
    });
  });

  it("defaults to 127.0.0.1:9000 without flags", () => {
    expect(serverOptionsFromArguments([])).to.deep.equal({ host: "127.0.0.1", port: 9000 });
  });

  it("rejects an unknown flag, a missing value and a stray argument", () => {
    expect(() => serverOptionsFromArguments(["--unknown_flag", "value"]))
      .to.throw(UsageError)
      .with.property("message")
      .that.matches(/unknown_flag/);
    expect(() => serverOptionsFromArguments(["--port"])).to.throw(UsageError, /port/);
    expect(() => serverOptionsFromArguments(["9000"])).to.throw(UsageError, /9000/);
  });

  it("rejects a port that is not a number", () => {
    expect(() => serverOptionsFromArguments(["--port", "abc"])).to.throw(UsageError, /port/);
    expect(() => serverOptionsFromArguments(["--functions_emulator_port="])).to.throw(/port/);
  });

  it("turns fault control on with --faults or RTDB_EMULATOR_FAULTS=1, and only then", () => {
    expect(serverOptionsFromArguments(["--faults"])).to.include({ faults: true });
    expect(serverOptionsFromArguments([], { RTDB_EMULATOR_FAULTS: "1" })).to.include({
      faults: true,
    });
    expect(serverOptionsFromArguments([], { RTDB_EMULATOR_FAULTS: "0" })).to.not.have.property(
      "faults",
    );
    expect(
      serverOptionsFromArguments(["--no-faults"], { RTDB_EMULATOR_FAULTS: "1" }),
    ).to.not.have.property("faults");
    expect(serverOptionsFromArguments([])).to.not.have.property("faults");
  });
});

describe("rtdb-emulator --help", () => {
  it("prints the usage and exits 0 without starting a server", () => {
    for (const flag of ["--help", "-h"]) {
      const result = spawnSync(process.execPath, [CLI, "--port", "0", "--no-such-flag", flag], {
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(result.status, flag).to.equal(0);
      expect(result.stdout).to.equal(USAGE);
      expect(result.stdout).to.not.match(/listening on/);
    }
  });
});

describe("rtdb-emulator with a flag firebase-tools does not pass", () => {
  it("names the flag, prints the usage on stderr and exits 2 without starting a server", () => {
    for (const args of [["--port", "0", "--prot", "9000"], ["--port", "0", "-x"], ["--port"]]) {
      const result = spawnSync(process.execPath, [CLI, ...args], {
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(result.status, args.join(" ")).to.equal(2);
      expect(result.stdout, args.join(" ")).to.equal("");
      expect(result.stderr).to.match(/^rtdb-emulator: .*(prot|-x|--port)/);
      expect(result.stderr).to.include(USAGE);
    }
  });
});

describe("rtdb-emulator", () => {
  it("serves after printing its ready line, applies --rules, and exits 0 on SIGINT", async () => {
    const emulator = await startEmulator({
      mode: "child",
      rules: '{ "rules": { /* nobody */ ".read": false, ".write": false } }',
      args: ["--single_project_mode", "Warning"],
    });
    const child = emulator.child;
    if (child === undefined) throw new Error("no child process");
    const exit = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        resolve(code);
      }),
    );
    try {
      const raw = await connectRaw(emulator, { namespace: uniqueNamespace() });
      expect((await raw.handshake()).h).to.equal(emulator.hostPort);
      expect((await raw.request("p", { p: "/x", d: 1 })).s).to.equal("permission_denied");
      // A connected client must not hold the process open.
      child.kill("SIGINT");
      expect(await withTimeout(exit, 3000, "the emulator to exit")).to.equal(0);
    } finally {
      await emulator.stop();
    }
  });
});
