import { seriesSum } from './steady-state.js';
import type { Series } from './timeline.js';

/** The stretch of the run in which requests were being sent, and the two rates over it (summary `throughput.sending_window`). */
export interface SendingWindow {
  /** Seconds from t0. */
  from_s: number;
  to_s: number;
  /** Requests sent in the window / its length: the load actually offered. */
  send_rate_per_s: number;
  /** Requests completed in the window (warm-up ones excluded) / its length: what was served meanwhile. */
  completion_rate_per_s: number;
}

export interface WindowInput {
  sent: Series;
  completed: Series;
  firstSentMs: number;
  lastSentMs: number;
}

/**
 * Open loop: from the end of the warm-up to the end of the schedule (`--duration` or the ramp), so a
 * run at 5 req/s reads 5.00 sent per second whatever its drain; closed loop: first to last send. Null
 * when nothing was sent or the window is empty.
 */
export function sendingWindow(agg: WindowInput, run: { mode: 'open' | 'closed'; duration_s: number }, warmupS: number): SendingWindow | null {
  if (!(agg.lastSentMs >= agg.firstSentMs)) return null;
  const [from, to] = run.mode === 'open' ? [warmupS * 1000, run.duration_s * 1000] : [agg.firstSentMs, agg.lastSentMs];
  if (!(to > from)) return null;
  const seconds = (to - from) / 1000;
  return {
    from_s: from / 1000,
    to_s: to / 1000,
    send_rate_per_s: seriesSum(agg.sent, from, to) / seconds,
    completion_rate_per_s: seriesSum(agg.completed, from, to) / seconds,
  };
}
