import type { RunConfig } from '../config/run-config.js';
import { Aggregator } from '../metrics/aggregator.js';
import { buildSummary, type SummaryMeta } from '../metrics/build-summary.js';
import { watchLoopDelay } from '../metrics/loop-delay.js';
import type { LiveStatus, Progress } from '../metrics/progress.js';
import { atCsvPrecision, type RequestRecord } from '../metrics/record.js';
import { NON_STREAMING_NOTE, type LoopDelay, type RunSummary } from '../metrics/summary.js';
import { protocolFor } from '../protocols/registry.js';
import { bucketRows, secondRows, BUCKET_HEADER, SECOND_HEADER } from '../results/csv-rows.js';
import { claimFree, FILES, RunFolder } from '../results/run-folder.js';
import { monoAtWall } from '../schedule/clock.js';
import { freeLoopbackPort, startSimChild } from '../sim/child.js';
import { evaluateSlos } from '../slo/evaluate.js';
import { goodput } from '../slo/goodput.js';
import { joinEndpoint, publicUrl } from '../transport/endpoint.js';
import { redactor } from '../transport/redact.js';
import type { BatchMessage, WorkerFinal, WorkerSettings } from '../workers/messages.js';
import { startWorkers, type PoolRun, type WorkerFailureOr } from '../workers/pool.js';
import { onUncaught } from '../workers/uncaught.js';
import { Interrupts } from './interrupts.js';
import { openLiveExport, startObservers, type RunObservers } from './observers.js';
import type { LiveExport } from '../live/prometheus-export.js';
import { writeReport } from '../html/write-report.js';
import { SERVER_METRICS_DEFINITIONS } from '../server-metrics/summarise.js';
import { Outcome } from './outcome.js';
import { sampleProcess, skippedSamplesWarning } from './process-sampler.js';
import { arrivalName, clientFigures, defaultRunId, noClientFiguresYet, shardInfo, trafficNotes, workloadSummary } from './run-meta.js';
import { hostInfo } from './host.js';
import { TOOL } from './tool.js';
import { workerSettings } from './worker-settings.js';

/** Between "all workers ready" and the first due arrival: time for the start message to reach them. */
const START_LEAD_MS = 20;
const PROGRESS_MS = 250;

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
  /** A search's step, judged by its objectives: one where nothing succeeded stays `completed` (its error rate
   *  fails it), where a run of its own is `failed`. */
  step?: boolean;
}

export interface RunResult {
  summary: RunSummary;
  folder: string;
}

/** How a run's workers are started: threads by default (`workers/pool.ts`), in this thread in tests. */
export type StartWorkers = (workers: number, settings: WorkerSettings, onBatch: (b: BatchMessage) => void) => PoolRun;

export async function runLoad(cfg: RunConfig, io: RunIo, start: StartWorkers = startWorkers): Promise<RunResult> {
  const protocol = protocolFor(cfg.api);
  // SDK-backed APIs have a real default endpoint; the simulator speaks only plain HTTP ones
  const sdkDefault = !cfg.endpoint && protocol.defaultEndpoint && cfg.region ? protocol.defaultEndpoint(cfg.region) : null;
  // the live export first: a port in use stops the run before its folder or the simulator exist
  const live = await openLiveExport(cfg.observe);
  let sim: ReturnType<typeof startSimChild> | null = null;
  try {
    // the simulator's address is fixed up front, so the workers start while its process is still starting
    const simPort = cfg.endpoint || sdkDefault ? null : await freeLoopbackPort();
    sim = simPort === null ? null : startSimChild(cfg.sim, simPort);
    const url = cfg.endpoint ?? sdkDefault ?? joinEndpoint({ origin: `http://127.0.0.1:${simPort}`, basePath: protocol.basePath });
    if (sim) io.log(`No --endpoint given: using the built-in SIMULATED endpoint at ${url} (${describeSim(cfg)}).`);
    return await new LoadRun(cfg, url, sim !== null, io).run(start, live, sim);
  } finally {
    await live?.close();
    await (await sim?.catch(() => null))?.stop();
  }
}

function describeSim(cfg: RunConfig): string {
  const o = cfg.sim;
  const faults = o.faults ? `; injecting faults ${o.faults} (seed ${o.seed})` : '';
  return `${o.slots} slots, prefill ${o.prefillMs} ms + ${o.prefillPerTokenMs} ms/token, decode ${o.decodeMs} ms/token${faults}`;
}

