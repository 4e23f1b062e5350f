import type { RunConfig } from '../config/run-config.js';
import { Aggregator } from '../metrics/aggregator.js';
import { watchLoopDelay } from '../metrics/loop-delay.js';
import { buildSummary, type SummaryMeta } from '../metrics/build-summary.js';
import { addHandles } from '../metrics/handles.js';
import { NON_STREAMING_NOTE, type RunStatus, type RunSummary, type ShardInfo } from '../metrics/summary.js';
import { atCsvPrecision, csvNumber, type RequestRecord } from '../metrics/record.js';
import { monoAtWall, monoNs } from '../schedule/clock.js';
import { FILES, RunFolder } from '../results/run-folder.js';
import { slug } from '../results/slug.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { goodput } from '../slo/goodput.js';
import { bucketRows, secondRows, BUCKET_HEADER, SECOND_HEADER } from '../results/csv-rows.js';
import { protocolFor } from '../protocols/registry.js';
import { joinEndpoint, publicUrl } from '../transport/endpoint.js';
import { startSimChild, type SimChild } from '../sim/child.js';
import { startWorkers, type PoolRun } from '../workers/pool.js';
import type { BatchMessage, WorkerSettings } from '../workers/messages.js';
import type { LiveStatus, Progress } from '../metrics/progress.js';
import type { PacerSpec } from '../schedule/pacers.js';
import type { PromptSpec } from '../workload/request-plan.js';
import { loadTokenizer, type Tokenizer } from '../tokenize/tokenizers.js';
import { Interrupts } from './interrupts.js';
import { TOOL } from './tool.js';

/** Between "all workers ready" and the first due arrival: time for the start message to reach them. */
const START_LEAD_MS = 20;

export interface RunIo {
  log(line: string): void;
  progress(s: LiveStatus): void;
  /** Each batch of finished records, after the aggregator has them (a live view, e.g. for early stops),
   *  with each one's received text when a tokenizer captured it (null otherwise). */
  records?(records: readonly RequestRecord[], texts: readonly (string | null)[]): void;
  /** Aborting it stops firing at once (no grace); the run ends 'interrupted' with the abort reason. */
  stop?: AbortSignal;
  /** The command's signal watch, when it outlives this run (several runs in turn); else the run has its own. */
  interrupts?: Interrupts;
}

export interface RunResult {
  summary: RunSummary;
  folder: string;
}

export async function runLoad(cfg: RunConfig, io: RunIo): Promise<RunResult> {
  const protocol = protocolFor(cfg.api);
  // SDK-backed APIs have a real default endpoint; the simulator speaks only plain HTTP ones
  const sdkDefault = !cfg.endpoint && protocol.defaultEndpoint && cfg.region ? protocol.defaultEndpoint(cfg.region) : null;
  const sim = cfg.endpoint || sdkDefault ? null : await startSimChild(cfg.sim);
  try {
    const url = cfg.endpoint ?? sdkDefault ?? joinEndpoint({ origin: new URL(sim!.url).origin, basePath: protocol.basePath });
    if (sim) io.log(`No --endpoint given: using the built-in SIMULATED endpoint at ${url} (${describeSim(cfg)}).`);
    return await execute(cfg, url, sim, io);
  } finally {
    await sim?.stop();
  }
}

function describeSim(cfg: RunConfig): string {
  const o = cfg.sim;
  const faults = o.faults ? `; injecting faults ${o.faults} (seed ${o.seed})` : '';
  return `${o.slots} slots, prefill ${o.prefillMs} ms + ${o.prefillPerTokenMs} ms/token, decode ${o.decodeMs} ms/token${faults}`;
}

