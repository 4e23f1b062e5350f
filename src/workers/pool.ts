import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchMessage, ControlMessage, TaskInput, WorkerFinal, WorkerMessage, WorkerSettings } from './messages.js';

/** The compiled task module. Under a TypeScript test runner this file is src/…/pool.ts; workers need JS. */
function taskFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/\/src\/workers\/pool\.ts$/, '/dist/src/workers/task.js') : here.replace(/pool\.js$/, 'task.js');
}

export interface PoolRun {
  /** Resolves once every worker is set up (or has already failed). */
  ready: Promise<void>;
  /** Starts every worker's schedule at the monotonic instant `t0Ns`. */
  start(t0Ns: bigint): void;
  /** Resolves when every worker has drained and returned its final report. */
  done: Promise<WorkerFailureOr<WorkerFinal>[]>;
  /** Stop firing everywhere; in-flight requests get `graceMs` to finish. */
  stop(reason: string, graceMs: number): void;
}

export type WorkerFailureOr<T> = { ok: true; value: T } | { ok: false; worker: number; error: string };

/**
 * Starts `workers` threads, each running one long-lived task over its stripe of the schedule.
 * Batches arrive through `onBatch` on the main thread as workers flush them.
 */
export function startWorkers(workers: number, settings: WorkerSettings, onBatch: (b: BatchMessage) => void): PoolRun {
  const pool = new Piscina({ filename: taskFile(), minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 1, idleTimeout: 1000 });
  const shared = new SharedArrayBuffer(8);
  const ports: MessagePort[] = [];
  const readies: Promise<void>[] = [];
  const tasks = Array.from({ length: workers }, (_, worker) => {
    const { port1, port2 } = new MessageChannel();
    let isReady!: () => void;
    readies.push(new Promise<void>((r) => (isReady = r)));
    const ended = new Promise<void>((resolve) => {
      port1.on('message', (m: WorkerMessage) => (m.type === 'batch' ? onBatch(m) : m.type === 'ready' ? isReady() : resolve()));
      port1.on('close', () => resolve());
    });
    ports.push(port1);
    const input: TaskInput = { worker, workers, settings, port: port2, shared };
    const result = pool.run(input, { transferList: [port2] as never }).then(
      (value: WorkerFinal): WorkerFailureOr<WorkerFinal> => ({ ok: true, value }),
      (err: unknown): WorkerFailureOr<WorkerFinal> => ({ ok: false, worker, error: err instanceof Error ? err.message : String(err) }),
    );
    // the last batches travel on our port, the result on piscina's: wait for both
    void result.then(() => isReady());
    return result.then(async (r) => (r.ok ? (await ended, r) : r));
  });
  const done = Promise.all(tasks).then(async (r) => {
    for (const p of ports) p.close();
    await pool.destroy();
    return r;
  });
  const broadcast = (msg: ControlMessage) => ports.forEach((p) => p.postMessage(msg));
  return {
    ready: Promise.all(readies).then(() => undefined),
    start: (t0Ns) => broadcast({ type: 'start', t0Ns: t0Ns.toString() }),
    done,
    stop: (reason, graceMs) => broadcast({ type: 'stop', reason, graceMs }),
  };
}