/**
 * One run on the main thread: its folder and aggregator, the workers' batches and progress, signals and
 * stops, then the summary. Whatever goes wrong, what was measured is kept and the summary says why.
 */
class LoadRun {
  readonly #cfg: RunConfig;
  readonly #url: string;
  readonly #simulated: boolean;
  readonly #io: RunIo;
  readonly #startedAt: Date;
  readonly #name: string;
  readonly #runId: string;
  readonly #folder: RunFolder;
  readonly #agg: Aggregator;
  readonly #mainLoopDelay: () => LoopDelay;
  readonly #outcome = new Outcome();
  readonly #progress = new Map<number, Progress>();
  #t0Wall: number;
  #cpu0: NodeJS.CpuUsage;
  #readyLeadMs: number | null = null;
  #firstSend: RequestRecord | null = null;
  #promptMs: number | null = null;
  /** Warnings of the main thread's own helpers (a sampler that had to skip), for the summary. */
  readonly #warnings: string[] = [];
  #pool: PoolRun | null = null;
  #observers: RunObservers | null = null;

  constructor(cfg: RunConfig, url: string, simulated: boolean, io: RunIo) {
    this.#cfg = cfg;
    this.#url = url;
    this.#simulated = simulated;
    this.#io = io;
    this.#startedAt = new Date();
    this.#name = cfg.name ?? (simulated ? 'simulated' : new URL(url).host);
    this.#folder = claimFree(cfg.runId, (draw) => defaultRunId(cfg, this.#startedAt, this.#name, draw), (id) => new RunFolder(cfg.resultsDir, id));
    this.#runId = this.#folder.id;
    this.#agg = new Aggregator(goodput(cfg.slo));
    this.#t0Wall = Date.now();
    this.#mainLoopDelay = watchLoopDelay();
    this.#cpu0 = process.cpuUsage();
  }

