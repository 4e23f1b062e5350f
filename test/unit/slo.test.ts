import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { RunSummary } from '../../src/metrics/summary.js';
import { evaluateSlos } from '../../src/slo/evaluate.js';
import { goodput } from '../../src/slo/goodput.js';
import { parseSlos, type Slo } from '../../src/slo/parse.js';
import { META, record } from './summary-fixture.js';

/** A completed request: sent at 0, first token at `ttftMs`, 10 tokens 20 ms apart. */
function done(id: number, ttftMs: number, over: Partial<RequestRecord> = {}): RequestRecord {
  return record({
    id, sent_ms: 0, first_token_ms: ttftMs, first_output_ms: ttftMs, end_ms: ttftMs + 180, output_tokens: 10, chunks: 10,
    chunk_gap_sum_ms: 180, chunk_gap_max_ms: 20, requested_output_tokens: 10, ...over,
  });
}

function slos(text: string): Slo[] {
  const r = parseSlos(text);
  if ('problems' in r) throw new Error(r.problems.join('\n'));
  return r.slos;
}

function summarise(records: RequestRecord[], objectives: Slo[] = []): RunSummary {
  const agg = new Aggregator(goodput(objectives));
  records.forEach((r) => agg.add(r));
  agg.addTokens([0, 50, 1, 250]);
  return buildSummary(agg, META);
}

/** 100 requests with TTFT 1..100 ms, 2 failed, 3 dropped. */
const FIXED = [
  ...Array.from({ length: 100 }, (_, i) => done(i, i + 1)),
  done(100, 0, { outcome: 'failed', first_token_ms: null, first_output_ms: null, end_ms: 5, error_class: 'http_status' }),
  done(101, 0, { outcome: 'failed', first_token_ms: null, first_output_ms: null, end_ms: 5, error_class: 'http_status' }),
  ...[102, 103, 104].map((id) => done(id, 0, { outcome: 'dropped', sent_ms: null, first_token_ms: null, first_output_ms: null, end_ms: null })),
];

describe('SLO parsing', () => {
  it('converts every threshold to the unit the summary stores', () => {
    const got = slos('ttft_p99<=2s, tpot_p50 < 40ms,itl_p99<=100000us,e2e_max>0.5s,error_rate<=1%,good_fraction>=0.95,total_tps_peak>=500');
    expect(got.map((s) => [s.metric.name, s.op, s.threshold])).toEqual([
      ['ttft_p99', '<=', 2], ['tpot_p50', '<', 40], ['itl_p99', '<=', 100], ['e2e_max', '>', 0.5],
      ['error_rate', '<=', 0.01], ['good_fraction', '>=', 0.95], ['total_tps_peak', '>=', 500],
    ]);
    expect(slos('ttft_p50<=250ms')[0].threshold).toBeCloseTo(0.25, 12);
  });

  it.each([
    ['ttft_p98<=2s', /unknown metric 'ttft_p98'; use <ttft\|.*error_rate/],
    ['latency<=2s', /unknown metric 'latency'/],
    ['ttft_p99<=2', /is a time: give a unit \(s, ms or us\)/],
    ['ttft_p99<=2min', /is a time: give a unit/],
    ['error_rate<=5', /percentage \(1%\) or a fraction/],
    ['total_tps_peak>=500tok', /plain number/],
    ['ttft_p99=2s', /operators are <, <=, >, >=/],
    ['ttft_p99=>2s', /operators are/],
    ['', /empty/],
  ])('%j is refused with one line naming --slo', (text, why) => {
    const r = parseSlos(text);
    expect('problems' in r && r.problems.length).toBe(1);
    const line = (r as { problems: string[] }).problems[0];
    expect(line.startsWith('--slo: ')).toBe(true);
    expect(line).toMatch(why);
  });

  it('reports every bad objective, not just the first', () => {
    const r = parseSlos('ttft_p99<=2,bogus>1,error_rate<=1%');
    expect('problems' in r && r.problems.length).toBe(2);
  });
});

