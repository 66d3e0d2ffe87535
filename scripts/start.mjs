#!/usr/bin/env node
// `npm start`: Lifeline running locally, for a newcomer, in one command.
//
//   1. builds what is missing or stale: the functions (scripts/emulators.mjs does that) and the
//      dashboard (dashboard/dist, which the Hosting emulator serves);
//   2. runs the emulator suite (auth, functions, database, firestore, hosting) with
//      scripts/demo/gateway.ts inside it: seed, dashboard URL and logins, then simulated calls.
//
// Ctrl-C (or SIGTERM) stops everything and exits 0, in an order that lets every piece finish:
//   - the suite runs in its own process group, so a terminal's Ctrl-C reaches this script only.
//     (Delivered to the whole group, it also kills the Functions emulator's workers mid-request,
//     and firebase-tools then waits 60 s for work that will never finish.);
//   - the demo gets end-of-file on its stdin (a pipe from here, inherited through firebase-tools)
//     and stops placing calls;
//   - firebase-tools gets SIGINT (through emulators.mjs) and shuts the emulators down cleanly;
//     if that takes longer than SHUTDOWN_GRACE_MS (or Ctrl-C is pressed again) it gets a second
//     SIGINT, which makes it stop at once, and what it leaves running gets SIGTERM: the process
//     group, and the database and Firestore emulators whose pids the demo recorded.
// `npm start -- --verbose` shows the emulators' full log (`--debug`: firebase-tools' debug log);
// by default it is QUIET (warnings, errors and the functions' warnings) and passed through
// scripts/lib/quiet-log.mjs, which drops the lines that are expected here and only sound
// alarming, so the demo's story stays readable.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensureDashboardBuilt } from "./demo/dashboard-build.mjs";
import { parseCommandLine } from "./lib/cli-args.mjs";
import { quietLine } from "./lib/quiet-log.mjs";

const USAGE = `Usage: npm start [-- --verbose | --debug] [--twilio]
       node scripts/start.mjs [--verbose | --debug] [--twilio]

Builds what is stale, runs the emulator suite with the demo inside it; Ctrl-C stops everything.

Options:
  --verbose   show the emulators' full log (default: QUIET)
  --debug     firebase-tools' debug log
  --twilio    the demo's calls and texts go through the Twilio stand-in and the Twilio webhooks
  --help, -h  print this and exit
`;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const startedAt = Date.now();
const DEMO_COMMAND = "node --import tsx scripts/demo/gateway.ts";
const EMULATORS = "auth,functions,database,firestore,hosting";
/**
 * How long firebase-tools may take to stop on its own. It waits up to 60 s for running functions,
 * and an escalation task waiting for its due time (functions/src/store/tasks.ts) is one.
 */
const SHUTDOWN_GRACE_MS = 10_000;
const SIGNAL_REPEAT_MS = 500;
/** Where the demo writes the pids of the emulators firebase-tools runs detached. */
const PIDS_FILE = join(tmpdir(), `lifeline-start-${process.pid}-emulators.json`);

function say(line) {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(`[start ${seconds} s] ${line}`);
}

function buildDashboard() {
  try {
    ensureDashboardBuilt({ log: say });
  } catch (error) {
    console.error(`start: ${error.message}; fix it and run npm start again.`);
    process.exit(1);
  }
}

/** Copies `from` to `to` line by line, through the quiet filter. */
function filterLines(from, to) {
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
    const shown = quietLine(line);
    if (shown !== null) to.write(`${shown}\n`);
  });
}

/** Ends the emulators the demo recorded (scripts/demo/gateway.ts) that are still running. */
function stopLeftoverEmulators() {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(PIDS_FILE, "utf8"));
    rmSync(PIDS_FILE, { force: true });
  } catch {
    return;
  }
  for (const { name, pid } of Array.isArray(recorded) ? recorded : []) {
    if (!Number.isInteger(pid) || pid <= 0) continue;
    // Only a process that is still one of ours: pids are reused.
    let commandLine;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!commandLine.includes("emulator")) continue;
    try {
      process.kill(pid, "SIGTERM");
      say(`stopped the ${name} emulator firebase-tools left running (pid ${pid})`);
    } catch {
      // Gone meanwhile.
    }
  }
}

function main() {
  const { values } = parseCommandLine({
    name: "start",
    usage: USAGE,
    options: {
      verbose: { type: "boolean" },
      debug: { type: "boolean" },
      twilio: { type: "boolean" },
    },
  });
  const verbose = values.verbose === true;
  buildDashboard();
  say("starting the emulator suite, about 30–60 s (the functions are built first if needed)…");
  const demo = values.twilio === true ? `${DEMO_COMMAND} --twilio` : DEMO_COMMAND;
  const args = [join(ROOT, "scripts", "emulators.mjs"), "exec", demo, "--only", EMULATORS];
  if (values.debug === true) args.push("--debug");
  else if (!verbose) args.push("--log-verbosity", "QUIET");
  const quiet = !verbose && values.debug !== true;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["pipe", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
    detached: true,
    env: {
      ...process.env,
      // Piped output is no terminal: keep the colours the terminal would have shown.
      ...(quiet && process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}),
      LIFELINE_START_MS: String(startedAt),
      LIFELINE_STOP_ON_STDIN_EOF: "1",
      LIFELINE_EMULATOR_PIDS_FILE: PIDS_FILE,
    },
  });
  if (quiet) {
    filterLines(child.stdout, process.stdout);
    filterLines(child.stderr, process.stderr);
  }
  let stopping = false;
  const interrupt = () => {
    try {
      child.kill("SIGINT");
    } catch {
      // Already gone.
    }
  };
  let lastSignalAt = 0;
  const stop = (signal) => {
    // From a terminal, Ctrl-C reaches npm and this script together, and npm passes it on: one
    // keypress, two signals a few milliseconds apart.
    const now = Date.now();
    const repeat = now - lastSignalAt < SIGNAL_REPEAT_MS;
    lastSignalAt = now;
    if (repeat) return;
    if (stopping) {
      // Asked again: firebase-tools stops at once on a second SIGINT.
      say(`${signal} again: stopping now…`);
      interrupt();
      return;
    }
    stopping = true;
    say(`${signal}: stopping the demo and the emulators…`);
    child.stdin.end();
    interrupt();
    setTimeout(() => {
      say(
        `still stopping after ${SHUTDOWN_GRACE_MS / 1000} s (a function is still running): stopping now…`,
      );
      interrupt();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
  child.on("error", (error) => {
    console.error(`start: could not run the emulators: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    // What a forced stop leaves behind: the Functions workers (still in the suite's process
    // group) and the database and Firestore emulators (firebase-tools starts those detached).
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Nothing left in the group.
    }
    stopLeftoverEmulators();
    if (stopping) {
      say("stopped.");
      process.exit(0);
    }
    // The demo only ends when asked to: anything else is a failure worth reporting.
    console.error(`start: the emulator suite exited (${signal ?? `code ${code}`}).`);
    process.exit(code === 0 || code === null ? 1 : code);
  });
}

main();
