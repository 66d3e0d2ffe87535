export const LOCAL_CONFIG_NAME: string;
export function emulatorSources(
  emulators: Record<string, { port?: number } | undefined> | undefined,
): Record<string, string[]>;
export function widenPolicy(policy: string, additions: Record<string, string[]>): string;
export function localConfig<T extends object>(config: T): T;
export function writeLocalConfig(configPath: string): string;
