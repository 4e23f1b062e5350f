import type { Clock } from './clock.js';
import type { Arrival } from './dispatcher.js';

/** Closed loop: this worker's share of the concurrency; request ids come from a counter shared by all. */
export interface ClosedLoopSpec {
  /** Requests in flight over all workers; each keeps its share (`shareOf`). */
  concurrency: number;
  /** Total over all workers (completed or failed); null = until the timeout. */
  maxRequests: number | null;
  timeoutMs: number;
}

/** Worker k's share of `total` slots over `workers` workers (the first total % workers get one more). */
export function shareOf(total: number, k: number, workers: number): number {
  return Math.floor(total / workers) + (k < total % workers ? 1 : 0);
}

/**
 * Closed-loop dispatch (LLMPerf): `slots` requests in flight, the next sent as soon as one finishes,
 * until `claim` has no more request ids (the shared --max-requests budget is spent) or the deadline
 * passes. An arrival's due time is the moment it is sent: there is no schedule to lag behind.
 */
export class ClosedLoop {
  readonly #clock: Clock;
  readonly #slots: number;
  readonly #deadlineMs: number;
  readonly #claim: () => number | null;
  readonly #fire: (a: Arrival) => void;
  readonly #onEnd: () => void;
  #stopped = false;
  #cancel: (() => void) | null = null;

  constructor(clock: Clock, opts: { slots: number; deadlineMs: number }, claim: () => number | null, fire: (a: Arrival) => void, onEnd: () => void) {
    this.#clock = clock;
    this.#slots = opts.slots;
    this.#deadlineMs = opts.deadlineMs;
    this.#claim = claim;
    this.#fire = fire;
    this.#onEnd = onEnd;
  }

  /** Fills every slot at t0 (the start message arrives a little ahead of it). */
  start(): void {
    if (this.#slots === 0) return this.stop();
    this.#cancel = this.#clock.wakeAt(0, () => {
      this.#cancel = this.#clock.wakeAt(this.#deadlineMs, () => this.stop());
      for (let i = 0; i < this.#slots && !this.#stopped; i++) this.#next();
    });
  }

  /** One of this loop's requests finished: its slot sends the next one (on a fresh stack). */
  finished(): void {
    queueMicrotask(() => this.#next());
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancel?.();
    this.#onEnd();
  }

  #next(): void {
    if (this.#stopped) return;
    const index = this.#clock.now() < this.#deadlineMs ? this.#claim() : null;
    if (index === null) return this.stop();
    this.#fire({ index, dueMs: this.#clock.now() });
  }
}
