import { minSamples } from '../metrics/distribution.js';
import { DEFINITIONS, errorRateOf } from '../metrics/summary.js';
import type { RequestMetric, SavedRun } from '../results/read-runs.js';
import { BOOTSTRAP_DEFAULTS } from '../stats/bootstrap.js';
import { COLUMNS, requestFigures, seedTotalTpsFigures, totalTpsFigures, type Figures } from './figures.js';
import { count, formatValue } from './format.js';
import { percent, runLabel, type Group } from './groups.js';
import { markdownTable, type Align } from './markdown-table.js';
import { medianUncertainty, type RowUncertainty } from './uncertainty.js';
import { markNotes, markSuffix, runMarks, type Mark } from './validity.js';

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
  /** The per-request values behind the figures (requests.csv): the median's bootstrap interval. */
  sample: RequestMetric | null;
  /** Base name of its chart file (`TTFT` -> TTFT.png, or TTFT-<group>.png per group); null: no chart. */
  chart: string | null;
  /** The chart's title and the image's alt text. */
  title: string;
}

/** How tables are drawn: rows per run or latest, the low-count threshold, and where charts are linked from. */
export interface TableContext {
  all: boolean;
  minRequests: number;
  /** The image link of a group's chart, relative to the Markdown file; null: no charts. */
  chartLink: ((chart: string, group: Group) => string) | null;
  /** The success-rate table is on the page: the other tables' mark notes name runs, it quotes their warnings. */
  warningsInSuccessTable: boolean;
}

const QUANTILE_NOTE = 'Median and P25-P99 come from each run\'s HDR histogram in summary.json (within 0.1 %); Mean, Min and Max are exact.';

/**
 * The per-request tables. Rounding as in the seeds: seconds to 2 decimals, tokens/s whole; milliseconds
 * to 1 decimal; always at least two significant figures below 1. Total TPS is added by `metricTables`.
 */
const METRIC_TABLES: readonly MetricTable[] = [
  {
    placeholder: 'TTFT_table', label: 'TTFT (s)', digits: 2, better: 'lower', rankBy: 'median', sample: 'ttft_s', chart: 'TTFT', title: 'Time to first token (TTFT)',
    figures: (r) => requestFigures(r, 'ttft_s'),
    formula: `TTFT = ${DEFINITIONS.ttft_s}; per completed request, in seconds. ${QUANTILE_NOTE}`,
  },
  {
    placeholder: 'TPOT_table', label: 'TPOT (ms)', digits: 1, better: 'lower', rankBy: 'median', sample: 'tpot_ms', chart: 'TPOT', title: 'Time per output token (TPOT)',
    figures: (r) => requestFigures(r, 'tpot_ms'),
    formula: `TPOT = ${DEFINITIONS.tpot_ms}; per completed request, in milliseconds. ${QUANTILE_NOTE}`,
  },
  {
    placeholder: 'ITL_table', label: 'ITL (ms)', digits: 1, better: 'lower', rankBy: 'median', sample: 'itl_ms', chart: 'ITL', title: 'Inter-token latency (ITL)',
    figures: (r) => requestFigures(r, 'itl_ms'),
    formula: `ITL = ${DEFINITIONS.itl_ms}; in milliseconds. Decode only: unlike TPOT, the wait for the first token is left out (LLMPerf's inter-token latency). ${QUANTILE_NOTE}`,
  },
  {
    placeholder: 'Output_TPS_table', label: 'Output TPS per request (tokens/s)', digits: 0, better: 'higher', rankBy: 'median', sample: 'output_tps', chart: null, title: 'Output TPS per request',
    figures: (r) => requestFigures(r, 'output_tps'),
    formula: `Output TPS = ${DEFINITIONS.output_tps}, in tokens/s. ${QUANTILE_NOTE}`,
  },
];

/** The seed's Total TPS, literally: sum(tps_per_requests), from runs whose summary.json has it. */
const SEED_TOTAL_TPS: MetricTable = {
  placeholder: 'Total_TPS_table', label: 'Total TPS (tokens/s)', digits: 0, better: 'higher', rankBy: 'max', sample: null, chart: 'Total_TPS',
  title: 'Total TPS over time: the sum of the in-progress requests\' own TPS',
  figures: seedTotalTpsFigures,
  formula: `Total TPS, the seed's definition, sum(tps_per_requests): ${DEFINITIONS.total_tps_sum_of_requests}. ` +
    'Max is its exact peak (rows are ranked by it) and Mean its exact time-weighted mean, as in summary.json; Min and Median-P99 are over ' +
    'the run sampled every 100 ms, as its chart draws it. (The windowed rate, tokens received per 1 s window, is throughput.total_tps_windowed in summary.json.)',
};

