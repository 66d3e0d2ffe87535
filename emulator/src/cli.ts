#!/usr/bin/env node
/**
 * `rtdb-emulator`: starts the emulator from the command line. Accepts the flags firebase-tools
 * passes to the database emulator it launches (spec §12.4), so it can stand in for the JAR:
 *   --host <h> --port <p> --functions_emulator_host <h> --functions_emulator_port <p>
 *   --single_project_mode <mode>
 * plus `--rules <file>` (rules for every namespace without rules of its own) and `--faults` (fault
 * control at `/.faults`; also on when the environment has `RTDB_EMULATOR_FAULTS=1`, which is how
 * firebase-tools' launch reaches it). Unknown flags, with or without a value, are ignored. Exits 0
 * on SIGINT/SIGTERM without waiting for clients; `--help` prints the usage and exits 0.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer, type RunningServer, type ServerOptions } from "./transport/server.js";

/** Parses `--name value`, `--name=value` and bare `--name` (value "true"). */
export function parseArguments(argv: readonly string[]): ReadonlyMap<string, string> {
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? "";
    if (!argument.startsWith("-")) continue;
    const name = argument.replace(/^-+/, "");
    const equals = name.indexOf("=");
    if (equals >= 0) {
      flags.set(name.slice(0, equals), name.slice(equals + 1));
      continue;
    }
    const next = argv[index + 1];
    if (next !== undefined && !next.startsWith("--")) {
      flags.set(name, next);
      index++;
    } else {
      flags.set(name, "true");
    }
  }
  return flags;
}

function portFlag(flags: ReadonlyMap<string, string>, name: string): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--${name}: not a port: ${text}`);
  return port;
}

export const USAGE = `Usage: rtdb-emulator [options]

A Firebase Realtime Database emulator on Node (no JVM).

Options:
  --host <host>                      interface to bind (default 127.0.0.1)
  --port <port>                      port to listen on, 0 for a free one (default 9000)
  --rules <file>                     rules for every namespace that has none of its own
  --functions_emulator_host <host>   where function triggers are delivered
  --functions_emulator_port <port>
  --faults                           serve the test fault control at /.faults
                                     (also on with RTDB_EMULATOR_FAULTS=1)
  --help                             print this and exit

Other flags firebase-tools passes are accepted and ignored.
`;

/** `--help` or `-h` anywhere among the arguments. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((argument) => argument === "--help" || argument === "-h");
}

/** Whether fault control is on: `--faults` (unless `--faults=false`) or RTDB_EMULATOR_FAULTS=1. */
export function faultsRequested(
  flags: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const flag = flags.get("faults");
  if (flag !== undefined) return flag !== "false";
  return env["RTDB_EMULATOR_FAULTS"] === "1";
}

export function serverOptionsFromArguments(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ServerOptions {
  const flags = parseArguments(argv);
  const functionsHost = flags.get("functions_emulator_host");
  const functionsPort = portFlag(flags, "functions_emulator_port");
  const rulesFile = flags.get("rules");
  const singleProjectMode = flags.get("single_project_mode");
  return {
    host: flags.get("host") ?? "127.0.0.1",
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
  const options = serverOptionsFromArguments(argv, process.env);
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
