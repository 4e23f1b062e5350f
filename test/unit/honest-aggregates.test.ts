import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import { Distribution, minSamples } from '../../src/metrics/distribution.js';
import { MIN_STEADY_MS, steadyWindow } from '../../src/metrics/steady-state.js';
import { renderSummary } from '../../src/report/terminal.js';
import { META, record } from './summary-fixture.js';

describe('low-sample quantiles', () => {
  it('pX needs 1 / (1 - X/100) samples: p99 100, p95 20, p90 10, p75 4, p50 2', () => {
    expect([25, 50, 75, 90, 95, 99].map(minSamples)).toEqual([2, 2, 4, 10, 20, 100]);
  });

  it('are listed in the stats and starred in the table, with a footnote', () => {
    const d = new Distribution(1000);
    for (let i = 1; i <= 20; i++) d.record(i);
    expect(d.stats().low_sample).toEqual(['p99']);
    for (let i = 1; i <= 80; i++) d.record(i);
    expect(d.stats().low_sample).toEqual([]);
    const agg = new Aggregator();
    for (let i = 0; i < 12; i++) agg.add(record({ id: i }));
    const s = buildSummary(agg, META);
    expect(s.metrics.ttft_s.low_sample).toEqual(['p95', 'p99']);
    const text = renderSummary(s);
    expect(text).toMatch(/0\.200\*/);
    expect(text).toContain('* quantile from too few samples');
  });
});

describe('steady-state window', () => {
  it('starts once the first requests have mostly finished (first send + p90 E2E) and ends at the last send', () => {
    expect(steadyWindow(0, 0, 10_000, 2)).toEqual({ fromMs: 2000, toMs: 10_000 });
    // a warm-up pushes the start to the first measured send
    expect(steadyWindow(0, 5000, 10_000, 2)).toEqual({ fromMs: 5000, toMs: 10_000 });
    // shorter than MIN_STEADY_MS: none
    expect(steadyWindow(0, 0, 2500, 2)).toBeNull();
    expect(MIN_STEADY_MS).toBe(1000);
  });

  it('reports figures over the requests sent inside it, apart from the whole run', () => {
    const agg = new Aggregator();
    // one request a 100 ms for 10 s, each 1 s long; the first 1.5 s of requests are slow (ramp-up: 3 s)
    for (let i = 0; i < 100; i++) {
      const sent = i * 100;
      const e2e = sent < 1500 ? 3000 : 1000;
      agg.add(record({ id: i, sent_ms: sent, scheduled_ms: sent, first_token_ms: sent + 100, first_output_ms: sent + 100, end_ms: sent + e2e, output_tokens: 10, requested_output_tokens: 10 }));
    }
    for (let b = 0; b < 120; b++) agg.addTokens([b, 1]);
    const s = buildSummary(agg, META);
    const st = s.steady_state!;
    expect(st.from_s).toBeCloseTo(3, 2); // p90 of E2E is 3 s (15 % of requests took 3 s), within HDR precision
    expect(st.to_s).toBeCloseTo(9.9, 9);
    expect(st.requests).toBe(70); // sent at 3.0 .. 9.9 s
    expect(st.metrics.e2e_s.max).toBeCloseTo(1, 9);
    expect(s.metrics.e2e_s.max).toBeCloseTo(3, 9);
    expect(st.output_tokens_per_s).toBeCloseTo(10, 9);
    expect(s.steady_state_rule).toContain('p90 of E2E');
    expect(renderSummary(s)).toContain('steady state  3.0-9.9 s (70 requests)');
  });
});
