import type { RunSummary } from '../metrics/summary.js';
import { compare, inWrittenUnit, type Comparison, type Slo } from './parse.js';

/** One objective's verdict, as summary.json keeps it (`slo.results[]`). */
export interface SloResult {
  slo: string;
  metric: string;
  op: Comparison;
  /** Threshold and measured value in the unit the objective was written in. */
  threshold: number;
  unit: string;
  measured: number | null;
  passed: boolean;
}

export interface SloReport {
  passed: boolean;
  results: SloResult[];
}

/** A metric with no value (e.g. TTFT when nothing completed) fails its objective: nothing was shown to meet it. */
export function evaluateSlos(summary: RunSummary, slos: readonly Slo[]): SloReport {
  const results = slos.map((slo): SloResult => {
    const v = slo.metric.read(summary);
    const measured = v === null || !Number.isFinite(v) ? null : inWrittenUnit(slo, v);
    return {
      slo: slo.text, metric: slo.metric.name, op: slo.op, threshold: inWrittenUnit(slo, slo.threshold), unit: slo.unit,
      measured, passed: v !== null && Number.isFinite(v) && compare(v, slo.op, slo.threshold),
    };
  });
  return { passed: results.every((r) => r.passed), results };
}

