import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { num, text, texts, type CliArgs } from './args.js';
import { compareRuns, runSamples, type RunSamples } from '../compare/compare-runs.js';
import { breaches, parseRegressionRules, type RegressionRule } from '../compare/regression.js';
import { BOOTSTRAP_METHOD, contextRow, renderCompareHtml, renderCompareTerminal, type CompareReport } from '../compare/render-compare.js';
import { workloadDiff } from '../compare/workload-diff.js';
import { TOOL } from '../engine/tool.js';
import type { RunSummary } from '../metrics/summary.js';
import { readRecords } from '../results/read-records.js';
import { FILES, writeAtomic } from '../results/run-folder.js';
import { BOOTSTRAP_DEFAULTS } from '../stats/bootstrap.js';
import { usageError } from './usage-error.js';

const LABELS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function readRun(folder: string, label: string): RunSamples {
  const summary = JSON.parse(readFileSync(join(folder, FILES.summary), 'utf8')) as RunSummary;
  const records = existsSync(join(folder, FILES.requests)) ? readRecords(folder) : [];
  return runSamples(label, folder, summary, records);
}

/**
 * `auto-testing compare A B [C...]`: exit 0 (compared), 2 (bad input, or workloads differ without
 * --force), 3 (--fail-on-regression broken).
 */
export async function compareCommand(argv: CliArgs): Promise<number> {
  const dirs = texts(argv, 'runs');
  const problems: string[] = [];
  if (dirs.length < 2) problems.push('compare: give at least two run folders (the first is the baseline)');
  if (dirs.length > LABELS.length) problems.push(`compare: at most ${LABELS.length} runs`);
  for (const d of dirs) if (!existsSync(join(d, FILES.summary))) problems.push(`compare: '${d}' is not a run folder (no ${FILES.summary} in it)`);
  const resamples = num(argv, 'resamples') ?? NaN;
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 100_000) problems.push(`--resamples: must be an integer 100..100000, got '${String(argv.resamples)}'`);
  const seed = num(argv, 'seed') ?? NaN;
  if (!Number.isInteger(seed)) problems.push(`--seed: must be an integer, got '${String(argv.seed)}'`);
  let rules: RegressionRule[] | null = null;
  const gate = text(argv, 'fail-on-regression');
  if (gate !== undefined) {
    const parsed = parseRegressionRules(gate);
    if ('problems' in parsed) problems.push(...parsed.problems);
    else rules = parsed.rules;
  }
  if (problems.length) return usageError(problems);

  const runs = dirs.map((d, i) => readRun(d, LABELS[i]));
  const diff = workloadDiff(runs);
  if (diff.differences.length && argv.force !== true) {
    return usageError([...diff.differences.map((d) => `compare: workloads differ: ${d}`), 'compare: the runs did not get the same load; pass --force to compare them anyway']);
  }
  const boot = { resamples, confidence: BOOTSTRAP_DEFAULTS.confidence, seed };
  const comparisons = compareRuns(runs, boot);
  const broken = rules ? breaches(rules, comparisons) : [];
  const report: CompareReport = {
    schema_version: 1,
    tool: TOOL,
    runs: runs.map((r) => ({ label: r.label, folder: r.folder, run_id: r.summary.run.id, endpoint: r.summary.endpoint.name, model: r.summary.endpoint.model, started_at: r.summary.run.started_at, completed: r.summary.requests.completed })),
    baseline: runs[0].label,
    workload: { ...diff, compared_anyway: diff.differences.length > 0 },
    bootstrap: { method: BOOTSTRAP_METHOD, ...boot },
    comparisons,
    context: runs.map(contextRow),
    regression: rules ? { rules: rules.map((r) => r.text), breaches: broken, failed: broken.length > 0 } : null,
  };
  const out = text(argv, 'out') ?? 'compare';
  mkdirSync(out, { recursive: true });
  writeAtomic(join(out, 'compare.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(join(out, 'compare.html'), renderCompareHtml(report, runs));
  process.stdout.write(`${renderCompareTerminal(report)}\n`);
  process.stderr.write(`compare: ${join(out, 'compare.json')}, ${join(out, 'compare.html')}\n`);
  return broken.length ? 3 : 0;
}
