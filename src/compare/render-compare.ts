import chalk from 'chalk';
import Table from 'cli-table3';
import { drawCharts, type ChartSpec } from '../html/charts-script.js';
import { esc, htmlDocument } from '../html/document.js';
import { cdfChart } from '../html/run-series.js';
import { JUDGED_BEYOND, samplesToJudge, type MetricChange, type RunComparison, type RunSamples } from './compare-runs.js';
import type { RuleBreach } from './regression.js';
import { errorRateOf } from '../metrics/summary.js';
import type { WorkloadDiff } from './workload-diff.js';

export interface CompareReport {
  schema_version: 1;
  tool: { name: string; version: string };
  runs: { label: string; folder: string; run_id: string; endpoint: string; model: string; started_at: string; completed: number }[];
  baseline: string;
  workload: WorkloadDiff & { compared_anyway: boolean };
  bootstrap: { method: string; resamples: number; confidence: number; seed: number };
  comparisons: RunComparison[];
  /** Run-level figures shown for context (no interval: one value per run). */
  context: Record<string, number | null>[];
  regression: { rules: string[]; breaches: RuleBreach[]; failed: boolean } | null;
}

export const BOOTSTRAP_METHOD =
  'percentile bootstrap of the difference of nearest-rank quantiles (candidate - baseline), each run resampled independently; significant = the interval of the difference excludes 0';

export function contextRow(r: RunSamples): Record<string, number | null> {
  const s = r.summary;
  return {
    error_rate: errorRateOf(s), requests_per_s: s.throughput.requests_per_s, output_tokens_per_s: s.throughput.output_tokens_per_s,
    peak_total_tps: s.throughput.peak_total_tps, send_lag_p99_ms: s.client.send_lag_ms?.p99 ?? null, server_queue_max: s.server_metrics?.queue_depth?.max ?? null,
  };
}

