/**
 * The `server_metrics` block of summary.json. Types only, importing nothing, so the summary's own type
 * can name it without pulling the scraper's modules in.
 */

/** How the scrapes went: a run with scraping never fails because of them, so this is where failures show. */
export interface ScrapeCounts {
  attempted: number;
  ok: number;
  failed: number;
  /** Ticks skipped because the previous scrape had not finished (scrapes never overlap). */
  skipped: number;
  /** Failures by class: connect, dns, timeout, http_status, too_large, parse, reset, ... */
  errors: Record<string, number>;
  /** The first failure's message (redacted, bounded), for the reader. */
  first_error: string | null;
  duration_ms: { p50: number | null; max: number | null };
  bytes_max: number;
  /** Lines of successful scrapes that were not valid samples (skipped one by one). */
  invalid_lines: number;
  /** Samples beyond the per-scrape cap, not stored. */
  samples_dropped: number;
}

export interface GaugeSummary {
  p50: number;
  max: number;
  /** Scrapes inside the run that held the series. */
  samples: number;
}

export interface LatencyView {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** The server's own histogram over the run beside the client's distribution of the same figure. */
export interface ServerVsClient {
  server: LatencyView;
  client: LatencyView;
  /** client - server: the network + HTTP + client share (means subtract exactly; the p50s are each side's own). */
  client_minus_server: { mean: number | null; p50: number | null };
  /** The server's histogram bucket bounds: its quantiles are interpolated within them. */
  server_bucket_bounds: number[];
}

export interface ServerMetricsSummary {
  url: string;
  /** 'flag': --server-metrics URL; 'auto': the endpoint's origin + /metrics. */
  source: 'flag' | 'auto';
  interval_s: number;
  /** vllm, sglang, tgi or llamacpp: whose names the page holds most of (null: none of them). */
  engine: string | null;
  scrapes: ScrapeCounts;
  /** Which of the server's names each figure was read from. */
  series: Record<string, string>;
  queue_depth: GaugeSummary | null;
  running: GaugeSummary | null;
  /** Fraction of the KV cache in use (0..1). */
  kv_cache_usage: GaugeSummary | null;
  /** Prefix-cache hits / queries over the run (vLLM: token counters), else the server's own gauge, mean over the run. */
  cache_hit_rate: number | null;
  cache_hit_rate_from: 'counters' | 'gauge' | null;
  ttft_s: ServerVsClient | null;
  itl_ms: ServerVsClient | null;
}
