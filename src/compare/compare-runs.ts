import { derive, type DerivedMetrics, type RequestRecord } from '../metrics/record.js';
import type { RunSummary } from '../metrics/summary.js';
import { compareQuantiles, SortedSample, type BootstrapOptions, type Interval } from '../stats/bootstrap.js';

/**
 * `auto-testing compare`: each later run against the first (the baseline), metric by metric, with
 * percentile-bootstrap intervals of the difference of the quantile (the shared src/stats/bootstrap.ts).
 * A change is significant when the interval of the difference excludes 0.
 */

export interface CompareMetric {
  /** Short name as in --slo and --fail-on-regression (ttft, itl, ...). */
  base: string;
  field: keyof DerivedMetrics;
  label: string;
  unit: 's' | 'ms' | 'tokens/s';
  better: 'lower' | 'higher';
}

export const COMPARE_METRICS: CompareMetric[] = [
  { base: 'ttft', field: 'ttft_s', label: 'TTFT', unit: 's', better: 'lower' },
  { base: 'ttfo', field: 'ttfo_s', label: 'TTFO', unit: 's', better: 'lower' },
  { base: 'tpot', field: 'tpot_ms', label: 'TPOT', unit: 'ms', better: 'lower' },
  { base: 'itl', field: 'itl_ms', label: 'ITL per token', unit: 'ms', better: 'lower' },
  { base: 'e2e', field: 'e2e_s', label: 'E2E', unit: 's', better: 'lower' },
  { base: 'output_tps', field: 'output_tps', label: 'Output TPS per request', unit: 'tokens/s', better: 'higher' },
];

export const COMPARE_PERCENTILES = [50, 99] as const;

/** One run as compare reads it: its summary and each metric's per-request values (completed, not warm-up). */
export interface RunSamples {
  label: string;
  folder: string;
  summary: RunSummary;
  samples: Record<string, SortedSample>;
}

export function runSamples(label: string, folder: string, summary: RunSummary, records: readonly RequestRecord[]): RunSamples {
  const done = records.filter((r) => r.outcome === 'completed' && !r.warmup).map(derive);
  const samples: Record<string, SortedSample> = {};
  for (const m of COMPARE_METRICS) samples[m.base] = SortedSample.of(done.map((d) => d[m.field]).filter((v): v is number => v !== null));
  return { label, folder, summary, samples };
}

export type Verdict = 'better' | 'worse' | 'no significant change' | 'too few samples' | 'no data';

export interface MetricChange {
  /** e.g. itl_p50 */
  name: string;
  label: string;
  unit: string;
  p: number;
  baseline: number | null;
  candidate: number | null;
  n: { baseline: number; candidate: number };
  /** candidate - baseline, with its interval. */
  difference: Interval | null;
  /** candidate / baseline - 1, with its interval (null when the baseline's quantile is 0). */
  relative: Interval | null;
  significant: boolean;
  verdict: Verdict;
  /** Fewer than JUDGED_BEYOND samples beyond the quantile in a run: the interval is shown, no verdict is drawn. */
  low_sample: boolean;
}

/**
 * The bootstrap of a quantile needs samples beyond it: for an extreme one (p99 of 40 values is their
 * maximum) its replicates pile up on the few largest values and the interval of a difference excludes 0
 * between two runs of one distribution far more often than 5 %. So a verdict needs at least this many
 * samples beyond the quantile in each run: p50 10, p99 500.
 */
export const JUDGED_BEYOND = 5;

export function samplesToJudge(p: number): number {
  return Math.ceil(JUDGED_BEYOND / (1 - p / 100) - 1e-9);
}

export interface RunComparison {
  baseline: string;
  candidate: string;
  changes: MetricChange[];
}

export function compareRuns(runs: readonly RunSamples[], o: Required<BootstrapOptions>): RunComparison[] {
  const [a, ...rest] = runs;
  return rest.map((b) => ({ baseline: a.label, candidate: b.label, changes: COMPARE_METRICS.flatMap((m) => COMPARE_PERCENTILES.map((p) => change(m, p, a, b, o))) }));
}

function change(m: CompareMetric, p: number, a: RunSamples, b: RunSamples, o: Required<BootstrapOptions>): MetricChange {
  const sa = a.samples[m.base];
  const sb = b.samples[m.base];
  const c = compareQuantiles(sa, sb, p, o);
  const lowSample = Math.min(sa.n, sb.n) < samplesToJudge(p);
  const base = { name: `${m.base}_p${p}`, label: `${m.label} p${p}`, unit: m.unit, p, n: { baseline: sa.n, candidate: sb.n }, low_sample: lowSample };
  if (!c) return { ...base, baseline: sa.quantile(p), candidate: sb.quantile(p), difference: null, relative: null, significant: false, verdict: 'no data' };
  const significant = c.distinguishable && !lowSample;
  const worse = m.better === 'lower' ? c.difference.estimate > 0 : c.difference.estimate < 0;
  return {
    ...base, baseline: c.a.estimate, candidate: c.b.estimate, difference: c.difference, relative: c.relative, significant,
    verdict: lowSample ? 'too few samples' : significant ? (worse ? 'worse' : 'better') : 'no significant change',
  };
}
