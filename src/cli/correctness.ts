import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { question } from '../workload/number-questions.js';
import { CorrectnessChecker, renderCorrectness } from '../correctness/report.js';
import { checkWritable } from '../results/run-folder.js';
import { cannotStart, exitCode, runAndReport } from './run.js';
import type { CliArgs } from './args.js';
import { resolveRunConfig } from './run-options.js';
import { usageError } from './usage-error.js';
import { dryRun } from './dry-run.js';

/** LLMPerf's correctness load, used when neither flags nor a workload file say how to load. */
export const CORRECTNESS_LOAD = { concurrency: 4, 'max-requests': 50 };
/** Defaults of correctness whatever the load (a short number answer), below the workload file and flags. */
export const CORRECTNESS_DEFAULTS = { 'max-tokens': 20 } as const;

/**
 * `auto-testing correctness` (LLMPerf's second mode): every request asks for a random number written in
 * words to be written in digits; each answer is checked, and the mismatch rate and failing examples are
 * reported beside the usual latency figures. Exit code 4 when any answer is wrong.
 */
export async function correctnessCommand(argv: CliArgs): Promise<number> {
  const resolved = await resolveCorrectnessConfig(argv);
  if ('problems' in resolved) return usageError(resolved.problems);
  const base = resolved.config;
  const unwritable = checkWritable(base.resultsDir);
  if (unwritable) return usageError([`--results-dir: cannot write to '${base.resultsDir}' (${unwritable}); choose a writable folder`]);
  const questions = Array.from({ length: questionCount(base) }, (_, i) => question(base.seed, i));
  const cfg: RunConfig = { ...base, prompts: { ...base.prompts, input: null, datasetFile: null, datasetInfo: null, datasetDraw: 'in-turn', dataset: questions.map((q) => ({ prompt: q.prompt, outputTokens: null })) } };
  if (argv['dry-run']) {
    process.stdout.write(`${await dryRun(cfg)}\n`);
    return 0;
  }
  const checker = new CorrectnessChecker((id) => questions[id % questions.length]);
  const run = await runAndReport(cfg, Boolean(argv.json), { records: (rs, texts) => checker.add(rs, texts) }).catch((e: unknown) => cannotStart(e, cfg));
  if (typeof run === 'number') return run;
  const { summary, folder } = run;
  const report = checker.report();
  writeFileSync(join(folder, 'correctness.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${renderCorrectness(report)}\n`);
  const code = exitCode(summary);
  return code === 0 && report.mismatched > 0 ? 4 : code;
}

/** The run's config under correctness's defaults, or every problem (one line each). */
export async function resolveCorrectnessConfig(argv: CliArgs): ReturnType<typeof resolveRunConfig> {
  const loadGiven = ['rate', 'ramp', 'concurrency', 'workload'].some((k) => argv[k] !== undefined);
  const resolved = await resolveRunConfig(loadGiven ? argv : { ...CORRECTNESS_LOAD, ...argv }, CORRECTNESS_DEFAULTS);
  if ('config' in resolved && resolved.config.prompts.tokenizer === 'none') {
    return { problems: ["--tokenizer none: correctness checks each answer's text, which a run keeps only with a tokenizer; leave --tokenizer out (llama2) or choose llama3, cl100k or o200k"] };
  }
  return resolved;
}

/** One distinct question per request when the count is known, else enough for the schedule. */
function questionCount(cfg: RunConfig): number {
  if (cfg.closedLoop?.maxRequests) return cfg.closedLoop.maxRequests;
  return Math.max(1, Math.ceil(((cfg.rate ?? 1) * cfg.durationMs) / 1000));
}
