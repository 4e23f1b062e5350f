import { capacityChart } from '../../src/report/capacity-chart.js';
import { renderCapacity } from '../../src/report/capacity-table.js';
import type { CapacityReport } from '../../src/capacity/run-capacity.js';
import type { StepResult } from '../../src/capacity/step.js';
import { describe, expect, it } from 'vitest';
import { EARLY_STOP, QueueWatch, leastSquares, ttftWindowMs } from '../../src/capacity/early-stop.js';
import { nextRate, searchTop, type CapacityPlan, type Tried, type Verdict } from '../../src/capacity/search.js';
import { defaultMaxSteps, searchLimitProblems } from '../../src/cli/capacity.js';
import { stepResult } from '../../src/capacity/step.js';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { evaluateSlos } from '../../src/slo/evaluate.js';
import { parseSlos, type Slo } from '../../src/slo/parse.js';
import { META, record } from './summary-fixture.js';

const PLAN: CapacityPlan = { from: 10, factor: 2, precision: { kind: 'relative', value: 0.1 }, maxSteps: 12 };

/** Runs the search against an endpoint that passes every rate up to `capacity`. */
function search(plan: CapacityPlan, verdictAt: (rate: number) => Verdict): { rates: number[]; end: string } {
  const tried: Tried[] = [];
  for (;;) {
    const next = nextRate(plan, tried);
    if ('end' in next) return { rates: tried.map((t) => t.rate), end: next.end };
    tried.push({ rate: next.rate, verdict: verdictAt(next.rate) });
  }
}

describe('capacity search plan', () => {
  it('grows geometrically until a failure, then bisects to the relative precision', () => {
    const r = search(PLAN, (rate) => (rate <= 57 ? 'pass' : 'fail'));
    expect(r.rates).toEqual([10, 20, 40, 80, 60, 50, 55]); // 60 fails, 55 passes: 5 / 55 <= 10 %
    expect(r.end).toBe('converged');
  });

  it('an absolute precision is in req/s', () => {
    const r = search({ ...PLAN, precision: { kind: 'absolute', value: 2 } }, (rate) => (rate <= 57 ? 'pass' : 'fail'));
    expect(r.rates).toEqual([10, 20, 40, 80, 60, 50, 55, 57.5, 56.25]);
  });

  it('ends without a knee when --from already fails, and at the first client-limited step', () => {
    expect(search(PLAN, () => 'fail')).toEqual({ rates: [10], end: 'no-passing-rate' });
    expect(search(PLAN, (rate) => (rate < 40 ? 'pass' : 'client-limited'))).toEqual({ rates: [10, 20, 40], end: 'client-limited' });
  });

  it('stops at --max-steps when nothing fails', () => {
    expect(search({ ...PLAN, maxSteps: 3 }, () => 'pass')).toEqual({ rates: [10, 20, 40], end: 'max-steps' });
  });
});

function completed(id: number, sentMs: number, ttftMs: number): RequestRecord {
  return record({
    id, worker: 0, outcome: 'completed', warmup: false, scheduled_ms: sentMs, sent_ms: sentMs, first_token_ms: sentMs + ttftMs,
    first_output_ms: sentMs + ttftMs, end_ms: sentMs + ttftMs + 100, http_status: 200, error_class: null, error_message: null,
    finish_reason: 'length', output_tokens: 10, output_tokens_source: 'usage', reasoning_tokens: 0, input_tokens: 10, chunks: 10,
    chunk_gap_sum_ms: 90, chunk_gap_max_ms: 10, requested_output_tokens: 10,
  });
}

/** Feeds a 10 s step at 20 req/s whose TTFT is `ttftAt(sentMs)` and in-flight count `inFlightAt(ms)`. */
function watch(ttftAt: (ms: number) => number, inFlightAt: (ms: number) => number): ReturnType<QueueWatch['sample']> {
  const w = new QueueWatch(10_000);
  for (let t = 0; t <= 10_000; t += 250) {
    const sent = Math.floor(t / 50);
    w.records(Array.from({ length: 5 }, (_, i) => completed(sent + i, t, ttftAt(t))));
    const stop = w.sample({ elapsedMs: t, inFlight: inFlightAt(t), sent });
    if (stop) return stop;
  }
  return null;
}

