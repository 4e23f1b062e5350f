import { boxChart, type BoxItem } from '../charts/box-chart.js';
import { lineChart } from '../charts/line-chart.js';
import { PALETTE } from '../charts/svg.js';
import type { SavedRun } from '../results/read-runs.js';
import { requestDistribution } from './figures.js';
import { runLabel } from './groups.js';
import { metricTables, rankRuns, type MetricTable } from './tables.js';

/** A chart file of the leaderboard: its name (as the template links it) and SVG source. */
export interface ChartSvg {
  file: string;
  svg: string;
}

const BOXES: { file: string; placeholder: string; metric: string; title: string }[] = [
  { file: 'TTFT.png', placeholder: 'TTFT_table', metric: 'ttft_s', title: 'Time to first token (TTFT)' },
  { file: 'TPOT.png', placeholder: 'TPOT_table', metric: 'tpot_ms', title: 'Time per output token (TPOT)' },
];

/** TTFT.png and TPOT.png (one box per endpoint, in table order) and Total_TPS.png (one line per endpoint). */
export function leaderboardCharts(runs: readonly SavedRun[], all: boolean): ChartSvg[] {
  const label = chartLabel(runs, all);
  const color = colorByLabel(runs, label);
  const tables = metricTables(runs);
  const boxes = BOXES.map((b) => {
    const table = tables.find((t) => t.placeholder === b.placeholder)!;
    return { file: b.file, svg: boxChart({ title: b.title, subtitle: 'box P25–P75 · thick line median (value at right) · whiskers P5–P95 · best first', axisLabel: table.label, digits: table.digits, items: boxItems(table, b.metric, runs, all, label, color) }) };
  });
  const totalTps = tables.find((t) => t.placeholder === 'Total_TPS_table')!;
  const series = rankRuns(totalTps, runs, all).map(({ run }) => ({ label: label(run), color: color(label(run)), points: run.seconds.map((s): [number, number] => [s.second + 0.5, s.total_tps]) }));
  const tps = lineChart({ title: 'Total TPS over time', subtitle: 'output tokens received from all requests in each second of the run', xLabel: 'time since the start of the run (s)', yLabel: totalTps.label, series });
  return [...boxes, { file: 'Total_TPS.png', svg: tps }];
}

function boxItems(table: MetricTable, metric: string, runs: readonly SavedRun[], all: boolean, label: (r: SavedRun) => string, color: (l: string) => string): BoxItem[] {
  return rankRuns(table, runs, all).map(({ run }) => {
    const d = requestDistribution(run, metric);
    const q = (p: number) => d!.quantile(p)!;
    return { label: label(run), color: color(label(run)), box: d ? { low: q(5), q1: q(25), median: q(50), q3: q(75), high: q(95) } : null, note: 'no completed requests' };
  });
}

/** The table's Framework label, plus the model when several models share a chart. */
function chartLabel(runs: readonly SavedRun[], all: boolean): (r: SavedRun) => string {
  const models = new Set(runs.map((r) => r.summary.endpoint.model));
  return (r) => (models.size > 1 ? `${runLabel(r, all)} · ${r.summary.endpoint.model}` : runLabel(r, all));
}

/** One colour per endpoint, the same in every chart (by name order, not by rank). */
function colorByLabel(runs: readonly SavedRun[], label: (r: SavedRun) => string): (l: string) => string {
  const labels = [...new Set(runs.map(label))].sort();
  return (l) => PALETTE[labels.indexOf(l) % PALETTE.length];
}
