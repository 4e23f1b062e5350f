import { gammaSample, seededRandom } from '../schedule/random.js';

/**
 * Percentile-bootstrap confidence intervals of a quantile of one sample, and of the difference of a
 * quantile between two samples. Pure and seeded: the same values, options and seed give the same
 * interval, bit for bit, on every machine.
 *
 * The quantile is the nearest-rank one (the k-th smallest value, k = ceil(p/100 x n), at least 1): the
 * definition HDR histograms use, so an estimate here equals the summary's figure within HDR's 0.1 %.
 *
 * How a replicate is drawn without resampling n values: a bootstrap resample is n indices drawn uniformly
 * from the sorted sample, index = floor(n x U) with U uniform on [0, 1). floor is monotone, so the
 * resample's k-th smallest index is floor(n x U(k)), where U(k), the k-th smallest of n uniforms, is
 * Beta(k, n - k + 1). One Beta draw (two Gamma draws) therefore gives a replicate with exactly the
 * distribution of the textbook bootstrap's. Cost: one sort per sample, O(n log n), then O(1) per
 * replicate whatever n is; replicates are capped at MAX_RESAMPLES, so no input makes it run long.
 */

export interface BootstrapOptions {
  /** Replicates drawn (default 4000; capped at MAX_RESAMPLES). */
  resamples?: number;
  /** Coverage of the interval, in (0, 1) (default 0.95). */
  confidence?: number;
  /** Seed of the replicates' random numbers (default 1). */
  seed?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 4000, confidence: 0.95, seed: 1 } as const;
export const MAX_RESAMPLES = 100_000;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface QuantileInterval extends Interval {
  /** The percentile, 0-100 (50: the median). */
  p: number;
  /** Finite values in the sample. */
  n: number;
  confidence: number;
  resamples: number;
}

export interface QuantileComparison {
  p: number;
  confidence: number;
  resamples: number;
  a: { n: number; estimate: number };
  b: { n: number; estimate: number };
  /** b - a. */
  difference: Interval;
  /** b / a - 1; null when a's quantile or any replicate of it is 0 (no ratio to speak of). */
  relative: Interval | null;
  /** The interval of the difference excludes 0: at this confidence, the quantiles differ. */
  distinguishable: boolean;
}

/** A sample sorted once, ready for any number of quantile replicates. Non-finite values are left out. */
export class SortedSample {
  readonly values: Float64Array;

  private constructor(values: Float64Array) {
    this.values = values;
  }

  static of(values: Iterable<number>): SortedSample {
    const finite: number[] = [];
    for (const v of values) if (Number.isFinite(v)) finite.push(v);
    return new SortedSample(Float64Array.from(finite).sort());
  }

  get n(): number {
    return this.values.length;
  }

  /** The nearest-rank p-th percentile; null for an empty sample. */
  quantile(p: number): number | null {
    return this.n ? this.values[rank(p, this.n) - 1] : null;
  }

  /** One bootstrap replicate of the p-th percentile (see the module comment). */
  replicate(p: number, rand: () => number): number {
    const n = this.n;
    const k = rank(p, n);
    const x = gammaSample(rand, k, 1);
    const y = gammaSample(rand, n - k + 1, 1);
    return this.values[Math.min(n - 1, Math.floor((n * x) / (x + y)))];
  }
}

/** The bootstrap interval of the p-th percentile of one sample; null when it has no finite value. */
export function quantileInterval(sample: SortedSample | Iterable<number>, p: number, o: BootstrapOptions = {}): QuantileInterval | null {
  const s = sample instanceof SortedSample ? sample : SortedSample.of(sample);
  const { resamples, confidence, seed } = settings(p, o);
  if (!s.n) return null;
  const rand = seededRandom(seed);
  const reps = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) reps[i] = s.replicate(p, rand);
  return { estimate: s.quantile(p)!, ...percentileBounds(reps, confidence), p, n: s.n, confidence, resamples };
}

/**
 * The bootstrap interval of b's p-th percentile minus a's (a the baseline, b the candidate), each
 * resampled independently, and of the relative change b / a - 1. Null when either sample is empty.
 */
export function compareQuantiles(a: SortedSample | Iterable<number>, b: SortedSample | Iterable<number>, p: number, o: BootstrapOptions = {}): QuantileComparison | null {
  const sa = a instanceof SortedSample ? a : SortedSample.of(a);
  const sb = b instanceof SortedSample ? b : SortedSample.of(b);
  const { resamples, confidence, seed } = settings(p, o);
  if (!sa.n || !sb.n) return null;
  const rand = seededRandom(seed);
  const diffs = new Float64Array(resamples);
  const ratios = new Float64Array(resamples);
  let ratioDefined = true;
  for (let i = 0; i < resamples; i++) {
    const ra = sa.replicate(p, rand);
    const rb = sb.replicate(p, rand);
    diffs[i] = rb - ra;
    if (ra === 0) ratioDefined = false;
    else ratios[i] = rb / ra - 1;
  }
  const qa = sa.quantile(p)!;
  const qb = sb.quantile(p)!;
  const difference = { estimate: qb - qa, ...percentileBounds(diffs, confidence) };
  const relative = ratioDefined && qa !== 0 ? { estimate: qb / qa - 1, ...percentileBounds(ratios, confidence) } : null;
  return {
    p, confidence, resamples,
    a: { n: sa.n, estimate: qa },
    b: { n: sb.n, estimate: qb },
    difference,
    relative,
    distinguishable: difference.low > 0 || difference.high < 0,
  };
}

/** k of the nearest-rank percentile: ceil(p/100 x n), at least 1 (the 1e-9 absorbs p/100 x n's rounding). */
function rank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n - 1e-9)));
}

function settings(p: number, o: BootstrapOptions): { resamples: number; confidence: number; seed: number } {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0-100`);
  const confidence = o.confidence ?? BOOTSTRAP_DEFAULTS.confidence;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} is outside (0, 1)`);
  const resamples = Math.min(MAX_RESAMPLES, Math.max(1, Math.round(o.resamples ?? BOOTSTRAP_DEFAULTS.resamples)));
  return { resamples, confidence, seed: o.seed ?? BOOTSTRAP_DEFAULTS.seed };
}

/** The percentile interval: the (1 - c)/2 and (1 + c)/2 nearest-rank quantiles of the replicates. */
function percentileBounds(replicates: Float64Array, confidence: number): { low: number; high: number } {
  const sorted = replicates.sort();
  const tail = (1 - confidence) / 2;
  return { low: sorted[rank(tail * 100, sorted.length) - 1], high: sorted[rank((1 - tail) * 100, sorted.length) - 1] };
}
