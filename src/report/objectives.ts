import chalk from 'chalk';
import Table from 'cli-table3';
import type { RunSummary } from '../metrics/summary.js';
import type { SloReport } from '../metrics/summary.js';

function show(v: number | null, unit: string): string {
  return v === null ? '-' : `${Number(v.toPrecision(4))}${unit}`;
}

/** Goodput and good fraction, then one row per objective with its measured value and verdict. */
export function renderObjectives(s: RunSummary): string {
  const g = s.goodput;
  const against = g.criteria.length ? `meeting ${g.criteria.join(', ')}` : 'completed (no per-request --slo)';
  const lines = [`goodput  ${g.requests_per_s.toFixed(2)} req/s  good ${g.good} of ${g.total} requests (${show(g.fraction === null ? null : g.fraction * 100, '%')}) ${against}`];
  if (s.slo) lines.push(renderSloTable(s.slo));
  return lines.join('\n');
}

export function renderSloTable(report: SloReport): string {
  const table = new Table({ head: ['SLO', 'measured', 'result'].map((h) => chalk.bold(h)), style: { head: [], border: [] } });
  for (const r of report.results) table.push([r.slo, show(r.measured, r.unit), r.passed ? chalk.green('pass') : chalk.red('FAIL')]);
  const failed = report.results.filter((r) => !r.passed).length;
  const verdict = failed ? chalk.red(`SLO: ${failed} of ${report.results.length} objective(s) FAILED`) : chalk.green(`SLO: all ${report.results.length} objective(s) met`);
  return `${table.toString()}\n${verdict}`;
}
