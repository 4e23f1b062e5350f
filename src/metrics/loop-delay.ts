import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoopDelay } from './summary.js';

const RESOLUTION_MS = 10;

/**
 * Watches this thread's event-loop delay; the returned function stops and reports it. Node's histogram
 * holds the interval between its timer's callbacks, so the sampling interval is taken off: an idle loop
 * reports ~0, not ~10 ms.
 */
export function watchLoopDelay(): () => LoopDelay {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return () => {
    h.disable();
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
  };
}