/** Older runs (summary.json without the seed's sum): the windowed rate, which the table then names. */
const WINDOWED_TOTAL_TPS: MetricTable = {
  placeholder: 'Total_TPS_table', label: 'Total TPS (tokens/s)', digits: 0, better: 'higher', rankBy: 'max', sample: null, chart: 'Total_TPS',
  title: 'Total TPS over time: output tokens received in each 1 s window (windowed rate)',
  figures: totalTpsFigures,
  formula: 'Total TPS, the windowed rate (these runs predate the seed\'s sum(tps_per_requests) in summary.json): output tokens received ' +
    'by all requests in a 1 s window / 1 s, over every window sliding by 100 ms from the first send to the last byte, as its chart draws it. Max is the peak; rows are ranked by it.',
};

/**
 * Every metric table for these runs, in template order. Total TPS follows the seed's definition when
 * every run's summary has it, else the windowed rate for all (one table never mixes definitions).
 */
export function metricTables(runs: readonly SavedRun[]): MetricTable[] {
  const [ttft, tpot, itl, outputTps] = METRIC_TABLES;
  return [ttft, tpot, itl, seedTotalTps(runs) ? SEED_TOTAL_TPS : WINDOWED_TOTAL_TPS, outputTps];
}

export function seedTotalTps(runs: readonly SavedRun[]): boolean {
  return runs.length > 0 && runs.every((r) => r.summary.throughput.total_tps_sum_of_requests !== undefined);
}

const LOW_MARK = '†';
const TIE_MARK = '≈';

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

interface Row {
  label: string;
  marks: Mark[];
}

/** A group's block: its heading, its chart, its table. */
function block(g: Group, chart: string | null, alt: string, table: string, ctx: TableContext): string {
  const image = chart && ctx.chartLink ? [`![${alt}${g.heading ? `: ${g.heading}` : ''}](${ctx.chartLink(chart, g)})`] : [];
  return [...(g.heading ? [`#### ${g.heading}`] : []), ...image, table].join('\n\n');
}

/** A metric's tables (one per group, each under its chart), then the notes: formula, marks, interval. */
export function metricTable(t: MetricTable, groups: readonly Group[], ctx: TableContext): string {
  let anyLow = false;
  let anyTie = false;
  const marked: Row[] = [];
  const header = ['Framework', 'Model', 'Median', ...(t.sample ? ['Median 95% CI'] : []), 'Mean', 'Min', 'Max', 'P25', 'P75', 'P95', 'P99', 'N', LOAD_HEADER];
  const align: Align[] = header.map((_, i): Align => (i < 2 ? 'left' : 'right'));
  const parts = groups.map((g) => {
    const ranked = rankRuns(t, g.runs, ctx.all);
    const uncertainty = t.sample ? medianUncertainty(ranked.map((r) => r.run), t.sample) : null;
    const rows = ranked.map(({ run, figures }, i) => {
      const marks = runMarks(run, ctx.minRequests);
      const label = runLabel(run, ctx.all);
      marked.push({ label, marks });
      anyLow ||= Boolean(figures?.lowSample.length);
      anyTie ||= Boolean(uncertainty?.[i].notDistinguishable);
      const n = t.sample ? run.values[t.sample].length : run.spans.length;
      const [median, ...rest] = COLUMNS.map((c) => cell(figures, c, t.digits));
      return [`${label}${markSuffix(marks)}`, run.summary.endpoint.model, median, ...(uncertainty ? [ciCell(uncertainty[i], t.digits)] : []), ...rest, count(n), loadCell(run)];
    });
    return block(g, t.chart, t.title, markdownTable(header, align, rows), ctx);
  });
  const notes = [t.formula];
  if (t.sample) notes.push(intervalNote(anyTie));
  notes.push(t.sample ? LOAD_NOTE : `N: completed requests. ${LOAD_NOTE}`);
  if (anyLow) notes.push(`${LOW_MARK} estimated from fewer values than the quantile needs (P99: ${minSamples(99)}, P95: ${minSamples(95)}, P75: ${minSamples(75)}, P25 and median: ${minSamples(50)}).`);
  const brief = ctx.warningsInSuccessTable;
  notes.push(...markNotes(marked, !brief), ...(brief && marked.some((r) => r.marks.length) ? ['Each run\'s own warning lines are quoted under the success-rate table.'] : []));
  return [...parts, notes.map((n) => `> ${n}`).join('\n>\n')].join('\n\n');
}