async function execute(cfg: RunConfig, url: string, sim: SimChild | null, io: RunIo): Promise<RunResult> {
  const startedAt = new Date();
  const name = cfg.name ?? (sim ? 'simulated' : new URL(url).host);
  const runId = cfg.runId ?? defaultRunId(cfg, startedAt, name);
  const folder = new RunFolder(cfg.resultsDir, runId);
  const agg = new Aggregator(goodput(cfg.slo));
  let t0Wall = Date.now();
  const mainLoopDelay = watchLoopDelay();
  let cpu0 = process.cpuUsage();
  let status: RunStatus = 'completed';
  let reason: string | null = null;
  let readyLeadMs: number | null = null;
  let firstSend: RequestRecord | null = null;
  let promptMs: number | null = null;
  const tokenizer = cfg.prompts.tokenizer === 'none' ? null : await loadTokenizer(cfg.prompts.tokenizer);

  const meta = (): SummaryMeta => ({
    status,
    status_reason: reason,
    tool: TOOL,
    run: {
      id: runId, started_at: startedAt.toISOString(), t0_wall_ms: t0Wall, duration_s: cfg.durationMs / 1000,
      elapsed_s: Math.max(0, (Date.now() - t0Wall) / 1000), mode: cfg.mode, rate: cfg.rate, concurrency: cfg.closedLoop?.concurrency ?? null,
      arrival: cfg.ramp ? 'ramp' : cfg.arrival, workers: cfg.workers,
      prompt_generation_ms: promptMs, max_in_flight: cfg.maxInFlight || null, drain_timeout_s: cfg.drainTimeoutMs / 1000, max_tokens: cfg.maxTokens, stream: cfg.stream,
    },
    endpoint: { name, url: publicUrl(url), api: cfg.api, model: cfg.model, simulated: sim !== null },
    workload: workloadSummary(cfg),
    client: { event_loop_delay_ms: { main: { p50: 0, p99: 0, max: 0 }, workers: [] }, cpu: { user_s: 0, system_s: 0, utilization: 0 }, memory_mb: { rss_max: 0 }, handles_at_end: {} },
    warnings: [],
    ...((cfg.shard || cfg.startAtMs !== null) && { shard: shardInfo(cfg, readyLeadMs, firstSend) }),
    notes: cfg.stream ? [] : [NON_STREAMING_NOTE],
  });
  folder.writeSummary(buildSummary(agg, { ...meta(), status: 'running' }));

  const progress = new Map<number, Progress>();
  let pool: PoolRun | null = null;
  /** The run cannot go on as it should (results not writable, an uncaught error): stop firing, keep what was measured. */
  const fail = (why: string) => {
    if (status === 'failed') return;
    status = 'failed';
    reason = why;
    io.log(`auto-testing: ${why}; stopping the run`);
    pool?.stop(why, 0);
  };
  const onBatch = (b: BatchMessage) => {
    const records = b.records.map((r, i) => atCsvPrecision(withClientCount(r, b.texts[i], tokenizer)));
    for (const r of records) {
      agg.add(r);
      if (r.sent_ms !== null && (!firstSend || r.scheduled_ms < firstSend.scheduled_ms)) firstSend = r;
    }
    agg.addTokens(b.tokens);
    progress.set(b.worker, b.progress);
    io.records?.(records, b.texts);
    try {
      folder.appendRecords(records);
    } catch (e) {
      fail((e as Error).message);
    }
  };
  const run = startWorkers(cfg.workers, workerSettings(cfg, url), onBatch);
  pool = run;
  const stopCrashGuard = guardMainThread(fail);
  const interrupt = (why: string) => {
    if (status === 'failed') return;
    status = 'interrupted';
    reason = why;
  };
  const interrupts = io.interrupts ?? new Interrupts();
  const unwatch = interrupts.watch((why, graceMs) => {
    interrupt(why);
    run.stop(why, graceMs);
  });
  const stopEarly = () => {
    interrupt(String(io.stop!.reason));
    run.stop(String(io.stop!.reason), 0);
  };
  io.stop?.addEventListener('abort', stopEarly, { once: true });
  await run.ready;
  // CPU from here on is the run's own: thread and connection-pool start-up stay out of it
  cpu0 = process.cpuUsage();
  const readyWall = Date.now();
  t0Wall = cfg.startAtMs ?? readyWall + START_LEAD_MS;
  if (cfg.startAtMs !== null) {
    readyLeadMs = cfg.startAtMs - readyWall;
    io.log(`Start at ${new Date(cfg.startAtMs).toISOString()} (${(readyLeadMs / 1000).toFixed(3)} s from now)${cfg.shard ? `, shard ${cfg.shard.index}/${cfg.shard.count}` : ''}.`);
  }
  const t0Ns = monoAtWall(t0Wall, readyWall);
  // an interrupt while the threads were starting: they have stopped already, nothing is fired
  if (status === 'completed') run.start(t0Ns);
  const stopSampler = sampleProcess(agg, t0Ns, cpu0);
  const ticker = setInterval(() => io.progress(live(progress, agg, t0Wall, cfg.durationMs)), 250);
  const results = await run.done;
  clearInterval(ticker);
  stopSampler();
  unwatch();
  if (!io.interrupts) interrupts.close();
  io.stop?.removeEventListener('abort', stopEarly);
  stopCrashGuard();
  io.progress(live(progress, agg, t0Wall, cfg.durationMs));

  const failures = results.flatMap((r) => (r.ok ? [] : [`worker ${r.worker}: ${r.error}`]));
  if (failures.length) {
    reason = [reason, ...failures].filter(Boolean).join('; ');
    status = 'failed';
  }
  promptMs = Math.max(0, ...results.map((r) => (r.ok ? r.value.promptMs : 0)));
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = Math.max(1e-3, (Date.now() - t0Wall) / 1000);
  const mainDelay = mainLoopDelay();
  const m = meta();
  m.client = {
    event_loop_delay_ms: {
      main: mainDelay,
      workers: results.flatMap((r) => (r.ok ? [{ worker: r.value.worker, ...r.value.eventLoopDelayMs, utilization: r.value.utilization }] : [])),
    },
    cpu: { user_s: cpu.user / 1e6, system_s: cpu.system / 1e6, utilization: (cpu.user + cpu.system) / 1e6 / elapsedS },
    memory_mb: { rss_max: process.resourceUsage().maxRSS / 1024 },
    handles_at_end: addHandles(results.flatMap((r) => (r.ok ? [r.value.handlesAtEnd] : []))),
  };
  for (const r of results) if (r.ok && r.value.measurementError) agg.addMeasurementError(r.value.measurementError);
  for (const r of results) if (r.ok) agg.addInterChunk(r.value.interChunk);
  try {
    folder.writeCsv(FILES.timeseries, SECOND_HEADER, secondRows(agg));
    folder.writeCsv(FILES.buckets, BUCKET_HEADER, bucketRows(agg, t0Wall));
  } catch (e) {
    m.status = 'failed';
    m.status_reason = [reason, (e as Error).message].filter(Boolean).join('; ');
  }
  const summary = buildSummary(agg, m);
  if (cfg.slo.length) summary.slo = evaluateSlos(summary, cfg.slo);
  try {
    folder.writeSummary(summary);
  } catch (e) {
    summary.status = 'failed';
    summary.status_reason = [summary.status_reason, (e as Error).message].filter(Boolean).join('; ');
    io.log(`auto-testing: ${(e as Error).message}`);
  }
  folder.close();
  return { summary, folder: folder.path };
}

