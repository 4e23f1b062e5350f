import { createHash } from 'node:crypto';
import type { RunSummary } from '../metrics/summary.js';
import { sweepKey, type SavedRun } from '../results/read-runs.js';
import { loadWords } from './describe.js';
import { formatValue } from './format.js';
import { markdownTable, type Align } from './markdown-table.js';

/** One run (or capacity step) of a sweep: its offered load and what it achieved. */
export interface SweepPoint {
  /** Offered: the arrival rate (open loop) or the number in flight (closed loop). */
  load: number;
  outputTps: number;
  ttftP50: number;
  ttftP99: number;
}

/** Runs of one model and one load at several rates: one line per endpoint in the throughput-latency chart. */
export interface Sweep {
  id: string;
  heading: string;
  closed: boolean;
  series: { endpoint: string; points: SweepPoint[] }[];
  /** The runs (or capacity steps) behind the points. */
  sources: RunSummary[];
}

function offeredLoad(run: SavedRun): number | null {
  const r = run.summary.run;
  return r.mode === 'closed' ? r.concurrency : r.rate;
}

/** The run's point, when it has one: a load, completed requests and their TTFT. */
function point(run: SavedRun): SweepPoint | null {
  const s = run.summary;
  const load = offeredLoad(run);
  const ttft = s.metrics.ttft_s;
  if (load === null || !s.requests.completed || ttft.p50 === null || ttft.p99 === null) return null;
  return { load, outputTps: s.throughput.output_tokens_per_s, ttftP50: ttft.p50, ttftP99: ttft.p99 };
}

/**
 * Sweeps among saved runs and capacity steps: runs grouped by model and by their load less its rate
 * (`sweepKey`), kept when some endpoint ran at two rates or more. Per endpoint and rate, the latest run.
 */
export function findSweeps(runs: readonly SavedRun[]): Sweep[] {
  const byKey = new Map<string, SavedRun[]>();
  for (const r of runs) {
    if (point(r) === null || (r.summary.shard?.count ?? 1) !== 1) continue;
    const key = `${r.summary.endpoint.model}\u0000${sweepKey(r.summary)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const models = new Set(runs.map((r) => r.summary.endpoint.model));
  const sweeps: Sweep[] = [];
  for (const [key, rs] of byKey) {
    const { series, sources } = endpointSeries(rs);
    if (!series.some((s) => s.points.length > 1)) continue;
    const closed = rs[0].summary.run.mode === 'closed';
    const loads = series.flatMap((s) => s.points.map((p) => p.load));
    const range = `${closed ? 'concurrency' : 'rates'} ${Math.min(...loads)}–${Math.max(...loads)}${closed ? ' in flight' : ' req/s'}`;
    const model = models.size > 1 ? `Model: ${rs[0].summary.endpoint.model} · ` : '';
    sweeps.push({ id: createHash('sha256').update(key).digest('hex').slice(0, 8), heading: `${model}${loadWords(rs, false)} · ${range}`, closed, series, sources });
  }
  return sweeps.sort((a, b) => a.heading.localeCompare(b.heading));
}

function endpointSeries(runs: readonly SavedRun[]): Pick<Sweep, 'series' | 'sources'> {
  const latest = new Map<string, SavedRun>();
  for (const r of runs) {
    const key = `${r.summary.endpoint.name}\u0000${offeredLoad(r)}`;
    const prev = latest.get(key);
    if (!prev || r.summary.run.started_at.localeCompare(prev.summary.run.started_at) > 0) latest.set(key, r);
  }
  const byEndpoint = new Map<string, SweepPoint[]>();
  for (const r of latest.values()) byEndpoint.set(r.summary.endpoint.name, [...(byEndpoint.get(r.summary.endpoint.name) ?? []), point(r)!]);
  const series = [...byEndpoint].sort(([a], [b]) => a.localeCompare(b)).map(([endpoint, points]) => ({ endpoint, points: points.sort((a, b) => a.load - b.load) }));
  return { series, sources: [...latest.values()].map((r) => r.summary) };
}

/** The figures behind a sweep's chart, one row per endpoint and load. */
export function sweepTable(s: Sweep): string {
  const header = ['Framework', s.closed ? 'In flight' : 'Offered (req/s)', 'Output (tokens/s)', 'TTFT P50 (s)', 'TTFT P99 (s)'];
  const align: Align[] = ['left', 'right', 'right', 'right', 'right'];
  const rows = s.series.flatMap(({ endpoint, points }) => points.map((p) => [endpoint, String(Number(p.load.toPrecision(4))), formatValue(p.outputTps, 0), formatValue(p.ttftP50, 2), formatValue(p.ttftP99, 2)]));
  return markdownTable(header, align, rows);
}
