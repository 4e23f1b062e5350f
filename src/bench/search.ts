import { bracket, nextStep, type StepPlan } from '../capacity/search.js';

/** The bench's searches for the highest load that still passes: step up by `factor` until a probe fails
 *  (or down until one passes), then bisect the bracket (`capacity/search.ts`'s `nextStep`). */
export interface ProbePlan {
  start: number;
  factor: number;
  /** Total probes allowed, stepping and bisecting together. */
  maxProbes: number;
  /** Probed loads are multiples of this; bisection stops when the bracket is one step wide. */
  step: number;
  min: number;
  max: number;
  /** Checked before each probe after the first: true ends the search (a time budget). */
  stop?: () => boolean;
}

export interface Probe<T> {
  load: number;
  pass: boolean;
  data: T;
}

export interface SearchResult<T> {
  /** Highest passing load, or null when even the lowest probed load failed. */
  best: Probe<T> | null;
  probes: Probe<T>[];
}

/** The plan as a step search: loads snapped to multiples of `step` within [min, max]. */
export function probeSteps(plan: ProbePlan): StepPlan {
  const round = (x: number) => Math.min(plan.max, Math.max(plan.min, Math.round(x / plan.step) * plan.step));
  return { start: plan.start, factor: plan.factor, maxSteps: plan.maxProbes, round, stepDown: true };
}

export async function stepSearch<T>(plan: ProbePlan, probe: (load: number) => Promise<{ pass: boolean; data: T }>): Promise<SearchResult<T>> {
  const steps = probeSteps(plan);
  const probes: Probe<T>[] = [];
  for (;;) {
    const next = nextStep(steps, probes);
    if (!('load' in next) || (probes.length > 0 && plan.stop?.())) break;
    probes.push({ load: next.load, ...(await probe(next.load)) });
  }
  const best = bracket(probes).pass;
  return { best: probes.find((p) => p.pass && p.load === best) ?? null, probes };
}