const SAMPLE_MS = 100;
const MB = 1024 * 1024;

/** Client process CPU and memory per 100 ms bucket of the run timeline, CPU from `cpu0` on; returns the stop (with a last sample). */
function sampleProcess(agg: Aggregator, t0Ns: bigint, cpu0: NodeJS.CpuUsage): () => void {
  let last = cpu0.user + cpu0.system;
  const sample = () => {
    const c = process.cpuUsage();
    const total = c.user + c.system;
    const atMs = Math.max(0, Number(monoNs() - t0Ns) / 1e6);
    agg.cpuMs.addAt(atMs, (total - last) / 1000);
    last = total;
    const m = process.memoryUsage();
    agg.rssMb.peakAt(atMs, m.rss / MB);
    agg.heapUsedMb.peakAt(atMs, m.heapUsed / MB);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
  };
}

function workerSettings(cfg: RunConfig, url: string): WorkerSettings {
  return {
    endpoint: url, api: cfg.api, model: cfg.model, apiKey: process.env[cfg.apiKeyEnv] || undefined, headers: cfg.headers,
    stream: cfg.stream, maxTokens: cfg.maxTokens, params: cfg.params, pacer: pacerSpec(cfg), closedLoop: cfg.closedLoop,
    maxInFlight: cfg.maxInFlight, drainTimeoutMs: cfg.drainTimeoutMs, prompt: promptSpec(cfg), warmupMs: cfg.warmupMs, shard: cfg.shard ?? { index: 0, count: 1 },
    measureError: cfg.measureError, region: cfg.region, endpointGiven: cfg.endpoint !== null,
    limits: { ttftMs: cfg.ttftTimeoutMs, stallMs: cfg.stallTimeoutMs, totalMs: cfg.requestTimeoutMs, maxBytes: cfg.maxResponseBytes },
    connectTimeoutMs: cfg.connectTimeoutMs,
    insecure: cfg.insecure,
    httpClient: cfg.httpClient,
  };
}

