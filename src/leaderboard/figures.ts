import { Distribution } from '../metrics/distribution.js';
import { BUCKET_MS, Series, windowRates } from '../metrics/timeline.js';
import type { SavedRun } from '../results/read-runs.js';

/** The LLMPerf leaderboard's columns, in its order. */
export const COLUMNS = ['median', 'mean', 'min', 'max', 'p25', 'p75', 'p95', 'p99'] as const;
export type Column = (typeof COLUMNS)[number];

const QUANTILE_OF: Partial<Record<Column, number>> = { median: 50, p25: 25, p75: 75, p95: 95, p99: 99 };

/** One endpoint's figures for one metric; `lowSample` lists quantiles estimated from too few values. */
export interface Figures {
  count: number;
  values: Record<Column, number | null>;
  lowSample: Column[];
}

/**
 * Figures of a distribution: mean, min and max exact; quantiles from its HDR histogram (never averaged),
 * marked low-sample by the summary's rule (`minSamples`: p99 needs 100 values, p95 20, p75 4).
 */
export function figuresOf(d: Distribution): Figures {
  const st = d.stats();
  const values = { mean: st.mean, min: st.min, max: st.max } as Record<Column, number | null>;
  for (const [c, q] of Object.entries(QUANTILE_OF) as [Column, number][]) values[c] = d.quantile(q);
  const lowSample = (Object.entries(QUANTILE_OF) as [Column, number][]).filter(([, q]) => st.low_sample.includes(`p${q}`)).map(([c]) => c);
  return { count: st.count, values, lowSample };
}

/** A per-request metric of a run, decoded from the HDR histogram saved in its summary.json. */
export function requestFigures(run: SavedRun, metric: string): Figures | null {
  const d = requestDistribution(run, metric);
  return d ? figuresOf(d) : null;
}

export function requestDistribution(run: SavedRun, metric: string): Distribution | null {
  const enc = run.summary.histograms?.[metric];
  return enc && enc.count > 0 ? Distribution.decode(enc) : null;
}

/**
 * Total TPS of a run over time: every 1 s window sliding by 100 ms between the first send and the last
 * byte (the windows behind summary.json's peak_total_tps, so Max is that peak), from buckets.csv.
 */
export function totalTpsFigures(run: SavedRun): Figures | null {
  if (run.summary.requests.completed === 0) return null;
  const { window_s, step_s } = run.summary.throughput;
  const windows = windowRates(tokenSeries(run), window_s * 1000, step_s * 1000, ...activeSpan(run));
  if (!windows.length) return null;
  const d = new Distribution(1000);
  for (const w of windows) d.record(w.rate);
  return figuresOf(d);
}

function tokenSeries(run: SavedRun): Series {
  const s = new Series();
  for (const b of run.buckets) s.addAt(b.t_ms, b.output_tokens);
  return s;
}

/** [first send, last byte) in ms on the run timeline, to bucket precision. */
function activeSpan(run: SavedRun): [number, number] {
  const first = run.buckets.find((b) => b.sent > 0);
  const last = run.buckets.findLast((b) => b.finished > 0);
  return first && last ? [first.t_ms, last.t_ms + BUCKET_MS] : [0, 0];
}
