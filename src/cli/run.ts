import type { ArgumentsCamelCase } from 'yargs';
import { runLoad } from '../engine/run-load.js';
import { checkWritable } from '../results/run-folder.js';
import { progressPrinter, resolveProgressMode } from '../report/progress.js';
import { renderSummary } from '../report/terminal.js';
import { resolveRunConfig } from './run-options.js';
import { usageError } from './usage-error.js';

/** Exit codes: 0 completed, 1 failed (a worker crashed), 2 bad input, 130 interrupted. */
export async function runCommand(argv: ArgumentsCamelCase<Record<string, unknown>>): Promise<number> {
  const resolved = resolveRunConfig(argv);
  if ('problems' in resolved) return usageError(resolved.problems);
  const cfg = resolved.config;
  const unwritable = checkWritable(cfg.resultsDir);
  if (unwritable) return usageError([`--results-dir: cannot write to '${cfg.resultsDir}' (${unwritable}); choose a writable folder`]);
  const printer = progressPrinter(resolveProgressMode(cfg.progress, Boolean(process.stderr.isTTY)));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`auto-testing: ${cfg.rate} req/s for ${cfg.durationMs / 1000}s, ${cfg.workers} worker thread(s), api ${cfg.api}, max_tokens ${cfg.maxTokens}`);
  const { summary, folder } = await runLoad(cfg, { log, progress: printer.update });
  printer.end();
  if (argv.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(`${renderSummary(summary)}\n`);
  log(`results: ${folder}`);
  return summary.status === 'completed' ? 0 : summary.status === 'interrupted' ? 130 : 1;
}
