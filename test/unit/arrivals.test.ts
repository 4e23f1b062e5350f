import { describe, expect, it } from 'vitest';
import { stripe } from '../../src/schedule/pacer.js';
import { pacerFrom } from '../../src/schedule/pacers.js';

function gaps(times: number[]): { mean: number; variance: number } {
  const g = times.slice(1).map((t, i) => t - times[i]);
  const mean = g.reduce((a, b) => a + b, 0) / g.length;
  return { mean, variance: g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length };
}

function allTimes(p: ReturnType<typeof pacerFrom>): number[] {
  return [...stripe(p, 0, 1)].map((a) => a.dueMs);
}

describe('arrival models', () => {
  it('poisson: exponential gaps, mean 1/rate and variance (1/rate)^2 (fixed seed, 20k arrivals)', () => {
    const t = allTimes(pacerFrom({ kind: 'poisson', rate: 100, durationMs: 200_000, burstiness: 1, seed: 7 }));
    expect(t.length).toBeGreaterThan(19_000);
    expect(t.length).toBeLessThan(21_000);
    const { mean, variance } = gaps(t);
    expect(mean).toBeCloseTo(10, 0);
    expect(variance / 100).toBeGreaterThan(0.9);
    expect(variance / 100).toBeLessThan(1.1);
  });

  it('burstiness b: gamma gaps with variance mean^2 / b', () => {
    for (const b of [0.5, 4]) {
      const { mean, variance } = gaps(allTimes(pacerFrom({ kind: 'poisson', rate: 100, durationMs: 200_000, burstiness: b, seed: 3 })));
      expect(mean).toBeCloseTo(10, 0);
      expect(variance / (100 / b)).toBeGreaterThan(0.88);
      expect(variance / (100 / b)).toBeLessThan(1.12);
    }
  });

  it('the same seed gives the same schedule in every worker; another seed a different one', () => {
    const spec = { kind: 'poisson', rate: 50, durationMs: 10_000, burstiness: 1, seed: 11 } as const;
    const whole = allTimes(pacerFrom(spec));
    const striped = [0, 1, 2].flatMap((k) => [...stripe(pacerFrom(spec), k, 3)]).sort((a, b) => a.index - b.index).map((a) => a.dueMs);
    expect(striped).toEqual(whole);
    expect(allTimes(pacerFrom({ ...spec, seed: 12 }))).not.toEqual(whole);
  });

  it('burst: exactly `rate` arrivals at the start of each whole second', () => {
    const t = allTimes(pacerFrom({ kind: 'burst', rate: 10, durationMs: 120_000 }));
    expect(t.length).toBe(1200);
    for (let s = 0; s < 120; s++) expect(t.filter((x) => x === s * 1000).length).toBe(10);
  });

  it("synthesizer: the seed script's int(rate * t + 1) sent by each whole second t < duration (1,191 in 120 s at 10 req/s)", () => {
    const t = allTimes(pacerFrom({ kind: 'synthesizer', rate: 10, durationMs: 120_000 }));
    expect(t.length).toBe(1191);
    expect(t.filter((x) => x === 0).length).toBe(1);
    for (let s = 1; s < 120; s++) expect(t.filter((x) => x === s * 1000).length).toBe(10);
    for (const [rate, seconds] of [[2.5, 7], [0.3, 40], [7, 3]]) {
      const due = allTimes(pacerFrom({ kind: 'synthesizer', rate, durationMs: seconds * 1000 }));
      for (let s = 0; s < seconds; s++) expect(due.filter((x) => x <= s * 1000).length).toBe(Math.floor(rate * s + 1 + 1e-9));
      expect(due.length).toBe(Math.floor(rate * (seconds - 1) + 1 + 1e-9));
    }
  });
});
