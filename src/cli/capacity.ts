import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapacityReport } from '../capacity/run-capacity.js';
import { CHART_FILE, runCapacity, save } from '../capacity/run-capacity.js';
import { searchTop, type CapacityPlan } from '../capacity/search.js';
import { parseDuration } from '../config/duration.js';
import { Interrupts } from '../engine/interrupts.js';
import { liveExportProblem } from '../engine/observers.js';
import { checkWritable, claimFolder, claimFree, RunIdTakenError } from '../results/run-folder.js';
import { timeStamp } from '../results/run-id.js';
import { capacityPng } from '../report/capacity-chart.js';
import { renderCapacity } from '../report/capacity-table.js';
import { progressPrinter, resolveProgressMode } from '../report/progress.js';
import { num, type CliArgs } from './args.js';
import { DEFAULT_MAX_STEPS } from './command-options.js';
import { resolveRunConfig, SCHEDULE_LIMITS } from './run-options.js';
import { usageError } from './usage-error.js';
import { describeProxy } from './run.js';

function precision(v: unknown, problems: string[]): CapacityPlan['precision'] {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(String(v).trim());
  if (m && Number(m[1]) > 0) return m[2] ? { kind: 'relative', value: Number(m[1]) / 100 } : { kind: 'absolute', value: Number(m[1]) };
  problems.push(`--precision: '${String(v)}' is neither a percentage ('10%') nor a rate in req/s ('2'), greater than 0`);
  return { kind: 'relative', value: 0.1 };
}

function plan(argv: CliArgs, problems: string[]): CapacityPlan {
  const from = num(argv, 'from') ?? NaN;
  const factor = num(argv, 'factor') ?? NaN;
  const maxSteps = num(argv, 'max-steps') ?? defaultMaxSteps(from, factor);
  if (!(from > 0)) problems.push(`--from: must be a rate > 0 req/s, got '${String(from)}'`);
  if (!(factor > 1)) problems.push(`--factor: must be a number > 1, got '${String(factor)}'`);
  if (!(Number.isInteger(maxSteps) && maxSteps >= 2)) problems.push(`--max-steps: must be an integer >= 2, got '${String(maxSteps)}'`);
  return { from, factor, precision: precision(argv.precision, problems), maxSteps };
}

const count = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * A search that would step past what one process can schedule (the limits a run is refused at), refused
 * before its first step rather than failing in the middle: the rate any step may reach, and a step's arrivals.
 */
export function searchLimitProblems(plan: CapacityPlan, stepMs: number): string[] {
  const { ratePerProcess, arrivalsPerProcess } = SCHEDULE_LIMITS;
  const top = searchTop(plan, ratePerProcess);
  const beyond = `beyond the ${count(ratePerProcess)} req/s one process can send`;
  if (top.over && top.step === 1) return [`--from: ${count(top.rate)} req/s is ${beyond}; lower it`];
  if (top.over) {
    const fix = top.step - 1 >= 2 ? `use --max-steps ${top.step - 1} or fewer, or a lower --from or --factor` : 'lower --from or --factor';
    return [`--max-steps: step ${top.step} would be ${count(top.rate)} req/s (--from ${plan.from}, x ${plan.factor} per step), ${beyond}; ${fix}`];
  }
  const arrivals = (top.rate * stepMs) / 1000;
  if (arrivals <= arrivalsPerProcess) return [];
  const longest = Math.floor((arrivalsPerProcess / top.rate) * 1000) / 1000;
  return [`--step-duration: a step at ${count(top.rate)} req/s for ${stepMs / 1000} s is ${count(arrivals)} arrivals, more than the ${count(arrivalsPerProcess)} one run keeps records of; use --step-duration ${longest}s or less, or fewer --max-steps`];
}

/**
 * Without --max-steps, the steps that stay within one process's rate limit, at most the default: a search
 * stepping by 3 from 10 req/s is sound, and its 12th step (1.8 M req/s) is never the user's intent.
 * Given, --max-steps is held to the limit by `searchLimitProblems` instead.
 */
export function defaultMaxSteps(from: number, factor: number): number {
  if (!(from > 0 && factor > 1)) return DEFAULT_MAX_STEPS;
  const top = searchTop({ from, factor, maxSteps: DEFAULT_MAX_STEPS, precision: { kind: 'relative', value: 0 } }, SCHEDULE_LIMITS.ratePerProcess);
  return top.over && top.step > 2 ? top.step - 1 : DEFAULT_MAX_STEPS;
}

