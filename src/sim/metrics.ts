import { formatLabels } from '../server-metrics/prom-text.js';
import type { SimEngine } from './engine.js';

/** vLLM's bucket bounds (v1 engine, seconds), so client-side readers see what a real server sends. */
export const VLLM_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
export const VLLM_ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
export const VLLM_E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

/** A Prometheus histogram: cumulative counts per bound rendered, one increment per observation. */
class Histogram {
  readonly #bounds: number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(bounds: number[]) {
    this.#bounds = bounds;
    this.#counts = bounds.map(() => 0);
  }

  observe(v: number): void {
    this.#sum += v;
    this.#count++;
    const i = this.#bounds.findIndex((b) => v <= b);
    if (i !== -1) this.#counts[i]++;
  }

  lines(name: string, labels: Record<string, string>): string[] {
    const out: string[] = [];
    let cum = 0;
    this.#bounds.forEach((b, i) => {
      cum += this.#counts[i];
      out.push(`${name}_bucket${formatLabels({ ...labels, le: String(b) })} ${cum}`);
    });
    out.push(`${name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${this.#count}`);
    out.push(`${name}_sum${formatLabels(labels)} ${this.#sum}`, `${name}_count${formatLabels(labels)} ${this.#count}`);
    return out;
  }
}

export interface SimMetricsOptions {
  model: string;
  /** Publish the prefix-cache counters (only a simulator with a prefix cache has them, as in vLLM). */
  prefixCache: boolean;
}

/**
 * The simulator's `/metrics`, in vLLM's names and labels (model_name, engine="0"): queue and running
 * gauges and KV-cache use read from the engine at render time, TTFT / inter-token / end-to-end
 * histograms observed per request, token and success counters, and, with a prefix cache, its
 * hit and query counters (tokens, as vLLM counts them).
 */
export class SimMetrics {
  readonly #engine: SimEngine;
  readonly #o: SimMetricsOptions;
  readonly ttft = new Histogram(VLLM_TTFT_BUCKETS);
  readonly itl = new Histogram(VLLM_ITL_BUCKETS);
  readonly e2e = new Histogram(VLLM_E2E_BUCKETS);
  readonly #success = new Map<string, number>();
  #promptTokens = 0;
  #generationTokens = 0;
  #cacheQueries = 0;
  #cacheHits = 0;

  constructor(engine: SimEngine, o: SimMetricsOptions) {
    this.#engine = engine;
    this.#o = o;
  }

  /** A request that completed: its finish reason and token counts. */
  finished(reason: string, promptTokens: number, generationTokens: number): void {
    this.#success.set(reason, (this.#success.get(reason) ?? 0) + 1);
    this.#promptTokens += promptTokens;
    this.#generationTokens += generationTokens;
  }

  /** The prefix cache's hook: prompt tokens looked up, and how many of them were found. */
  prefixCacheLookup(queriedTokens: number, hitTokens: number): void {
    this.#cacheQueries += queriedTokens;
    this.#cacheHits += hitTokens;
  }

  render(): string {
    const labels = { model_name: this.#o.model, engine: '0' };
    const l = formatLabels(labels);
    const family = (name: string, type: string, help: string, lines: string[]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
    const out = [
      ...family('vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.', [`vllm:num_requests_running${l} ${this.#engine.busy}`]),
      ...family('vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.', [`vllm:num_requests_waiting${l} ${this.#engine.queued}`]),
      ...family('vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.', [`vllm:kv_cache_usage_perc${l} ${this.#engine.kvUsage}`]),
      ...family('vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.', [`vllm:prompt_tokens_total${l} ${this.#promptTokens}`]),
      ...family('vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.', [`vllm:generation_tokens_total${l} ${this.#generationTokens}`]),
      ...family('vllm:request_success_total', 'counter', 'Count of successfully processed requests.',
        [...this.#success].map(([reason, n]) => `vllm:request_success_total${formatLabels({ ...labels, finished_reason: reason })} ${n}`)),
      ...(this.#o.prefixCache
        ? [
            ...family('vllm:prefix_cache_queries_total', 'counter', 'Prefix cache queries, in terms of number of queried tokens.', [`vllm:prefix_cache_queries_total${l} ${this.#cacheQueries}`]),
            ...family('vllm:prefix_cache_hits_total', 'counter', 'Prefix cache hits, in terms of number of cached tokens.', [`vllm:prefix_cache_hits_total${l} ${this.#cacheHits}`]),
          ]
        : []),
      ...family('vllm:time_to_first_token_seconds', 'histogram', 'Histogram of time to first token in seconds.', this.ttft.lines('vllm:time_to_first_token_seconds', labels)),
      ...family('vllm:inter_token_latency_seconds', 'histogram', 'Histogram of inter-token latency in seconds.', this.itl.lines('vllm:inter_token_latency_seconds', labels)),
      ...family('vllm:e2e_request_latency_seconds', 'histogram', 'Histogram of e2e request latency in seconds.', this.e2e.lines('vllm:e2e_request_latency_seconds', labels)),
    ];
    return `${out.join('\n')}\n`;
  }
}

/**
 * Times one request the way vLLM does, from its arrival at the engine: TTFT at the first token, an
 * inter-token latency per later token, end to end at the last. Returns the per-token callback.
 */
export function requestTimer(m: SimMetrics, promptTokens: number, reason: () => string, now: () => number = nowS): (j: number, last: boolean) => void {
  const arrived = now();
  let prev = arrived;
  return (j, last) => {
    const t = now();
    if (j === 0) m.ttft.observe(t - arrived);
    else m.itl.observe(t - prev);
    prev = t;
    if (!last) return;
    m.e2e.observe(t - arrived);
    m.finished(reason(), promptTokens, j + 1);
  };
}

const nowS = () => Number(process.hrtime.bigint()) / 1e9;
