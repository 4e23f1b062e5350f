import type { Stats } from '../metrics/distribution.js';
import type { DerivedMetrics } from '../metrics/record.js';
import type { RunSummary } from '../metrics/summary.js';
import type { GaugeSummary, LatencyView, ServerMetricsSummary } from '../server-metrics/summary-types.js';

/**
 * What an SLO can name: every figure of the summary, each with the kind of value it holds.
 * `time` values are stored in `unit` (s or ms) and need a unit when written; `ratio` values are
 * fractions (written as 1% or 0.01); `number` values are plain.
 */
export type MetricKind = { kind: 'time'; unit: 's' | 'ms' } | { kind: 'ratio' } | { kind: 'number' };

export interface MetricDef {
  name: string;
  type: MetricKind;
  read(s: RunSummary): number | null;
  /** Set for per-request metrics: the record field goodput checks each request against. */
  perRequest?: keyof DerivedMetrics;
  /** Read from the server's own /metrics (summary.server_metrics): needs --server-metrics. */
  server?: true;
}

/** Distributions of the summary, by the short name an SLO uses, and their statistics. */
const DISTRIBUTIONS: { base: string; type: MetricKind; read: (s: RunSummary) => Stats | null; perRequest?: keyof DerivedMetrics }[] = [
  { base: 'ttft', type: { kind: 'time', unit: 's' }, read: (s) => s.metrics.ttft_s, perRequest: 'ttft_s' },
  { base: 'ttfo', type: { kind: 'time', unit: 's' }, read: (s) => s.metrics.ttfo_s, perRequest: 'ttfo_s' },
  { base: 'tpot', type: { kind: 'time', unit: 'ms' }, read: (s) => s.metrics.tpot_ms, perRequest: 'tpot_ms' },
  { base: 'itl', type: { kind: 'time', unit: 'ms' }, read: (s) => s.metrics.itl_ms, perRequest: 'itl_ms' },
  { base: 'e2e', type: { kind: 'time', unit: 's' }, read: (s) => s.metrics.e2e_s, perRequest: 'e2e_s' },
  { base: 'inter_chunk', type: { kind: 'time', unit: 'ms' }, read: (s) => s.metrics.inter_chunk_ms },
  { base: 'output_tps', type: { kind: 'number' }, read: (s) => s.metrics.output_tps },
  { base: 'output_tokens', type: { kind: 'number' }, read: (s) => s.metrics.output_tokens },
  { base: 'input_tokens', type: { kind: 'number' }, read: (s) => s.metrics.input_tokens },
  { base: 'reasoning_tokens', type: { kind: 'number' }, read: (s) => s.metrics.reasoning_tokens },
  { base: 'send_lag', type: { kind: 'time', unit: 'ms' }, read: (s) => s.client.send_lag_ms },
];

export const STATISTICS = ['p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'mean', 'min', 'max'] as const;

const COUNTS = ['scheduled', 'sent', 'completed', 'failed', 'dropped', 'incomplete'] as const;

const SCALARS: MetricDef[] = [
  { name: 'error_rate', type: { kind: 'ratio' }, read: (s) => s.error_rate },
  { name: 'good_fraction', type: { kind: 'ratio' }, read: (s) => s.goodput.fraction },
  { name: 'goodput', type: { kind: 'number' }, read: (s) => s.goodput.requests_per_s },
  { name: 'total_tps_peak', type: { kind: 'number' }, read: (s) => s.throughput.peak_total_tps },
  { name: 'total_tps_mean', type: { kind: 'number' }, read: (s) => s.throughput.mean_total_tps },
  { name: 'total_tps_sum_peak', type: { kind: 'number' }, read: (s) => s.throughput.total_tps_sum_of_requests.peak },
  { name: 'total_tps_sum_mean', type: { kind: 'number' }, read: (s) => s.throughput.total_tps_sum_of_requests.mean },
  { name: 'output_tokens_per_s', type: { kind: 'number' }, read: (s) => s.throughput.output_tokens_per_s },
  { name: 'requests_per_s', type: { kind: 'number' }, read: (s) => s.throughput.requests_per_s },
  ...COUNTS.map((c): MetricDef => ({ name: `requests_${c}`, type: { kind: 'number' }, read: (s) => s.requests[c] })),
];

/** The server's own figures over the run. Null (and so failed) when the page did not hold the series. */
function fromServer(name: string, type: MetricKind, read: (m: ServerMetricsSummary) => number | null | undefined): MetricDef {
  return { name, type, server: true, read: (s) => (s.server_metrics ? (read(s.server_metrics) ?? null) : null) };
}

const GAUGES: { base: string; type: MetricKind; read: (m: ServerMetricsSummary) => GaugeSummary | null }[] = [
  { base: 'server_queue_depth', type: { kind: 'number' }, read: (m) => m.queue_depth },
  { base: 'server_running', type: { kind: 'number' }, read: (m) => m.running },
  { base: 'server_kv_cache_usage', type: { kind: 'ratio' }, read: (m) => m.kv_cache_usage },
];
const SERVER_LATENCIES: { base: string; type: MetricKind; read: (m: ServerMetricsSummary) => LatencyView | undefined }[] = [
  { base: 'server_ttft', type: { kind: 'time', unit: 's' }, read: (m) => m.ttft_s?.server },
  { base: 'server_itl', type: { kind: 'time', unit: 'ms' }, read: (m) => m.itl_ms?.server },
];
const GAUGE_STATS = ['p50', 'max'] as const;
const LATENCY_STATS = ['p50', 'p90', 'p99', 'mean'] as const;

const SERVER: MetricDef[] = [
  ...GAUGES.flatMap((g) => GAUGE_STATS.map((stat) => fromServer(`${g.base}_${stat}`, g.type, (m) => g.read(m)?.[stat]))),
  fromServer('server_cache_hit_rate', { kind: 'ratio' }, (m) => m.cache_hit_rate),
  ...SERVER_LATENCIES.flatMap((l) => LATENCY_STATS.map((stat) => fromServer(`${l.base}_${stat}`, l.type, (m) => l.read(m)?.[stat]))),
];

export const METRICS: ReadonlyMap<string, MetricDef> = new Map([
  ...DISTRIBUTIONS.flatMap((d) => STATISTICS.map((stat): [string, MetricDef] => {
    const name = `${d.base}_${stat}`;
    return [name, { name, type: d.type, read: (s) => d.read(s)?.[stat] ?? null, perRequest: d.perRequest }];
  })),
  ...SCALARS.map((m): [string, MetricDef] => [m.name, m]),
  ...SERVER.map((m): [string, MetricDef] => [m.name, m]),
]);

/** The allowed names, compactly, for error messages and --help. */
export const METRICS_HELP =
  `<${DISTRIBUTIONS.map((d) => d.base).join('|')}>_<${STATISTICS.join('|')}>, ${SCALARS.map((m) => m.name).join(', ')}; ` +
  `with --server-metrics: <${GAUGES.map((g) => g.base).join('|')}>_<${GAUGE_STATS.join('|')}>, server_cache_hit_rate, ` +
  `<${SERVER_LATENCIES.map((l) => l.base).join('|')}>_<${LATENCY_STATS.join('|')}>`;
