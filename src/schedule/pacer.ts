/**
 * A pacer is a pure description of when arrivals are due: arrival i of the whole run is due at
 * `dueMs(i)` ms after t0, and there is no arrival i when it returns null. No timers, no state.
 * Every worker (and every shard) evaluates the same pacer, so they agree on one global schedule.
 */
export interface Pacer {
  readonly name: string;
  dueMs(i: number): number | null;
  /** Number of arrivals in the whole schedule, when finite and known. */
  readonly total: number | null;
}

/** Evenly spaced arrivals: request i is due at i / rate, for i / rate < duration. */
export function constantPacer(ratePerS: number, durationMs: number): Pacer {
  const gap = 1000 / ratePerS;
  const total = Math.ceil((durationMs * ratePerS) / 1000 - 1e-9);
  return {
    name: 'constant',
    total,
    dueMs: (i) => (i < total ? i * gap : null),
  };
}

/** The arrivals of `pacer` that belong to stripe `k` of `n`: indices k, k+n, k+2n, ... */
export function* stripe(pacer: Pacer, k: number, n: number): Generator<{ index: number; dueMs: number }> {
  for (let i = k; ; i += n) {
    const due = pacer.dueMs(i);
    if (due === null) return;
    yield { index: i, dueMs: due };
  }
}
