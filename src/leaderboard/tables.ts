import { DEFINITIONS } from '../metrics/summary.js';
import type { SavedRun } from '../results/read-runs.js';
import { minSamples } from '../metrics/distribution.js';
import { COLUMNS, requestFigures, seedTotalTpsFigures, totalTpsFigures, type Figures } from './figures.js';
import { markdownTable, type Align } from './markdown-table.js';
import { percent, runLabel, type Group } from './groups.js';

/** One leaderboard table: which figure, in which unit and rounding, and which way is better. */
export interface MetricTable {
  placeholder: string;
  /** Axis label of its chart. */
  label: string;
  digits: number;
  better: 'lower' | 'higher';
  /** The column rows are ranked by. */
  rankBy: 'median' | 'max';
  figures(run: SavedRun): Figures | null;
  formula: string;
}

const QUANTILE_NOTE = 'Median and P25-P99 come from each run\'s HDR histogram in summary.json (within 0.1 %); Mean, Min and Max are exact.';

/**
 * The per-request tables. Rounding as in the seeds: seconds to 2 decimals, tokens/s whole; milliseconds
 * to 1 decimal. Total TPS is added by `metricTables`.
 */
const METRIC_TABLES: readonly MetricTable[] = [
  {
    placeholder: 'TTFT_table', label: 'TTFT (s)', digits: 2, better: 'lower', rankBy: 'median',
    figures: (r) => requestFigures(r, 'ttft_s'),
    formula: `TTFT = ${DEFINITIONS.ttft_s}; per completed request, in seconds. ${QUANTILE_NOTE}`,
  },
  {
    placeholder: 'TPOT_table', label: 'TPOT (ms)', digits: 1, better: 'lower', rankBy: 'median',
    figures: (r) => requestFigures(r, 'tpot_ms'),
    formula: `TPOT = ${DEFINITIONS.tpot_ms}; per completed request, in milliseconds. ${QUANTILE_NOTE}`,
  },
  {
    placeholder: 'Output_TPS_table', label: 'Output TPS per request (tokens/s)', digits: 0, better: 'higher', rankBy: 'median',
    figures: (r) => requestFigures(r, 'output_tps'),
    formula: `Output TPS = ${DEFINITIONS.output_tps}, in tokens/s. ${QUANTILE_NOTE}`,
  },
];

/** The seed's Total TPS, literally: sum(tps_per_requests), from runs whose summary.json has it. */
const SEED_TOTAL_TPS: MetricTable = {
  placeholder: 'Total_TPS_table', label: 'Total TPS (tokens/s)', digits: 0, better: 'higher', rankBy: 'max',
  figures: seedTotalTpsFigures,
  formula: `Total TPS, the seed's definition, sum(tps_per_requests): ${DEFINITIONS.total_tps_sum_of_requests}. ` +
    'Max is its exact peak (rows are ranked by it) and Mean its exact time-weighted mean, as in summary.json; Min and Median-P99 are over ' +
    'the run sampled every 100 ms. (The windowed rate, tokens received per 1 s window, is throughput.total_tps_windowed in summary.json.)',
};

/** Older runs (summary.json without the seed's sum): the windowed rate, which the table then names. */
const WINDOWED_TOTAL_TPS: MetricTable = {
  placeholder: 'Total_TPS_table', label: 'Total TPS (tokens/s)', digits: 0, better: 'higher', rankBy: 'max',
  figures: totalTpsFigures,
  formula: 'Total TPS, the windowed rate (these runs predate the seed\'s sum(tps_per_requests) in summary.json): output tokens received ' +
    'by all requests in a 1 s window / 1 s, over every window sliding by 100 ms from the first send to the last byte. Max is the peak; rows are ranked by it.',
};

/**
 * Every metric table for these runs, in template order. Total TPS follows the seed's definition when
 * every run's summary has it, else the windowed rate for all (one table never mixes definitions).
 */
