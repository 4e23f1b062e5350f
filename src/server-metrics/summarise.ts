import type { Stats } from '../metrics/distribution.js';
import { histogramIncrease, histogramQuantile, type CumulativeHistogram } from './histogram.js';
import type { GaugeRole, HistogramRole } from './known-series.js';
import type { KnownSnapshot } from './snapshot.js';
import type { GaugeSummary, LatencyView, ScrapeCounts, ServerMetricsSummary, ServerVsClient } from './summary-types.js';

export type { ScrapeCounts, ServerMetricsSummary } from './summary-types.js';

export const SERVER_METRICS_DEFINITIONS: Record<string, string> = {
  server_queue_depth: "the server's waiting-request gauge (vLLM num_requests_waiting, SGLang num_queue_reqs, TGI queue_size, llama.cpp requests_deferred) at each scrape during the run: p50 and max over scrapes",
  server_kv_cache_usage: "the server's KV-cache use gauge (0..1) at each scrape during the run: p50 and max",
  server_cache_hit_rate: 'increase of prefix-cache hits / increase of queries between the scrape before the first request and the one after the last (vLLM counts tokens); else the mean of the server\'s hit-rate gauge',
  server_ttft_s: "the server's TTFT histogram, last scrape minus the scrape before the run, quantiles interpolated within its buckets (PromQL histogram_quantile)",
  client_minus_server: 'client figure - server figure: the network + HTTP + client share; exact for means, an indication for p50 (each side its own median)',
};

export interface SummariseInput {
  url: string;
  source: 'flag' | 'auto';
  intervalMs: number;
  scrapes: ScrapeCounts;
  /** Every successful scrape, in time order: before t0 (baseline), during the run and after its end. */
  snapshots: readonly KnownSnapshot[];
  /** The run's end on its clock (ms from t0): gauges are read in [0, endMs]. */
  endMs: number;
  client: { ttft_s: Stats | null; itl_ms: Stats | null };
}

export function summariseServerMetrics(input: SummariseInput): ServerMetricsSummary {
  const snaps = input.snapshots;
  const during = snaps.filter((s) => s.tMs >= 0 && s.tMs <= input.endMs);
  const first = snaps[0] ?? null;
  const last = snaps[snaps.length - 1] ?? null;
  const series: Record<string, string> = {};
  for (const s of snaps) Object.assign(series, s.sources);
  const hitRate = cacheHitRate(first, last, during);
  return {
    url: input.url,
    source: input.source,
    interval_s: input.intervalMs / 1000,
    engine: last?.engine ?? null,
    scrapes: input.scrapes,
    series,
    queue_depth: gauge(during, 'queue'),
    running: gauge(during, 'running'),
    kv_cache_usage: gauge(during, 'kv_usage'),
    cache_hit_rate: hitRate.value,
    cache_hit_rate_from: hitRate.from,
    ttft_s: versus(first, last, 'ttft', 1, input.client.ttft_s),
    itl_ms: versus(first, last, 'itl', 1000, input.client.itl_ms),
  };
}

function gauge(snaps: readonly KnownSnapshot[], role: GaugeRole): GaugeSummary | null {
  const values = snaps.flatMap((s) => (s.gauges[role] === undefined ? [] : [s.gauges[role]!])).sort((a, b) => a - b);
  if (!values.length) return null;
  return { p50: values[Math.ceil(values.length / 2) - 1], max: values[values.length - 1], samples: values.length };
}

function cacheHitRate(first: KnownSnapshot | null, last: KnownSnapshot | null, during: readonly KnownSnapshot[]): { value: number | null; from: 'counters' | 'gauge' | null } {
  const inc = (role: 'cache_hits' | 'cache_queries') => {
    const a = first?.counters[role];
    const b = last?.counters[role];
    if (b === undefined) return null;
    return a === undefined || b < a ? b : b - a;
  };
  const hits = inc('cache_hits');
  const queries = inc('cache_queries');
  if (hits !== null && queries !== null) return { value: queries > 0 ? hits / queries : null, from: 'counters' };
  const g = during.flatMap((s) => (s.gauges.cache_hit_rate === undefined ? [] : [s.gauges.cache_hit_rate!]));
  return g.length ? { value: g.reduce((a, b) => a + b, 0) / g.length, from: 'gauge' } : { value: null, from: null };
}

function versus(first: KnownSnapshot | null, last: KnownSnapshot | null, role: HistogramRole, scale: number, client: Stats | null): ServerVsClient | null {
  const end = last?.histograms[role];
  if (!end) return null;
  const h = histogramIncrease(first === last ? null : (first?.histograms[role] ?? null), end);
  const server = serverView(h, scale);
  const c: LatencyView = client ? { count: client.count, mean: client.mean, p50: client.p50, p90: client.p90, p99: client.p99 } : { count: 0, mean: null, p50: null, p90: null, p99: null };
  const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    server,
    client: c,
    client_minus_server: { mean: minus(c.mean, server.mean), p50: minus(c.p50, server.p50) },
    server_bucket_bounds: h.buckets.filter((b) => Number.isFinite(b.le)).map((b) => b.le * scale),
  };
}

function serverView(h: CumulativeHistogram, scale: number): LatencyView {
  const q = (p: number) => {
    const v = histogramQuantile(p, h);
    return v === null ? null : v * scale;
  };
  return { count: h.count, mean: h.count > 0 ? (h.sum / h.count) * scale : null, p50: q(0.5), p90: q(0.9), p99: q(0.99) };
}