function ms(argv: CliArgs, flag: string, problems: string[]): number {
  const v = parseDuration(String(argv[flag]));
  if (v === null || v <= 0) problems.push(`--${flag}: '${String(argv[flag])}' is not a duration > 0; use e.g. 60s, 2m, 500ms`);
  return v ?? 0;
}

/**
 * Exit codes: 0 the search found the knee (or reached --max-steps with every step passing), 1 a step
 * failed (worker crash), 2 bad input, 3 no rate met the SLOs, 4 inconclusive: the load generator was the
 * bottleneck, 130 interrupted.
 */
export function capacityExitCode(c: CapacityReport): number {
  const codes: Record<CapacityReport['end'], number> = { converged: 0, 'max-steps': 0, 'no-passing-rate': 3, 'client-limited': 4, interrupted: 130, failed: 1, running: 1 };
  return codes[c.end];
}

/** The search's own folder, claimed as a run's is: `--run-id`, or the time to the ms + `-capacity` (+ `-2`, ... when taken). */
function claimCapacityFolder(resultsDir: string, id: string | null): string | { problem: string } {
  const stamp = timeStamp(Date.now());
  const claim = (name: string) => {
    claimFolder(join(resultsDir, name));
    return join(resultsDir, name);
  };
  try {
    return claimFree(id, (draw) => `${stamp}-capacity${draw > 1 ? `-${draw}` : ''}`, claim);
  } catch (e) {
    return { problem: e instanceof RunIdTakenError ? e.message : `--results-dir: cannot create a folder in '${resultsDir}' (${(e as Error).message})` };
  }
}

export async function capacityCommand(argv: CliArgs): Promise<number> {
  const problems: string[] = [];
  const searchPlan = plan(argv, problems);
  const stepMs = ms(argv, 'step-duration', problems);
  const maxSendLagMs = ms(argv, 'max-send-lag', problems);
  if (!problems.length) problems.push(...searchLimitProblems(searchPlan, stepMs));
  // a rate on the command line sets aside a workload file's ramp or closed-loop keys
  const resolved = await resolveRunConfig({ ...argv, rate: 1, duration: '1s' });
  if ('problems' in resolved) problems.push(...resolved.problems);
  else if (!resolved.config.slo.length) problems.push("--slo: required (or an slo key in the --workload file): the objectives a rate must meet, e.g. 'ttft_p99<=2s,error_rate<=1%'");
  if (problems.length || 'problems' in resolved) return usageError(problems);
  const base = resolved.config;
  const unwritable = checkWritable(base.resultsDir);
  if (unwritable) return usageError([`--results-dir: cannot write to '${base.resultsDir}' (${unwritable}); choose a writable folder`]);
  // each step binds the port again; one in use now is bad input, not a search failing at its first step
  const portProblem = await liveExportProblem(base.observe);
  if (portProblem) return usageError([portProblem]);
  const folder = claimCapacityFolder(base.resultsDir, base.runId);
  if (typeof folder !== 'string') return usageError([folder.problem]);
  const printer = progressPrinter(resolveProgressMode(base.progress, Boolean(process.stderr.isTTY)));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const proxy = describeProxy(base);
  if (proxy) log(proxy);
  if (num(argv, 'max-steps') === undefined && searchPlan.maxSteps < DEFAULT_MAX_STEPS) {
    log(`capacity: at most ${searchPlan.maxSteps} steps (not ${DEFAULT_MAX_STEPS}): a step more would pass the ${count(SCHEDULE_LIMITS.ratePerProcess)} req/s one process can send`);
  }
  // held for every step and the moments between them; released before the chart, when capacity.json is final
  const interrupts = new Interrupts();
  const report = await runCapacity({ base, plan: searchPlan, stepMs, maxSendLagMs, folder }, {
    log,
    progress: printer.update,
    step: (r) => {
      printer.end();
      log(`  ${r.rate} req/s: ${r.verdict}${r.early_stop ? ` (${r.early_stop.reason})` : ''}${r.failed_slos.length ? `; failed ${r.failed_slos.join(', ')}` : ''}`);
    },
    interrupts,
  }).finally(() => interrupts.close());
  if (report.steps.length) {
    writeFileSync(join(folder, CHART_FILE), await capacityPng(report));
    report.chart = CHART_FILE;
    save(folder, report);
  }
  process.stdout.write(argv.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderCapacity(report)}\n`);
  log(`results: ${folder}${report.chart ? ` (chart: ${report.chart})` : ''}`);
  return capacityExitCode(report);
}
