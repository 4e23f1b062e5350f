import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { histogramIncrease, histogramQuantile } from '../../src/server-metrics/histogram.js';
import { parsePromText } from '../../src/server-metrics/prom-text.js';
import { knownSnapshot } from '../../src/server-metrics/snapshot.js';
import { summariseServerMetrics, type ScrapeCounts } from '../../src/server-metrics/summarise.js';
import type { Stats } from '../../src/metrics/distribution.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'prometheus');
const snap = (t: number, text: string) => knownSnapshot(t, parsePromText(text).samples);
const fixture = (f: string, t = 0) => snap(t, readFileSync(join(FIXTURES, f), 'utf8'));

const COUNTS: ScrapeCounts = { attempted: 3, ok: 3, failed: 0, skipped: 0, errors: {}, first_error: null, duration_ms: { p50: 1, max: 2 }, bytes_max: 100, invalid_lines: 0, samples_dropped: 0 };

function stats(p50: number, mean: number, count = 100): Stats {
  return { count, mean, min: 0, max: 0, stddev: 0, p25: 0, p50, p75: 0, p90: p50, p95: 0, p99: p50, low_sample: [] };
}

describe('known series of each engine', () => {
  it('vLLM v1: gauges summed over engines (KV use: the largest), prefix-cache token counters, TTFT and ITL histograms', () => {
    const s = fixture('vllm-v1.txt');
    expect(s.engine).toBe('vllm');
    expect(s.gauges).toEqual({ queue: 7, running: 30, kv_usage: 0.625 });
    expect(s.counters).toEqual({ cache_hits: 4000, cache_queries: 10000 });
    expect(s.histograms.ttft!.count).toBe(200);
    expect(s.histograms.ttft!.buckets.find((b) => b.le === 0.1)!.count).toBe(100);
    expect(s.sources).toMatchObject({ queue: 'vllm:num_requests_waiting', kv_usage: 'vllm:kv_cache_usage_perc', itl: 'vllm:inter_token_latency_seconds' });
  });

  it('vLLM v0 names: gpu_cache_usage_perc, the hit-rate gauge, time_per_output_token', () => {
    const s = fixture('vllm-v0.txt');
    expect(s.gauges).toEqual({ queue: 2, running: 8, kv_usage: 0.25, cache_hit_rate: 0.4 });
    expect(s.sources.itl).toBe('vllm:time_per_output_token_seconds');
  });

  it('SGLang, TGI and llama.cpp', () => {
    expect(fixture('sglang.txt')).toMatchObject({ engine: 'sglang', gauges: { queue: 5, running: 12, kv_usage: 0.75, cache_hit_rate: 0.3 } });
    expect(fixture('sglang.txt').histograms.itl!.count).toBe(20);
    expect(fixture('tgi.txt')).toMatchObject({ engine: 'tgi', gauges: { queue: 9, running: 32 } });
    expect(fixture('tgi.txt').sources.itl).toBe('tgi_request_mean_time_per_token_duration');
    expect(fixture('llamacpp.txt')).toMatchObject({ engine: 'llamacpp', gauges: { queue: 46, running: 4, kv_usage: 0.125 } });
  });

  it('a page of other metrics only: no engine, no roles', () => {
    expect(snap(0, 'process_cpu_seconds_total 3\nhttp_requests_total{code="200"} 5\n')).toMatchObject({ engine: null, gauges: {}, counters: {}, histograms: {} });
  });
});

describe('histograms over a run', () => {
  const h = (counts: number[], sum: number) => ({ buckets: [0.1, 0.2, 0.4, Infinity].map((le, i) => ({ le, count: counts[i] })), sum, count: counts[3] });

  it('quantiles interpolate inside the bucket, as histogram_quantile does', () => {
    const x = h([0, 50, 100, 100], 20);
    expect(histogramQuantile(0.5, x)).toBeCloseTo(0.2, 12);
    expect(histogramQuantile(0.25, x)).toBeCloseTo(0.15, 12);
    expect(histogramQuantile(0.99, x)).toBeCloseTo(0.396, 12);
    expect(histogramQuantile(0.5, h([0, 0, 0, 0], 0))).toBeNull();
  });

  it('a rank in the +Inf bucket gives the largest finite bound', () => {
    expect(histogramQuantile(0.99, h([0, 0, 10, 100], 50))).toBe(0.4);
  });

  it('the increase between two scrapes is the run\'s own share; a restarted server counts from zero', () => {
    const before = h([5, 10, 10, 10], 1);
    const after = h([5, 60, 110, 110], 21);
    expect(histogramIncrease(before, after)).toEqual(h([0, 50, 100, 100], 20));
    expect(histogramIncrease(after, before)).toEqual(before);
  });
});

