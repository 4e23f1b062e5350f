/**
 * The capacity search as a pure function of the steps run so far: geometric growth from `from` until a
 * step fails, then bisection between the highest passing and the lowest failing rate until they are
 * within `precision`.
 */
export interface SearchPlan {
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
export type SearchEnd = 'converged' | 'no-passing-rate' | 'client-limited' | 'max-steps';

export type Next = { rate: number } | { end: SearchEnd };

/** Rates are kept to 4 significant digits so folder names and tables stay readable. */
export function roundRate(r: number): number {
  return Number(r.toPrecision(4));
}

export function bracket(tried: readonly Tried[]): { pass: number | null; fail: number | null } {
  const passes = tried.filter((t) => t.verdict === 'pass').map((t) => t.rate);
  const fails = tried.filter((t) => t.verdict === 'fail').map((t) => t.rate);
  return { pass: passes.length ? Math.max(...passes) : null, fail: fails.length ? Math.min(...fails) : null };
}

export function withinPrecision(plan: SearchPlan, pass: number, fail: number): boolean {
  const gap = fail - pass;
  return plan.precision.kind === 'absolute' ? gap <= plan.precision.value : gap <= plan.precision.value * pass;
}

export function nextRate(plan: SearchPlan, tried: readonly Tried[]): Next {
  if (tried.some((t) => t.verdict === 'client-limited')) return { end: 'client-limited' };
  const { pass, fail } = bracket(tried);
  if (fail !== null && pass === null) return { end: 'no-passing-rate' };
  if (pass !== null && fail !== null && withinPrecision(plan, pass, fail)) return { end: 'converged' };
  if (tried.length >= plan.maxSteps) return { end: 'max-steps' };
  if (pass === null) return { rate: roundRate(plan.from) };
  const rate = roundRate(fail === null ? pass * plan.factor : (pass + fail) / 2);
  // rounding can land on a bound when the bracket is already tighter than 4 digits
  return rate === pass || rate === fail ? { end: 'converged' } : { rate };
}