/** The answer's tokens under the client tokenizer, counted here so the workers' send path never waits on it. */
function withClientCount(r: RequestRecord, text: string | null, tok: Tokenizer | null): RequestRecord {
  return tok && text !== null ? { ...r, output_tokens_client: text === '' ? 0 : tok.encode(text).length } : r;
}

function promptSpec(cfg: RunConfig): PromptSpec {
  const { datasetFile: _file, ...p } = cfg.prompts;
  return { ...p, text: cfg.prompt, seed: cfg.seed };
}

/** The resolved workload as saved in summary.json (`workload`): settings only, so shards of one run agree. */
function workloadSummary(cfg: RunConfig): Record<string, unknown> {
  const closed = cfg.closedLoop;
  const p = cfg.prompts;
  return {
    file: cfg.workloadFile, mode: cfg.mode, rate: cfg.rate, duration_s: cfg.durationMs / 1000, arrival: cfg.ramp ? 'ramp' : cfg.arrival,
    burstiness: cfg.burstiness, ramp: cfg.ramp && { start_rate: cfg.ramp.startRate, stages: cfg.ramp.stages.map((s) => ({ rate: s.rate, duration_s: s.durationMs / 1000 })) },
    concurrency: closed?.concurrency ?? null, max_requests: closed?.maxRequests ?? null, timeout_s: closed ? closed.timeoutMs / 1000 : null,
    seed: cfg.seed, warmup_s: cfg.warmupMs / 1000, sampling_params: cfg.params, max_tokens: cfg.maxTokens, api: cfg.api, stream: cfg.stream,
    prompts: {
      source: p.dataset ? 'dataset' : p.input ? 'synthetic' : 'text', tokenizer: p.tokenizer, dataset: p.datasetFile, prompts_in_dataset: p.dataset?.length ?? null,
      mean_input_tokens: p.input?.mean ?? null, stddev_input_tokens: p.input?.stddev ?? null,
      mean_output_tokens: p.output?.mean ?? null, stddev_output_tokens: p.output?.stddev ?? null, exact_output: p.exactOutput,
    },
  };
}

function pacerSpec(cfg: RunConfig): PacerSpec {
  if (cfg.ramp) return { kind: 'ramp', ...cfg.ramp };
  const base = { rate: cfg.rate ?? 0, durationMs: cfg.durationMs };
  return cfg.arrival === 'poisson' ? { kind: 'poisson', ...base, burstiness: cfg.burstiness, seed: cfg.seed } : { kind: cfg.arrival, ...base };
}

function live(progress: Map<number, Progress>, agg: Aggregator, t0Wall: number, totalMs: number): LiveStatus {
  const sum: Progress = { sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0 };
  for (const p of progress.values()) for (const k of Object.keys(sum) as (keyof Progress)[]) sum[k] += p[k];
  const elapsedMs = Math.max(0, Date.now() - t0Wall);
  const last = Math.floor(elapsedMs / 100);
  let tokens = 0;
  for (let b = last - 10; b < last; b++) tokens += agg.tokens.at(b);
  return { ...sum, elapsedMs, totalMs, totalTps: tokens };
}

/** Shards of one run share the prefix (the start instant when given) and differ by their suffix. */
function defaultRunId(cfg: RunConfig, startedAt: Date, name: string): string {
  const stamp = new Date(cfg.startAtMs ?? startedAt.getTime()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${slug(name)}${cfg.shard ? `-shard-${cfg.shard.index}-of-${cfg.shard.count}` : ''}`;
}

function shardInfo(cfg: RunConfig, readyLeadMs: number | null, first: RequestRecord | null): ShardInfo {
  return {
    index: cfg.shard?.index ?? 0,
    count: cfg.shard?.count ?? 1,
    start_at: cfg.startAtMs === null ? null : new Date(cfg.startAtMs).toISOString(),
    ready_lead_ms: readyLeadMs,
    first_send_late_ms: first ? csvNumber(first.sent_ms! - first.scheduled_ms) : null,
  };
}

/** An uncaught error on the main thread during the run fails it cleanly instead of losing the folder. */
function guardMainThread(fail: (why: string) => void): () => void {
  const handler = (e: unknown) => fail(`uncaught error in the main thread: ${e instanceof Error ? e.message : String(e)}`);
  process.on('uncaughtException', handler);
  process.on('unhandledRejection', handler);
  return () => {
    process.off('uncaughtException', handler);
    process.off('unhandledRejection', handler);
  };
}
