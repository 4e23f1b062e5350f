import chalk from 'chalk';
import Table from 'cli-table3';
import type { CapacityReport } from '../capacity/run-capacity.js';
import type { StepResult } from '../capacity/step.js';
import { fmt } from './terminal.js';

const HEAD = ['offered (req/s)', 'sent (req/s)', 'completed (req/s)', 'TTFT p50 (s)', 'TTFT p99 (s)', 'TPOT p50 (ms)', 'error rate', 'peak Total TPS', 'goodput (req/s)', 'result'];

function verdict(r: StepResult): string {
  if (r.verdict === 'pass') return chalk.green('pass');
  if (r.verdict === 'client-limited') return chalk.yellow('CLIENT-LIMITED');
  return chalk.red(r.early_stop ? `FAIL (stopped at ${(r.early_stop.atMs / 1000).toFixed(1)} s)` : `FAIL (${r.failed_slos.join(', ')})`);
}

/** One row per step in the order run, then the knee and why the search ended. */
export function renderCapacity(c: CapacityReport): string {
  const table = new Table({ head: HEAD.map((h) => chalk.bold(h)), style: { head: [], border: [] } });
  for (const r of c.steps) {
    table.push([String(r.rate), fmt(r.sent_rps ?? null, 2), fmt(r.completed_rps ?? r.achieved_rps, 2), fmt(r.ttft_p50_s, 3), fmt(r.ttft_p99_s, 3), fmt(r.tpot_p50_ms, 2), `${(r.error_rate * 100).toFixed(2)}%`, fmt(r.peak_total_tps, 0), fmt(r.goodput_rps, 2), verdict(r)]);
  }
  const note = 'sent, completed: per second over each step\'s sending window (after it, the drain)';
  return [chalk.bold(`capacity search against ${c.endpoint?.name ?? '-'} with ${c.slo.join(', ')}`), table.toString(), note, conclusion(c)].join('\n');
}

/** The knee as both the terminal and the chart state it, so they never disagree ("at least" included). */
export function kneeText(c: CapacityReport): string {
  const { rate, first_failing_rate: fail } = c.knee;
  const between = fail === null ? '' : ` (first failing rate ${fail} req/s)`;
  switch (c.end) {
    case 'converged':
      return `knee ${rate} req/s${between}`;
    case 'max-steps':
      return `knee at least ${rate ?? '-'} req/s${between}, --max-steps reached`;
    case 'no-passing-rate':
      return `no passing rate from --from ${c.plan.from} req/s`;
    case 'client-limited':
      return `inconclusive (load generator limited), knee so far ${rate ?? '-'} req/s`;
    default:
      return `search ${c.end}, knee so far ${rate ?? '-'} req/s${between}`;
  }
}

function conclusion(c: CapacityReport): string {
  const { rate, first_failing_rate: fail } = c.knee;
  const between = fail === null ? '' : ` (first failing rate ${fail} req/s)`;
  switch (c.end) {
    case 'converged':
      return chalk.bold(`${kneeText(c)}: the highest rate that met every SLO`);
    case 'max-steps':
      return chalk.bold(`${kneeText(c)} before the search converged`);
    case 'no-passing-rate':
      return chalk.red(`no rate met the SLOs: even --from ${c.plan.from} req/s failed; start lower`);
    case 'client-limited': {
      const limited = c.steps.find((s) => s.verdict === 'client-limited')!;
      return chalk.yellow(`inconclusive: at ${limited.rate} req/s the load generator was the bottleneck (${limited.client_limits.join('; ')}); ` +
        `scale the client out (more --workers, a bigger machine, or shards on several machines). Knee so far: ${rate ?? '-'} req/s`);
    }
    case 'interrupted':
      return chalk.yellow(`search interrupted (${c.end_reason ?? 'a signal'}) after ${c.steps.length} step(s); knee so far: ${rate ?? '-'} req/s${between}`);
    default:
      return chalk.red(`search ${c.end}${c.end_reason ? ` (${c.end_reason})` : ''}; see the last step's summary.json`);
  }
}
