import type { RunSummary } from '../metrics/summary.js';
import { count, utcMinute } from './format.js';

/** When a run began and ended (wall clock, ms): from its schedule origin to the end of its report. */
export function runSpan(s: RunSummary): { startMs: number; endMs: number } {
  const startMs = Number.isFinite(s.run.t0_wall_ms) ? s.run.t0_wall_ms : Date.parse(s.run.started_at);
  return { startMs, endMs: startMs + s.run.elapsed_s * 1000 };
}

/** `{{last_update}}`: the end of the newest run shown, so a re-render next week does not date old data today. */
export function lastUpdate(shown: readonly RunSummary[]): string {
  return utcMinute(Math.max(...shown.map((s) => runSpan(s).endMs)));
}

/** The distinct values of a field over the runs, each with its run count when they differ. */
function distinct(shown: readonly RunSummary[], value: (s: RunSummary) => string): string {
  const counts = new Map<string, number>();
  for (const s of shown) counts.set(value(s), (counts.get(value(s)) ?? 0) + 1);
  if (counts.size === 1) return [...counts.keys()][0];
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([v, n]) => `${v} (${n} run${n > 1 ? 's' : ''})`).join('; ');
}

function hostWords(s: RunSummary): string {
  const h = s.host;
  if (!h) return 'unknown (recorded from summary schema 2 on)';
  return `${h.cpu_count} CPUs (${h.cpu_model}), ${h.os}, Node.js ${h.node_version}`;
}

/**
 * `{{run_metadata}}`: how many runs (ranked, and only charted: sweeps' runs and capacity steps), their
 * date range, the tool version and the client host that made the load (runs written before the host
 * was recorded say "unknown").
 */
export function runMetadata(ranked: readonly RunSummary[], charted: readonly RunSummary[]): string {
  const runs = [...ranked, ...charted];
  const spans = runs.map((s) => runSpan(s));
  const from = utcMinute(Math.min(...spans.map((s) => s.startMs)));
  const last = utcMinute(Math.max(...spans.map((s) => s.endMs)));
  // the same day: only the time
  const to = last.slice(0, 10) === from.slice(0, 10) ? last.slice(11) : last;
  return [
    `- Runs: ${count(ranked.length)} in the tables${charted.length ? `, ${count(charted.length)} more in the throughput-latency chart` : ''}; from ${from} to ${to}`,
    `- Tool: ${distinct(runs, (s) => `${s.tool.name} ${s.tool.version}`)}`,
    `- Client host: ${distinct(runs, hostWords)}`,
  ].join('\n');
}
