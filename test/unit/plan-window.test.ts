import { describe, expect, it } from 'vitest';
import type { Arrival } from '../../src/schedule/dispatcher.js';
import { PlanWindow, type WindowLimits, type WindowTimers } from '../../src/workload/plan-window.js';

/**
 * One simulated thread: time moves only while a plan is built (its cost) or when the thread idles to the
 * next event. A due arrival is fired as soon as the thread is free at or after its due time, before any
 * deferred work, as the worker's dispatcher does.
 */
class Thread implements WindowTimers {
  now = 0;
  #soon: (() => void)[] = [];
  #timers: { at: number; fn: () => void }[] = [];

  soon(fn: () => void): () => void {
    this.#soon.push(fn);
    return () => (this.#soon = this.#soon.filter((f) => f !== fn));
  }

  after(ms: number, fn: () => void): () => void {
    const t = { at: this.now + ms, fn };
    this.#timers.push(t);
    return () => (this.#timers = this.#timers.filter((x) => x !== t));
  }

  /** Runs the schedule from t0 (after the prefill, which the worker does before it reports ready) to its end;
   *  returns each arrival's send lag (fired - due). */
  run<P>(arrivals: Arrival[], window: PlanWindow<P>, fired: P[] = []): number[] {
    const lags: number[] = [];
    let i = 0;
    this.now = 0;
    window.start();
    while (i < arrivals.length) {
      const a = arrivals[i];
      if (a.dueMs <= this.now) {
        fired.push(window.take(a));
        lags.push(this.now - a.dueMs);
        i++;
        continue;
      }
      const soon = this.#soon.shift();
      if (soon) {
        soon();
        continue;
      }
      this.#timers.sort((x, y) => x.at - y.at);
      const timer = this.#timers[0];
      if (timer && timer.at < a.dueMs) {
        this.#timers.shift();
        this.now = Math.max(this.now, timer.at);
        timer.fn();
      } else this.now = a.dueMs;
    }
    return lags;
  }
}

const constant = (rate: number, seconds: number): Arrival[] => Array.from({ length: rate * seconds }, (_, index) => ({ index, dueMs: (index * 1000) / rate }));
const limits = (over: Partial<WindowLimits> = {}): WindowLimits => ({ aheadMs: 1000, maxPlans: 65_536, sliceMs: 2, guardMs: 0.3, ...over });

/** A builder that costs `ms` of the thread's time per plan and remembers what it built. */
function builder(thread: Thread, ms: number) {
  const built: number[] = [];
  return {
    built,
    build: (index: number) => {
      thread.now += ms;
      built.push(index);
      return { index };
    },
  };
}

describe('PlanWindow: prompts built just ahead of their due time', () => {
  it('before t0 only the first aheadMs of a 40 s schedule is built, not all of it', () => {
    const thread = new Thread();
    const arrivals = constant(200, 40);
    const b = builder(thread, 0.1);
    const w = new PlanWindow(arrivals, b.build, () => thread.now, thread, limits());
    w.prefill();
    expect(b.built.length).toBe(200);
    expect(w.stats.late).toBe(0);
  });

  it('a fast builder: every plan ready before its send, in order, none late, sends never delayed, window bounded', () => {
    const thread = new Thread();
    const arrivals = constant(500, 10);
    const b = builder(thread, 0.08);
    const w = new PlanWindow(arrivals, b.build, () => thread.now, thread, limits());
    w.prefill();
    const fired: { index: number }[] = [];
    const lags = thread.run(arrivals, w, fired);
    expect(fired.map((p) => p.index)).toEqual(arrivals.map((a) => a.index));
    expect(w.stats.late).toBe(0);
    expect(Math.max(...lags)).toBe(0);
    expect(w.stats.heldMax).toBeLessThanOrEqual(500 + 1);
    expect(w.stats.built).toBe(5000);
  });

  it('a builder slower than the schedule: late prompts are counted with the time their building took', () => {
    const thread = new Thread();
    const arrivals = constant(1000, 2);
    const b = builder(thread, 1.5);
    const w = new PlanWindow(arrivals, b.build, () => thread.now, thread, limits({ aheadMs: 100 }));
    w.prefill();
    thread.run(arrivals, w);
    expect(w.stats.late).toBeGreaterThan(1000);
    expect(w.stats.lateBuildMaxMs).toBeCloseTo(1.5);
    expect(w.stats.lateBuildMs).toBeCloseTo(w.stats.late * 1.5);
  });

  it('never holds more than maxPlans, and a burst due at one instant is built before it', () => {
    const thread = new Thread();
    // 300 arrivals at the start of each second, 3 seconds (the burst arrival model)
    const arrivals = Array.from({ length: 900 }, (_, index) => ({ index, dueMs: Math.floor(index / 300) * 1000 + 500 }));
    const b = builder(thread, 0.05);
    const w = new PlanWindow(arrivals, b.build, () => thread.now, thread, limits({ maxPlans: 400 }));
    w.prefill();
    expect(b.built.length).toBe(300);
    thread.run(arrivals, w);
    expect(w.stats.heldMax).toBeLessThanOrEqual(400);
    expect(w.stats.late).toBe(0);
  });

  it('slices stop before a due send: a long build never starts right before one', () => {
    const thread = new Thread();
    const arrivals = constant(100, 3);
    const b = builder(thread, 0.5);
    const w = new PlanWindow(arrivals, b.build, () => thread.now, thread, limits({ sliceMs: 50 }));
    const lags = thread.run(arrivals, w);
    // nothing prefilled: the first plans are built on time as the window opens, and no send waits on a slice
    expect(Math.max(...lags)).toBeLessThanOrEqual(0.5);
    expect(w.stats.late).toBeLessThanOrEqual(1);
  });

  it('close drops what it holds and builds nothing more', () => {
    const thread = new Thread();
    const arrivals = constant(100, 5);
    const b = builder(thread, 0.1);
    const w = new PlanWindow(arrivals, b.build, () => thread.now, thread, limits());
    w.prefill();
    w.start();
    w.close();
    const before = b.built.length;
    thread.now = 10_000;
    expect(b.built.length).toBe(before);
  });
});
