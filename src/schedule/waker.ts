import { Worker } from 'node:worker_threads';

/**
 * The helper thread: sleeps in Atomics.wait (sub-millisecond timeouts, unlike libuv timers) until the
 * instant in `due` (monotonic ms, NaN = none) less the lead, posts one message, then waits for the next
 * instant. The owner writes `due` before bumping `seq`, so a new instant is never missed. The post's
 * instant goes in `posted`: how long the message then waits is the owner's event-loop delay.
 */
const HELPER = `
const { workerData, parentPort } = require('node:worker_threads');
const ctl = new Int32Array(workerData.sab, 0, 2);
const due = new Float64Array(workerData.sab, 8, 1);
const posted = new Float64Array(workerData.sab, 16, 1);
const lead = workerData.leadMs;
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (;;) {
  const seq = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 1) === 1) break;
  const target = due[0];
  const wait = Number.isNaN(target) ? Infinity : target - lead - now();
  if (wait > 0) {
    Atomics.wait(ctl, 0, seq, wait);
    continue;
  }
  posted[0] = now();
  parentPort.postMessage(0);
  Atomics.wait(ctl, 0, seq);
}
`;

/** How early the helper thread wakes us; the rest is polled, to absorb the cross-thread wake-up. */
const LEAD_MS = 0.15;

/**
 * Wakes this thread's event loop at a monotonic instant without busy-polling it: a helper thread sleeps
 * precisely and posts a message shortly before the instant; only that last stretch is polled with
 * setImmediate (sockets are still serviced). libuv timers alone fire up to ~1 ms late, and polling the
 * whole last millisecond burns a core that the endpoint or the other workers need.
 */
export class Waker {
  readonly #worker: Worker;
  readonly #ctl: Int32Array;
  readonly #due: Float64Array;
  readonly #posted: Float64Array;
  #fn: (() => void) | null = null;
  #immediate: NodeJS.Immediate | null = null;

  constructor() {
    const sab = new SharedArrayBuffer(24);
    this.#ctl = new Int32Array(sab, 0, 2);
    this.#due = new Float64Array(sab, 8, 1);
    this.#posted = new Float64Array(sab, 16, 1);
    this.#due[0] = NaN;
    this.#worker = new Worker(HELPER, { eval: true, workerData: { sab, leadMs: LEAD_MS } });
    this.#worker.on('message', this.#woken);
  }

  /** How long the latest wake-up message waited for this thread's event loop, ms (0 before the first). */
  lastDelayMs = 0;

  /** Calls `fn` once, as soon as possible at or after the monotonic instant `monoMs`; replaces any pending call. */
  set(monoMs: number, fn: () => void): void {
    this.#fn = fn;
    this.#arm(monoMs);
    this.#poll();
  }

  cancel(): void {
    this.#fn = null;
    this.#arm(NaN);
  }

  /** Stops the helper thread. */
  close(): Promise<number> {
    this.cancel();
    Atomics.store(this.#ctl, 1, 1);
    Atomics.notify(this.#ctl, 0);
    return this.#worker.terminate();
  }

  #arm(monoMs: number): void {
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#immediate = null;
    this.#due[0] = monoMs;
    Atomics.add(this.#ctl, 0, 1);
    Atomics.notify(this.#ctl, 0);
  }

  #woken = (): void => {
    this.lastDelayMs = Math.max(0, monoMs() - this.#posted[0]);
    this.#poll();
  };

  #poll = (): void => {
    this.#immediate = null;
    const fn = this.#fn;
    if (!fn) return;
    const wait = this.#due[0] - monoMs();
    if (wait <= 0) {
      this.#fn = null;
      return fn();
    }
    if (wait <= LEAD_MS) this.#immediate = setImmediate(this.#poll);
  };
}

export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
