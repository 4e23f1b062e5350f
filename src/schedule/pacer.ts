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

/** Shard `index` of `count` owns the global arrivals k with k mod count = index. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The arrivals of `pacer` that belong to stripe `k` of `n`: indices k, k+n, k+2n, ... */
export function* stripe(pacer: Pacer, k: number, n: number): Generator<{ index: number; dueMs: number }> {
  for (let i = k; ; i += n) {
    const due = pacer.dueMs(i);
    if (due === null) return;
    yield { index: i, dueMs: due };
  }
}

/**
 * Worker `worker` of `workers` inside shard I of N owns the global indices I + N * (worker + workers * j):
 * shards stripe the schedule, workers stripe their shard's share, and all of them together cover every
 * index exactly once, each at its global due time.
 */
export function workerStripe(pacer: Pacer, shard: ShardSpec, worker: number, workers: number): Generator<{ index: number; dueMs: number }> {
  return stripe(pacer, shard.index + shard.count * worker, shard.count * workers);
}

/**
 * Random gaps with mean 1/rate drawn from Gamma(shape = burstiness, scale = 1 / (rate * burstiness)),
 * as vLLM's bench does: burstiness 1 is a Poisson process (exponential gaps), below 1 burstier, above 1
 * more regular. The whole schedule is drawn once from the seed, so every caller sees the same times.
 */
export function gammaPacer(ratePerS: number, durationMs: number, burstiness: number, draw: (shape: number, scale: number) => number): Pacer {
  const times: number[] = [];
  for (let t = 0; t < durationMs; t += draw(burstiness, 1000 / (ratePerS * burstiness))) times.push(t);
  return {
    name: burstiness === 1 ? 'poisson' : `gamma(burstiness=${burstiness})`,
    total: times.length,
    dueMs: (i) => (i < times.length ? times[i] : null),
  };
}

/** `rate` requests together at the start of every whole second (10 at t = 0, 10 at t = 1, ...). */
export function burstPacer(ratePerS: number, durationMs: number): Pacer {
  const perSecond = Math.max(1, Math.round(ratePerS));
  const total = perSecond * Math.ceil(durationMs / 1000 - 1e-9);
  return {
    name: 'burst',
    total,
    dueMs: (i) => (i < total ? Math.floor(i / perSecond) * 1000 : null),
  };
}

/**
 * The seed script's own arrivals (its `synthesizer` dataset): by whole second t < duration, int(rate * t + 1)
 * requests have been sent in all (`lambda t: int(t / 0.1 + 1) if t < 120 else None` at 10 req/s), so 1 at
 * t = 0 and then `rate` more at each whole second: 1,191 in 120 s. Request i is due at the first whole
 * second where the count exceeds i.
 */
export function synthesizerPacer(ratePerS: number, durationMs: number): Pacer {
  const lastSecond = Math.ceil(durationMs / 1000 - 1e-9) - 1;
  const total = Math.floor(ratePerS * lastSecond + 1 + 1e-9);
  return {
    name: 'synthesizer',
    total,
    // the tolerance absorbs i / rate landing a hair above a whole second (3 / 0.3)
    dueMs: (i) => (i < total ? Math.max(0, Math.ceil(i / ratePerS - 1e-6)) * 1000 : null),
  };
}
