// Command-line parsing shared by the scripts: node:util parseArgs in strict mode, plus `--help`/`-h`
// (usage on stdout, exit 0) and a clear error for an unknown flag or a missing value (the error and
// the usage on stderr, exit 2), so a typo never runs with a default instead.
import process from "node:process";
import { parseArgs } from "node:util";

/** Bad usage: the message and the usage to show with it (exit 2). */
export class UsageError extends Error {
  constructor(message, usage) {
    super(message);
    this.name = "UsageError";
    this.usage = usage.endsWith("\n") ? usage : `${usage}\n`;
  }
}

/**
 * parseCommandLine without leaving the process: returns `{help: true}` for `--help`/`-h`, throws
 * `UsageError` for bad usage, else returns parseArgs' result with `tokens` and `help: false`. For
 * programs run in-process too (the admin CLI and its tests).
 */
export function parseCommand({ usage, options = {}, allowPositionals = false, args }) {
  if (args.includes("--help") || args.includes("-h")) return { help: true };
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
      tokens: true,
    });
    return { ...parsed, help: false };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}

/**
 * Parses `args` (default: this process's arguments) against `options` (parseArgs' format; `help`
 * is added). Exits the process for `--help` and for bad usage; otherwise returns parseArgs' result
 * with `tokens`.
 */
export function parseCommandLine({
  name,
  usage,
  options = {},
  allowPositionals = false,
  args = process.argv.slice(2),
}) {
  const text = usage.endsWith("\n") ? usage : `${usage}\n`;
  try {
    const parsed = parseCommand({ usage: text, options, allowPositionals, args });
    if (parsed.help) {
      process.stdout.write(text);
      process.exit(0);
    }
    const { values, positionals, tokens } = parsed;
    return { values, positionals, tokens };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n\n${text}`);
    process.exit(2);
  }
}
