import { basename } from 'node:path';
import type { RunSummary } from '../metrics/summary.js';
import { workloadKey, type SavedRun } from '../results/read-runs.js';

/** Runs compared in one table: same model (and same workload when several were run). */
export interface Group {
  heading: string | null;
  runs: SavedRun[];
}

/** One group when all runs share a model and workload; otherwise one per pair, sorted by heading. */
export function groupRuns(runs: readonly SavedRun[]): Group[] {
  const workloads = new Set(runs.map((r) => workloadKey(r.summary)));
  const models = new Set(runs.map((r) => r.summary.endpoint.model));
  if (workloads.size <= 1 && models.size <= 1) return runs.length ? [{ heading: null, runs: [...runs] }] : [];
  const byHeading = new Map<string, SavedRun[]>();
  for (const r of runs) {
    const parts = [...(models.size > 1 ? [`Model: ${r.summary.endpoint.model}`] : []), ...(workloads.size > 1 ? [`Workload: ${workloadLabel(r.summary)}`] : [])];
    const h = parts.join(' · ');
    byHeading.set(h, [...(byHeading.get(h) ?? []), r]);
  }
  return [...byHeading].sort(([a], [b]) => a.localeCompare(b)).map(([heading, rs]) => ({ heading, runs: rs }));
}

export function workloadLabel(s: RunSummary): string {
  const w = s.workload ?? {};
  if (typeof w.name === 'string') return w.name;
  if (typeof w.file === 'string') return basename(w.file);
  return `${w.rate ?? s.run.rate} req/s for ${w.duration_s ?? s.run.duration_s} s (${w.arrival ?? s.run.arrival})`;
}

/**
 * The Framework cell: the endpoint's name, the run's start with --all (several runs per endpoint), and
 * the error rate whenever a request failed, so a failing endpoint is never shown as merely slow.
 */
export function runLabel(run: SavedRun, all: boolean): string {
  const s = run.summary;
  const when = all ? ` @ ${s.run.started_at.slice(0, 16).replace('T', ' ')}` : '';
  const failed = s.status !== 'completed' || s.requests.completed === 0;
  const errors = `${percent(s.error_rate)} errors`;
  // a run stopped early because nothing could succeed is a failure, whatever status it ended with
  const note = failed ? ` (${s.status === 'completed' || s.requests.completed === 0 ? 'failed' : s.status}, ${errors})` : s.error_rate > 0 ? ` (${errors})` : '';
  return `${s.endpoint.name}${when}${note}`;
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
