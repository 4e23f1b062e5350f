import * as hdr from 'hdr-histogram-js';

/**
 * One metric's distribution: an HDR histogram for quantiles plus exact count/sum/sum of squares/min/max.
 * Values are stored as integers `round(value * scale)` (scale 1000 = microseconds for a value in ms).
 * Everything in it adds exactly, so runs from several threads, processes or machines merge without
 * averaging percentiles.
 */
export interface Stats {
  count: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  /** Quantiles estimated from fewer samples than `minSamples` asks (e.g. 'p99' with count < 100). */
  low_sample: string[];
}

export const QUANTILES = [25, 50, 75, 90, 95, 99] as const;

/**
 * The pth percentile is solid once at least one sample is expected beyond it: n >= 1 / (1 - p/100),
 * so p99 needs 100 samples, p95 20, p90 10, p75 4, p50 and p25 2.
 */
export function minSamples(p: number): number {
  return Math.ceil(1 / (1 - p / 100) - 1e-9);
}

/** The serialised form kept in summary.json (`histograms.<name>`). */
export interface EncodedDistribution {
  scale: number;
  count: number;
  sum: number;
  sum_sq: number;
  min: number | null;
  max: number | null;
  hdr: string;
}

const HIGHEST = 2 ** 42; // ~50 days in microseconds; far above any latency or token count we store

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST, numberOfSignificantValueDigits: 3, useWebAssembly: false, bitBucketSize: 32 });
}

export class Distribution {
  readonly scale: number;
  readonly #h: hdr.Histogram;
  #count = 0;
  #sum = 0;
  #sumSq = 0;
  #min = Infinity;
  #max = -Infinity;

  constructor(scale: number, histogram: hdr.Histogram = newHistogram()) {
    this.scale = scale;
    this.#h = histogram;
  }

  get count(): number {
    return this.#count;
  }

  record(value: number | null | undefined): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const v = Math.max(0, value);
    this.#h.recordValue(Math.min(HIGHEST, Math.max(1, Math.round(v * this.scale))));
    this.#count++;
    this.#sum += v;
    this.#sumSq += v * v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  add(other: Distribution): void {
    if (other.scale !== this.scale) throw new Error('cannot add distributions of different scales');
    this.#h.add(other.#h);
    this.#count += other.#count;
    this.#sum += other.#sum;
    this.#sumSq += other.#sumSq;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  quantile(q: number): number | null {
    // HDR reports a bucket's upper edge; never past the exact extremes we keep beside it
    return this.#count === 0 ? null : Math.min(this.#max, Math.max(this.#min, this.#h.getValueAtPercentile(q) / this.scale));
  }

  stats(): Stats {
    const n = this.#count;
    const mean = n ? this.#sum / n : null;
    const variance = n ? Math.max(0, this.#sumSq / n - (mean as number) ** 2) : null;
    const s: Stats = {
      count: n,
      mean,
      min: n ? this.#min : null,
      max: n ? this.#max : null,
      stddev: variance === null ? null : Math.sqrt(variance),
      p25: null, p50: null, p75: null, p90: null, p95: null, p99: null,
      low_sample: n ? QUANTILES.filter((q) => n < minSamples(q)).map((q) => `p${q}`) : [],
    };
    for (const q of QUANTILES) s[`p${q}`] = this.quantile(q);
    return s;
  }

  encode(): EncodedDistribution {
    return {
      scale: this.scale,
      count: this.#count,
      sum: this.#sum,
      sum_sq: this.#sumSq,
      min: this.#count ? this.#min : null,
      max: this.#count ? this.#max : null,
      hdr: hdr.encodeIntoCompressedBase64(this.#h),
    };
  }

  static decode(e: EncodedDistribution): Distribution {
    // the decoded histogram itself, not a copy added into a fresh one: the copy cost 20-70 ms per metric
    const d = new Distribution(e.scale, hdr.decodeFromCompressedBase64(e.hdr, 32, false));
    d.#count = e.count;
    d.#sum = e.sum;
    d.#sumSq = e.sum_sq;
    d.#min = e.min ?? Infinity;
    d.#max = e.max ?? -Infinity;
    return d;
  }
}
