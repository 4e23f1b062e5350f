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
}

/** What `auto-testing capacity` leaves at the top of its folder (its CAPACITY_FILE), beside its steps. */
const CAPACITY_FILE = 'capacity.json';

/**
 * Every folder under `root` (at any depth) holding a summary.json, sorted by path. A capacity search's
 * folder is skipped: its steps are probes at rates it chose, not runs of a workload.
 */
export function findRunFolders(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === CAPACITY_FILE)) return;
    if (entries.some((e) => e.isFile() && e.name === FILES.summary)) out.push(dir);
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

function readCsv(file: string): Record<string, string>[] {
  return existsSync(file) ? (parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[]) : [];
}

export function readRun(root: string, folder: string): SavedRun {
  const summary = JSON.parse(readFileSync(join(folder, FILES.summary), 'utf8')) as RunSummary;
  return {
    folder: relative(root, folder).split(/[\\/]/).join('/'),
    summary,
    seconds: readCsv(join(folder, FILES.timeseries)).map((r) => ({ second: Number(r.second), total_tps: Number(r.total_tps) })),
    buckets: readCsv(join(folder, FILES.buckets)).map((r) => ({ t_ms: Number(r.t_ms), sent: Number(r.sent), finished: Number(r.finished), output_tokens: Number(r.output_tokens) })),
    spans: readCsv(join(folder, FILES.requests))
      .filter((r) => r.outcome === 'completed' && !['1', 'true'].includes(r.warmup) && r.output_tps !== '')
      .map((r) => ({ sentMs: Number(r.sent_ms), endMs: Number(r.end_ms), tps: Number(r.output_tps) })),
  };
}

/**
 * Workload keys that do not define the load: what an endpoints file sets per endpoint (api, extra body
 * params) and where the settings were read from (the same file can be named by other paths).
 */
const NOT_THE_LOAD = ['api', 'sampling_params', 'file'];

/**
 * The load a run was given: its workload less `NOT_THE_LOAD` and the settings of other modes (null).
 */
export function sharedWorkload(s: RunSummary): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s.workload ?? {}).filter(([k, v]) => v !== null && !NOT_THE_LOAD.includes(k)));
}

/** What makes two runs comparable: the same endpoint under the same workload. */
export function workloadKey(s: RunSummary): string {
  const name = s.workload?.name;
  return typeof name === 'string' ? name : JSON.stringify(sharedWorkload(s));
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
