import type { Goodput } from '../metrics/aggregator.js';
import type { DerivedMetrics } from '../metrics/record.js';
import type { Comparison } from '../metrics/summary.js';
import { compare, type Slo } from './parse.js';

/** What one request must meet to count as good: each objective on a per-request metric, applied to that request. */
interface RequestCriterion {
  text: string;
  field: keyof DerivedMetrics;
  op: Comparison;
  threshold: number;
}

/** The aggregator's goodput rule for these objectives: only the per-request ones (ttft, tpot, ...) take part. */
export function goodput(slos: readonly Slo[]): Goodput {
  const criteria = requestCriteria(slos);
  return { criteria: criteria.map((c) => c.text), meets: (d) => meetsAll(d, criteria) };
}

function requestCriteria(slos: readonly Slo[]): RequestCriterion[] {
  return slos.flatMap((s) => (s.metric.perRequest ? [{ text: s.text, field: s.metric.perRequest, op: s.op, threshold: s.threshold }] : []));
}

/**
 * A completed request meets a criterion when its own value does; a missing value fails it, except ITL
 * of a one-chunk response (no gap to be late).
 */
function meetsAll(d: DerivedMetrics, criteria: readonly RequestCriterion[]): boolean {
  for (const c of criteria) {
    const v = d[c.field];
    if (v === null) {
      if (c.field === 'itl_ms') continue;
      return false;
    }
    if (!compare(v, c.op, c.threshold)) return false;
  }
  return true;
}
