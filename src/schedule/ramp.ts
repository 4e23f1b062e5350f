import type { Pacer } from './pacer.js';

export interface RampStageSpec {
  rate: number;
  durationMs: number;
}

/**
 * k6's ramping arrival rate: within each stage the rate moves linearly from the previous stage's target
 * (the first from `startRate`) to this stage's target. Arrival i is due when the expected number of
 * arrivals so far, the integral of the rate, reaches i; per stage that integral is a quadratic in t,
 * inverted in closed form, so dueMs(i) is O(stages) and needs no state.
 */
export function rampPacer(startRate: number, stages: readonly RampStageSpec[]): Pacer {
  const segments: { t0: number; from: number; to: number; len: number; before: number }[] = [];
  let t0 = 0;
  let before = 0;
  let from = startRate;
  for (const s of stages) {
    const len = s.durationMs / 1000;
    segments.push({ t0, from, to: s.rate, len, before });
    before += ((from + s.rate) / 2) * len;
    t0 += len;
    from = s.rate;
  }
  const total = Math.max(0, Math.ceil(before - 1e-9));
  return {
    name: 'ramp',
    total,
    dueMs(i) {
      if (i >= total) return null;
      const seg = segments.find((g) => i < g.before + ((g.from + g.to) / 2) * g.len - 1e-9)!;
      return (seg.t0 + timeToReach(i - seg.before, seg.from, seg.to, seg.len)) * 1000;
    },
  };
}

/**
 * Time t within a stage at which the arrivals a t + (b - a) t^2 / (2 len) reach x: the root of
 * (b - a)/(2 len) t^2 + a t - x = 0, written as 2x / (a + sqrt(a^2 + 2 (b - a) x / len)) so that a flat
 * stage (b = a) and a falling one need no special case.
 */
function timeToReach(x: number, a: number, b: number, len: number): number {
  if (x <= 0) return 0;
  return (2 * x) / (a + Math.sqrt(Math.max(0, a * a + (2 * (b - a) * x) / len)));
}