export function metricTables(runs: readonly SavedRun[]): MetricTable[] {
  const seed = runs.length > 0 && runs.every((r) => r.summary.throughput.total_tps_sum_of_requests !== undefined);
  const [ttft, tpot, outputTps] = METRIC_TABLES;
  return [ttft, tpot, seed ? SEED_TOTAL_TPS : WINDOWED_TOTAL_TPS, outputTps];
}

const HEADER = ['Framework', 'Model', 'Median', 'Mean', 'Min', 'Max', 'P25', 'P75', 'P95', 'P99'];
const NUMERIC: Align[] = ['left', 'left', ...COLUMNS.map((): Align => 'right')];
const LOW_MARK = '†';

/** Best first (ties: by median, then label, for a stable order); runs without figures (nothing completed) last. */
export function rankRuns(t: MetricTable, runs: readonly SavedRun[], all: boolean): { run: SavedRun; figures: Figures | null }[] {
  const sign = t.better === 'lower' ? 1 : -1;
  return runs
    .map((run) => ({ run, figures: t.figures(run), label: runLabel(run, all) }))
    .sort((a, b) => {
      const x = a.figures?.values ?? null;
      const y = b.figures?.values ?? null;
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0) || a.label.localeCompare(b.label);
      return sign * (x[t.rankBy]! - y[t.rankBy]!) || sign * (x.median! - y.median!) || a.label.localeCompare(b.label);
    });
}

export function metricTable(t: MetricTable, groups: readonly Group[], all: boolean): string {
  let anyLow = false;
  const parts = groups.map((g) => {
    const rows = rankRuns(t, g.runs, all).map(({ run, figures }) => {
      anyLow ||= Boolean(figures?.lowSample.length);
      return [runLabel(run, all), run.summary.endpoint.model, ...COLUMNS.map((c) => cell(figures, c, t.digits))];
    });
    return withHeading(g, markdownTable(HEADER, NUMERIC, rows));
  });
  const notes = [`> ${t.formula}`];
  if (anyLow) notes.push(`> ${LOW_MARK} estimated from fewer values than the quantile needs (P99: ${minSamples(99)}, P95: ${minSamples(95)}, P75: ${minSamples(75)}, P25 and median: ${minSamples(50)}).`);
  return [...parts, notes.join('\n>\n')].join('\n\n');
}

function cell(f: Figures | null, c: (typeof COLUMNS)[number], digits: number): string {
  const v = f?.values[c] ?? null;
  if (v === null) return '-';
  return `${v.toFixed(digits)}${f!.lowSample.includes(c) ? LOW_MARK : ''}`;
}

export function withHeading(g: Group, table: string): string {
  return g.heading ? `#### ${g.heading}\n\n${table}` : table;
}

/** Reliability: how many requests each run sent and how many completed, failed or were dropped. */
export function successTable(groups: readonly Group[], all: boolean): string {
  const header = ['Framework', 'Model', 'Success rate', 'Error rate', 'Sent', 'Completed', 'Failed', 'Dropped', 'Errors'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'];
  const parts = groups.map((g) => {
    const rows = [...g.runs]
      .sort((a, b) => successRate(b) - successRate(a) || runLabel(a, all).localeCompare(runLabel(b, all)))
      .map((run) => {
        const q = run.summary.requests;
        return [runLabel(run, all), run.summary.endpoint.model, percent(successRate(run)), percent(run.summary.error_rate), String(q.sent), String(q.completed), String(q.failed), String(q.dropped), errorList(run)];
      });
    return withHeading(g, markdownTable(header, align, rows));
  });
  return [...parts, `> Success rate = completed requests / sent requests; error rate = ${DEFINITIONS.error_rate}. Errors: count per error class.`].join('\n\n');
}

function successRate(run: SavedRun): number {
  const q = run.summary.requests;
  return q.sent ? q.completed / q.sent : 0;
}

function errorList(run: SavedRun): string {
  const e = Object.entries(run.summary.errors ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return e.length ? e.map(([k, n]) => `${k} ${n}`).join(', ') : '-';
}