  /** `live`: the bound --prometheus-port; `endpointReady`: the built-in simulator starting (beside the workers); a failure to start fails the run. */
  async run(start: StartWorkers, live: LiveExport | null, endpointReady: Promise<unknown> | null = null): Promise<RunResult> {
    const cfg = this.#cfg;
    const observers = await startObservers(cfg.observe, {
      endpoint: this.#url, headers: cfg.headers, insecure: cfg.insecure, folder: this.#folder.path, runId: this.#runId, name: this.#name, log: this.#io.log,
      redact: redactor([process.env[cfg.apiKeyEnv], ...Object.values(cfg.headers)]),
    }, live);
    this.#observers = observers;
    this.#folder.writeSummary(buildSummary(this.#agg, { ...this.#meta(), status: 'running' }));
    const pool = start(cfg.workers, workerSettings(cfg, this.#url), (b) => this.#onBatch(b));
    this.#pool = pool;
    const unwatch = this.#watch(pool);
    let results: WorkerFailureOr<WorkerFinal>[];
    try {
      const endpoint = endpointReady?.then(() => null, (e: Error) => e.message) ?? null;
      await pool.ready;
      const unready = await endpoint;
      if (unready) this.#fail(unready);
      results = await this.#fire(pool);
    } catch (e) {
      await observers.abort();
      throw e;
    } finally {
      unwatch();
    }
    this.#showProgress();
    return this.#finish(results);
  }

  /** The live status to the command's progress and to the live export. */
  #showProgress(): void {
    const s = this.#live();
    this.#io.progress(s);
    this.#observers?.progress(s);
  }

  /** From "every worker ready" to "every worker done": t0, the schedule started, samples and progress meanwhile. */
  async #fire(pool: PoolRun): Promise<WorkerFailureOr<WorkerFinal>[]> {
    // CPU from here on is the run's own: thread and connection-pool start-up stay out of it
    // the server's baseline scrape comes first, so the schedule never waits on it
    await this.#observers?.beforeStart();
    this.#cpu0 = process.cpuUsage();
    const t0Ns = this.#setT0();
    this.#observers?.started(t0Ns);
    // an interrupt while the threads were starting: they have stopped already, nothing is fired
    if (this.#outcome.status === 'completed') pool.start(t0Ns);
    const sampler = sampleProcess(this.#agg, t0Ns, this.#cpu0);
    const ticker = setInterval(() => this.#showProgress(), PROGRESS_MS);
    try {
      return await pool.done;
    } finally {
      clearInterval(ticker);
      sampler.stop();
      const skipped = skippedSamplesWarning(sampler.skipped);
      if (skipped) this.#warnings.push(skipped);
    }
  }

  /** t0 on the wall clock (--start-at, or just after every worker is ready), returned on the monotonic clock. */
  #setT0(): bigint {
    const cfg = this.#cfg;
    const readyWall = Date.now();
    this.#t0Wall = cfg.startAtMs ?? readyWall + START_LEAD_MS;
    if (cfg.startAtMs !== null) {
      this.#readyLeadMs = cfg.startAtMs - readyWall;
      this.#io.log(`Start at ${new Date(cfg.startAtMs).toISOString()} (${(this.#readyLeadMs / 1000).toFixed(3)} s from now)${cfg.shard ? `, shard ${cfg.shard.index}/${cfg.shard.count}` : ''}.`);
    }
    return monoAtWall(this.#t0Wall, readyWall);
  }

  /** Signals, `RunIo.stop` and uncaught errors of the main thread, for as long as the workers run; returns the unwatch. */
  #watch(pool: PoolRun): () => void {
    const stopCrashGuard = onUncaught((e) => this.#fail(`uncaught error in the main thread: ${e instanceof Error ? e.message : String(e)}`));
    const interrupts = this.#io.interrupts ?? new Interrupts();
    const unwatch = interrupts.watch((why, graceMs) => {
      this.#outcome.interrupt(why);
      pool.stop(why, graceMs);
    });
    const stop = this.#io.stop;
    const stopEarly = () => {
      this.#outcome.interrupt(String(stop!.reason));
      pool.stop(String(stop!.reason), 0);
    };
    stop?.addEventListener('abort', stopEarly, { once: true });
    return () => {
      unwatch();
      if (!this.#io.interrupts) interrupts.close();
      stop?.removeEventListener('abort', stopEarly);
      stopCrashGuard();
    };
  }

  /** The run cannot go on as it should (results not writable, an uncaught error): stop firing, keep what was measured. */
  #fail(why: string): void {
    if (!this.#outcome.fail(why)) return;
    this.#io.log(`auto-testing: ${why}; stopping the run`);
    this.#pool?.stop(why, 0);
  }

  #onBatch(b: BatchMessage): void {
    const records = b.records.map(atCsvPrecision);
    for (const r of records) {
      this.#agg.add(r);
      if (r.sent_ms !== null && (!this.#firstSend || r.scheduled_ms < this.#firstSend.scheduled_ms)) this.#firstSend = r;
    }
    this.#agg.addTokens(b.tokens);
    this.#progress.set(b.worker, b.progress);
    this.#io.records?.(records, b.texts);
    this.#observers?.records(records);
    try {
      this.#folder.appendRecords(records);
    } catch (e) {
      this.#fail((e as Error).message);
    }
  }

  /** The workers' reports folded in, the time series and the summary written; a failed write is said in the summary. */
  async #finish(results: readonly WorkerFailureOr<WorkerFinal>[]): Promise<RunResult> {
    for (const r of results) if (!r.ok) this.#outcome.alsoFailed(`worker ${r.worker}: ${r.error}`);
    // an interrupted run stays interrupted, whatever it had measured by then
    const none = this.#io.step || this.#outcome.status !== 'completed' ? null : nothingSucceeded(this.#agg);
    if (none) this.#outcome.fail(none);
    this.#promptMs = Math.max(0, ...results.map((r) => (r.ok ? r.value.promptMs : 0)));
    const client = clientFigures(results, this.#cpu0, this.#t0Wall, this.#mainLoopDelay);
    const m = { ...this.#meta(), client };
    for (const r of results) if (r.ok && r.value.measurementError) this.#agg.addMeasurementError(r.value.measurementError);
    for (const r of results) if (r.ok) this.#agg.addInterChunk(r.value.interChunk);
    this.#write(m, () => {
      this.#folder.writeCsv(FILES.timeseries, SECOND_HEADER, secondRows(this.#agg));
      this.#folder.writeCsv(FILES.buckets, BUCKET_HEADER, bucketRows(this.#agg, this.#t0Wall));
    });
    const summary = buildSummary(this.#agg, m);
    const server = await this.#observers?.finish(Date.now() - this.#t0Wall, { ttft_s: summary.metrics.ttft_s, itl_ms: summary.metrics.itl_ms });
    if (server) {
      summary.server_metrics = server;
      summary.definitions = { ...summary.definitions, ...SERVER_METRICS_DEFINITIONS };
    }
    if (this.#cfg.slo.length) summary.slo = evaluateSlos(summary, this.#cfg.slo);
    const unwritten = this.#write(summary, () => this.#folder.writeSummary(summary));
    if (unwritten) this.#io.log(`auto-testing: ${unwritten}`);
    this.#folder.close();
    this.#report();
    return { summary, folder: this.#folder.path };
  }

  /** report.html beside the results; the results stand without it, so a failure is only said. */
  #report(): void {
    try {
      writeReport(this.#folder.path);
    } catch (e) {
      this.#io.log(`auto-testing: report.html not written: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** A write at the end; when it fails the run is failed, `into` (meta or summary) says why, and the why is returned. */
  #write(into: Pick<RunSummary, 'status' | 'status_reason'>, write: () => void): string | null {
    try {
      write();
      return null;
    } catch (e) {
      this.#outcome.alsoFailed((e as Error).message);
      into.status = this.#outcome.status;
      into.status_reason = this.#outcome.reason;
      return (e as Error).message;
    }
  }

  #meta(): SummaryMeta {
    const cfg = this.#cfg;
    return {
      status: this.#outcome.status,
      status_reason: this.#outcome.reason,
      tool: TOOL,
      host: hostInfo(),
      run: {
        id: this.#runId, started_at: this.#startedAt.toISOString(), t0_wall_ms: this.#t0Wall, duration_s: cfg.durationMs / 1000,
        elapsed_s: Math.max(0, (Date.now() - this.#t0Wall) / 1000), mode: cfg.mode, rate: cfg.rate, concurrency: cfg.closedLoop?.concurrency ?? null,
        arrival: arrivalName(cfg), workers: cfg.workers, prompt_generation_ms: this.#promptMs, max_in_flight: cfg.maxInFlight || null,
        drain_timeout_s: cfg.drainTimeoutMs / 1000, request_timeout_s: cfg.requestTimeoutMs / 1000, ttft_timeout_s: cfg.ttftTimeoutMs / 1000, stall_timeout_s: cfg.stallTimeoutMs / 1000,
        max_tokens: cfg.maxTokens, stream: cfg.stream,
      },
      endpoint: { name: this.#name, url: publicUrl(this.#url), api: cfg.api, model: cfg.model, simulated: this.#simulated },
      workload: workloadSummary(cfg),
      client: noClientFiguresYet(),
      warnings: [...this.#warnings],
      ...((cfg.shard || cfg.startAtMs !== null) && { shard: shardInfo(cfg, this.#readyLeadMs, this.#firstSend) }),
      notes: [...(cfg.stream ? [] : [NON_STREAMING_NOTE]), ...trafficNotes(cfg)],
    };
  }

  /** The workers' counts added up, with the output tokens of the last whole second. */
  #live(): LiveStatus {
    const sum: Progress = { sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0 };
    for (const p of this.#progress.values()) for (const k of Object.keys(sum) as (keyof Progress)[]) sum[k] += p[k];
    const elapsedMs = Math.max(0, Date.now() - this.#t0Wall);
    const last = Math.floor(elapsedMs / 100);
    let tokens = 0;
    for (let b = last - 10; b < last; b++) tokens += this.#agg.tokens.at(b);
    return { ...sum, elapsedMs, totalMs: this.#cfg.durationMs, totalTps: tokens };
  }
}

/** Why a finished run measured nothing: every request it scheduled failed, was dropped or cut short (null: one succeeded). */
function nothingSucceeded(agg: Aggregator): string | null {
  const c = agg.counts;
  if (agg.succeeded || c.scheduled === c.warmup) return null;
  const how = (['failed', 'incomplete', 'dropped'] as const).filter((k) => c[k]).map((k) => `${c[k]} ${k}`).join(', ');
  return `no request succeeded (${c.scheduled - c.warmup} scheduled: ${how})`;
}
