/** Bad user input: one line per problem, each naming the flag and the fix; exit code 2. */
export function usageError(problems: readonly string[]): number {
  for (const p of problems) process.stderr.write(`auto-testing: ${p}\n`);
  process.stderr.write('Run auto-testing --help for every flag.\n');
  return 2;
}
