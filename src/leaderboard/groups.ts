import { createHash } from 'node:crypto';
import { errorRateOf } from '../metrics/summary.js';
import { effectiveLoad, workloadKey, type SavedRun } from '../results/read-runs.js';
import { loadWords } from './describe.js';

/** Runs compared in one table: the same model under the same effective load. */
export interface Group {
  /** A short hash of model + load: names the group's chart files, the same in every render. */
  id: string;
  model: string;
  /** What ran, in words generated from the runs; null when all runs form one group. */
  heading: string | null;
  runs: SavedRun[];
}

/**
 * One group per model + effective load (every load setting, streaming or not, API: `workloadKey`),
 * never per label, so two durations of one workload file are two tables. Ordered by model, then rate
 * (or concurrency) and duration; headed by the load in words, plus whatever setting tells apart two
 * groups the words alone would not.
 */
export function groupRuns(runs: readonly SavedRun[]): Group[] {
  const byKey = new Map<string, SavedRun[]>();
  for (const r of runs) {
    const key = `${r.summary.endpoint.model}\u0000${workloadKey(r.summary)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const models = new Set(runs.map((r) => r.summary.endpoint.model));
  const groups = [...byKey].map(([key, rs]) => ({
    id: createHash('sha256').update(key).digest('hex').slice(0, 8),
    model: rs[0].summary.endpoint.model,
    heading: `${models.size > 1 ? `Model: ${rs[0].summary.endpoint.model} · ` : ''}${loadWords(rs)}`,
    runs: rs,
  }));
  groups.sort((a, b) => a.model.localeCompare(b.model) || loadOrder(a.runs[0], b.runs[0]) || a.heading.localeCompare(b.heading) || a.id.localeCompare(b.id));
  if (groups.length === 1) return [{ ...groups[0], heading: null }];
  return disambiguate(groups);
}

function loadOrder(a: SavedRun, b: SavedRun): number {
  const [x, y] = [effectiveLoad(a.summary), effectiveLoad(b.summary)];
  const n = (w: Record<string, unknown>, k: string) => (typeof w[k] === 'number' ? (w[k] as number) : 0);
  return String(x.mode).localeCompare(String(y.mode)) || ['rate', 'concurrency', 'duration_s'].reduce((d, k) => d || n(x, k) - n(y, k), 0);
}

/** Groups whose words coincide get the settings they differ in appended: `· seed 7`. */
function disambiguate<G extends { heading: string; runs: SavedRun[] }>(groups: G[]): G[] {
  return groups.map((g) => {
    const twins = groups.filter((o) => o.heading === g.heading);
    if (twins.length < 2) return g;
    const mine = flatten(effectiveLoad(g.runs[0].summary));
    const all = twins.map((t) => flatten(effectiveLoad(t.runs[0].summary)));
    const keys = [...new Set(all.flatMap((f) => Object.keys(f)))].sort().filter((k) => new Set(all.map((f) => f[k] ?? '-')).size > 1);
    return { ...g, heading: `${g.heading} · ${keys.map((k) => `${k.replace(/_/g, ' ')} ${mine[k] ?? '-'}`).join(', ')}` };
  });
}

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = JSON.stringify(v);
  }
  return out;
}

/**
 * The Framework cell: the endpoint's name, the run's start with --all (several runs per endpoint), and
 * the error rate whenever a request failed, so a failing endpoint is never shown as merely slow.
 */
export function runLabel(run: SavedRun, all: boolean): string {
  const s = run.summary;
  const when = all ? ` @ ${s.run.started_at.slice(0, 16).replace('T', ' ')}` : '';
  const failed = s.status !== 'completed' || s.requests.completed === 0;
  const errors = `${percent(errorRateOf(s))} errors`;
  // a run stopped early because nothing could succeed is a failure, whatever status it ended with
  const note = failed ? ` (${s.status === 'completed' || s.requests.completed === 0 ? 'failed' : s.status}, ${errors})` : errorRateOf(s) > 0 ? ` (${errors})` : '';
  return `${s.endpoint.name}${when}${note}`;
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