describe('summary of a run\'s scrapes', () => {
  const page = (waiting: number, ttftBuckets: number[], hits: number, queries: number) =>
    [
      `vllm:num_requests_waiting{engine="0"} ${waiting}`,
      `vllm:num_requests_running{engine="0"} 4`,
      `vllm:kv_cache_usage_perc{engine="0"} ${waiting / 100}`,
      `vllm:prefix_cache_hits_total{engine="0"} ${hits}`,
      `vllm:prefix_cache_queries_total{engine="0"} ${queries}`,
      ...[0.05, 0.1, 0.2].map((le, i) => `vllm:time_to_first_token_seconds_bucket{le="${le}"} ${ttftBuckets[i]}`),
      `vllm:time_to_first_token_seconds_bucket{le="+Inf"} ${ttftBuckets[2]}`,
      `vllm:time_to_first_token_seconds_count ${ttftBuckets[2]}`,
      `vllm:time_to_first_token_seconds_sum ${ttftBuckets[2] * 0.09}`,
    ].join('\n');

  it('queue p50/max and KV max over the scrapes inside the run; hit rate and TTFT from the increase before -> after', () => {
    const snapshots = [
      snap(-15, page(0, [3, 3, 3], 100, 1000)),
      snap(1000, page(2, [3, 5, 5], 150, 1100)),
      snap(2000, page(9, [3, 20, 20], 200, 1200)),
      snap(3000, page(5, [3, 40, 40], 300, 1300)),
      snap(4100, page(0, [3, 103, 103], 400, 1400)),
    ];
    const s = summariseServerMetrics({
      url: 'http://127.0.0.1:8000/metrics', source: 'auto', intervalMs: 1000, scrapes: COUNTS, snapshots, endMs: 4000,
      client: { ttft_s: stats(0.1, 0.1), itl_ms: null },
    });
    expect(s.engine).toBe('vllm');
    expect(s.queue_depth).toEqual({ p50: 5, max: 9, samples: 3 });
    expect(s.running).toEqual({ p50: 4, max: 4, samples: 3 });
    expect(s.kv_cache_usage!.max).toBe(0.09);
    expect(s.cache_hit_rate).toBeCloseTo(300 / 400, 12);
    expect(s.cache_hit_rate_from).toBe('counters');
    // 100 requests over the run, every one in (0.05, 0.1]: p50 halfway through that bucket
    expect(s.ttft_s!.server.count).toBe(100);
    expect(s.ttft_s!.server.p50).toBeCloseTo(0.075, 12);
    expect(s.ttft_s!.server.mean).toBeCloseTo(0.09, 9);
    expect(s.ttft_s!.client_minus_server.mean).toBeCloseTo(0.01, 9);
    expect(s.ttft_s!.client_minus_server.p50).toBeCloseTo(0.025, 12);
    expect(s.ttft_s!.server_bucket_bounds).toEqual([0.05, 0.1, 0.2]);
    expect(s.itl_ms).toBeNull();
  });

  it('no successful scrape: every figure null, the counts kept', () => {
    const counts = { ...COUNTS, ok: 0, failed: 3, errors: { timeout: 3 }, first_error: 'timeout: no complete answer within 1000 ms' };
    const s = summariseServerMetrics({ url: 'u', source: 'flag', intervalMs: 1000, scrapes: counts, snapshots: [], endMs: 1000, client: { ttft_s: null, itl_ms: null } });
    expect(s).toMatchObject({ engine: null, queue_depth: null, kv_cache_usage: null, cache_hit_rate: null, ttft_s: null, scrapes: { failed: 3, errors: { timeout: 3 } } });
  });
});
