#!/usr/bin/env node
/**
 * `rtdb-emulator`: starts the emulator from the command line. Accepts the flags firebase-tools
 * passes to the database emulator it launches (spec §12.4; `Commands.database.optionalArgs` in
 * firebase-tools' downloadableEmulators.js), so it can stand in for the JAR:
 *   --host <h> --port <p> --functions_emulator_host <h> --functions_emulator_port <p>
 *   --single_project_mode <mode>
 * plus `--rules <file>` (rules for every namespace without rules of its own) and `--faults` (fault
 * control at `/.faults`; also on when the environment has `RTDB_EMULATOR_FAULTS=1`, which is how
 * firebase-tools' launch reaches it; `--no-faults` overrides that). Any other flag is refused with
 * exit 2, so a typo never starts a server on the defaults. Exits 0 on SIGINT/SIGTERM without
 * waiting for clients; `--help` prints the usage and exits 0.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startServer, type RunningServer, type ServerOptions } from "./transport/server.js";

export const USAGE = `Usage: rtdb-emulator [options]

A Firebase Realtime Database emulator on Node (no JVM).

Options:
  --host <host>                      interface to bind (default 127.0.0.1)
  --port <port>                      port to listen on, 0 for a free one (default 9000)
  --rules <file>                     rules for every namespace that has none of its own
  --functions_emulator_host <host>   where function triggers are delivered
  --functions_emulator_port <port>
  --single_project_mode <mode>       accepted from firebase-tools; namespaces stay isolated
  --faults                           serve the test fault control at /.faults
                                     (also on with RTDB_EMULATOR_FAULTS=1)
  --no-faults                        fault control off even with RTDB_EMULATOR_FAULTS=1
  --help, -h                         print this and exit
`;

/** A command line that cannot be run; the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  rules: { type: "string" },
  functions_emulator_host: { type: "string" },
  functions_emulator_port: { type: "string" },
  single_project_mode: { type: "string" },
  faults: { type: "boolean" },
  "no-faults": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false })
      .values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function portFlag(flags: Flags, name: "port" | "functions_emulator_port"): number | undefined {
  const text = flags[name];
  if (text === undefined) return undefined;
  const port = Number(text);
  if (text.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--${name}: not a port: ${text}`);
  return port;
}

/** `--help` or `-h` anywhere among the arguments (answered even next to a bad flag). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((argument) => argument === "--help" || argument === "-h");
}

/** Fault control: on with `--faults`, off with `--no-faults`, else RTDB_EMULATOR_FAULTS=1. */
export function faultsRequested(
  flags: Pick<Flags, "faults" | "no-faults">,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (flags.faults === true) return true;
  if (flags["no-faults"] === true) return false;
  return env["RTDB_EMULATOR_FAULTS"] === "1";
}

/** The server options a command line asks for; UsageError for an unknown flag or a bad value. */
export function serverOptionsFromArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ServerOptions {
  const flags = parseFlags(argv);
  const functionsHost = flags.functions_emulator_host;
  const functionsPort = portFlag(flags, "functions_emulator_port");
  const rulesFile = flags.rules;
  const singleProjectMode = flags.single_project_mode;
  return {
    host: flags.host ?? "127.0.0.1",
    port: portFlag(flags, "port") ?? 9000,
    ...(functionsPort === undefined
      ? {}
      : { functionsEmulator: { host: functionsHost ?? "127.0.0.1", port: functionsPort } }),
    ...(rulesFile === undefined ? {} : { rulesFile }),
    ...(singleProjectMode === undefined ? {} : { singleProjectMode }),
    ...(faultsRequested(flags, env) ? { faults: true } : {}),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE);
    return;
  }
  let options: ServerOptions;
  try {
    options = serverOptionsFromArguments(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`rtdb-emulator: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const running: { server?: RunningServer } = {};
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Exit even if a client keeps a connection half-open.
    setTimeout(() => process.exit(0), 1000).unref();
    if (running.server === undefined) process.exit(0);
    else void running.server.close().then(() => process.exit(0));
  };
  // Before listening: firebase-tools may signal as soon as the port answers.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const server = await startServer(options);
  running.server = server;
  process.stdout.write(`rtdb-emulator: listening on ${server.url}\n`);
  if (server.faults.enabled) {
    process.stdout.write(`rtdb-emulator: fault control on at ${server.url}/.faults\n`);
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `rtdb-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
