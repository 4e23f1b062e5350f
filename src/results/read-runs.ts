import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { RunSummary } from '../metrics/summary.js';
import { FILES } from './run-folder.js';

/** One saved run, as the leaderboard needs it: the summary plus its per-second and per-bucket series. */
export interface SavedRun {
  /** Folder relative to the results root, with `/` separators (stable across machines). */
  folder: string;
  summary: RunSummary;
  /** `timeseries.csv` rows: second -> total_tps (tokens/s). */
  seconds: { second: number; total_tps: number }[];
  /** `buckets.csv` rows: what sliding windows are computed from. */
  buckets: { t_ms: number; sent: number; finished: number; output_tokens: number }[];
  /** Completed, non-warm-up requests of `requests.csv`: what the seed's Total TPS is summed from. */
  spans: { sentMs: number; endMs: number; tps: number }[];
  /** The same requests' own figures, by `requests.csv` column: what bootstrap intervals resample. */
  values: Record<RequestMetric, number[]>;
}

/** Per-request figures kept from `requests.csv` (the leaderboard's per-request tables). */
export const REQUEST_METRICS = ['ttft_s', 'tpot_ms', 'itl_ms', 'output_tps'] as const;
export type RequestMetric = (typeof REQUEST_METRICS)[number];

/** What `auto-testing capacity` leaves at the top of its folder (its CAPACITY_FILE), beside its steps. */
const CAPACITY_FILE = 'capacity.json';

/**
 * Every folder under `root` (at any depth) holding a summary.json, sorted by path. A capacity search's
 * folder is skipped: its steps are probes at rates it chose, not runs of a workload (see
 * `findCapacityStepFolders`).
 */
export function findRunFolders(root: string): string[] {
  return walkRuns(root).runs;
}

/** The step folders of every capacity search under `root`: one sweep of rates each, sorted by path. */
export function findCapacityStepFolders(root: string): string[] {
  return walkRuns(root).steps;
}

function walkRuns(root: string): { runs: string[]; steps: string[] } {
  const runs: string[] = [];
  const steps: string[] = [];
  const walk = (dir: string, into: string[]) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const capacity = entries.some((e) => e.isFile() && e.name === CAPACITY_FILE);
    if (!capacity && entries.some((e) => e.isFile() && e.name === FILES.summary)) into.push(dir);
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name), capacity ? steps : into);
  };
  if (existsSync(root)) walk(root, runs);
  return { runs: runs.sort(), steps: steps.sort() };
}

function readCsv(file: string): Record<string, string>[] {
  return existsSync(file) ? (parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[]) : [];
}

export function readRun(root: string, folder: string): SavedRun {
  const summary = JSON.parse(readFileSync(join(folder, FILES.summary), 'utf8')) as RunSummary;
  const completed = readCsv(join(folder, FILES.requests)).filter((r) => r.outcome === 'completed' && !['1', 'true'].includes(r.warmup));
  const column = (name: string) => completed.flatMap((r) => (r[name] === '' || r[name] === undefined ? [] : [Number(r[name])]));
  return {
    folder: relative(root, folder).split(/[\\/]/).join('/'),
    summary,
    seconds: readCsv(join(folder, FILES.timeseries)).map((r) => ({ second: Number(r.second), total_tps: Number(r.total_tps) })),
    buckets: readCsv(join(folder, FILES.buckets)).map((r) => ({ t_ms: Number(r.t_ms), sent: Number(r.sent), finished: Number(r.finished), output_tokens: Number(r.output_tokens) })),
    spans: completed.filter((r) => r.output_tps !== '').map((r) => ({ sentMs: Number(r.sent_ms), endMs: Number(r.end_ms), tps: Number(r.output_tps) })),
    values: Object.fromEntries(REQUEST_METRICS.map((m) => [m, column(m)])) as Record<RequestMetric, number[]>,
  };
}

/**
 * Workload keys that do not define the load: where the settings were read from (the same file can be
 * named by other paths) and the extra body parameters, which an endpoints file sets per endpoint.
 */
const NOT_THE_LOAD = ['file', 'name', 'sampling_params'];

/**
 * The effective load of a run, read from its summary (never from a label): every load setting of its
 * workload, streaming or not, the API and the in-flight cap. Older summaries lacking a key fall back
 * to the run's own record of it.
 */
export function effectiveLoad(s: RunSummary): Record<string, unknown> {
  const w = s.workload ?? {};
  const load = Object.fromEntries(Object.entries(w).filter(([k, v]) => v !== null && v !== undefined && !NOT_THE_LOAD.includes(k)));
  return { ...load, api: w.api ?? s.endpoint.api, stream: w.stream ?? s.run.stream, max_in_flight: s.run.max_in_flight ?? null };
}

/** What makes two runs comparable: the same effective load. */
export function workloadKey(s: RunSummary): string {
  return canonicalJson(effectiveLoad(s));
}

/** The same load at any rate (open loop) or concurrency (closed loop): the runs of one sweep. */
export function sweepKey(s: RunSummary): string {
  const { rate: _rate, concurrency: _concurrency, ...rest } = effectiveLoad(s);
  return canonicalJson(rest);
}

/** JSON with keys sorted at every depth, so equal settings always give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** The latest run (by start time, then id) of each endpoint + workload pair. */
export function latestPerEndpoint(runs: readonly SavedRun[]): SavedRun[] {
  const best = new Map<string, SavedRun>();
  for (const r of runs) {
    const key = `${r.summary.endpoint.name}\u0000${workloadKey(r.summary)}`;
    const prev = best.get(key);
    if (!prev || runOrder(r, prev) > 0) best.set(key, r);
  }
  return [...best.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}

function runOrder(a: SavedRun, b: SavedRun): number {
  return a.summary.run.started_at.localeCompare(b.summary.run.started_at) || a.summary.run.id.localeCompare(b.summary.run.id);
}
