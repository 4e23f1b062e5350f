import { Distribution, type Stats } from './distribution.js';
import type { LogRow, RequestLog } from './request-log.js';
import { BUCKET_MS, type Series } from './timeline.js';

/** The latency figures repeated over the steady-state window. */
export const STEADY_METRICS = ['ttft_s', 'ttfo_s', 'tpot_ms', 'itl_ms', 'e2e_s'] as const;
type SteadyMetric = (typeof STEADY_METRICS)[number];

export const STEADY_RULE =
  'from max(first send + p90 of E2E, first non-warm-up send) to the last send: the requests sent at the start have mostly finished, ' +
  'so arrivals and departures balance, and nothing is draining yet; figures over requests sent inside it, tokens received inside it';

/** Shortest window worth reporting. */
export const MIN_STEADY_MS = 1000;

export interface SteadyState {
  from_s: number;
  to_s: number;
  duration_s: number;
  /** Completed requests sent inside the window. */
  requests: number;
  /** Output tokens received inside the window / its length. */
  output_tokens_per_s: number;
  /** Requests completed inside the window / its length. */
  requests_per_s: number;
  metrics: Record<SteadyMetric, Stats>;
}

export interface SteadyInput {
  log: RequestLog;
  tokens: Series;
  completed: Series;
  /** First send of any request, warm-up included. */
  firstSentMs: number;
  lastSentMs: number;
  /** p90 of E2E over the whole run, seconds. */
  e2eP90S: number | null;
  scales: Record<SteadyMetric, number>;
}

/** The window, or null when the run never reached a steady state for at least MIN_STEADY_MS. */
export function steadyWindow(firstSentMs: number, firstMeasuredSentMs: number, lastSentMs: number, e2eP90S: number | null): { fromMs: number; toMs: number } | null {
  if (e2eP90S === null || !Number.isFinite(firstSentMs) || !Number.isFinite(lastSentMs)) return null;
  const fromMs = Math.max(firstSentMs + e2eP90S * 1000, firstMeasuredSentMs);
  return lastSentMs - fromMs >= MIN_STEADY_MS ? { fromMs, toMs: lastSentMs } : null;
}

export function steadyState(i: SteadyInput): SteadyState | null {
  const rows = [...i.log.rows()];
  const firstMeasured = rows.reduce((m, r) => Math.min(m, r.sent_ms!), Infinity);
  const w = steadyWindow(i.firstSentMs, firstMeasured, i.lastSentMs, i.e2eP90S);
  if (!w) return null;
  const inside = rows.filter((r) => r.sent_ms! >= w.fromMs && r.sent_ms! <= w.toMs);
  const seconds = (w.toMs - w.fromMs) / 1000;
  return {
    from_s: w.fromMs / 1000,
    to_s: w.toMs / 1000,
    duration_s: seconds,
    requests: inside.length,
    output_tokens_per_s: seriesSum(i.tokens, w.fromMs, w.toMs) / seconds,
    requests_per_s: seriesSum(i.completed, w.fromMs, w.toMs) / seconds,
    metrics: Object.fromEntries(STEADY_METRICS.map((m) => [m, stats(inside, m, i.scales[m])])) as SteadyState['metrics'],
  };
}

/** Sum of the buckets overlapping [fromMs, toMs), the partial first and last in proportion. */
export function seriesSum(s: Series, fromMs: number, toMs: number): number {
  let total = 0;
  for (let b = Math.floor(fromMs / BUCKET_MS); b * BUCKET_MS < toMs; b++) {
    const lo = Math.max(fromMs, b * BUCKET_MS);
    const hi = Math.min(toMs, (b + 1) * BUCKET_MS);
    total += (s.at(b) * (hi - lo)) / BUCKET_MS;
  }
  return total;
}

function stats(rows: LogRow[], m: SteadyMetric, scale: number): Stats {
  const d = new Distribution(scale);
  for (const r of rows) d.record(r[m]);
  return d.stats();
}
