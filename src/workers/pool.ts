import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { monoNs } from '../schedule/clock.js';
import { workerStripe } from '../schedule/pacer.js';
import { pacerFrom } from '../schedule/pacers.js';
import { lostRecords, RecordLedger } from './lost-arrivals.js';
import type { Progress } from '../metrics/progress.js';
import { lastTurnDueMs } from '../workload/traces/sessions.js';
import type { BatchMessage, ControlMessage, TaskInput, WorkerFinal, WorkerMessage, WorkerSettings } from './messages.js';

/** A dead worker's last messages may still be on their way when piscina reports it: wait this long for them. */
const LAST_WORDS_MS = 2_000;
/** Past the last due arrival plus the drain (or interrupt grace), threads still running are terminated. */
const WATCHDOG_MARGIN_MS = 15_000;

/** From t0 to the last send (a trace session's last turn included); Infinity when unknown (no watchdog then). */
function firingSpanMs(s: WorkerSettings): number {
  if (s.closedLoop) return s.closedLoop.timeoutMs;
  const pacer = pacerFrom(s.pacer);
  const last = pacer.total === null ? Infinity : pacer.total === 0 ? 0 : (pacer.dueMs(pacer.total - 1) ?? Infinity);
  return Math.max(last, lastTurnDueMs(s.prompt.trace));
}

/** The compiled task module. Under a TypeScript test runner this file is src/…/pool.ts; workers need JS. */
function taskFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/\/src\/workers\/pool\.ts$/, '/dist/src/workers/task.js') : here.replace(/pool\.js$/, 'task.js');
}

/**
 * Each worker's young generation, capped: by default V8 grows it with the allocation rate, to tens of MB
 * per thread at 1,000 streams, which the bench read as ~60 KB of RSS per in-flight stream (157 -> 209 MB
 * from 100 to 1,000 streams); capped at 12 MB, ~30 KB (144 -> 170 MB), CPU per token and stamp error
 * within run-to-run noise (more, shorter scavenges). 24 MB gave ~40 KB.
 */
const YOUNG_GENERATION_MB = 12;

export interface PoolRun {
  /** Resolves once every worker is set up (or has already failed). */
  ready: Promise<void>;
  /** Starts every worker's schedule at the monotonic instant `t0Ns`. */
  start(t0Ns: bigint): void;
  /** Resolves when every worker has drained and returned its final report (or failed, its stripe accounted for). */
  done: Promise<WorkerFailureOr<WorkerFinal>[]>;
  /** Stop firing everywhere; in-flight requests get `graceMs` to finish. */
  stop(reason: string, graceMs: number): void;
}

export type WorkerFailureOr<T> = { ok: true; value: T } | { ok: false; worker: number; error: string };

/** Where the workers' tasks run: piscina threads (`threadRunner`), or this thread in tests. */
export interface TaskRunner {
  run(input: TaskInput): Promise<WorkerFinal>;
  destroy(): Promise<void>;
}