describe('a search past what one process can schedule is refused before its first step', () => {
  it('searchTop walks the all-passing growth the search takes: the first rate over the limit, or the highest it can try', () => {
    const allPass = (plan: CapacityPlan) => search(plan, () => 'pass').rates;
    for (const plan of [PLAN, { ...PLAN, from: 3, factor: 1.7, maxSteps: 30 }, { ...PLAN, from: 0.5, factor: 10, maxSteps: 9 }]) {
      const rates = allPass(plan);
      const over = rates.findIndex((r) => r > 50_000);
      expect(searchTop(plan, 50_000)).toEqual(over === -1 ? { step: rates.length, rate: rates.at(-1), over: false } : { step: over + 1, rate: rates[over], over: true });
    }
  });

  it('names the flag and the fix: --from, --max-steps (with the most that fit), --step-duration; within the limits nothing', () => {
    expect(searchLimitProblems({ ...PLAN, from: 60_000 }, 60_000)).toEqual(['--from: 60,000 req/s is beyond the 50,000 req/s one process can send; lower it']);
    expect(searchLimitProblems({ ...PLAN, from: 1000, factor: 2, maxSteps: 12 }, 60_000)).toEqual([
      '--max-steps: step 7 would be 64,000 req/s (--from 1000, x 2 per step), beyond the 50,000 req/s one process can send; use --max-steps 6 or fewer, or a lower --from or --factor',
    ]);
    expect(searchLimitProblems({ ...PLAN, from: 30_000, maxSteps: 2 }, 1000)[0]).toMatch(/^--max-steps: step 2 would be 60,000 req\/s .*; lower --from or --factor$/);
    expect(searchLimitProblems({ ...PLAN, from: 1000, maxSteps: 6 }, 600_000)).toEqual([
      '--step-duration: a step at 32,000 req/s for 600 s is 19,200,000 arrivals, more than the 10,000,000 one run keeps records of; use --step-duration 312.5s or less, or fewer --max-steps',
    ]);
    expect(searchLimitProblems({ ...PLAN, from: 1000, maxSteps: 6 }, 60_000)).toEqual([]);
    expect(searchLimitProblems(PLAN, 60_000)).toEqual([]);
  });

  it('without --max-steps, the default stops at the last step within the limit, so a sound search is never refused', () => {
    expect(defaultMaxSteps(1, 2)).toBe(12);
    // 10 x 3^7 = 21,870; x 3 more would be 65,610
    expect(defaultMaxSteps(10, 3)).toBe(8);
    expect(searchLimitProblems({ ...PLAN, from: 10, factor: 3, maxSteps: defaultMaxSteps(10, 3) }, 60_000)).toEqual([]);
  });
});

describe('early stop of a capacity step', () => {
  it('uses TTFT windows of a tenth of the step within [250 ms, 1 s]', () => {
    expect([ttftWindowMs(2000), ttftWindowMs(5000), ttftWindowMs(60_000)]).toEqual([250, 500, 1000]);
    expect(leastSquares([0, 1, 2, 3], [1, 3, 5, 7])).toEqual({ slope: 2, intercept: 1 });
  });

  it('stops once in-flight grows and TTFT trends up, no earlier than a quarter of the step', () => {
    const stop = watch((t) => 50 + t / 10, (t) => 2 + t / 100);
    expect(stop).not.toBeNull();
    expect(stop!.atMs).toBeGreaterThanOrEqual(2500);
    expect(stop!.atMs).toBeLessThan(4000);
    expect(stop!.reason).toMatch(/in flight .* TTFT trend/);
  });

  it('does not stop a stable step, a ramp-up without queueing, or noisy TTFT without a backlog', () => {
    expect(watch(() => 80, () => 10)).toBeNull();
    expect(watch(() => 80, (t) => Math.min(40, t / 50))).toBeNull();
    expect(watch((t) => 50 + t / 10, () => 10)).toBeNull();
  });
});

