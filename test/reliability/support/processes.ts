/**
 * The processes of the emulator suite this test run belongs to, for the faults that act on a
 * process (a Functions worker killed, Firestore frozen). Only processes of this run are ever
 * signalled: other emulator suites may be running on the same machine, so every pid is checked to
 * descend from the `firebase emulators:exec` that runs this test.
 *
 * Linux only (reads /proc), like the rest of the local stack.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { exported } from "../../../functions/test/emulator/support/emulators.js";

function parentOf(pid: number): number | undefined {
  try {
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so read from the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

function environment(pid: number): Map<string, string> {
  try {
    const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
    return new Map(
      entries.map((entry) => [
        entry.slice(0, entry.indexOf("=")),
        entry.slice(entry.indexOf("=") + 1),
      ]),
    );
  } catch {
    return new Map();
  }
}

/** The firebase-tools process (`firebase emulators:exec …`) this test runs under. */
export function suiteRoot(): number {
  let pid: number | undefined = process.pid;
  while (pid !== undefined && pid > 1) {
    const args = commandLine(pid);
    if (args.some((arg) => arg.startsWith("emulators:")) && args.some((a) => /firebase/.test(a))) {
      return pid;
    }
    pid = parentOf(pid);
  }
  throw new Error("this test does not run under `firebase emulators:exec`");
}

/** Every live descendant of `root`. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    if (pid === undefined) break;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function isOurs(pid: number): boolean {
  return descendants(suiteRoot()).includes(pid);
}

/**
 * The Functions emulator's worker processes serving `functionName` (the emulator starts one Node
 * process per busy function, running its `functionsEmulatorRuntime`, with FUNCTION_TARGET set).
 */
export function functionWorkers(functionName: string): number[] {
  return descendants(suiteRoot()).filter(
    (pid) =>
      commandLine(pid).some((arg) => arg.includes("functionsEmulatorRuntime")) &&
      environment(pid).get("FUNCTION_TARGET") === functionName,
  );
}

/** The pid of an emulator firebase-tools runs as its own process (database, firestore), from the Hub. */
export async function emulatorPid(name: "database" | "firestore"): Promise<number> {
  const response = await fetch(`http://${exported("FIREBASE_EMULATOR_HUB")}/emulators`);
  const emulators = (await response.json()) as Record<string, { pid?: unknown } | undefined>;
  const pid = emulators[name]?.pid;
  if (typeof pid !== "number" || pid <= 0) throw new Error(`the Hub gives no pid for ${name}`);
  if (!isOurs(pid)) throw new Error(`${name} (pid ${pid}) is not a process of this emulator suite`);
  return pid;
}

/** Sends `signal` to a process of this suite, refusing any other. */
export function signal(pid: number, name: NodeJS.Signals): void {
  if (!isOurs(pid)) throw new Error(`pid ${pid} is not a process of this emulator suite`);
  process.kill(pid, name);
}

/**
 * SIGKILLs processes of this suite and resolves once their parent has reaped them: only then has
 * the Functions emulator seen its workers exit and stopped routing requests to them.
 */
export async function killAndReap(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  for (const pid of pids) signal(pid, "SIGKILL");
  const deadline = Date.now() + timeoutMs;
  while (pids.some((pid) => existsSync(`/proc/${pid}`))) {
    if (Date.now() > deadline) throw new Error(`pids ${pids.join(", ")} were not reaped`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