/** One thread per worker, each running one long-lived task (`task.ts`). */
export function threadRunner(workers: number): TaskRunner {
  const pool = new Piscina({ filename: taskFile(), minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1, idleTimeout: 1000, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  return { run: (input) => pool.run(input, { transferList: [input.port] as never }), destroy: () => pool.destroy() };
}

/**
 * Starts `workers` workers, each running one long-lived task over its stripe of the schedule.
 * Batches arrive through `onBatch` on the main thread as workers flush them. A worker that dies
 * (uncaught error, thread exit, watchdog) fails its task; the others go on, and the dead one's
 * unrecorded arrivals are delivered through `onBatch` as failed (in flight) or dropped (not yet due).
 */
export function startWorkers(workers: number, settings: WorkerSettings, onBatch: (b: BatchMessage) => void, runner = threadRunner(workers), nowNs = monoNs): PoolRun {
  return new WorkerPool(workers, settings, onBatch, runner, nowNs);
}

/** The main thread's side of one worker. */
interface WorkerState {
  port: MessagePort;
  progress: Progress;
  crashedAtMs: number | null;
  ready: Promise<void>;
  markReady(): void;
  /** Resolves at the worker's end message, or when its port closes. */
  ended: Promise<void>;
}

class WorkerPool implements PoolRun {
  readonly ready: Promise<void>;
  readonly done: Promise<WorkerFailureOr<WorkerFinal>[]>;
  readonly #workers: number;
  readonly #settings: WorkerSettings;
  readonly #onBatch: (b: BatchMessage) => void;
  readonly #runner: TaskRunner;
  readonly #nowNs: () => bigint;
  /** Int32Array over it: [0] requests in flight across all workers, [1] closed-loop ids claimed (`TaskInput.shared`). */
  readonly #shared = new SharedArrayBuffer(8);
  readonly #ledger = new RecordLedger();
  readonly #states: WorkerState[] = [];
  readonly #watchdog = new Watchdog(() => void this.#destroy());
  #t0Ns: bigint | null = null;
  #destroyed: Promise<void> | null = null;

  constructor(workers: number, settings: WorkerSettings, onBatch: (b: BatchMessage) => void, runner: TaskRunner, nowNs: () => bigint) {
    this.#workers = workers;
    this.#settings = settings;
    this.#onBatch = onBatch;
    this.#runner = runner;
    this.#nowNs = nowNs;
    const tasks = Array.from({ length: workers }, (_, worker) => this.#runTask(worker));
    this.ready = Promise.all(this.#states.map((st) => st.ready)).then(() => undefined);
    this.done = Promise.all(tasks).then(async (results) => {
      this.#watchdog.clear();
      for (const st of this.#states) st.port.close();
      await this.#destroy();
      return results;
    });
  }

  start(t0Ns: bigint): void {
    this.#t0Ns = t0Ns;
    this.#watchdog.arm(Number(t0Ns - this.#nowNs()) / 1e6 + firingSpanMs(this.#settings) + this.#settings.drainTimeoutMs);
    this.#broadcast({ type: 'start', t0Ns: t0Ns.toString() });
  }

  stop(reason: string, graceMs: number): void {
    this.#watchdog.arm(graceMs);
    this.#broadcast({ type: 'stop', reason, graceMs });
  }

  #broadcast(msg: ControlMessage): void {
    for (const st of this.#states) st.port.postMessage(msg);
  }

  #destroy(): Promise<void> {
    return (this.#destroyed ??= this.#runner.destroy());
  }

  async #runTask(worker: number): Promise<WorkerFailureOr<WorkerFinal>> {
    const { port1, port2 } = new MessageChannel();
    const st = listen(port1, this.#ledger, this.#onBatch);
    this.#states.push(st);
    const input: TaskInput = { worker, workers: this.#workers, settings: this.#settings, port: port2, shared: this.#shared };
    const result = this.#runner.run(input).then(
      (value): WorkerFailureOr<WorkerFinal> => ({ ok: true, value }),
      (err: unknown): WorkerFailureOr<WorkerFinal> => ({ ok: false, worker, error: err instanceof Error ? err.message : String(err) }),
    );
    // a task that ends before saying it is ready must not hold up the others' start
    void result.then(() => st.markReady());
    const r = await result;
    // the last batches travel on our port, the result on the runner's: wait for both
    await (r.ok ? st.ended : Promise.race([st.ended, new Promise((w) => setTimeout(w, LAST_WORDS_MS).unref())]));
    return r.ok ? r : this.#accountForDeadWorker(r, st);
  }

  /** The dead worker's arrivals that have no record: failed when due before it stopped (in flight), else dropped. */
  #accountForDeadWorker(r: { ok: false; worker: number; error: string }, st: WorkerState): WorkerFailureOr<WorkerFinal> {
    const s = this.#settings;
    const error = this.#watchdog.fired ? `did not finish ${WATCHDOG_MARGIN_MS / 1000} s after its drain deadline (terminated): ${r.error}` : r.error;
    const sinceT0 = this.#t0Ns === null ? -Infinity : Number(this.#nowNs() - this.#t0Ns) / 1e6;
    // a closed loop has no schedule: what a dead worker never claimed was never scheduled
    const arrivals = s.closedLoop ? [] : workerStripe(pacerFrom(s.pacer), s.shard, r.worker, this.#workers);
    const lost = lostRecords(this.#ledger, {
      arrivals, worker: r.worker, cutoffMs: st.crashedAtMs ?? sinceT0, fired: st.progress.sent + st.progress.dropped,
      reason: `worker ${r.worker} died (${error})`, maxTokens: s.maxTokens, warmupMs: s.warmupMs,
    });
    if (s.maxInFlight > 0) Atomics.sub(new Int32Array(this.#shared), 0, lost.inFlight);
    if (lost.records.length) this.#onBatch({ type: 'batch', worker: r.worker, records: lost.records, texts: lost.records.map(() => null), tokens: [], progress: { ...st.progress, inFlight: 0 } });
    return { ...r, error: `${error} (${lost.inFlight} in-flight request(s) without a record marked failed, ${lost.dropped} later arrival(s) dropped)` };
  }
}

/** Reads one worker's messages: batches go to `onBatch` (each record noted in the ledger), and its ready, crashed and end. */
function listen(port: MessagePort, ledger: RecordLedger, onBatch: (b: BatchMessage) => void): WorkerState {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const st: WorkerState = { port, progress: { sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0 }, crashedAtMs: null, ready, markReady: () => markReady(), ended: Promise.resolve() };
  st.ended = new Promise<void>((resolve) => {
    port.on('message', (m: WorkerMessage) => {
      if (m.type === 'batch') {
        for (const r of m.records) ledger.mark(r.id);
        st.progress = m.progress;
        onBatch(m);
      } else if (m.type === 'ready') st.markReady();
      else if (m.type === 'crashed') st.crashedAtMs = m.atMs;
      else resolve();
    });
    port.on('close', () => resolve());
  });
  return st;
}

/** Destroys the workers if they run `WATCHDOG_MARGIN_MS` past the time they should have ended by. */
class Watchdog {
  readonly #onFire: () => void;
  #timer: NodeJS.Timeout | null = null;
  fired = false;

  constructor(onFire: () => void) {
    this.#onFire = onFire;
  }

  arm(ms: number): void {
    this.clear();
    if (!Number.isFinite(ms)) return;
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#onFire();
    }, ms + WATCHDOG_MARGIN_MS);
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
