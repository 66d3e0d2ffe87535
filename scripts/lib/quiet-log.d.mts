export function quietLine(line: string): string | null;
