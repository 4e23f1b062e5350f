import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { Distribution } from '../../src/metrics/distribution.js';
import { derive } from '../../src/metrics/record.js';
import { Series, slidingRate } from '../../src/metrics/timeline.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import { META, record as rec } from './summary-fixture.js';
import { secondRows, SECOND_HEADER } from '../../src/results/csv-rows.js';

describe('per-request formulas', () => {
  it('follow the seed: TTFT from send, TPOT = request time / output tokens (first token included)', () => {
    const d = derive(rec());
    expect(d.send_lag_ms).toBe(1);
    expect(d.ttft_s).toBeCloseTo(0.2, 12);
    expect(d.e2e_s).toBeCloseTo(2.0, 12);
    expect(d.tpot_ms).toBeCloseTo(20, 12);
    expect(d.itl_ms).toBeCloseTo(1800 / 99, 12);
    expect(d.output_tps).toBeCloseTo(50, 12);
  });

  it('leave latency empty for failed and dropped requests', () => {
    expect(derive(rec({ outcome: 'failed' })).ttft_s).toBeNull();
    expect(derive(rec({ outcome: 'dropped', sent_ms: null })).send_lag_ms).toBeNull();
  });
});

describe('Distribution', () => {
  it('merges exactly: two halves added equal the whole', () => {
    const whole = new Distribution(1000);
    const a = new Distribution(1000);
    const b = new Distribution(1000);
    for (let i = 1; i <= 1000; i++) {
      const v = (i * 7919) % 997 / 10;
      whole.record(v);
      (i % 2 ? a : b).record(v);
    }
    a.add(Distribution.decode(b.encode()));
    const { mean, stddev, ...rest } = a.stats();
    const w = whole.stats();
    expect(Object.values(rest)).toEqual(Object.entries(w).filter(([k]) => k !== 'mean' && k !== 'stddev').map(([, v]) => v));
    expect(mean).toBeCloseTo(w.mean!, 9);
    expect(stddev).toBeCloseTo(w.stddev!, 9);
  });

  it('gives quantiles within HDR precision and exact mean/min/max', () => {
    const d = new Distribution(1000);
    for (let i = 1; i <= 100; i++) d.record(i);
    const s = d.stats();
    expect(s).toMatchObject({ count: 100, mean: 50.5, min: 1, max: 100 });
    expect(s.p50!).toBeCloseTo(50, 1);
    expect(s.p99!).toBeCloseTo(99, 1);
  });
});

describe('sliding window Total TPS', () => {
  it('peak is the densest 1 s of tokens, mean over windows inside the active span', () => {
    const s = new Series();
    for (let b = 0; b < 30; b++) s.add(b, b >= 10 && b < 20 ? 50 : 10); // 100 tok/s, then 500 tok/s for 1 s, then 100
    const w = slidingRate(s, 1000, 100, 0, 3000);
    expect(w.peak).toBe(500);
    expect(w.peak_at_ms).toBe(1000);
    expect(w.mean).toBeGreaterThan(100);
    expect(w.mean).toBeLessThan(500);
  });
});

describe('Aggregator + summary', () => {
  it('accounts for every scheduled request and excludes failures from latency', () => {
    const agg = new Aggregator();
    agg.add(rec());
    agg.add(rec({ id: 1, outcome: 'failed', error_class: 'http_status', first_token_ms: null }));
    agg.add(rec({ id: 2, outcome: 'dropped', sent_ms: null, end_ms: null }));
    agg.add(rec({ id: 3, outcome: 'incomplete', error_class: 'aborted' }));
    agg.addTokens([0, 40, 5, 60]);
    const s = buildSummary(agg, META);
    const r = s.requests;
    expect(r.scheduled).toBe(r.completed + r.failed + r.dropped + r.incomplete);
    expect(r).toMatchObject({ scheduled: 4, sent: 3, completed: 1, failed: 1, dropped: 1, incomplete: 1 });
    expect(s.metrics.ttft_s.count).toBe(1);
    // every scheduled request that did not complete, the dropped and the incomplete too (schema 7)
    expect(s.error_rate).toBe(3 / 4);
    expect(s.error_rate_of_sent).toBeCloseTo(1 / 3, 12);
    expect(s.errors).toEqual({ http_status: 1, aborted: 1 });
    expect(s.throughput.peak_total_tps).toBe(100);
    expect(s.warnings.some((w) => w.includes('DROPPED 1'))).toBe(true);
  });
});

describe('timeseries.csv per second', () => {
  it('memory columns hold the highest sample of each second; CPU adds up', () => {
    const agg = new Aggregator();
    agg.sent.addAt(50, 1);
    agg.sent.addAt(1950, 1);
    agg.cpuMs.addAt(10, 3);
    agg.cpuMs.addAt(20, 4);
    // two samples in one 100 ms bucket (a late timer), then lower ones later in the second
    agg.rssMb.peakAt(10, 200);
    agg.rssMb.peakAt(90, 210);
    agg.rssMb.peakAt(500, 205);
    agg.rssMb.peakAt(1500, 190);
    agg.heapUsedMb.peakAt(300, 30);
    agg.heapUsedMb.peakAt(1200, 25);
    const rows = secondRows(agg);
    const col = (name: string) => rows.map((r) => r[SECOND_HEADER.indexOf(name)]);
    expect(col('client_cpu_ms')).toEqual([7, 0]);
    expect(col('rss_mb')).toEqual([210, 190]);
    expect(col('heap_used_mb')).toEqual([30, 25]);
  });
});
