/**
 * The serving engines' own names for the figures that explain a client's latencies, by role. A role is
 * read from the first name in its list that a scrape holds (newer names first), so one table covers
 * several versions of each engine. Label sets of one name (engines, models, ranks) are added for counts
 * and counters, and the largest is taken for a ratio of a shared resource.
 */

export type Engine = 'vllm' | 'sglang' | 'tgi' | 'llamacpp';

export type GaugeRole = 'queue' | 'running' | 'kv_usage' | 'cache_hit_rate';
export type CounterRole = 'cache_hits' | 'cache_queries';
export type HistogramRole = 'ttft' | 'itl';

export interface GaugeName {
  name: string;
  /** How label sets combine: sum (requests across engines) or max (a usage ratio). */
  combine: 'sum' | 'max';
  /** Multiplies the value into the role's unit (requests, or a fraction 0..1). */
  scale?: number;
}

export const GAUGES: Record<GaugeRole, GaugeName[]> = {
  queue: [
    { name: 'vllm:num_requests_waiting', combine: 'sum' },
    { name: 'sglang:num_queue_reqs', combine: 'sum' },
    { name: 'tgi_queue_size', combine: 'sum' },
    { name: 'llamacpp:requests_deferred', combine: 'sum' },
  ],
  running: [
    { name: 'vllm:num_requests_running', combine: 'sum' },
    { name: 'sglang:num_running_reqs', combine: 'sum' },
    { name: 'tgi_batch_current_size', combine: 'sum' },
    { name: 'llamacpp:requests_processing', combine: 'sum' },
  ],
  kv_usage: [
    { name: 'vllm:kv_cache_usage_perc', combine: 'max' },
    { name: 'vllm:gpu_cache_usage_perc', combine: 'max' },
    { name: 'sglang:token_usage', combine: 'max' },
    { name: 'llamacpp:kv_cache_usage_ratio', combine: 'max' },
  ],
  cache_hit_rate: [
    { name: 'sglang:cache_hit_rate', combine: 'max' },
    { name: 'vllm:gpu_prefix_cache_hit_rate', combine: 'max' },
  ],
};

/** Prefix-cache counters (vLLM counts tokens): hit rate over the run = increase of hits / of queries. */
export const COUNTERS: Record<CounterRole, string[]> = {
  cache_hits: ['vllm:prefix_cache_hits_total', 'vllm:prefix_cache_hits', 'vllm:gpu_prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits'],
  cache_queries: ['vllm:prefix_cache_queries_total', 'vllm:prefix_cache_queries', 'vllm:gpu_prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries'],
};

/** Histogram base names (…_bucket/_sum/_count), all in seconds. */
export const HISTOGRAMS: Record<HistogramRole, string[]> = {
  ttft: ['vllm:time_to_first_token_seconds', 'sglang:time_to_first_token_seconds'],
  itl: [
    'vllm:inter_token_latency_seconds',
    'vllm:time_per_output_token_seconds',
    'sglang:inter_token_latency_seconds',
    'sglang:time_per_output_token_seconds',
    // TGI's is a per-request mean, the closest it publishes
    'tgi_request_mean_time_per_token_duration',
  ],
};

const PREFIXES: [string, Engine][] = [
  ['vllm:', 'vllm'],
  ['sglang:', 'sglang'],
  ['tgi_', 'tgi'],
  ['llamacpp:', 'llamacpp'],
];

/** The engine whose names a scrape holds (the one with most samples), null for none we know. */
export function detectEngine(names: Iterable<string>): Engine | null {
  const counts = new Map<Engine, number>();
  for (const n of names) {
    for (const [p, e] of PREFIXES) if (n.startsWith(p)) counts.set(e, (counts.get(e) ?? 0) + 1);
  }
  let best: Engine | null = null;
  for (const [e, c] of counts) if (best === null || c > counts.get(best)!) best = e;
  return best;
}

/** Every sample name the summary reads (so only those are kept in memory during a run). */
export function knownSampleNames(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(GAUGES)) for (const g of list) out.add(g.name);
  for (const list of Object.values(COUNTERS)) for (const n of list) out.add(n);
  for (const list of Object.values(HISTOGRAMS)) for (const base of list) for (const s of ['_bucket', '_sum', '_count']) out.add(base + s);
  return out;
}
