import { workloadKey, type SavedRun } from '../results/read-runs.js';
import { chartFile, endpointStyles, groupCharts, sweepChart, THROUGHPUT_LATENCY, type ChartSvg } from './charts.js';
import { workloadSentence } from './describe.js';
import { groupRuns, type Group } from './groups.js';
import { lastUpdate, runMetadata } from './metadata.js';
import { runConfig } from './run-config.js';
import { sweepTable, type Sweep } from './sweeps.js';
import { metricTable, metricTables, successTable, type TableContext } from './tables.js';
import { fillTemplate, type Filled } from './template.js';

/** What a leaderboard shows: the runs of its tables and the sweeps of its throughput-latency charts. */
export interface LeaderboardData {
  runs: readonly SavedRun[];
  sweeps: readonly Sweep[];
}

export interface RenderOptions {
  /** Every run (several per endpoint), rather than the latest per endpoint + workload. */
  all: boolean;
  /** Rows from runs with fewer completed requests are marked [L]. */
  minRequests: number;
  /** A chart file's link, relative to the Markdown file being written; null when no charts are drawn. */
  chartLink: ((file: string) => string) | null;
}

/** A template's placeholder for a value, with optional spaces inside the braces. */
function uses(template: string, name: string): boolean {
  return new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`).test(template);
}

/** Every placeholder a template may use. */
export const PLACEHOLDER_NAMES = [
  'last_update', 'run_metadata', 'run_config', 'workload_description',
  ...metricTables([]).map((t) => t.placeholder), 'Success_rate_table', 'Throughput_latency_chart',
];

/** Every placeholder's value. The same results give the same bytes: nothing depends on the render's time. */
export function placeholderValues(data: LeaderboardData, o: RenderOptions & { warningsInSuccessTable: boolean }): Record<string, string> {
  const groups = groupRuns(data.runs);
  const chartLink = o.chartLink && ((chart: string, g: Group) => o.chartLink!(chartFile(chart, g, groups.length === 1)));
  const ctx: TableContext = { all: o.all, minRequests: o.minRequests, chartLink, warningsInSuccessTable: o.warningsInSuccessTable };
  const ranked = data.runs.map((r) => r.summary);
  const charted = [...new Set(data.sweeps.flatMap((s) => s.sources))].filter((s) => !ranked.includes(s));
  const values: Record<string, string> = {
    last_update: lastUpdate([...ranked, ...charted]),
    run_metadata: runMetadata(ranked, charted),
    run_config: runConfig(groups),
    workload_description: workloadDescription(groups),
  };
  for (const t of metricTables(data.runs)) values[t.placeholder] = metricTable(t, groups, ctx);
  values.Success_rate_table = successTable(groups, ctx);
  values.Throughput_latency_chart = throughputLatency(data.sweeps, o);
  return values;
}

export function renderLeaderboard(template: string, data: LeaderboardData, o: RenderOptions): Filled {
  return fillTemplate(template, placeholderValues(data, { ...o, warningsInSuccessTable: uses(template, 'Success_rate_table') }));
}

/** Every chart the Markdown links: each group's, then each sweep's. */
export function leaderboardCharts(data: LeaderboardData, o: Pick<RenderOptions, 'all' | 'minRequests'>): ChartSvg[] {
  const groups = groupRuns(data.runs);
  const style = endpointStyles([...data.runs.map((r) => r.summary.endpoint.name), ...data.sweeps.flatMap((s) => s.series.map((e) => e.endpoint))]);
  const sweeps = data.sweeps.map((s) => ({ file: chartFile(THROUGHPUT_LATENCY, s, data.sweeps.length === 1), svg: sweepChart(s, style) }));
  return [...groupCharts(groups, metricTables(data.runs), o, style), ...sweeps];
}

/** The seed's sentence about its workload, for each distinct load. */
function workloadDescription(groups: readonly Group[]): string {
  const loads = new Map<string, Group>();
  for (const g of groups) if (!loads.has(workloadKey(g.runs[0].summary))) loads.set(workloadKey(g.runs[0].summary), g);
  const sentences = [...loads.values()].map((g) => workloadSentence(g.runs));
  if (sentences.length === 1) return `In our testing config, ${sentences[0][0].toLowerCase()}${sentences[0].slice(1)}`;
  return [`The runs cover ${sentences.length} workloads, each ranked in its own table below:`, '', ...sentences.map((s) => `- ${s}`)].join('\n');
}

/** `{{Throughput_latency_chart}}`: each sweep's chart and figures, or what to run to get one. */
function throughputLatency(sweeps: readonly Sweep[], o: RenderOptions): string {
  if (!sweeps.length) {
    return 'No endpoint was measured at several rates of one workload in these results. An `auto-testing capacity` search, or runs of one ' +
      'workload at several `--rate`s into the same results folder, draw output tokens/s against TTFT P50 and P99 here, one line per endpoint.';
  }
  return sweeps.map((s) => {
    const image = o.chartLink ? [`![Throughput against latency: ${s.heading}](${o.chartLink(chartFile(THROUGHPUT_LATENCY, s, sweeps.length === 1))})`] : [];
    return [`#### ${s.heading}`, ...image, sweepTable(s)].join('\n\n');
  }).join('\n\n');
}
