import type { Clock } from './clock.js';

export interface Arrival {
  index: number;
  dueMs: number;
}

/**
 * Open-loop dispatch: fires each arrival at its absolute due time (never "sleep one gap since the last
 * send", which accumulates drift). On every wake-up it fires everything already due, so a late wake-up
 * (a busy event loop) shows up as send lag on those arrivals instead of shifting the schedule.
 * Never waits for a response: completions have no influence on when the next request goes out.
 */
export class OpenLoopDispatcher {
  readonly #clock: Clock;
  readonly #arrivals: Iterator<Arrival>;
  readonly #fire: (a: Arrival) => void;
  readonly #onEnd: () => void;
  #next: Arrival | null = null;
  #cancel: (() => void) | null = null;
  #stopped = false;

  constructor(clock: Clock, arrivals: Iterable<Arrival>, fire: (a: Arrival) => void, onEnd: () => void) {
    this.#clock = clock;
    this.#arrivals = arrivals[Symbol.iterator]();
    this.#fire = fire;
    this.#onEnd = onEnd;
  }

  start(): void {
    this.#advance();
    this.#tick();
  }

  /** Stops firing; arrivals not yet due are never sent (an interrupted run). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancel?.();
    this.#onEnd();
  }

  #advance(): void {
    const r = this.#arrivals.next();
    this.#next = r.done ? null : r.value;
  }

  #tick = (): void => {
    this.#cancel = null;
    if (this.#stopped) return;
    const now = this.#clock.now();
    while (this.#next !== null && this.#next.dueMs <= now) {
      this.#fire(this.#next);
      this.#advance();
    }
    if (this.#next === null) {
      this.#stopped = true;
      this.#onEnd();
      return;
    }
    this.#cancel = this.#clock.wakeAt(this.#next.dueMs, this.#tick);
  };
}
