// `npm run bench:load -- <options>`: runs bench/load.ts inside the emulator suite with <options>
// (npm hands them to this script; the suite's own launcher would take them as its options).
import { spawnSync } from "node:child_process";

const quoted = process.argv.slice(2).map((arg) => `'${arg.replaceAll("'", "'\\''")}'`);
const result = spawnSync(
  process.execPath,
  [
    "scripts/emulators.mjs",
    "exec",
    ["node --import tsx bench/load.ts", ...quoted].join(" "),
    "--only",
    "auth,functions,database,firestore",
  ],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
