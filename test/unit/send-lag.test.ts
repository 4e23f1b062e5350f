import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import { Distribution } from '../../src/metrics/distribution.js';
import { judgeSendLag } from '../../src/metrics/send-lag.js';
import { sendingWindow } from '../../src/metrics/sending-window.js';
import { Series } from '../../src/metrics/timeline.js';
import { META, record } from './summary-fixture.js';

/** Send lags: `late` of them `lateMs` late (the first ones, as request 0 after start-up), the rest 0.2 ms. */
function lags(n: number, late: number, lateMs: number) {
  const d = new Distribution(1000);
  for (let i = 0; i < n; i++) d.record(i < late ? lateMs : 0.2);
  return d.stats();
}

describe('when the generator is blamed for its send lag', () => {
  it('not on too few sends: p99 of 7 is their maximum, request 0 late at start-up', () => {
    expect(judgeSendLag(lags(7, 1, 30), [], 1)).toBeNull();
    // 25 sends: p99 is not solid, p95 is, and it does not see the one late start
    const v = judgeSendLag(lags(25, 1, 30), [{ name: 'TTFT p50', ms: 100 }], 1)!;
    expect(v).toMatchObject({ quantile: 'p95', sends: 25, blamed: false });
    expect(v.lag_ms).toBeLessThan(1);
    expect(judgeSendLag(lags(150, 10, 30), [], 1)).toMatchObject({ quantile: 'p99', blamed: true });
  });

  it('not when the lag is small beside what is judged (issue: 1.63 ms against ttft_p99<=2s), saying by how much', () => {
    const v = judgeSendLag(lags(150, 10, 1.63), [{ name: 'ttft_p99<=2s', ms: 2000 }, { name: 'TTFT p50', ms: 2500 }], 1)!;
    expect(v.blamed).toBe(false);
    expect(v.text).toBe('send lag p99 1.63 ms over 150 sends, 0.08% of ttft_p99<=2s (2000.0 ms)');
    const big = judgeSendLag(lags(150, 10, 25), [{ name: 'TTFT p50', ms: 200 }], 1)!;
    expect(big).toMatchObject({ blamed: true, share: expect.closeTo(0.125, 3) });
    expect(big.text).toBe('send lag p99 25.00 ms over 150 sends, 12.5% of TTFT p50 (200.0 ms)');
    // under the 1 ms floor nothing is blamed, whatever the latencies
    expect(judgeSendLag(lags(150, 10, 0.9), [{ name: 'TTFT p50', ms: 5 }], 1)!.blamed).toBe(false);
  });

  it("a run's warning follows the rule: none for a late first request of 20, one for a lag large beside TTFT", () => {
    const run = (lagOf: (id: number) => number) => {
      const agg = new Aggregator();
      for (let id = 0; id < 120; id++) {
        const lag = lagOf(id);
        agg.add(record({ id, scheduled_ms: id * 10, sent_ms: id * 10 + lag, first_token_ms: id * 10 + lag + 200, first_output_ms: id * 10 + lag + 200, end_ms: id * 10 + lag + 2000 }));
      }
      return buildSummary(agg, META);
    };
    expect(run((id) => (id === 0 ? 40 : 0.1)).warnings.filter((w) => w.startsWith('GENERATOR'))).toEqual([]);
    const behind = run((id) => (id % 10 === 0 ? 40 : 0.1));
    expect(behind.warnings).toContain('GENERATOR BEHIND SCHEDULE: send lag p99 40.00 ms over 120 sends, 20.0% of TTFT p50 (200.0 ms): above 1 ms and 5% of it, late enough to change the load measured');
    expect(behind.client.send_lag_check).toMatchObject({ quantile: 'p99', blamed: true });
  });
});

describe('rates over the sending window', () => {
  it('a run at 5 req/s for 4 s reads 5.00 sent per second, completions over the same window, whatever the drain', () => {
    const sent = new Series();
    const completed = new Series();
    for (let i = 0; i < 20; i++) {
      sent.add(Math.floor((i * 200) / 100), 1);
      // each takes 3 s: only those sent before 1 s finish inside the window
      completed.add(Math.floor((i * 200 + 3000) / 100), 1);
    }
    const w = sendingWindow({ sent, completed, firstSentMs: 0, lastSentMs: 3800 }, { mode: 'open', duration_s: 4 }, 0)!;
    expect(w).toEqual({ from_s: 0, to_s: 4, send_rate_per_s: 5, completion_rate_per_s: 5 / 4 });
    // closed loop: first to last send; a warm-up starts an open-loop window later
    expect(sendingWindow({ sent, completed, firstSentMs: 0, lastSentMs: 3800 }, { mode: 'closed', duration_s: 90 }, 0)).toMatchObject({ from_s: 0, to_s: 3.8 });
    expect(sendingWindow({ sent, completed, firstSentMs: 0, lastSentMs: 3800 }, { mode: 'open', duration_s: 4 }, 1)).toMatchObject({ from_s: 1, send_rate_per_s: 5 });
    expect(sendingWindow({ sent: new Series(), completed, firstSentMs: Infinity, lastSentMs: -Infinity }, { mode: 'open', duration_s: 4 }, 0)).toBeNull();
  });
});
