/** A load (a rate, a number of streams) that was tried, and whether it passed. */
export interface Step {
  load: number;
  pass: boolean;
}

/**
 * "Step up, then bisect" as a pure function of the steps so far: geometric steps from `start` until a
 * load fails, then bisection between the highest pass and the lowest failure. The capacity search and the
 * bench's searches are both this plan, with their own rounding and stopping rule.
 */
export interface StepPlan {
  start: number;
  factor: number;
  maxSteps: number;
  /** Where a proposed load lands (a multiple of a step within bounds, 4 significant digits, ...): a step
   *  that rounds back onto the bracket's end ends the search. */
  round(load: number): number;
  /** When nothing has passed yet: step down by `factor` until a load passes, or end with no passing load. */
  stepDown: boolean;
  /** The bracket is narrow enough to stop. */
  narrow?(pass: number, fail: number): boolean;
}

export type StepEnd = 'converged' | 'no-passing-rate' | 'max-steps';

export function nextStep(plan: StepPlan, steps: readonly Step[]): { load: number } | { end: StepEnd } {
  const { pass, fail } = bracket(steps);
  if (fail !== null && pass === null && !plan.stepDown) return { end: 'no-passing-rate' };
  if (pass !== null && fail !== null && plan.narrow?.(pass, fail)) return { end: 'converged' };
  if (steps.length >= plan.maxSteps) return { end: 'max-steps' };
  if (pass === null && fail === null) return { load: plan.round(plan.start) };
  const load = plan.round(fail === null ? pass! * plan.factor : pass === null ? fail / plan.factor : (pass + fail) / 2);
  // rounding lands on a bound when the bracket is already as narrow as the rounding allows (or at a limit)
  return load === pass || load === fail ? { end: 'converged' } : { load };
}

/** The highest passing and the lowest failing load so far. */
export function bracket(steps: readonly Step[]): { pass: number | null; fail: number | null } {
  const passes = steps.filter((s) => s.pass).map((s) => s.load);
  const fails = steps.filter((s) => !s.pass).map((s) => s.load);
  return { pass: passes.length ? Math.max(...passes) : null, fail: fails.length ? Math.min(...fails) : null };
}

/**
 * The capacity search: geometric growth from `from` until a step fails, then bisection between the highest
 * passing and the lowest failing rate until they are within `precision`.
 */
export interface CapacityPlan {
  from: number;
  factor: number;
  /** `relative`: (fail - pass) / pass <= value; `absolute`: fail - pass <= value req/s. */
  precision: { kind: 'relative' | 'absolute'; value: number };
  maxSteps: number;
}

export type Verdict = 'pass' | 'fail' | 'client-limited';

export interface Tried {
  rate: number;
  verdict: Verdict;
}

/** Why the search ended. */
export type SearchEnd = StepEnd | 'client-limited';

export type Next = { rate: number } | { end: SearchEnd };

/** Rates are kept to 4 significant digits so folder names and tables stay readable. */
export function roundRate(r: number): number {
  return Number(r.toPrecision(4));
}

export function withinPrecision(plan: CapacityPlan, pass: number, fail: number): boolean {
  const gap = fail - pass;
  return plan.precision.kind === 'absolute' ? gap <= plan.precision.value : gap <= plan.precision.value * pass;
}

/**
 * How high the search can go: the rates it tries while every step passes (after a failure it only bisects
 * below), each `nextRate`'s growth of the one before, walked up to the first above `limit` (`over`) or to
 * the last step or the end of growth (the highest it can try).
 */
export function searchTop(plan: CapacityPlan, limit: number): { step: number; rate: number; over: boolean } {
  let rate = roundRate(plan.from);
  for (let step = 1; ; step++) {
    const next = roundRate(rate * plan.factor);
    if (rate > limit || step >= plan.maxSteps || next === rate) return { step, rate, over: rate > limit };
    rate = next;
  }
}

/** A client-limited step ends the search: a higher rate would measure the client, not the endpoint. */
export function nextRate(plan: CapacityPlan, tried: readonly Tried[]): Next {
  if (tried.some((t) => t.verdict === 'client-limited')) return { end: 'client-limited' };
  const steps = tried.map((t) => ({ load: t.rate, pass: t.verdict === 'pass' }));
  const next = nextStep({ start: plan.from, factor: plan.factor, maxSteps: plan.maxSteps, round: roundRate, stepDown: false, narrow: (p, f) => withinPrecision(plan, p, f) }, steps);
  return 'load' in next ? { rate: next.load } : next;
}

/** The highest passing and the lowest failing rate so far. */
export function rateBracket(tried: readonly Tried[]): { pass: number | null; fail: number | null } {
  return bracket(tried.flatMap((t) => (t.verdict === 'client-limited' ? [] : [{ load: t.rate, pass: t.verdict === 'pass' }])));
}
