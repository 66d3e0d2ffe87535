#!/usr/bin/env node
// Runs the firebase-tools suite (spec §16 items 29–31): the fixture project in ./fixture on
// `firebase emulators:exec` through scripts/emulators.mjs, with the mocha run inside it.
// Extra arguments go to scripts/emulators.mjs (e.g. --official). Without --official the run has
// fault control on (--faults), which proves the variable reaches the emulator through firebase-tools.
import { spawnSync } from "node:child_process";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..", "..");
const specs = `${relative(root, here)}/**/*.test.ts`;
const mocha = [
  "node_modules/.bin/mocha",
  "--import=tsx",
  "--require emulator/test/setup.ts",
  "--forbid-only",
  "--timeout 60000",
  `'${specs}'`,
].join(" ");

const result = spawnSync(
  process.execPath,
  [
    join(root, "scripts", "emulators.mjs"),
    "exec",
    mocha,
    "--only",
    "database,functions",
    "--project",
    "demo-conformance",
    "--config",
    join(here, "fixture", "firebase.json"),
    ...process.argv.slice(2),
    ...(process.argv.includes("--official") ? [] : ["--faults"]),
  ],
  { cwd: root, stdio: "inherit" },
);
process.exitCode = result.status ?? 1;
