/**
 * Fixed-width time buckets on the run's timeline (bucket 0 starts at t0). Counts add exactly across
 * threads, processes and machines whose t0 is the same wall instant, which is what a merge needs.
 */
export const BUCKET_MS = 100;

export class Series {
  #v: Float64Array = new Float64Array(64);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  at(i: number): number {
    return i >= 0 && i < this.#len ? this.#v[i] : 0;
  }

  add(i: number, value: number): void {
    if (i < 0) i = 0;
    if (i >= this.#v.length) {
      const next = new Float64Array(Math.max(i + 1, this.#v.length * 2));
      next.set(this.#v);
      this.#v = next;
    }
    this.#v[i] += value;
    if (i >= this.#len) this.#len = i + 1;
  }

  /** Adds `value` to the point in time `ms`. */
  addAt(ms: number, value: number, bucketMs = BUCKET_MS): void {
    this.add(Math.floor(ms / bucketMs), value);
  }

  /** A gauge sampled at `ms` (memory): its bucket keeps the highest sample, however many fall in it. */
  peakAt(ms: number, value: number, bucketMs = BUCKET_MS): void {
    const i = Math.max(0, Math.floor(ms / bucketMs));
    this.add(i, Math.max(0, value - this.at(i)));
  }

  clear(): void {
    this.#v.fill(0, 0, this.#len);
    this.#len = 0;
  }
}

export interface WindowStats {
  peak: number;
  mean: number;
  /** Start (ms on the run timeline) of the window that held the peak. */
  peak_at_ms: number;
}

/**
 * Sliding-window rate over a count series: for each step, the sum over `windowMs` divided by the window
 * in seconds. Only windows fully inside [fromMs, toMs) count, so ramp-up and tail do not dilute the mean.
 * When the active span is shorter than one window, the span itself is the single window.
 */
export function slidingRate(counts: Series, windowMs: number, stepMs: number, fromMs: number, toMs: number, bucketMs = BUCKET_MS): WindowStats {
  const windows = windowRates(counts, windowMs, stepMs, fromMs, toMs, bucketMs);
  let peak = 0;
  let peakAt = windows.length ? windows[0].startMs : 0;
  let total = 0;
  for (const w of windows) {
    if (w.rate > peak) {
      peak = w.rate;
      peakAt = w.startMs;
    }
    total += w.rate;
  }
  return { peak, mean: windows.length ? total / windows.length : 0, peak_at_ms: peakAt };
}

/** Every window `slidingRate` considers: its start (ms on the run timeline) and rate (count / s). */
export function windowRates(counts: Series, windowMs: number, stepMs: number, fromMs: number, toMs: number, bucketMs = BUCKET_MS): { startMs: number; rate: number }[] {
  const per = Math.max(1, Math.round(windowMs / bucketMs));
  const step = Math.max(1, Math.round(stepMs / bucketMs));
  const first = Math.floor(fromMs / bucketMs);
  const end = Math.ceil(toMs / bucketMs);
  if (end <= first) return [];
  const span = Math.min(per, end - first);
  const seconds = (span * bucketMs) / 1000;
  const out: { startMs: number; rate: number }[] = [];
  for (let b = first; b + span <= end; b += step) {
    let sum = 0;
    for (let i = 0; i < span; i++) sum += counts.at(b + i);
    out.push({ startMs: b * bucketMs, rate: sum / seconds });
  }
  return out;
}

/** Returns the non-zero buckets as [bucket, value, ...] and empties the series (worker -> main deltas). */
export function drainSparse(s: Series): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const v = s.at(i);
    if (v !== 0) out.push(i, v);
  }
  s.clear();
  return out;
}
