import { sumOfRequestTps, type RequestSpan } from '../metrics/concurrent-tps.js';
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

/** Decoding a saved histogram is the costly part of a render: once per run and metric. */
const decoded = new WeakMap<SavedRun, Map<string, { d: Distribution | null; f: Figures | null }>>();

function cached(run: SavedRun, metric: string): { d: Distribution | null; f: Figures | null } {
  const byMetric = decoded.get(run) ?? new Map<string, { d: Distribution | null; f: Figures | null }>();
  decoded.set(run, byMetric);
  let hit = byMetric.get(metric);
  if (!hit) {
    const enc = run.summary.histograms?.[metric];
    const d = enc && enc.count > 0 ? Distribution.decode(enc) : null;
    hit = { d, f: d && figuresOf(d) };
    byMetric.set(metric, hit);
  }
  return hit;
}

/** A per-request metric of a run, decoded from the HDR histogram saved in its summary.json. */
export function requestFigures(run: SavedRun, metric: string): Figures | null {
  return cached(run, metric).f;
}

export function requestDistribution(run: SavedRun, metric: string): Distribution | null {
  return cached(run, metric).d;
}

/**
 * Total TPS of a run over time: every 1 s window sliding by 100 ms between the first send and the last
 * byte (the windows behind summary.json's peak_total_tps, so Max is that peak), from buckets.csv.
 */
export function totalTpsFigures(run: SavedRun): Figures | null {
  if (run.summary.requests.completed === 0) return null;
  const windows = totalTpsWindows(run);
  if (!windows.length) return null;
  const d = new Distribution(1000);
  for (const w of windows) d.record(w.rate);
  return figuresOf(d);
}

function totalTpsWindows(run: SavedRun): { startMs: number; rate: number }[] {
  const { window_s, step_s } = run.summary.throughput;
  return windowRates(tokenSeries(run), window_s * 1000, step_s * 1000, ...activeSpan(run));
}

/** The windowed Total TPS over time, as its table reads it: [window start - first send (s), rate]. */
export function windowedTotalTpsSeries(run: SavedRun): [number, number][] {
  if (run.summary.requests.completed === 0) return [];
  const from = activeSpan(run)[0];
  return totalTpsWindows(run).map((w) => [(w.startMs - from) / 1000, w.rate]);
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

/** How often the seed's Total TPS is sampled for its quantiles (its peak and mean are exact). */
const SEED_SAMPLE_MS = 100;

/**
 * The seed's Total TPS of a run: at each instant, the sum of each in-progress request's own TPS
 * (requests.csv). Max (the peak) and Mean (time-weighted) are exact, as in summary.json; Min and the
 * quantiles are over the step function sampled every 100 ms from the first send to the last byte.
 */
export function seedTotalTpsFigures(run: SavedRun): Figures | null {
  if (run.summary.requests.completed === 0 || !run.spans.length) return null;
  const d = new Distribution(1000);
  for (const level of sampleSum(run.spans, SEED_SAMPLE_MS)) d.record(level);
  const f = figuresOf(d);
  const exact = sumOfRequestTps(run.spans);
  return { ...f, values: { ...f.values, max: exact.peak, mean: exact.mean } };
}

/** The seed's Total TPS over time, as its table reads it: [s since the first send, sum] every 100 ms. */
export function seedTotalTpsSeries(run: SavedRun): [number, number][] {
  if (!run.spans.length) return [];
  return sampleSum(run.spans, SEED_SAMPLE_MS).map((level, i): [number, number] => [(i * SEED_SAMPLE_MS) / 1000, level]);
}

/** The sum of in-progress spans' TPS at first send, first send + step, ... (spans half-open [sent, end)). */
function sampleSum(spans: readonly RequestSpan[], stepMs: number): number[] {
  const events = spans.flatMap((s): [number, number][] => [[s.sentMs, s.tps], [s.endMs, -s.tps]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const from = events[0][0];
  const to = events.at(-1)![0];
  const out: number[] = [];
  let level = 0;
  let i = 0;
  for (let t = from; t < to; t += stepMs) {
    while (i < events.length && events[i][0] <= t) level += events[i++][1];
    out.push(Math.max(0, level));
  }
  return out;
}
