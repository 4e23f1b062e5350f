/**
 * Prometheus histograms read as the server keeps them: cumulative bucket counts by upper bound `le`.
 * A run's own share is the difference of two scrapes (before the first request, after the last), and its
 * quantiles are interpolated linearly inside a bucket, as PromQL's histogram_quantile does.
 */

export interface CumulativeHistogram {
  /** Upper bounds ascending, +Inf last when the server sent it; counts cumulative. */
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** `later - earlier`, bucket by bucket; a counter that went down (the server restarted) counts from 0. */
export function histogramIncrease(earlier: CumulativeHistogram | null, later: CumulativeHistogram): CumulativeHistogram {
  if (!earlier || later.count < earlier.count) return later;
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: later.buckets.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) })),
    sum: later.sum - earlier.sum,
    count: later.count - earlier.count,
  };
}

/**
 * The q-quantile (0..1): the bucket where the rank falls, linear between its bounds (the first bucket's
 * lower bound is 0); a rank in the +Inf bucket gives the largest finite bound. Null without samples.
 */
export function histogramQuantile(q: number, h: CumulativeHistogram): number | null {
  const buckets = h.buckets;
  const total = buckets.length ? buckets[buckets.length - 1].count : 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank && b.count > prevCount) {
      if (b.le === Infinity) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    }
    prevLe = b.le === Infinity ? prevLe : b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** Adds label sets' buckets of one histogram (the same bounds); ascending by bound. */
export function addBuckets(into: Map<number, number>, le: number, count: number): void {
  into.set(le, (into.get(le) ?? 0) + count);
}

export function toCumulative(buckets: Map<number, number>, sum: number, count: number): CumulativeHistogram {
  return { buckets: [...buckets].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c })), sum, count };
}