const LOAD_HEADER = 'Offered → achieved (req/s)';
const LOAD_NOTE = `${LOAD_HEADER}: the arrival rate asked for (closed loop: requests kept in flight) and the completed requests / (last byte - first send).`;

/** The row's load: what was offered and what the endpoint completed, `10 → 9.76`. */
function loadCell(run: SavedRun): string {
  return `${offered(run)} → ${formatValue(run.summary.throughput.requests_per_s, 2)}`;
}

function intervalNote(anyTie: boolean): string {
  const how = `Median 95% CI: percentile bootstrap of the median from the run's own requests (requests.csv; ${count(BOOTSTRAP_DEFAULTS.resamples)} resamples, seeded, so a render is reproducible). N: values behind the row.`;
  return anyTie ? `${how} ${TIE_MARK} the 95 % interval of the difference between this row's median and the median of the row above contains 0: the two are not distinguishable at these sample sizes.` : how;
}

function cell(f: Figures | null, c: (typeof COLUMNS)[number], digits: number): string {
  const v = f?.values[c] ?? null;
  if (v === null) return '-';
  return `${formatValue(v, digits)}${f!.lowSample.includes(c) ? LOW_MARK : ''}`;
}

function ciCell(u: RowUncertainty, digits: number): string {
  if (!u.interval) return '-';
  return `${u.notDistinguishable ? `${TIE_MARK} ` : ''}${formatValue(u.interval.low, digits)}–${formatValue(u.interval.high, digits)}`;
}

/** The offered load of a run: its rate (a ramp's peak), or the number kept in flight. */
function offered(run: SavedRun): string {
  const r = run.summary.run;
  if (r.mode === 'closed') return `${r.concurrency} in flight`;
  return r.rate === null ? '-' : String(r.rate);
}

/**
 * Reliability and validity: per run, the offered and achieved rate, how many requests were sent and how
 * they ended, errors per class, and the run's caveats as marks.
 */
export function successTable(groups: readonly Group[], ctx: TableContext): string {
  const header = ['Framework', 'Model', 'Success rate', 'Error rate', 'Offered (req/s)', 'Achieved (req/s)', 'Sent', 'Completed', 'Failed', 'Dropped', 'Errors'];
  const align: Align[] = ['left', 'left', ...Array<Align>(8).fill('right'), 'left'];
  const marked: Row[] = [];
  const parts = groups.map((g) => {
    const rows = [...g.runs]
      .sort((a, b) => successRate(b) - successRate(a) || runLabel(a, ctx.all).localeCompare(runLabel(b, ctx.all)))
      .map((run) => {
        const q = run.summary.requests;
        const marks = runMarks(run, ctx.minRequests);
        const label = runLabel(run, ctx.all);
        marked.push({ label, marks });
        return [`${label}${markSuffix(marks)}`, run.summary.endpoint.model, percent(successRate(run)), percent(errorRateOf(run.summary)), offered(run),
          formatValue(run.summary.throughput.requests_per_s, 2), count(q.sent), count(q.completed), count(q.failed), count(q.dropped), errorList(run)];
      });
    return block(g, null, '', markdownTable(header, align, rows), ctx);
  });
  const notes = [
    `Success rate = 1 - error rate; error rate = ${DEFINITIONS.error_rate}. Offered: the arrival rate asked for (closed loop: requests kept in flight); ` +
      'achieved: completed requests / (last byte - first send). Errors: count per error class.',
    ...markNotes(marked, true),
  ];
  return [...parts, notes.map((n) => `> ${n}`).join('\n>\n')].join('\n\n');
}

/** The complement of the error rate, so the two columns always add up to 100 %: dropped and never-sent
 *  requests count against both. */
function successRate(run: SavedRun): number {
  return run.summary.requests.scheduled ? 1 - errorRateOf(run.summary) : 0;
}

function errorList(run: SavedRun): string {
  const e = Object.entries(run.summary.errors ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return e.length ? e.map(([k, n]) => `${k} ${n}`).join(', ') : '-';
}
