import { Aggregator } from '../metrics/aggregator.js';
import { buildSummary, type SummaryMeta } from '../metrics/build-summary.js';
import { addHandles } from '../metrics/handles.js';
import { addPromptFigures, promptsEntry } from '../metrics/prompt-figures.js';
import type { RequestRecord } from '../metrics/record.js';
import type { MergedShards, RunStatus, RunSummary } from '../metrics/summary.js';
import { BUCKET_MS } from '../metrics/timeline.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { goodput } from '../slo/goodput.js';
import { parseSlos, type Slo } from '../slo/parse.js';
import { objectives, type ShardFolder } from './check-shards.js';

/**
 * A checked shard with its data: records from requests.csv, output tokens per 100 ms from buckets.csv,
 * the client's CPU and memory per second from timeseries.csv.
 */
export interface ShardData extends ShardFolder {
  records: RequestRecord[];
  buckets: { t_ms: number; output_tokens: number }[];
  perSecond: { cpuMs: number[]; rssMb: number[]; heapUsedMb: number[] };
}

export interface MergedRun {
  summary: RunSummary;
  /** In send order (scheduled time, then id); worker numbers made unique across shards. */
  records: RequestRecord[];
  agg: Aggregator;
}

const SEVERITY: RunStatus[] = ['completed', 'interrupted', 'failed', 'running'];

/**
 * Rebuilds one run from its shards through the same path a single run takes: every record goes through
 * one Aggregator (so histograms and counts are those of the union, never averages of shard figures) and
 * the shards' token buckets, which share the wall-clock origin t0, add bucket by bucket.
 */
export function mergeShards(shards: readonly ShardData[], runId: string, extraWarnings: readonly string[]): MergedRun {
  const sorted = [...shards].sort((a, b) => a.summary.shard!.index - b.summary.shard!.index);
  const all = sloList(sorted[0].summary);
  // every shard scraped the same server: its figures do not add up across shards, so they stay judged in each shard's summary
  const slos = all.filter((o) => !o.metric.server);
  const server = all.filter((o) => o.metric.server);
  const serverNote = server.length ? [`SERVER OBJECTIVES NOT MERGED: ${server.map((o) => o.text).join(', ')} are judged in each shard's own summary.json`] : [];
  const agg = new Aggregator(goodput(slos));
  const records = globalWorkers(sorted).sort((a, b) => a.scheduled_ms - b.scheduled_ms || a.id - b.id);
  for (const r of records) agg.add(r);
  for (const s of sorted) {
    for (const b of s.buckets) agg.tokens.add(Math.round(b.t_ms / BUCKET_MS), b.output_tokens);
    // the client is every shard's process together: CPU and memory add up second by second
    s.perSecond.cpuMs.forEach((ms, second) => agg.cpuMs.addAt(second * 1000, ms));
    s.perSecond.rssMb.forEach((mb, second) => agg.rssMb.addAt(second * 1000, mb));
    s.perSecond.heapUsedMb.forEach((mb, second) => agg.heapUsedMb.addAt(second * 1000, mb));
  }
  // every chunk gap is only in the shards' histograms (requests.csv keeps a per-request sum): add those
  for (const s of sorted) if (s.summary.histograms.inter_chunk_ms) agg.addInterChunk(s.summary.histograms.inter_chunk_ms);
  const summary = buildSummary(agg, meta(sorted, runId, [...extraWarnings, ...serverNote]));
  if (slos.length) summary.slo = evaluateSlos(summary, slos);
  return { summary, records, agg };
}

function sloList(s: RunSummary): Slo[] {
  const texts = objectives(s);
  const parsed = texts ? parseSlos(texts, 'the shards\' --slo') : { slos: [] };
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed.slos;
}

/** Worker w of a shard whose predecessors ran W threads in all becomes worker W + w. */
function workerOffsets(all: readonly RunSummary[]): number[] {
  return all.map((_, i) => all.slice(0, i).reduce((a, s) => a + s.run.workers, 0));
}

