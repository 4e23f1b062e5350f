import type { RequestMetric, SavedRun } from '../results/read-runs.js';
import { compareQuantiles, quantileInterval, SortedSample, type QuantileInterval } from '../stats/bootstrap.js';

/** A row's median with its bootstrap 95 % interval, and whether it can be told apart from the row above. */
export interface RowUncertainty {
  interval: QuantileInterval | null;
  /** The interval of the difference of medians with the row ranked just above contains 0. */
  notDistinguishable: boolean;
}

const samples = new WeakMap<SavedRun, Map<RequestMetric, SortedSample>>();

/** The run's completed requests' values of a metric (requests.csv), sorted once per render. */
function sample(run: SavedRun, metric: RequestMetric): SortedSample {
  const byMetric = samples.get(run) ?? new Map<RequestMetric, SortedSample>();
  samples.set(run, byMetric);
  const s = byMetric.get(metric) ?? SortedSample.of(run.values[metric]);
  byMetric.set(metric, s);
  return s;
}

/**
 * For rows in rank order: each median's interval (bootstrap from the saved records, seeded, so a render
 * is reproducible) and, from the second row on, whether the 95 % interval of its median minus the
 * median of the row above contains 0: then the ranking between the two is not established.
 */
export function medianUncertainty(ranked: readonly SavedRun[], metric: RequestMetric): RowUncertainty[] {
  return ranked.map((run, i) => {
    const mine = sample(run, metric);
    const above = i > 0 ? sample(ranked[i - 1], metric) : null;
    const diff = above && above.n && mine.n ? compareQuantiles(above, mine, 50) : null;
    return { interval: quantileInterval(mine, 50), notDistinguishable: diff !== null && !diff.distinguishable };
  });
}
