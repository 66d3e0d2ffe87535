/**
 * scripts/java-shim/java on its own: the version probe firebase-tools runs, routing of the two
 * emulator "JARs" to Node, and pass-through of everything else to the real java.
 */
import { expect } from "chai";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHIM_DIR = join(REPO_ROOT, "scripts", "java-shim");

const SHIM = join(SHIM_DIR, "java");
// The exact regex of firebase-tools 15 (lib/emulator/commandUtils.js, JAVA_VERSION_REGEX).
const FIREBASE_TOOLS_JAVA_VERSION = /version "([1-9][0-9]*)/;
const PATH_WITHOUT_SHIM = (process.env["PATH"] ?? "")
  .split(delimiter)
  .filter((dir) => dir !== SHIM_DIR)
  .join(delimiter);

function runJava(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync("java", args, {
    encoding: "utf8",
    env: { ...process.env, PATH: `${SHIM_DIR}${delimiter}${PATH_WITHOUT_SHIM}`, ...env },
  });
}

/** `java.specification.version` as printed by -XshowSettings:properties, or undefined. */
function specificationVersion(output: string): string | undefined {
  return /java\.specification\.version = (\S+)/.exec(output)?.[1];
}

describe("java shim (scripts/java-shim/java)", () => {
  let scratch: string;
  let fakeNode: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "java-shim-test-"));
    // Stands in for node: prints the arguments it was given, one per line.
    fakeNode = join(scratch, "fake-node");
    writeFileSync(fakeNode, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    chmodSync(fakeNode, 0o755);
  });

  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it("is what `java` resolves to when its directory is first on PATH", () => {
    const which = spawnSync("sh", ["-c", "command -v java"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${SHIM_DIR}${delimiter}${PATH_WITHOUT_SHIM}` },
    });
    expect(which.stdout.trim()).to.equal(SHIM);
  });

  it("answers firebase-tools' version probe on stderr with a major version of 21", () => {
    const result = runJava(["-Duser.language=en", "-Dfile.encoding=UTF-8", "-version"]);
    expect(result.status).to.equal(0);
    expect(result.stdout).to.equal("");
    const match = FIREBASE_TOOLS_JAVA_VERSION.exec(`${result.stdout}\n${result.stderr}`);
    expect(match?.[1]).to.equal("21");
    expect(result.stderr).to.contain('openjdk version "21.0.0"');
  });

  it("routes -jar $DATABASE_EMULATOR_BINARY_PATH to node emulator/lib/cli.js with the flags", () => {
    const jar = join(scratch, "database-emulator.jar");
    const result = runJava(
      [
        "-Duser.language=en",
        "-jar",
        jar,
        "--host",
        "127.0.0.1",
        "--port",
        "9000",
        "--single_project_mode",
        "Warning",
      ],
      { DATABASE_EMULATOR_BINARY_PATH: jar, LIFELINE_NODE: fakeNode },
    );
    expect(result.status).to.equal(0);
    expect(result.stdout.split("\n").filter(Boolean)).to.deep.equal([
      join(REPO_ROOT, "emulator", "lib", "cli.js"),
      "--host",
      "127.0.0.1",
      "--port",
      "9000",
      "--single_project_mode",
      "Warning",
    ]);
  });

  it("routes -jar $FIRESTORE_EMULATOR_BINARY_PATH to scripts/firestore-emulator.mjs", () => {
    const jar = join(scratch, "firestore-emulator.jar");
    const result = runJava(
      [
        "-Dgoogle.cloud_firestore.debug_log_level=FINE",
        "-Duser.language=en",
        "-jar",
        jar,
        "--host",
        "::1",
        "--project_id",
        "demo-x",
      ],
      { FIRESTORE_EMULATOR_BINARY_PATH: jar, LIFELINE_NODE: fakeNode },
    );
    expect(result.status).to.equal(0);
    expect(result.stdout.split("\n").filter(Boolean)).to.deep.equal([
      join(REPO_ROOT, "scripts", "firestore-emulator.mjs"),
      "--host",
      "::1",
      "--project_id",
      "demo-x",
    ]);
  });

  it("passes a -jar of any other file to the real java", () => {
    const other = join(scratch, "someone-elses.jar");
    const result = runJava(["-jar", other], {
      DATABASE_EMULATOR_BINARY_PATH: join(scratch, "database-emulator.jar"),
      LIFELINE_NODE: fakeNode,
    });
    expect(result.stdout).not.to.contain("cli.js");
    expect(result.stderr).to.contain("Unable to access jarfile");
    expect(result.status).to.not.equal(0);
  });

  it("passes other invocations to the real java, which reports its own version", () => {
    const real = spawnSync("java", ["-XshowSettings:properties", "-version"], {
      encoding: "utf8",
      env: { ...process.env, PATH: PATH_WITHOUT_SHIM },
    });
    if (real.error !== undefined) {
      // No java on this machine: the shim must say so rather than loop or pretend.
      const result = runJava(["-cp", scratch, "NoSuchClass"]);
      expect(result.status).to.equal(127);
      expect(result.stderr).to.contain("no real java found");
      return;
    }
    const expected = specificationVersion(real.stderr);
    expect(expected).to.be.a("string");
    const result = runJava(["-XshowSettings:properties", "-cp", scratch, "NoSuchClass"]);
    expect(specificationVersion(result.stderr)).to.equal(expected);
    expect(result.stderr).to.contain("NoSuchClass");
  });

  it("exits 127 instead of calling itself when it is the only java on PATH", () => {
    const result = spawnSync(SHIM, ["-cp", scratch, "NoSuchClass"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${SHIM_DIR}${delimiter}${scratch}` },
    });
    expect(result.status).to.equal(127);
    expect(result.stderr).to.contain("no real java found on PATH");
  });
});
