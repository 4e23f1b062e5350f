import { describe, expect, it } from 'vitest';
import { stripe } from '../../src/schedule/pacer.js';
import { pacerFrom } from '../../src/schedule/pacers.js';
import { parseRamp } from '../../src/workload/ramp-stages.js';

const times = (startRate: number, ramp: string) => [...stripe(pacerFrom({ kind: 'ramp', startRate, stages: parseRamp(ramp)! }), 0, 1)].map((a) => a.dueMs);
const within = (t: number[], from: number, to: number) => t.filter((x) => x >= from && x < to).length;

describe('--ramp (k6 ramping arrival rate)', () => {
  it('parses target:duration stages and rejects anything else', () => {
    expect(parseRamp('1:30s,10:1m, 20:500ms')).toEqual([{ rate: 1, durationMs: 30_000 }, { rate: 10, durationMs: 60_000 }, { rate: 20, durationMs: 500 }]);
    for (const bad of ['', '1', '1:0s', '-1:10s', 'x:10s', '1:10s:3', '1:10s,']) expect(parseRamp(bad)).toBeNull();
  });

  it('arrivals per stage are the integral of the linear rate: (from + to) / 2 x duration', () => {
    const t = times(0, '10:10s,10:10s,30:5s,0:10s');
    expect(within(t, 0, 10_000)).toBe(50);
    expect(within(t, 10_000, 20_000)).toBe(100);
    expect(within(t, 20_000, 25_000)).toBe(100);
    expect(within(t, 25_000, 35_000)).toBe(150);
    expect(t.length).toBe(400);
  });

  it('within a rising stage, arrivals in the first half are a quarter of the stage (rate grows linearly)', () => {
    const t = times(0, '20:10s');
    expect(t.length).toBe(100);
    expect(within(t, 0, 5_000)).toBe(25);
    expect(t[0]).toBe(0);
  });

  it('a flat stage is evenly spaced, and due times only increase', () => {
    const t = times(4, '4:5s');
    expect(t).toEqual(Array.from({ length: 20 }, (_, i) => i * 250));
    const r = times(1, '1:30s,10:60s,20:30s');
    expect(r.every((x, i) => i === 0 || x > r[i - 1])).toBe(true);
    expect(r.length).toBe(30 + 330 + 450);
  });

  it('stripes across workers: the union of stripes is the whole schedule', () => {
    const p = pacerFrom({ kind: 'ramp', startRate: 0, stages: parseRamp('10:4s')! });
    const all = [0, 1, 2].flatMap((k) => [...stripe(p, k, 3)].map((a) => a.dueMs)).sort((a, b) => a - b);
    expect(all).toEqual(times(0, '10:4s'));
  });
});
