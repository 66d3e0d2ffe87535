import type { ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

export class UsageError extends Error {
  readonly usage: string;
  constructor(message: string, usage: string);
}

export function parseCommand(config: {
  readonly usage: string;
  readonly options?: Options;
  readonly allowPositionals?: boolean;
  readonly args: readonly string[];
}): { readonly help: true } | ({ readonly help: false } & ParsedCommandLine);

export function parseCommandLine(config: {
  readonly name: string;
  readonly usage: string;
  readonly options?: Options;
  readonly allowPositionals?: boolean;
  readonly args?: readonly string[];
}): ParsedCommandLine;
