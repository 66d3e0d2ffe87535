/**
 * The `rtdb-emulator` command as firebase-tools runs it (spec §12.4): its flags, readiness, and a
 * prompt exit 0 on SIGINT. Runs `emulator/lib/cli.js`: build first (`npx tsc -b emulator`).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { USAGE, serverOptionsFromArguments, parseArguments } from "../../src/cli.js";
import { connectRaw, startEmulator, uniqueNamespace, withTimeout } from "../helpers/emulator.js";

describe("parseArguments", () => {
  it("reads --name value, --name=value and bare flags", () => {
    const flags = parseArguments([
      "--host",
      "0.0.0.0",
      "--port=9001",
      "--verbose",
      "--rules",
      "r.json",
    ]);
    expect([...flags]).to.deep.equal([
      ["host", "0.0.0.0"],
      ["port", "9001"],
      ["verbose", "true"],
      ["rules", "r.json"],
    ]);
  });
});

describe("serverOptionsFromArguments", () => {
  it("maps the flags firebase-tools passes and ignores unknown ones", () => {
    const options = serverOptionsFromArguments([
      "--host",
      "127.0.0.1",
      "--port",
      "9000",
      "--single_project_mode",
      "Warning",
      "--functions_emulator_host",
      "127.0.0.1",
      "--functions_emulator_port",
      "5001",
      "--unknown_flag",
      "value",
    ]);
    expect(options).to.deep.equal({
      host: "127.0.0.1",
      port: 9000,
      functionsEmulator: { host: "127.0.0.1", port: 5001 },
      singleProjectMode: "Warning",
    });
  });

  it("rejects a port that is not a number", () => {
    expect(() => serverOptionsFromArguments(["--port", "abc"])).to.throw(/port/);
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
      serverOptionsFromArguments(["--faults=false"], { RTDB_EMULATOR_FAULTS: "1" }),
    ).to.not.have.property("faults");
    expect(serverOptionsFromArguments([])).to.not.have.property("faults");
  });
});

describe("rtdb-emulator --help", () => {
  it("prints the usage and exits 0 without starting a server", () => {
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../lib/cli.js");
    for (const flag of ["--help", "-h"]) {
      const result = spawnSync(process.execPath, [cli, "--port", "0", flag], {
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(result.status, flag).to.equal(0);
      expect(result.stdout).to.equal(USAGE);
      expect(result.stdout).to.not.match(/listening on/);
    }
  });
});

describe("rtdb-emulator", () => {
  it("serves after printing its ready line, applies --rules, and exits 0 on SIGINT", async () => {
    const emulator = await startEmulator({
      mode: "child",
      rules: '{ "rules": { /* nobody */ ".read": false, ".write": false } }',
      args: ["--single_project_mode", "Warning", "--some_future_flag", "x"],
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
