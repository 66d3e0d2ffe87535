export function throwawayCredentialsFile(projectId: string): string;