describe('SLO evaluation on a fixed summary', () => {
  const s = summarise(FIXED);

  it('passes and fails each objective on the measured value, shown in the unit written', () => {
    const report = evaluateSlos(s, slos('ttft_max<=100ms,ttft_p50<50ms,error_rate<=1%,error_rate<5%,requests_dropped<=3,total_tps_peak>=1000,total_tps_peak>1000'));
    expect(report.results.map((r) => [r.slo, r.passed])).toEqual([
      ['ttft_max<=100ms', true], ['ttft_p50<50ms', false], ['error_rate<=1%', false], ['error_rate<5%', true],
      ['requests_dropped<=3', true], ["total_tps_peak>=1000", true], ["total_tps_peak>1000", false],
    ]);
    expect(report.passed).toBe(false);
    expect(report.results[0]).toMatchObject({ unit: 'ms', threshold: 100, measured: 100 });
    // 2 failed and 3 dropped of 105 scheduled
    expect(report.results[2].measured).toBeCloseTo(5 / 105 * 100, 9);
    expect(evaluateSlos(s, slos('ttft_p99<=1s')).passed).toBe(true);
  });

  it("names the server's own figures from --server-metrics: gauges, cache hit rate and the server's latency histograms, each in its unit", () => {
    const s = summarise([done(0, 100)]);
    const gauge = (p50: number, max: number) => ({ p50, max, samples: 5 });
    const view = (p50: number) => ({ count: 10, mean: p50, p50, p90: p50, p99: p50 });
    s.server_metrics = {
      url: 'u', source: 'flag', interval_s: 1, engine: 'vllm', series: {}, queue_depth: gauge(2, 8), running: gauge(2, 2), kv_cache_usage: gauge(0.4, 0.93),
      cache_hit_rate: 0.5, cache_hit_rate_from: 'counters', ttft_s: { server: view(0.08), client: view(0.1), client_minus_server: { mean: 0.02, p50: 0.02 }, server_bucket_bounds: [] },
      itl_ms: null, scrapes: { attempted: 5, ok: 5, failed: 0, skipped: 0, errors: {}, first_error: null, duration_ms: { p50: 1, max: 1 }, bytes_max: 1, invalid_lines: 0, samples_dropped: 0 },
    };
    const report = evaluateSlos(s, slos('server_queue_depth_max<=8,server_kv_cache_usage_max<=90%,server_cache_hit_rate>=50%,server_ttft_p99<=100ms,server_itl_p50<=20ms'));
    expect(report.results.map((r) => [r.metric, r.measured, r.passed])).toEqual([
      ['server_queue_depth_max', 8, true], ['server_kv_cache_usage_max', 93, false], ['server_cache_hit_rate', 50, true], ['server_ttft_p99', 80, true],
      // the page had no inter-token histogram: nothing was shown to meet it
      ['server_itl_p50', null, false],
    ]);
    delete s.server_metrics;
    expect(evaluateSlos(s, slos('server_running_max<=2')).results[0]).toMatchObject({ measured: null, passed: false });
  });

  it('fails an objective whose metric has no value (nothing completed)', () => {
    const empty = summarise([done(0, 0, { outcome: 'failed', first_token_ms: null, first_output_ms: null, end_ms: 5 })]);
    expect(evaluateSlos(empty, slos('ttft_p99<=10s')).results[0]).toMatchObject({ measured: null, passed: false });
  });
});

describe('goodput', () => {
  it('counts requests meeting every per-request objective, failed and dropped ones in the denominator', () => {
    const s = summarise(FIXED, slos('ttft_p99<=40ms,tpot_p50<=30ms,error_rate<=50%'));
    // TTFT <= 40 ms: requests 0..39; TPOT = (ttft + 180) / 10 <= 30 ms holds for ttft <= 120 ms: all of them
    expect(s.goodput).toMatchObject({ criteria: ['ttft_p99<=40ms', 'tpot_p50<=30ms'], good: 40, total: 105 });
    expect(s.goodput.fraction).toBeCloseTo(40 / 105, 12);
    const spanS = (100 + 180) / 1000;
    expect(s.goodput.requests_per_s).toBeCloseTo(40 / spanS, 9);
    expect(evaluateSlos(s, slos('good_fraction>=40%,goodput>=100'))).toMatchObject({ passed: false, results: [{ passed: false }, { passed: true }] });
  });

  it('with no per-request objective every completed request is good; warm-up requests are left out', () => {
    const s = summarise([...FIXED, done(105, 1, { warmup: true })]);
    expect(s.goodput).toMatchObject({ criteria: [], good: 100, total: 105 });
  });

  it('adds exactly across aggregators (shards): the sum of the parts equals the whole', () => {
    const crit = goodput(slos('ttft_p90<=25ms'));
    const [a, b] = [new Aggregator(crit), new Aggregator(crit)];
    FIXED.forEach((r, i) => (i % 2 ? a : b).add(r));
    const whole = summarise(FIXED, slos('ttft_p90<=25ms')).goodput;
    expect(a.good + b.good).toBe(whole.good);
    expect(whole.good).toBe(25);
  });
});
