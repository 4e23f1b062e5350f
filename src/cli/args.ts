/**
 * A command's flags as yargs hands them over: each value already of its option's `type` (or absent).
 * The readers below give them their TypeScript type by checking it, so no command casts its argv.
 */
export type CliArgs = Readonly<Record<string, unknown>>;

export function text(argv: CliArgs, flag: string): string | undefined {
  const v = argv[flag];
  return typeof v === 'string' ? v : undefined;
}

export function num(argv: CliArgs, flag: string): number | undefined {
  const v = argv[flag];
  return typeof v === 'number' ? v : undefined;
}

export function texts(argv: CliArgs, flag: string): string[] {
  const v = argv[flag];
  return Array.isArray(v) ? v.map(String) : [];
}

/**
 * A value among `choices`; yargs' `choices` (or the workload's type checks) have vetted it already, so
 * anything else is reported once, as `label`, and the first choice stands in.
 */
export function oneOf<T extends string>(v: unknown, choices: readonly T[], label: string, problems: string[]): T {
  const found = choices.find((c) => c === v);
  if (found !== undefined) return found;
  problems.push(`${label}: must be one of ${choices.join(', ')}, got '${String(v)}'`);
  return choices[0];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
