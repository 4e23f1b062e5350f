import type { RunConfig } from '../config/run-config.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ObserveStartError } from '../engine/observers.js';
import { runLoad, type RunIo, type RunResult } from '../engine/run-load.js';
import type { RunSummary } from '../metrics/summary.js';
import { checkWritable, REPORT_FILE, ResultsWriteError, RunIdTakenError } from '../results/run-folder.js';
import { renderObjectives } from '../report/objectives.js';
import { progressPrinter, resolveProgressMode } from '../report/progress.js';
import { renderSummary } from '../report/terminal.js';
import type { CliArgs } from './args.js';
import { resolveRunConfig } from './run-options.js';
import { usageError } from './usage-error.js';
import { FailFast } from '../engine/fail-fast.js';
import { datasetNotes } from '../engine/run-meta.js';
import { escapeControls } from '../transport/redact.js';
import { discoverModel } from './discover-model.js';
import { dryRun } from './dry-run.js';
import type { RequestRecord } from '../metrics/record.js';
import { protocolFor } from '../protocols/registry.js';
import { proxyConfigured, proxyFor } from '../transport/proxy.js';

function describeLoad(cfg: RunConfig): string {
  const c = cfg.closedLoop;
  if (c) return `closed loop, ${c.concurrency} in flight until ${c.maxRequests ?? 'unlimited'} requests or ${c.timeoutMs / 1000}s`;
  if (cfg.ramp) return `ramp from ${cfg.ramp.startRate} req/s over ${cfg.ramp.stages.map((s) => `${s.rate}:${s.durationMs / 1000}s`).join(',')}`;
  return `${cfg.rate} req/s for ${cfg.durationMs / 1000}s`;
}

/** Whether the run goes through an HTTP proxy (named without its credentials), for the log; null if direct. */
export function describeProxy(cfg: RunConfig): string | null {
  if (!cfg.endpoint) return null;
  const origin = new URL(cfg.endpoint).origin;
  if (protocolFor(cfg.api).connect) {
    const set = proxyConfigured(process.env);
    return set ? `auto-testing: NOTE: --api ${cfg.api} connects through its SDK, which does not read ${set}; requests go direct` : null;
  }
  const route = proxyFor(origin, process.env);
  return route ? `auto-testing: through the HTTP proxy ${route.label} (${route.from}${route.authorization ? ', with credentials' : ''}) to ${origin}` : null;
}

/**
 * Exit codes: 0 completed (every SLO met), 1 failed (a worker crashed), 2 bad input, 3 an SLO failed,
 * 130 interrupted. A run that did not complete reports that first: its SLO verdicts judge a partial run.
 */
export function exitCode(s: RunSummary): number {
  if (s.status === 'interrupted') return 130;
  if (s.status !== 'completed') return 1;
  return s.slo && !s.slo.passed ? 3 : 0;
}

export async function runCommand(argv: CliArgs): Promise<number> {
  // a dry run sends nothing, not even the GET that finds the model
  const found = argv['dry-run'] ? null : await discoverModel(argv);
  if (found && 'problem' in found) return usageError([found.problem]);
  if (found) process.stderr.write(`auto-testing: --model not given: using ${JSON.stringify(escapeControls(found.model))}, the one model the endpoint lists at /models\n`);
  const resolved = await resolveRunConfig(found ? { ...argv, model: found.model } : argv);
  if ('problems' in resolved) return usageError(resolved.problems);
  const cfg = resolved.config;
  if (argv['dry-run']) {
    process.stdout.write(`${await dryRun(cfg)}\n`);
    return 0;
  }
  const unwritable = checkWritable(cfg.resultsDir);
  if (unwritable) return usageError([`--results-dir: cannot write to '${cfg.resultsDir}' (${unwritable}); choose a writable folder`]);
  // as --endpoints does: a hopeless endpoint (the first requests all refused, unresolvable, 401/403/404)
  // stops the run instead of firing the whole schedule into it; exit 1, as a failed run
  const stop = new AbortController();
  const failFast = new FailFast();
  const records = (rs: readonly RequestRecord[]) => {
    const why = failFast.observe(rs);
    if (why) stop.abort(why);
  };
  try {
    const { summary } = await runAndReport(cfg, Boolean(argv.json), { stop: stop.signal, records });
    return stop.signal.aborted ? 1 : exitCode(summary);
  } catch (e) {
    return cannotStart(e, cfg);
  }
}

/** The exit code of a run that could not start (a port in use, a taken run id, an unwritable folder); other errors are thrown on. */
export function cannotStart(e: unknown, cfg: RunConfig): number {
  if (e instanceof ObserveStartError || e instanceof RunIdTakenError) return usageError([e.message]);
  if (!(e instanceof ResultsWriteError)) throw e;
  process.stderr.write(`auto-testing: ${e.message} (--results-dir '${cfg.resultsDir}'); nothing was measured\n`);
  return 1;
}

/** One run with live progress, then its report on stdout (table or summary.json) and its folder on stderr. */
export async function runAndReport(cfg: RunConfig, json: boolean, hooks: Pick<RunIo, 'records' | 'stop'> = {}): Promise<RunResult> {
  // a ramp's offered rate changes as it goes: only a steady rate is shown beside the achieved one
  const offered = cfg.mode === 'open' && !cfg.ramp ? cfg.rate : null;
  const printer = progressPrinter(resolveProgressMode(cfg.progress, Boolean(process.stderr.isTTY)), process.stderr, offered);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`auto-testing: ${describeLoad(cfg)}, ${cfg.workers} worker thread(s), api ${cfg.api}, max_tokens ${cfg.maxTokens}${cfg.workloadFile ? `, workload ${cfg.workloadFile}` : ''}`);
  for (const note of datasetNotes(cfg)) log(`auto-testing: ${note}`);
  if (cfg.insecure) log('auto-testing: WARNING: --insecure: TLS certificates are NOT verified; anyone on the path can read and alter this traffic');
  const proxy = describeProxy(cfg);
  if (proxy) log(proxy);
  const result = await runLoad(cfg, { log, progress: printer.update, ...hooks });
  printer.end();
  if (json) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  else process.stdout.write(`${renderSummary(result.summary)}\n${renderObjectives(result.summary)}\n`);
  log(`results: ${result.folder}`);
  if (existsSync(join(result.folder, REPORT_FILE))) log(`report: ${join(result.folder, REPORT_FILE)}`);
  return result;
}
