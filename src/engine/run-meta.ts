import { basename } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { pacerFrom } from '../schedule/pacers.js';
import { ARENA_SAMPLE } from '../workload/arena-sample.js';
import { datasetPick } from '../workload/dataset.js';
import { pacerSpec } from './worker-settings.js';
import type { SummaryMeta } from '../metrics/build-summary.js';
import { addHandles } from '../metrics/handles.js';
import { addPromptFigures, promptsEntry } from '../metrics/prompt-figures.js';
import { csvNumber, type RequestRecord } from '../metrics/record.js';
import type { LoopDelay, ShardInfo, WorkloadSummary } from '../metrics/summary.js';
import { timeStamp } from '../results/run-id.js';
import { slug } from '../results/slug.js';
import type { WorkerFinal } from '../workers/messages.js';
import type { WorkerFailureOr } from '../workers/pool.js';

/** The resolved workload as saved in summary.json (`workload`): settings only, so shards of one run agree. */
export function workloadSummary(cfg: RunConfig): WorkloadSummary {
  const closed = cfg.closedLoop;
  const p = cfg.prompts;
  return {
    file: cfg.workloadFile, mode: cfg.mode, rate: cfg.rate, duration_s: cfg.durationMs / 1000, arrival: arrivalName(cfg),
    burstiness: cfg.burstiness, ramp: cfg.ramp && { start_rate: cfg.ramp.startRate, stages: cfg.ramp.stages.map((s) => ({ rate: s.rate, duration_s: s.durationMs / 1000 })) },
    concurrency: closed?.concurrency ?? null, max_requests: closed?.maxRequests ?? null, timeout_s: closed ? closed.timeoutMs / 1000 : null,
    seed: cfg.seed, warmup_s: cfg.warmupMs / 1000, sampling_params: cfg.params, max_tokens: cfg.maxTokens, api: cfg.api, stream: cfg.stream,
    prompts: {
      source: cfg.trace ? 'trace' : p.dataset ? 'dataset' : p.input ? 'synthetic' : 'text', tokenizer: p.tokenizer, dataset: p.datasetFile, prompts_in_dataset: p.dataset?.length ?? null,
      mean_input_tokens: p.input?.mean ?? null, stddev_input_tokens: p.input?.stddev ?? null,
      mean_output_tokens: p.output?.mean ?? null, stddev_output_tokens: p.output?.stddev ?? null, exact_output: p.exactOutput,
      chat_template: p.chatTemplate,
      ...(p.datasetInfo && { dataset_format: p.datasetInfo.format, dataset_draw: p.datasetDraw, dataset_sample: p.datasetInfo.sample }),
    },
    trace: cfg.trace && { file: cfg.trace.file, format: cfg.trace.format, requests_in_file: cfg.trace.inFile, requests: cfg.trace.requests, speed: cfg.trace.speed, window: cfg.trace.window, span_s: cfg.trace.spanMs / 1000 },
    prefix: p.prefix && { tokens: p.prefix.tokens, groups: p.prefix.groups, choice: p.prefix.choice },
    sessions: p.sessions && { turns_mean: p.sessions.turns.mean, turns_stddev: p.sessions.turns.stddev, think_time_s: p.sessions.thinkTimeMs / 1000, rate_counts: 'sessions per second' },
  };
}

/** The arrival model as the summary names it: a trace's own schedule, a ramp, or the --arrival model. */
export function arrivalName(cfg: RunConfig): string {
  return cfg.trace ? 'trace' : cfg.ramp ? 'ramp' : cfg.arrival;
}

/** What a reader of this run should know about its traffic, said once. */
export function trafficNotes(cfg: RunConfig): string[] {
  const t = cfg.trace;
  const s = cfg.prompts.sessions;
  return [
    ...datasetNotes(cfg),
    ...(t ? [`Replayed ${t.requests} of the ${t.inFile} requests of ${t.file} (${t.format}) at their own offsets${t.speed !== 1 ? `, ${t.speed}x speed` : ''}${t.window ? `, window ${t.window}` : ''}.`, ...traceSessionNote(t), ...t.notes] : []),
    ...(s ? [`Multi-turn sessions: --rate counts sessions per second; each sends about ${s.turns.mean} turns, ${s.thinkTimeMs / 1000} s after each answer, with the whole conversation so far.`] : []),
  ];
}

/** How a trace's sessions were replayed, when it has any. */
function traceSessionNote(t: NonNullable<RunConfig['trace']>): string[] {
  const sessions = t.items.filter((i) => i.session !== null).length;
  if (!sessions) return [];
  return [`${sessions} session(s) of the trace replayed as conversations: each turn sent at its offset or, when later, once the previous answer arrived, with the whole conversation so far (the answers actually received).`];
}

