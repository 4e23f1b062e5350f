import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/schedule/random.js';
import { compareQuantiles, MAX_RESAMPLES, quantileInterval, SortedSample } from '../../src/stats/bootstrap.js';

/** n exponential values of mean 1 (median ln 2), from their own seed. */
function exponential(n: number, seed: number, shift = 0): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => shift - Math.log(1 - rand()));
}

/** P(Binomial(n, q) >= k), summed term by term (small n only). */
function binomialAtLeast(n: number, q: number, k: number): number {
  if (q >= 1) return 1;
  let sum = 0;
  let term = (1 - q) ** n; // P(X = 0)
  for (let x = 0; x <= n; x++) {
    if (x >= k) sum += term;
    term *= ((n - x) / (x + 1)) * (q / (1 - q));
  }
  return sum;
}

describe('bootstrap quantile intervals', () => {
  it('estimates the nearest-rank quantile (HDR\'s definition)', () => {
    const s = SortedSample.of([5, 1, 4, 2, 3, NaN, Infinity]);
    expect(s.n).toBe(5);
    expect([0, 20, 21, 50, 99, 100].map((p) => s.quantile(p))).toEqual([1, 1, 2, 3, 5, 5]);
    expect(SortedSample.of(Array.from({ length: 100 }, (_, i) => i + 1)).quantile(99)).toBe(99);
  });

  it('draws replicates with exactly the textbook bootstrap\'s law: P(median* <= x(j)) = P(Bin(n, j/n) >= k)', () => {
    const n = 21;
    const k = 11;
    const s = SortedSample.of(Array.from({ length: n }, (_, i) => i));
    const rand = seededRandom(7);
    const draws = 40_000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) counts[s.replicate(50, rand)]++;
    let cum = 0;
    let worst = 0;
    for (let j = 0; j < n; j++) {
      cum += counts[j];
      worst = Math.max(worst, Math.abs(cum / draws - binomialAtLeast(n, (j + 1) / n, k)));
    }
    // Kolmogorov-Smirnov distance; 0.01 is about 1.5 times its 99 % critical value at 40,000 draws
    expect(worst).toBeLessThan(0.01);
  });

  it('is reproducible: the same seed gives the same interval, another seed a slightly different one', () => {
    const x = exponential(300, 3);
    const a = quantileInterval(x, 50, { seed: 11 })!;
    expect(quantileInterval([...x].reverse(), 50, { seed: 11 })).toEqual(a);
    // replicates land on order statistics, so 4000 of them often give the same bounds: compare 100
    const [c, d] = [11, 12].map((seed) => quantileInterval(x, 50, { seed, resamples: 100 })!);
    expect(d).not.toEqual(c);
    expect(Math.abs(d.low - c.low)).toBeLessThan(0.1);
    expect(a).toMatchObject({ p: 50, n: 300, confidence: 0.95, resamples: 4000 });
    expect(a.low).toBeLessThanOrEqual(a.estimate);
    expect(a.high).toBeGreaterThanOrEqual(a.estimate);
  });

  it('covers the true median about 95 % of the time (400 samples of 150 exponential values)', () => {
    let covered = 0;
    for (let i = 0; i < 400; i++) {
      const ci = quantileInterval(exponential(150, 1000 + i), 50, { resamples: 1000, seed: i })!;
      if (ci.low <= Math.LN2 && Math.LN2 <= ci.high) covered++;
    }
    expect(covered / 400).toBeGreaterThan(0.91);
    expect(covered / 400).toBeLessThan(0.99);
  });

  it('covers the true p99 of 2,000 values, and its interval is wider than the median\'s', () => {
    let covered = 0;
    const p99 = Math.log(100);
    for (let i = 0; i < 100; i++) {
      const ci = quantileInterval(exponential(2000, 5000 + i), 99, { resamples: 1000, seed: i })!;
      if (ci.low <= p99 && p99 <= ci.high) covered++;
    }
    expect(covered).toBeGreaterThan(88);
    const x = exponential(2000, 1);
    const width = (p: number) => { const c = quantileInterval(x, p)!; return c.high - c.low; };
    expect(width(99)).toBeGreaterThan(3 * width(50));
  });

  it('caps the replicates, and rejects a percentile or confidence out of range', () => {
    expect(quantileInterval([1, 2, 3], 50, { resamples: 1e9 })!.resamples).toBe(MAX_RESAMPLES);
    expect(quantileInterval([], 50)).toBeNull();
    expect(() => quantileInterval([1], 101)).toThrow(/percentile 101/);
    expect(() => quantileInterval([1], 50, { confidence: 95 })).toThrow(/confidence 95/);
  });

  it('a constant sample has a zero-width interval', () => {
    expect(quantileInterval([2, 2, 2, 2], 50)).toMatchObject({ estimate: 2, low: 2, high: 2 });
  });
});

describe('bootstrap interval of a difference of quantiles', () => {
  it('two samples of one distribution are not distinguishable; the interval of b - a contains 0', () => {
    const c = compareQuantiles(exponential(400, 1), exponential(400, 2), 50)!;
    expect(c.distinguishable).toBe(false);
    expect(c.difference.low).toBeLessThan(0);
    expect(c.difference.high).toBeGreaterThan(0);
    expect(c.a).toMatchObject({ n: 400 });
  });

  it('a shift of 0.5 is distinguishable and its interval contains the shift; the relative change is b / a - 1', () => {
    const a = exponential(400, 1);
    const b = exponential(400, 2, 0.5);
    const c = compareQuantiles(a, b, 50)!;
    expect(c.distinguishable).toBe(true);
    expect(c.difference.low).toBeLessThan(0.5);
    expect(c.difference.high).toBeGreaterThan(0.5);
    expect(c.difference.estimate).toBeCloseTo(c.b.estimate - c.a.estimate, 12);
    expect(c.relative!.estimate).toBeCloseTo(c.b.estimate / c.a.estimate - 1, 12);
    expect(c.relative!.low).toBeGreaterThan(0);
    const reverse = compareQuantiles(b, a, 50)!;
    expect(reverse.difference.high).toBeLessThan(0);
  });

  it('the difference interval covers the true difference about 95 % of the time (p99, 300 pairs)', () => {
    let covered = 0;
    for (let i = 0; i < 300; i++) {
      const c = compareQuantiles(exponential(1500, 2 * i), exponential(1500, 2 * i + 1, 0.2), 99, { resamples: 1000, seed: i })!;
      if (c.difference.low <= 0.2 && 0.2 <= c.difference.high) covered++;
    }
    expect(covered / 300).toBeGreaterThan(0.9);
  });

  it('identical constant samples: difference exactly 0, not distinguishable; a zero baseline has no ratio', () => {
    const c = compareQuantiles([1, 1, 1], SortedSample.of([1, 1]), 50)!;
    expect(c.difference).toEqual({ estimate: 0, low: 0, high: 0 });
    expect(c.distinguishable).toBe(false);
    expect(compareQuantiles([0, 0], [1, 2], 50)!.relative).toBeNull();
    expect(compareQuantiles([], [1], 50)).toBeNull();
  });
});