function globalWorkers(shards: readonly ShardData[]): RequestRecord[] {
  const offsets = workerOffsets(shards.map((s) => s.summary));
  return shards.flatMap((s, i) => s.records.map((r) => ({ ...r, worker: offsets[i] + r.worker })));
}

function sameHost(all: readonly RunSummary[]): boolean {
  return all.every((s) => s.host && JSON.stringify(s.host) === JSON.stringify(all[0].host));
}

function meta(shards: readonly ShardData[], runId: string, extraWarnings: readonly string[]): SummaryMeta {
  const first = shards[0].summary;
  const all = shards.map((s) => s.summary);
  const status = all.map((s) => s.status).reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a));
  const reasons = all.filter((s) => s.status_reason).map((s) => `shard ${s.shard!.index}: ${s.status_reason}`);
  const offsets = workerOffsets(all);
  const workers = all.flatMap((s, i) => s.client.event_loop_delay_ms.workers.map((w) => ({ ...w, worker: offsets[i] + w.worker })));
  const mains = all.map((s) => s.client.event_loop_delay_ms.main);
  const sum = (f: (s: RunSummary) => number) => all.reduce((a, s) => a + f(s), 0);
  const shardsInfo = mergedShards(all);
  return {
    status,
    status_reason: reasons.length ? reasons.join('; ') : null,
    tool: first.tool,
    // shards run on several machines: one host only when they all agree
    ...(sameHost(all) && { host: first.host }),
    run: {
      ...first.run,
      id: runId,
      started_at: all.map((s) => s.run.started_at).sort()[0],
      elapsed_s: Math.max(...all.map((s) => s.run.elapsed_s)),
      workers: sum((s) => s.run.workers),
    },
    endpoint: first.endpoint,
    workload: first.workload,
    client: {
      // each shard's main thread is its own process: the worst of them, not an average
      event_loop_delay_ms: { main: { p50: Math.max(...mains.map((m) => m.p50)), p99: Math.max(...mains.map((m) => m.p99)), max: Math.max(...mains.map((m) => m.max)) }, workers },
      cpu: { user_s: sum((s) => s.client.cpu.user_s), system_s: sum((s) => s.client.cpu.system_s), utilization: sum((s) => s.client.cpu.utilization) },
      memory_mb: { rss_max: Math.max(...all.map((s) => s.client.memory_mb?.rss_max ?? 0)) },
      handles_at_end: addHandles(all.map((s) => s.client.handles_at_end ?? {})),
      ...promptsEntry(addPromptFigures(all.map((s) => s.client.prompts))),
    },
    warnings: [...extraWarnings, ...lateStarters(shardsInfo)],
    shards: shardsInfo,
  };
}

function mergedShards(all: readonly RunSummary[]): MergedShards {
  const count = all[0].shard!.count;
  const lates = all.map((s) => s.shard!.first_send_late_ms).filter((v): v is number => v !== null);
  const merged = all.map((s) => s.shard!.index);
  return {
    count,
    merged,
    missing: Array.from({ length: count }, (_, i) => i).filter((i) => !merged.includes(i)),
    start_at: all[0].shard!.start_at,
    first_send_late_ms: lates.length ? { min: Math.min(...lates), max: Math.max(...lates), spread: Math.max(...lates) - Math.min(...lates) } : { min: null, max: null, spread: null },
    runs: all.map((s) => ({ ...s.shard!, run_id: s.run.id, status: s.status, warnings: s.warnings })),
  };
}

function lateStarters(info: MergedShards): string[] {
  return info.runs
    .filter((r) => r.ready_lead_ms !== null && r.ready_lead_ms < 0)
    .map((r) => `LATE SHARD: shard ${r.index} was ready ${(-r.ready_lead_ms! / 1000).toFixed(3)} s after --start-at; its first arrivals went out late (see send lag)`);
}
