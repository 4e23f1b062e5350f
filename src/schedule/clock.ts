import type { Waker } from './waker.js';

/**
 * The seam between scheduling logic and real time. Times are milliseconds on the run timeline
 * (0 = t0, the schedule origin), read from a monotonic clock shared by all threads and processes.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once, as soon as possible at or after `ms`. Returns a cancel function. */
  wakeAt(ms: number, fn: () => void): () => void;
}

/** Monotonic nanoseconds (CLOCK_MONOTONIC): the same origin in every thread and process of a machine. */
export function monoNs(): bigint {
  return process.hrtime.bigint();
}

/**
 * The monotonic instant of wall-clock `wallMs`, read once: from then on only the monotonic clock counts,
 * so a wall-clock step (NTP) during the run cannot move the schedule.
 */
export function monoAtWall(wallMs: number, nowWallMs = Date.now(), nowNs = monoNs()): bigint {
  return nowNs + BigInt(Math.round((wallMs - nowWallMs) * 1e6));
}

/**
 * Real clock anchored at `t0Ns`. Wake-ups come from the worker's `Waker` (a helper thread sleeping with
 * sub-millisecond precision), so the event loop is never busy-polled for long and never fires late by a
 * libuv timer's millisecond.
 */
export function realClock(t0Ns: bigint, waker: Waker): Clock {
  const t0Ms = Number(t0Ns) / 1e6;
  return {
    now: () => Number(process.hrtime.bigint() - t0Ns) / 1e6,
    wakeAt(ms, fn) {
      waker.set(t0Ms + ms, fn);
      return () => waker.cancel();
    },
  };
}

/** Deterministic clock for tests: time moves only when `advance` is called. */
export class FakeClock implements Clock {
  #now = 0;
  #pending: { ms: number; fn: () => void; id: number }[] = [];
  #seq = 0;

  now(): number {
    return this.#now;
  }

  wakeAt(ms: number, fn: () => void): () => void {
    const id = this.#seq++;
    this.#pending.push({ ms, fn, id });
    return () => {
      this.#pending = this.#pending.filter((p) => p.id !== id);
    };
  }

  /** Moves time forward, firing every wake-up that falls due, in time order, at its own time. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      this.#pending.sort((a, b) => a.ms - b.ms || a.id - b.id);
      const next = this.#pending[0];
      if (!next || next.ms > target) break;
      this.#pending.shift();
      this.#now = Math.max(this.#now, next.ms);
      next.fn();
    }
    this.#now = target;
  }
}
