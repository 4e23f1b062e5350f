import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/schedule/clock.js';
import { OpenLoopDispatcher, type Arrival } from '../../src/schedule/dispatcher.js';
import { constantPacer, stripe } from '../../src/schedule/pacer.js';

describe('constantPacer', () => {
  it.each([
    [10, 120_000, 1200],
    [3, 1_000, 3],
    [0.5, 10_000, 5],
    [7, 1_500, 11],
  ])('rate %d for %d ms schedules exactly rate x duration arrivals (%d)', (rate, ms, n) => {
    const p = constantPacer(rate, ms);
    expect(p.total).toBe(n);
    expect(p.dueMs(n - 1)).not.toBeNull();
    expect(p.dueMs(n)).toBeNull();
  });

  it('spaces arrivals at 1/rate from t0, computed absolutely', () => {
    const p = constantPacer(10, 120_000);
    expect(p.dueMs(0)).toBe(0);
    expect(p.dueMs(1)).toBe(100);
    expect(p.dueMs(1199)).toBeCloseTo(119_900, 9);
  });

  it('stripes across workers cover every index exactly once, at the global due times', () => {
    const p = constantPacer(13, 10_000);
    for (const n of [1, 2, 3, 8]) {
      const all = Array.from({ length: n }, (_, k) => [...stripe(p, k, n)]).flat();
      expect(all.length).toBe(130);
      expect(new Set(all.map((a) => a.index)).size).toBe(130);
      for (const a of all) expect(a.dueMs).toBe(p.dueMs(a.index));
    }
  });
});

describe('OpenLoopDispatcher with a fake clock', () => {
  function run(wakeLatenessMs = 0) {
    const clock = new FakeClock();
    const late = { now: () => clock.now(), wakeAt: (ms: number, fn: () => void) => clock.wakeAt(ms + wakeLatenessMs, fn) };
    const fired: { a: Arrival; at: number }[] = [];
    let ended = false;
    const d = new OpenLoopDispatcher(late, stripe(constantPacer(10, 1_000), 0, 1), (a) => fired.push({ a, at: clock.now() }), () => (ended = true));
    return { clock, fired, start: () => d.start(), stop: () => d.stop(), ended: () => ended };
  }

  it('fires each arrival at its due time and ends after the last', () => {
    const r = run();
    r.start();
    r.clock.advance(2_000);
    expect(r.fired.map((f) => f.at)).toEqual(r.fired.map((f) => f.a.dueMs));
    expect(r.fired.length).toBe(10);
    expect(r.ended()).toBe(true);
  });

  it('a late wake-up fires everything already due, keeping the schedule (lag shows, no drift)', () => {
    const r = run(250);
    r.start();
    r.clock.advance(2_000);
    expect(r.fired.length).toBe(10);
    expect(r.fired.map((f) => f.a.dueMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    // due 100 is fired at 350, and 200 and 300 with it: the wake-up is late, the schedule is not shifted
    expect(r.fired.filter((f) => f.at === 350).map((f) => f.a.dueMs)).toEqual([100, 200, 300]);
  });

  it('does not wait for anything but time (open loop) and stop() ends firing', () => {
    const r = run();
    r.start();
    r.clock.advance(450);
    r.stop();
    r.clock.advance(2_000);
    expect(r.fired.length).toBe(5);
    expect(r.ended()).toBe(true);
  });
});