describe('a step verdict', () => {
  /** `n` requests sent `lagMs` late with TTFT `ttftMs`, judged against `slo`. */
  function step(lagMs: number, slo: string, earlyStop = false, n = 20, ttftMs = 200) {
    const agg = new Aggregator();
    for (let id = 0; id < n; id++) agg.add(record({ id, scheduled_ms: 0, sent_ms: lagMs, first_token_ms: lagMs + ttftMs, first_output_ms: lagMs + ttftMs, end_ms: lagMs + ttftMs + 1800 }));
    const summary = buildSummary(agg, META);
    summary.slo = evaluateSlos(summary, (parseSlos(slo) as { slos: Slo[] }).slos);
    return stepResult(1, 'step-01-1rps', summary, earlyStop ? { atMs: 500, reason: 'queue growing' } : null, 1);
  }

  it('passes on the SLOs, fails on them or on an early stop', () => {
    expect(step(0.1, 'ttft_p99<=1s')).toMatchObject({ verdict: 'pass', failed_slos: [], client_limits: [] });
    expect(step(0.1, 'ttft_p99<=100ms')).toMatchObject({ verdict: 'fail', failed_slos: ['ttft_p99<=100ms'] });
    expect(step(0.1, 'ttft_p99<=1s', true).verdict).toBe('fail');
  });

  it('a failure while the generator lagged by enough beside the SLO is client-limited, never blamed on the endpoint', () => {
    const r = step(10, 'ttft_p99<=100ms');
    expect(r.verdict).toBe('client-limited');
    expect(r.client_limits[0]).toBe('send lag p95 10.00 ms over 20 sends, 10.0% of ttft_p99<=100ms (100.0 ms): above 1 ms and 5% of it');
    expect(step(10, 'ttft_p99<=1s').verdict).toBe('pass');
  });

  it('a lag tiny beside the SLO does not make a failing step inconclusive (issue: 1.63 ms with ttft_p99<=2s)', () => {
    const r = step(1.63, 'ttft_p99<=2s', false, 150, 2500);
    expect(r).toMatchObject({ verdict: 'fail', failed_slos: ['ttft_p99<=2s'], client_limits: [] });
  });
});

describe('the capacity report: terminal and chart say the same', () => {
  const row = (rate: number, verdict: 'pass' | 'fail'): StepResult => ({
    step: 1, rate, folder: `step-${rate}`, verdict, early_stop: null, sent_rps: rate, completed_rps: rate * 0.98, achieved_rps: rate * 0.8,
    ttft_p50_s: 0.1, ttft_p99_s: 0.2, tpot_p50_ms: 20, error_rate: 0, peak_total_tps: 100, goodput_rps: rate * 0.98, failed_slos: [], client_limits: [],
  });
  const report = (end: CapacityReport['end']): CapacityReport => ({
    schema_version: 2, tool: { name: 't', version: '0' }, started_at: '', endpoint: { name: 'e', url: 'u', api: 'openai-chat', model: 'm', simulated: true },
    slo: ['ttft_p99<=1s'], plan: { from: 4, factor: 2, precision: { kind: 'relative', value: 0.1 }, maxSteps: 3, step_duration_s: 60, max_send_lag_ms: 1 },
    early_stop_test: EARLY_STOP, steps: [row(4, 'pass'), row(8, 'pass'), row(16, 'pass')], end, end_reason: null, knee: { rate: 16, first_failing_rate: null }, chart: null,
  });

  it('a search stopped by --max-steps is "at least" in both; a converged one is the knee in both', () => {
    for (const [end, phrase] of [['max-steps', 'knee at least 16 req/s'], ['converged', 'knee 16 req/s']] as const) {
      const c = report(end);
      expect(renderCapacity(c)).toContain(phrase);
      expect(capacityChart(c)).toContain(phrase);
    }
    expect(capacityChart(report('max-steps'))).not.toMatch(/knee 16 req\/s/);
  });

  it('rows and chart name the rates for what they are: offered, sent and completed over the sending window; goodput dashed over completed', () => {
    const c = report('converged');
    expect(renderCapacity(c)).toMatch(/offered \(req\/s\).*sent \(req\/s\).*completed \(req\/s\)/);
    const svg = capacityChart(c);
    for (const label of ['offered', 'sent (sending window)', 'completed (sending window)', 'goodput']) expect(svg).toContain(`>${label}<`);
    // goodput equal to completed would hide it under a solid line: dashed, both show
    expect(svg.match(/stroke-dasharray/g)?.length).toBe(4);
  });
});
