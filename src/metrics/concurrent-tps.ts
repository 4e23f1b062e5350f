/**
 * The seed's Total TPS, literally: at each instant, the sum over the requests in progress of each
 * request's own TPS (its output tokens / its request time). The sum is a step function that changes only
 * when a request is sent or ends, so one sweep over those instants gives its exact peak and mean.
 */
export interface RequestSpan {
  sentMs: number;
  endMs: number;
  /** The request's own output tokens / request time, tokens per second. */
  tps: number;
}

export interface ConcurrentTps {
  peak: number;
  /** Time-weighted mean over [first send, last end]; equals total output tokens / that span. */
  mean: number;
  /** When the peak began, ms on the run timeline. */
  peak_at_ms: number;
}

/** Spans are half-open [sent, end): a request ending at t no longer counts at t, one starting at t does. */
export function sumOfRequestTps(spans: readonly RequestSpan[]): ConcurrentTps {
  const events: [number, number][] = [];
  let from = Infinity;
  let to = -Infinity;
  for (const s of spans) {
    if (!(s.endMs > s.sentMs) || !Number.isFinite(s.tps)) continue;
    events.push([s.sentMs, s.tps], [s.endMs, -s.tps]);
    from = Math.min(from, s.sentMs);
    to = Math.max(to, s.endMs);
  }
  if (events.length === 0) return { peak: 0, mean: 0, peak_at_ms: 0 };
  // ends before starts at the same instant, so touching spans never count together
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let peak = 0;
  let peakAt = from;
  let area = 0;
  for (let i = 0; i < events.length; i++) {
    const [t, delta] = events[i];
    level += delta;
    const next = i + 1 < events.length ? events[i + 1][0] : t;
    if (next > t) {
      area += level * (next - t);
      if (level > peak) {
        peak = level;
        peakAt = t;
      }
    }
  }
  return { peak, mean: area / (to - from), peak_at_ms: peakAt };
}
