import type { RunSummary } from '../metrics/summary.js';

/** One shard's folder as the merge reads it. */
export interface ShardFolder {
  dir: string;
  summary: RunSummary;
}

/**
 * Why these folders cannot be merged into one run (problems), and what is merely worth saying
 * (warnings: an incomplete set still merges, into a run that says which shards it lacks).
 */
export function checkShards(runs: readonly ShardFolder[]): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  for (const r of runs) {
    if (!r.summary.shard) problems.push(`merge: '${r.dir}' is not a shard (no "shard" in its summary.json); merge takes folders of runs made with --shard I/N or --shards N`);
    else if (r.summary.status === 'running') problems.push(`merge: '${r.dir}' is still running, or its process died before writing its summary; wait for it or leave it out`);
  }
  if (problems.length || runs.length === 0) return { problems: runs.length ? problems : ['merge: give at least one shard folder'], warnings: [] };
  const [first, ...rest] = runs;
  const seenIds = new Map<string, string>();
  const seenIndex = new Map<number, string>();
  for (const r of runs) {
    const { id } = r.summary.run;
    const { index, count } = r.summary.shard!;
    if (seenIds.has(id)) problems.push(`merge: '${r.dir}' and '${seenIds.get(id)}' are the same run (${id}); each shard is merged once`);
    else if (seenIndex.has(index)) problems.push(`merge: '${r.dir}' and '${seenIndex.get(index)}' are both shard ${index}/${count}; keep one of them`);
    seenIds.set(id, r.dir);
    seenIndex.set(index, r.dir);
  }
  for (const r of rest) problems.push(...differences(first, r));
  const count = first.summary.shard!.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seenIndex.has(i));
  const warnings = missing.length ? [`merge: INCOMPLETE: shard(s) ${missing.join(', ')} of ${count} missing; the merged run is not the whole schedule`] : [];
  return { problems, warnings };
}

/** Shards of one run share the shard count, schedule origin, workload, endpoint and objectives. */
function differences(a: ShardFolder, b: ShardFolder): string[] {
  const out: string[] = [];
  const sa = a.summary;
  const sb = b.summary;
  const against = `'${b.dir}' differs from '${a.dir}'`;
  if (sa.shard!.count !== sb.shard!.count) out.push(`merge: ${against} in shard count (${sb.shard!.count} vs ${sa.shard!.count}); merge shards of one run`);
  const keys = differingKeys(schedule(sa), schedule(sb));
  if (keys.length) out.push(`merge: ${against} in its workload (${keys.join(', ')}); only shards of one workload merge`);
  const ends = differingKeys(endpointIdentity(sa), endpointIdentity(sb));
  if (ends.length) out.push(`merge: ${against} in its endpoint (${ends.join(', ')}); only shards run against one endpoint merge`);
  if (sa.run.t0_wall_ms !== sb.run.t0_wall_ms) {
    out.push(`merge: ${against} in its schedule origin (t0 ${new Date(sb.run.t0_wall_ms).toISOString()} vs ${new Date(sa.run.t0_wall_ms).toISOString()}); start every shard with the same --start-at`);
  }
  if (objectives(sa) !== objectives(sb)) out.push(`merge: ${against} in its --slo objectives; give every shard the same ones`);
  return out;
}

/** The resolved workload without the path of the file it came from: pods may mount it anywhere. */
function schedule(s: RunSummary): Record<string, unknown> {
  const { file: _file, ...rest } = s.workload;
  return rest;
}

/** The built-in simulator listens on a different port in each shard: it is still the same endpoint. */
function endpointIdentity(s: RunSummary): Record<string, unknown> {
  const { url, api, model, simulated } = s.endpoint;
  return simulated ? { api, model, simulated } : { url, api, model, simulated };
}

export function objectives(s: RunSummary): string {
  return (s.slo?.results.map((r) => r.slo) ?? s.goodput?.criteria ?? []).join(',');
}

function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
  return keys.filter((k) => canonical(a?.[k]) !== canonical(b?.[k])).sort();
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}
