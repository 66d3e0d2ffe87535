// Builds dashboard/dist (what the Hosting emulator serves) when it is missing or older than its
// sources. Used by `npm start` and by the browser tests, so neither ever shows a stale page.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BUILT = join(ROOT, "dashboard", "dist", "index.html");
/** What the bundle is made of: the page, and the workspace model it imports. */
const INPUTS = [
  join(ROOT, "dashboard", "src"),
  join(ROOT, "dashboard", "index.html"),
  join(ROOT, "dashboard", "package.json"),
  join(ROOT, "dashboard", "tsconfig.json"),
  join(ROOT, "model", "src"),
];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist" || entry === "lib") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function dashboardIsStale() {
  if (!existsSync(BUILT)) return true;
  const builtAt = statSync(BUILT).mtimeMs;
  return INPUTS.some((input) => newestMtime(input) > builtAt);
}

/**
 * Runs the dashboard workspace's build when needed. Returns true when it built; throws when the
 * build fails. `log` receives one line before a build starts.
 */
export function ensureDashboardBuilt({ log = (line) => console.error(line) } = {}) {
  if (!dashboardIsStale()) return false;
  log("building the dashboard (dashboard/dist)…");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "build", "--workspace", "dashboard"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    throw new Error(`the dashboard build failed (exit ${result.status ?? result.signal})`);
  }
  return true;
}

// Run directly (the browser tests do): build if needed, exit non-zero when the build fails.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    ensureDashboardBuilt();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
