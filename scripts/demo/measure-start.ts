/**
 * Measures what a newcomer sees after `npm start`: runs it, signs in to the dashboard as the demo
 * dispatcher in Chromium as soon as the URL is printed, notes when the first call, the first
 * critical call, the missed call and the vitals alert appear, then presses "Ctrl-C" (SIGINT) and
 * notes how long the shutdown takes and its exit code. The numbers in README "Run it" come from it.
 *
 *   node --import tsx scripts/demo/measure-start.ts [--screenshot <file.png>]
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { chromium, type Page } from "playwright-core";
import { parseCommandLine } from "../lib/cli-args.mjs";
import { DEMO_PASSWORD } from "../seed.js";
import { DASHBOARD_URL } from "./gateway.js";

const USAGE = `Usage: node --import tsx scripts/demo/measure-start.ts [--screenshot <file.png>] [--verbose | --debug]

Runs \`npm start\`, signs in to the dashboard in Chromium and times what a newcomer sees.
--verbose and --debug are passed to scripts/start.mjs.
`;
const WAIT_MS = 120_000;
const started = Date.now();
const marks: [string, number][] = [];

function mark(what: string): void {
  const seconds = (Date.now() - started) / 1000;
  marks.push([what, seconds]);
  console.error(`[measure ${seconds.toFixed(1)} s] ${what}`);
}

async function watchDashboard(page: Page): Promise<void> {
  await page.goto(DASHBOARD_URL);
  await page.fill('[data-testid="signin-email"]', "dispatcher@demo.lifeline.test");
  await page.fill('[data-testid="signin-password"]', DEMO_PASSWORD);
  await page.click('[data-testid="signin-submit"]');
  await page.waitForSelector('[data-testid="connection-indicator"][data-state="online"]');
  mark("dispatcher signed in, dashboard live");
  const waits: [string, string][] = [
    ['[data-testid="call-row"]', "first call visible"],
    ['[data-testid="call-row"][data-urgency="urgent"]', "first urgent call visible"],
    ['[data-testid="call-row"][data-urgency="critical"]', "first critical call visible"],
    ['[data-testid="critical-banner"]:not([hidden])', "critical banner shown"],
    ['[data-testid="alert-row"][data-kind="missed_call"]', "missed-call alert visible"],
    ['[data-testid="alert-row"][data-kind="vitals"]', "vitals alert visible"],
  ];
  await Promise.all(
    waits.map(async ([selector, what]) => {
      await page.waitForSelector(selector, { state: "attached", timeout: WAIT_MS });
      mark(what);
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseCommandLine({
    name: "measure-start",
    usage: USAGE,
    options: {
      screenshot: { type: "string" },
      debug: { type: "boolean" },
      verbose: { type: "boolean" },
    },
  });
  const screenshotPath =
    typeof values["screenshot"] === "string" ? values["screenshot"] : undefined;
  const passthrough = (["debug", "verbose"] as const)
    .filter((name) => values[name] === true)
    .map((name) => `--${name}`);
  const child = spawn(process.execPath, ["scripts/start.mjs", ...passthrough], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      resolve(code);
    });
  });
  const urlPrinted = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      console.log(line);
      if (line.includes(`Dashboard:  ${DASHBOARD_URL}`)) {
        mark("dashboard URL and logins printed");
        resolve();
      }
      if (/\[demo [\d:]+\] .*caller:/.test(line) && !marks.some(([m]) => m === "first turn")) {
        mark("first turn");
      }
    });
  });
  await urlPrinted;

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(WAIT_MS);
    await watchDashboard(page);
    if (screenshotPath !== undefined) await page.screenshot({ path: screenshotPath });
  } finally {
    await browser.close();
  }

  const stopAt = Date.now();
  child.kill("SIGINT");
  const code = await exited;
  mark(
    `npm start exited with code ${String(code)} ${((Date.now() - stopAt) / 1000).toFixed(1)} s after SIGINT`,
  );
  console.log("\nseconds after npm start:");
  for (const [what, seconds] of marks) console.log(`  ${seconds.toFixed(1).padStart(6)}  ${what}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
