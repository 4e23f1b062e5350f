import { basename, extname, join } from 'node:path';
import { readEndpointsFile, type EndpointSpec } from '../config/endpoints.js';
import { FailFast } from '../engine/fail-fast.js';
import { slug } from '../results/slug.js';
import type { RunSummary } from '../metrics/summary.js';
import { API_NAMES } from '../protocols/types.js';
import { checkWritable } from '../results/run-folder.js';
import { exitCode, runAndReport } from './run.js';
import type { CliArgs } from './args.js';
import { resolveRunConfig } from './run-options.js';
import { usageError } from './usage-error.js';

/** Flags the endpoints file sets per endpoint: giving them too is ambiguous. */
const PER_ENDPOINT_FLAGS = ['endpoint', 'model', 'name'];

interface Outcome {
  name: string;
  /** ok, failed (unreachable, every request failed, bad settings), or interrupted by the user. */
  verdict: 'ok' | 'failed' | 'interrupted';
  detail: string;
  summary: RunSummary | null;
}

/**
 * `auto-testing --endpoints FILE [--only a,b]`: the same workload against each endpoint in turn, each into
 * its own results folder. A failing endpoint is reported and the next one runs; the exit code is 1 when
 * any endpoint failed (else 3 if an SLO failed, 130 if interrupted, 0).
 */
export async function endpointsCommand(argv: CliArgs): Promise<number> {
  const problems = PER_ENDPOINT_FLAGS.filter((f) => argv[f] !== undefined).map((f) => `--${f}: the endpoints file sets it for each endpoint; remove --${f} or --endpoints`);
  const file = readEndpointsFile(String(argv.endpoints), API_NAMES);
  if ('problems' in file) problems.push(...file.problems);
  const selected = 'endpoints' in file ? pick(file.endpoints, argv.only, problems) : [];
  if (selected.length > 1 && argv['start-at'] !== undefined) problems.push(`--start-at: one instant cannot start ${selected.length} endpoints that run in turn; choose one with --only NAME (one sharded run per endpoint)`);
  const base = await resolveRunConfig({ ...argv, endpoint: undefined });
  if ('problems' in base) problems.push(...base.problems);
  if (problems.length) return usageError(problems);

  const resultsDir = String(argv['results-dir']);
  const workload = typeof argv.workload === 'string' ? slug(basename(argv.workload, extname(argv.workload))) : 'cli';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const outcomes: Outcome[] = [];
  for (const [i, ep] of selected.entries()) {
    log(`\nauto-testing: endpoint ${i + 1}/${selected.length}: ${ep.name} (${ep.api}, model ${ep.model})`);
    const o = await runEndpoint(ep, argv, join(resultsDir, slug(ep.name), workload));
    if (o.verdict !== 'ok') log(`auto-testing: endpoint ${ep.name} ${o.verdict.toUpperCase()}: ${o.detail}`);
    outcomes.push(o);
    if (o.verdict === 'interrupted') break;
  }
  // with --json, stdout holds only the summaries
  (argv.json ? process.stderr : process.stdout).write(`${renderOutcomes(outcomes, selected.length)}\n`);
  return combinedExitCode(outcomes);
}

function pick(all: EndpointSpec[], only: unknown, problems: string[]): EndpointSpec[] {
  if (only === undefined) return all;
  const names = String(only).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length) problems.push(`--only: no endpoint named ${unknown.map((n) => `'${n}'`).join(', ')}; names in the file: ${all.map((e) => e.name).join(', ')}`);
  if (!names.length) problems.push('--only: give at least one endpoint name');
  return all.filter((e) => names.includes(e.name));
}

async function runEndpoint(ep: EndpointSpec, argv: CliArgs, dir: string): Promise<Outcome> {
  const failed = (detail: string): Outcome => ({ name: ep.name, verdict: 'failed', detail, summary: null });
  const resolved = await resolveRunConfig({ ...argv, endpoint: ep.url, model: ep.model, api: ep.api, name: ep.name, 'api-key-env': ep.apiKeyEnv ?? argv['api-key-env'] });
  if ('problems' in resolved) return failed(resolved.problems.join('; '));
  const cfg = { ...resolved.config, resultsDir: dir, headers: { ...resolved.config.headers, ...ep.headers }, params: { ...resolved.config.params, ...ep.params } };
  const unwritable = checkWritable(dir);
  if (unwritable) return failed(`cannot write to '${dir}' (${unwritable})`);
  const stop = new AbortController();
  const failFast = new FailFast();
  try {
    const { summary } = await runAndReport(cfg, Boolean(argv.json), {
      stop: stop.signal,
      records: (records) => {
        const why = failFast.observe(records);
        if (why) stop.abort(why);
      },
    });
    return judge(ep.name, summary, stop.signal.aborted);
  } catch (e) {
    return failed((e as Error).message);
  }
}

function judge(name: string, s: RunSummary, stoppedEarly: boolean): Outcome {
  const q = s.requests;
  const errors = Object.entries(s.errors).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const counts = `${q.completed}/${q.sent} completed, error rate ${(s.error_rate * 100).toFixed(1)}% (${errors})`;
  if (stoppedEarly) return { name, verdict: 'failed', detail: `${s.status_reason}; ${counts}`, summary: s };
  if (s.status === 'interrupted') return { name, verdict: 'interrupted', detail: `${s.status_reason ?? 'interrupted'}; ${counts}`, summary: s };
  if (s.status !== 'completed') return { name, verdict: 'failed', detail: `${s.status_reason ?? s.status}; ${counts}`, summary: s };
  if (q.completed === 0) return { name, verdict: 'failed', detail: `no request completed; ${counts}`, summary: s };
  return { name, verdict: 'ok', detail: counts, summary: s };
}

function renderOutcomes(outcomes: Outcome[], planned: number): string {
  const lines = outcomes.map((o) => `  ${o.verdict.padEnd(11)} ${o.name}: ${o.detail}`);
  const count = (v: Outcome['verdict']) => outcomes.filter((o) => o.verdict === v).length;
  const skipped = planned - outcomes.length;
  return [`endpoints: ${count('ok')} ok, ${count('failed')} failed${count('interrupted') ? ', 1 interrupted' : ''}${skipped ? `, ${skipped} not run` : ''}`, ...lines].join('\n');
}

function combinedExitCode(outcomes: Outcome[]): number {
  if (outcomes.some((o) => o.verdict === 'interrupted')) return 130;
  if (outcomes.some((o) => o.verdict === 'failed')) return 1;
  return Math.max(0, ...outcomes.map((o) => (o.summary ? exitCode(o.summary) : 0)));
}
