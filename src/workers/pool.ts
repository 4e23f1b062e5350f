import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { monoNs } from '../schedule/clock.js';
import { workerStripe } from '../schedule/pacer.js';
import { pacerFrom } from '../schedule/pacers.js';
import { lostRecords, RecordLedger } from './lost-arrivals.js';
import type { BatchMessage, ControlMessage, TaskInput, WorkerFinal, WorkerMessage, WorkerSettings } from './messages.js';
import type { Progress } from '../metrics/progress.js';

/** A dead worker's last messages may still be on their way when piscina reports it: wait this long for them. */
const LAST_WORDS_MS = 2_000;
/** Past the last due arrival plus the drain (or interrupt grace), threads still running are terminated. */
const WATCHDOG_MARGIN_MS = 15_000;

/** From t0 to the last send; Infinity when unknown (no watchdog then). */
function firingSpanMs(s: WorkerSettings): number {
  if (s.closedLoop) return s.closedLoop.timeoutMs;
  const pacer = pacerFrom(s.pacer);
  return pacer.total === null ? Infinity : pacer.total === 0 ? 0 : (pacer.dueMs(pacer.total - 1) ?? Infinity);
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

interface WorkerState {
  port: MessagePort;
  progress: Progress;
  crashedAtMs: number | null;
  ended: Promise<void>;
}

/**
 * Starts `workers` threads, each running one long-lived task over its stripe of the schedule.
 * Batches arrive through `onBatch` on the main thread as workers flush them. A worker that dies
 * (uncaught error, thread exit, watchdog) fails its task; the others go on, and the dead one's
 * unrecorded arrivals are delivered through `onBatch` as failed (in flight) or dropped (not yet due).
 */
export function startWorkers(workers: number, settings: WorkerSettings, onBatch: (b: BatchMessage) => void): PoolRun {
  const pool = new Piscina({ filename: taskFile(), minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1, idleTimeout: 1000, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const shared = new SharedArrayBuffer(8);
  const readies: Promise<void>[] = [];
  let t0Ns: bigint | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let watchdogFired = false;
  let destroyed: Promise<void> | null = null;
  const destroy = () => (destroyed ??= pool.destroy());
  const armWatchdog = (ms: number) => {
    if (watchdog) clearTimeout(watchdog);
    if (!Number.isFinite(ms)) return;
    watchdog = setTimeout(() => {
      watchdogFired = true;
      void destroy();
    }, ms + WATCHDOG_MARGIN_MS);
  };
  const states: WorkerState[] = [];
  const ledger = new RecordLedger();
  const tasks = Array.from({ length: workers }, (_, worker) => {
    const { port1, port2 } = new MessageChannel();
    let isReady!: () => void;
    readies.push(new Promise<void>((r) => (isReady = r)));
    const st: WorkerState = { port: port1, progress: { sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0 }, crashedAtMs: null, ended: Promise.resolve() };
    st.ended = new Promise<void>((resolve) => {
      port1.on('message', (m: WorkerMessage) => {
        if (m.type === 'batch') {
          for (const r of m.records) ledger.mark(r.id);
          st.progress = m.progress;
          onBatch(m);
        } else if (m.type === 'ready') isReady();
        else if (m.type === 'crashed') st.crashedAtMs = m.atMs;
        else resolve();
      });
      port1.on('close', () => resolve());
    });
    states.push(st);
    const input: TaskInput = { worker, workers, settings, port: port2, shared };
    const result = pool.run(input, { transferList: [port2] as never }).then(
      (value: WorkerFinal): WorkerFailureOr<WorkerFinal> => ({ ok: true, value }),
      (err: unknown): WorkerFailureOr<WorkerFinal> => ({ ok: false, worker, error: err instanceof Error ? err.message : String(err) }),
    );
    // the last batches travel on our port, the result on piscina's: wait for both
    void result.then(() => isReady());
    return result.then(async (r) => {
      await (r.ok ? st.ended : Promise.race([st.ended, new Promise((w) => setTimeout(w, LAST_WORDS_MS).unref())]));
      return r.ok ? r : accountForDeadWorker(r, st);
    });
  });

  const accountForDeadWorker = (r: { ok: false; worker: number; error: string }, st: WorkerState): WorkerFailureOr<WorkerFinal> => {
    const error = watchdogFired ? `did not finish ${WATCHDOG_MARGIN_MS / 1000} s after its drain deadline (terminated): ${r.error}` : r.error;
    const sinceT0 = t0Ns === null ? -Infinity : Number(monoNs() - t0Ns) / 1e6;
    // a closed loop has no schedule: what a dead worker never claimed was never scheduled
    const arrivals = settings.closedLoop ? [] : workerStripe(pacerFrom(settings.pacer), settings.shard, r.worker, workers);
    const lost = lostRecords(ledger, {
      arrivals, worker: r.worker, cutoffMs: st.crashedAtMs ?? sinceT0,
      reason: `worker ${r.worker} died (${error})`, maxTokens: settings.maxTokens, warmupMs: settings.warmupMs,
    });
    if (settings.maxInFlight > 0) Atomics.sub(new Int32Array(shared), 0, lost.inFlight);
    if (lost.records.length) onBatch({ type: 'batch', worker: r.worker, records: lost.records, texts: lost.records.map(() => null), tokens: [], progress: { ...st.progress, inFlight: 0 } });
    return { ...r, error: `${error} (${lost.inFlight} in-flight request(s) without a record marked failed, ${lost.dropped} later arrival(s) dropped)` };
  };

  const done = Promise.all(tasks).then(async (r) => {
    if (watchdog) clearTimeout(watchdog);
    for (const st of states) st.port.close();
    await destroy();
    return r;
  });
  const broadcast = (msg: ControlMessage) => states.forEach((st) => st.port.postMessage(msg));
  return {
    ready: Promise.all(readies).then(() => undefined),
    start: (t0) => {
      t0Ns = t0;
      armWatchdog(Number(t0 - monoNs()) / 1e6 + firingSpanMs(settings) + settings.drainTimeoutMs);
      broadcast({ type: 'start', t0Ns: t0.toString() });
    },
    done,
    stop: (reason, graceMs) => {
      armWatchdog(graceMs);
      broadcast({ type: 'stop', reason, graceMs });
    },
  };
}
