import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import { sumOfRequestTps } from '../../src/metrics/concurrent-tps.js';
import { META, record } from './summary-fixture.js';

/**
 * Four requests, by hand (ms, tokens, own TPS):
 *   A [0, 2000)    100 tok  50 tok/s
 *   B [1000, 3000)  40 tok  20 tok/s
 *   C [1500, 2500)  30 tok  30 tok/s
 *   D [3000, 4000)  10 tok  10 tok/s   (starts the instant B ends: never counted together)
 * Sum of in-progress TPS: 50 | 70 | 100 | 50 | 20 | 10 over [0,1000) [1000,1500) [1500,2000) [2000,2500) [2500,3000) [3000,4000)
 * peak 100 at 1500 ms; area = 50 + 35 + 50 + 25 + 10 + 10 = 180 tokens; mean = 180 / 4 s = 45 tok/s.
 */
const SPANS = [
  { id: 0, sent_ms: 0, end_ms: 2000, output_tokens: 100 },
  { id: 1, sent_ms: 1000, end_ms: 3000, output_tokens: 40 },
  { id: 2, sent_ms: 1500, end_ms: 2500, output_tokens: 30 },
  { id: 3, sent_ms: 3000, end_ms: 4000, output_tokens: 10 },
];

describe("the seed's Total TPS: sum of in-progress requests' own TPS", () => {
  it('is exact on hand-computed spans', () => {
    const r = sumOfRequestTps(SPANS.map((s) => ({ sentMs: s.sent_ms, endMs: s.end_ms, tps: s.output_tokens / ((s.end_ms - s.sent_ms) / 1000) })));
    expect(r.peak).toBeCloseTo(100, 9);
    expect(r.peak_at_ms).toBe(1500);
    expect(r.mean).toBeCloseTo(45, 9);
  });

  it('treats spans as half-open: back-to-back requests never add up', () => {
    const r = sumOfRequestTps([{ sentMs: 0, endMs: 1000, tps: 10 }, { sentMs: 1000, endMs: 2000, tps: 10 }]);
    expect(r.peak).toBe(10);
    expect(r.mean).toBeCloseTo(10, 12);
  });

  it('is empty without spans', () => {
    expect(sumOfRequestTps([])).toEqual({ peak: 0, mean: 0, peak_at_ms: 0 });
  });
});

describe('both Total TPS definitions in summary.json, on the same records', () => {
  it('sum of request TPS: peak 100, mean 45; windowed 1 s / 100 ms: peak 85, mean 1530 / 31', () => {
    const agg = new Aggregator();
    for (const s of SPANS) agg.add(record({ ...s, first_token_ms: s.sent_ms + 100, first_output_ms: s.sent_ms + 100 }));
    // tokens spread evenly over each request's 100 ms buckets: A 5, B 2, C 3, D 1 per bucket
    const perBucket = [[0, 20, 5], [10, 30, 2], [15, 25, 3], [30, 40, 1]];
    for (const [from, to, n] of perBucket) for (let b = from; b < to; b++) agg.addTokens([b, n]);
    // per bucket: 5 (0-9), 7 (10-14), 10 (15-19), 5 (20-24), 2 (25-29), 1 (30-39); the densest 1 s is 10-19: 35 + 50 = 85
    const t = buildSummary(agg, META).throughput;
    expect(t.total_tps_sum_of_requests.peak).toBeCloseTo(100, 9);
    expect(t.total_tps_sum_of_requests.peak_at_s).toBe(1.5);
    expect(t.total_tps_sum_of_requests.mean).toBeCloseTo(45, 9);
    expect(t.total_tps_windowed).toMatchObject({ peak: 85, window_s: 1, step_s: 0.1, peak_at_s: 1 });
    expect(t.total_tps_windowed.mean).toBeCloseTo(1530 / 31, 9);
    expect(t.peak_total_tps).toBe(t.total_tps_windowed.peak);
    // the time-weighted mean of the sum is total tokens / span, by construction
    expect(t.total_tps_sum_of_requests.mean).toBeCloseTo(t.output_tokens_per_s, 9);
  });
});
