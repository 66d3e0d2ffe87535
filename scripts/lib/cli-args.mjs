// Command-line parsing shared by the scripts: node:util parseArgs in strict mode, plus `--help`/`-h`
// (usage on stdout, exit 0) and a clear error for an unknown flag or a missing value (the error and
// the usage on stderr, exit 2), so a typo never runs with a default instead.
import process from "node:process";
import { parseArgs } from "node:util";

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
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(text);
    process.exit(0);
  }
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    process.stderr.write(
      `${name}: ${error instanceof Error ? error.message : String(error)}\n\n${text}`,
    );
    process.exit(2);
  }
}
