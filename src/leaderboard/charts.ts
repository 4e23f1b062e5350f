import { boxChart, type BoxItem } from '../charts/box-chart.js';
import { lineChart, type LineSeries } from '../charts/line-chart.js';
import { stackCharts } from '../charts/stack.js';
import { seriesStyle } from '../charts/svg.js';
import type { SavedRun } from '../results/read-runs.js';
import { requestDistribution, seedTotalTpsSeries, windowedTotalTpsSeries } from './figures.js';
import { formatValue } from './format.js';
import { runLabel, type Group } from './groups.js';
import type { Sweep } from './sweeps.js';
import { rankRuns, seedTotalTps, type MetricTable } from './tables.js';
import { markSuffix, runMarks } from './validity.js';

/** A chart file of the leaderboard: its name (as the Markdown links it) and SVG source. */
export interface ChartSvg {
  file: string;
  svg: string;
}

/** The saved summary's metric each box chart draws. */
const BOX_METRIC: Record<string, string> = { TTFT: 'ttft_s', TPOT: 'tpot_ms', ITL: 'itl_ms' };
export const THROUGHPUT_LATENCY = 'Throughput_latency';

/** `TTFT.png` when the runs form one group; `TTFT-<group id>.png` for each group otherwise. */
export function chartFile(chart: string, group: { id: string }, single: boolean): string {
  return single ? `${chart}.png` : `${chart}-${group.id}.png`;
}

/** One colour (and past 12, dash) per endpoint name, the same in every chart, by name order. */
export function endpointStyles(names: Iterable<string>): (name: string) => { color: string; dash: string | null } {
  const sorted = [...new Set(names)].sort();
  return (name) => seriesStyle(Math.max(0, sorted.indexOf(name)));
}

/**
 * Each group's charts: a box chart per latency table (TTFT, TPOT, ITL: one box per endpoint, in table
 * order) and the Total TPS line chart, which draws the very quantity its table ranks (the seed's sum of
 * the in-progress requests' TPS, sampled every 100 ms; or the windowed rate, for older runs, as the table).
 */
export function groupCharts(groups: readonly Group[], tables: readonly MetricTable[], o: { all: boolean; minRequests: number }, style: ReturnType<typeof endpointStyles>): ChartSvg[] {
  const label = (run: SavedRun) => `${runLabel(run, o.all)}${markSuffix(runMarks(run, o.minRequests))}`;
  const single = groups.length === 1;
  const seed = seedTotalTps(groups.flatMap((g) => g.runs));
  return groups.flatMap((g) => tables.filter((t) => t.chart).map((t) => {
    const subtitle = (what: string) => (g.heading ? `${g.heading} · ${what}` : what);
    const file = chartFile(t.chart!, g, single);
    if (t.chart === 'Total_TPS') {
      const series = rankRuns(t, g.runs, o.all).map(({ run }): LineSeries => ({ label: label(run), ...style(run.summary.endpoint.name), points: seed ? seedTotalTpsSeries(run) : windowedTotalTpsSeries(run) }));
      const what = seed ? 'at each instant (every 100 ms), Σ over requests in flight of output tokens / request time' : 'output tokens received in each 1 s window (older runs: the windowed rate)';
      return { file, svg: lineChart({ title: t.title, subtitle: subtitle(what), xLabel: 'time since the first request was sent (s)', yLabel: t.label, series }) };
    }
    const items = boxItems(t, BOX_METRIC[t.chart!], g.runs, o.all, label, style);
    return { file, svg: boxChart({ title: t.title, subtitle: subtitle('box P25–P75 · thick line median (value at right) · whiskers P5–P95 · best first'), axisLabel: t.label, digits: t.digits, format: (v) => formatValue(v, t.digits), items }) };
  }));
}

function boxItems(table: MetricTable, metric: string, runs: readonly SavedRun[], all: boolean, label: (r: SavedRun) => string, style: ReturnType<typeof endpointStyles>): BoxItem[] {
  return rankRuns(table, runs, all).map(({ run }) => {
    const d = requestDistribution(run, metric);
    const q = (p: number) => d!.quantile(p)!;
    return { label: label(run), ...style(run.summary.endpoint.name), box: d ? { low: q(5), q1: q(25), median: q(50), q3: q(75), high: q(95) } : null, note: 'no completed requests' };
  });
}

/**
 * A sweep's chart: output tokens/s against TTFT P50 (top) and P99 (bottom), one line per endpoint
 * through its runs in rate order, a dot per run, as MLPerf and InferenceMAX draw throughput and latency.
 */
export function sweepChart(s: Sweep, style: ReturnType<typeof endpointStyles>): string {
  const panel = (q: 'ttftP50' | 'ttftP99', label: string, title: string, subtitle?: string) => lineChart({
    title, subtitle, xLabel: 'output tokens/s (all requests: output tokens / (last byte - first send))', yLabel: label,
    series: s.series.map((e) => ({ label: e.endpoint, ...style(e.endpoint), markers: true, points: e.points.map((p): [number, number] => [p.outputTps, p[q]]) })),
  });
  return stackCharts([
    panel('ttftP50', 'TTFT P50 (s)', 'Throughput against latency: TTFT P50', `${s.heading} · a dot per ${s.closed ? 'concurrency' : 'rate'}`),
    panel('ttftP99', 'TTFT P99 (s)', 'Throughput against latency: TTFT P99'),
  ]);
}
