import type { DerivedMetrics } from '../metrics/record.js';
import { compare, type Comparison, type Slo } from './parse.js';

/** What one request must meet to count as good: each objective on a per-request metric, applied to that request. */
export interface RequestCriterion {
  text: string;
  field: keyof DerivedMetrics;
  op: Comparison;
  threshold: number;
}

export function requestCriteria(slos: readonly Slo[]): RequestCriterion[] {
  return slos.flatMap((s) => (s.metric.perRequest ? [{ text: s.text, field: s.metric.perRequest, op: s.op, threshold: s.threshold }] : []));
}

/**
 * A completed request meets a criterion when its own value does; a missing value fails it, except ITL
 * of a one-chunk response (no gap to be late).
 */
export function meetsAll(d: DerivedMetrics, criteria: readonly RequestCriterion[]): boolean {
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