const num = (v: number | null | undefined, unit: string) => (v === null || v === undefined ? '-' : `${v.toPrecision(4)}${unit === 'tokens/s' ? '' : ` ${unit}`}`);
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`);

function interval(c: MetricChange): string {
  return c.difference ? `[${num(c.difference.low, c.unit)}, ${num(c.difference.high, c.unit)}]` : '-';
}

export function renderCompareTerminal(r: CompareReport): string {
  const lines = [chalk.bold(`auto-testing compare: baseline ${r.baseline} = ${r.runs[0].run_id}`)];
  for (const run of r.runs.slice(1)) lines.push(`  ${run.label} = ${run.run_id} (${run.endpoint}, ${run.completed} completed)`);
  for (const d of r.workload.differences) lines.push(chalk.red(`WARNING: workloads differ: ${d}`));
  for (const n of r.workload.notes) lines.push(chalk.cyan(`NOTE: ${n}`));
  for (const c of r.comparisons) {
    const t = new Table({ head: ['metric', c.baseline, c.candidate, 'change', `${Math.round(r.bootstrap.confidence * 100)} % interval of ${c.candidate} - ${c.baseline}`, 'verdict'].map((h) => chalk.bold(h)), style: { head: [], border: [] } });
    for (const ch of c.changes) {
      const verdict = ch.verdict === 'worse' ? chalk.red(ch.verdict) : ch.verdict === 'better' ? chalk.green(ch.verdict) : ch.verdict;
      t.push([`${ch.label}${ch.low_sample ? '*' : ''}`, num(ch.baseline, ch.unit), num(ch.candidate, ch.unit), pct(ch.relative?.estimate), interval(ch), verdict]);
    }
    lines.push(t.toString());
  }
  if (r.comparisons.some((c) => c.changes.some((x) => x.low_sample))) lines.push(`* fewer than ${JUDGED_BEYOND} samples beyond this quantile in a run (p50: ${samplesToJudge(50)}, p99: ${samplesToJudge(99)}): its interval is shown, no verdict drawn`);
  if (r.regression) {
    for (const b of r.regression.breaches) lines.push(chalk.red(`REGRESSION: ${b.rule} in ${b.candidate} (${b.change}, significant)`));
    if (!r.regression.failed) lines.push(chalk.green(`no regression beyond ${r.regression.rules.join(', ')}`));
  }
  return lines.join('\n');
}

function changeTable(r: CompareReport, c: RunComparison): string {
  const rows = c.changes.map((ch) => `<tr data-metric="${esc(ch.name)}" data-verdict="${esc(ch.verdict)}"><td>${esc(ch.label)}${ch.low_sample ? '*' : ''}</td><td>${esc(num(ch.baseline, ch.unit))}</td><td>${esc(num(ch.candidate, ch.unit))}</td><td>${esc(pct(ch.relative?.estimate))}</td><td>${esc(interval(ch))}</td><td class="${ch.verdict === 'worse' ? 'fail' : ch.verdict === 'better' ? 'pass' : ''}">${esc(ch.verdict)}</td></tr>`);
  return `<h3>${esc(c.candidate)} against ${esc(c.baseline)}</h3><table><tr><th>metric</th><th>${esc(c.baseline)}</th><th>${esc(c.candidate)}</th><th>change</th><th>${Math.round(r.bootstrap.confidence * 100)} % interval of the difference</th><th>verdict</th></tr>${rows.join('')}</table>`;
}

export function compareCharts(runs: readonly RunSamples[]): ChartSpec[] {
  const h = (r: RunSamples, k: string) => r.summary.histograms?.[k];
  const specs: [string, string, string][] = [['ttft_s', 'TTFT (CDF)', 's'], ['itl_ms', 'ITL per token (CDF)', 'ms'], ['tpot_ms', 'TPOT (CDF)', 'ms'], ['e2e_s', 'E2E (CDF)', 's'], ['output_tps', 'Output TPS per request (CDF)', 'tokens/s']];
  return specs.map(([k, title, unit]) => cdfChart(`chart-cmp-${k.replace('_', '-')}`, title, unit, runs.map((r) => ({ label: r.label, encoded: h(r, k) })))).filter((c): c is ChartSpec => c !== null);
}

export function renderCompareHtml(r: CompareReport, runs: readonly RunSamples[]): string {
  const charts = compareCharts(runs);
  const runRows = r.runs.map((x) => `<tr><td>${esc(x.label)}</td><td>${esc(x.run_id)}</td><td>${esc(x.endpoint)}</td><td>${esc(x.model)}</td><td>${esc(x.started_at)}</td><td>${x.completed}</td></tr>`);
  const ctxKeys = Object.keys(r.context[0] ?? {});
  const ctx = `<table><tr><th>run</th>${ctxKeys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${r.context.map((c, i) => `<tr><td>${esc(r.runs[i].label)}</td>${ctxKeys.map((k) => `<td>${c[k] === null ? '—' : esc(String(Number(c[k]!.toPrecision(4))))}</td>`).join('')}</tr>`).join('')}</table>`;
  const regression = r.regression
    ? `<h2>Regression gate</h2><p>${esc(r.regression.rules.join(', '))}: ${r.regression.failed ? `<b class="fail">FAILED</b></p><ul>${r.regression.breaches.map((b) => `<li class="fail">${esc(`${b.rule} in ${b.candidate} (${b.change})`)}</li>`).join('')}</ul>` : '<b class="pass">passed</b></p>'}`
    : '';
  const body = `
<h1>auto-testing compare</h1>
<table><tr><th>label</th><th>run</th><th>endpoint</th><th>model</th><th>started</th><th>completed</th></tr>${runRows.join('')}</table>
${r.workload.differences.map((d) => `<p class="warn">Workloads differ: ${esc(d)}</p>`).join('')}${r.workload.notes.map((d) => `<p class="note">${esc(d)}</p>`).join('')}
<p class="meta">${esc(r.bootstrap.method)}; ${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed}.</p>
${r.comparisons.map((c) => changeTable(r, c)).join('')}
${regression}
<h2>Run figures (one value per run)</h2>${ctx}
<h2>Distributions overlaid</h2><div class="grid">${charts.map((c) => `<div class="chart" id="${esc(c.id)}"></div>`).join('')}</div>`;
  return htmlDocument({ title: 'auto-testing compare', body, data: { charts }, main: drawCharts });
}