/** Repeats are counted over schedules up to this long (a pass over the draws, twice per run). */
const MAX_COUNTED_DRAWS = 1_000_000;

/** The dataset's side of the run: the shipped sample said as such, and how often draws with replacement repeat a prompt. */
export function datasetNotes(cfg: RunConfig): string[] {
  const info = cfg.prompts.datasetInfo;
  if (!info) return [];
  const sample = info.sample
    ? [`Prompts: the shipped sample workloads/${basename(ARENA_SAMPLE)} (${count(info.conversations)} conversations, ${count(info.prompts)} user messages written for this project in the Chatbot Arena schema), not the LMSYS dataset; give the real one with --dataset FILE (README: "The seed's workload").`]
    : [];
  const repeats = drawRepeats(cfg);
  const drawn = repeats === null ? [] : [`Prompts drawn with replacement (seed ${cfg.seed}): ${count(repeats.requests)} requests from ${count(info.prompts)} user messages (${count(info.distinct)} distinct); ${count(repeats.repeated)} send a prompt an earlier request sent, which a server's prefix cache may answer faster. A larger dataset repeats less.`];
  return [...sample, ...drawn];
}

/** Requests of an open-loop schedule of single-turn draws, and how many repeat an earlier prompt; null when that is not known up front. */
function drawRepeats(cfg: RunConfig): { requests: number; repeated: number } | null {
  const p = cfg.prompts;
  // the workers' length rules (with their tokenizer) may drop prompts: the draws are then not these
  if (p.datasetDraw !== 'with-replacement' || !p.dataset || p.datasetFilter || p.sessions || cfg.mode !== 'open') return null;
  const requests = pacerFrom(pacerSpec(cfg)).total;
  if (requests === null || requests > MAX_COUNTED_DRAWS) return null;
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i < requests; i++) {
    const text = p.dataset[datasetPick(p.datasetDraw, cfg.seed, i, p.dataset.length)].prompt;
    if (seen.has(text)) repeated++;
    else seen.add(text);
  }
  return { requests, repeated };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Sortable by start time (to the millisecond): `20261203T051524.123Z-vllm`. Shards of one run share the
 * prefix (the start instant when given) and end with which shard they are (`merge`'s `*-shard-*-of-N`
 * globs). `draw` > 1 (the folder was taken: another run started in the same millisecond, or against a name
 * that slugs alike) adds `-<draw>`.
 */
export function defaultRunId(cfg: RunConfig, startedAt: Date, name: string, draw = 1): string {
  const stamp = timeStamp(cfg.startAtMs ?? startedAt.getTime());
  return `${stamp}-${slug(name)}${cfg.shard ? `-shard-${cfg.shard.index}-of-${cfg.shard.count}` : ''}${draw > 1 ? `-${draw}` : ''}`;
}

export function shardInfo(cfg: RunConfig, readyLeadMs: number | null, first: RequestRecord | null): ShardInfo {
  return {
    index: cfg.shard?.index ?? 0,
    count: cfg.shard?.count ?? 1,
    start_at: cfg.startAtMs === null ? null : new Date(cfg.startAtMs).toISOString(),
    ready_lead_ms: readyLeadMs,
    first_send_late_ms: first ? csvNumber(first.sent_ms! - first.scheduled_ms) : null,
  };
}

/** The client's own figures over the run: event-loop delay (main thread and workers), CPU from `cpu0`, memory, leftover handles. */
export function clientFigures(results: readonly WorkerFailureOr<WorkerFinal>[], cpu0: NodeJS.CpuUsage, t0Wall: number, mainLoopDelay: () => LoopDelay): SummaryMeta['client'] {
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = Math.max(1e-3, (Date.now() - t0Wall) / 1000);
  const main = mainLoopDelay();
  const finals = results.flatMap((r) => (r.ok ? [r.value] : []));
  return {
    event_loop_delay_ms: { main, workers: finals.map((f) => ({ worker: f.worker, ...f.eventLoopDelayMs, utilization: f.utilization })) },
    cpu: { user_s: cpu.user / 1e6, system_s: cpu.system / 1e6, utilization: (cpu.user + cpu.system) / 1e6 / elapsedS },
    memory_mb: { rss_max: process.resourceUsage().maxRSS / 1024 },
    handles_at_end: addHandles(finals.map((f) => f.handlesAtEnd)),
    ...promptsEntry(addPromptFigures(finals.map((f) => f.prompts))),
  };
}

/** What a summary says of the client before the workers have reported. */
export function noClientFiguresYet(): SummaryMeta['client'] {
  return { event_loop_delay_ms: { main: { p50: 0, p99: 0, max: 0 }, workers: [] }, cpu: { user_s: 0, system_s: 0, utilization: 0 }, memory_mb: { rss_max: 0 }, handles_at_end: {} };
}
