import type { RunSummary, SloReport, SloResult } from '../metrics/summary.js';
import { compare, inWrittenUnit, type Slo } from './parse.js';

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

