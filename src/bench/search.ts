/** A stepped search for the highest load that still passes: step up by `factor` until a probe fails
 *  (or down until one passes), then bisect the bracket. Pure: the probe is injected. */
export interface SearchPlan {
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

export async function stepSearch<T>(plan: SearchPlan, probe: (load: number) => Promise<{ pass: boolean; data: T }>): Promise<SearchResult<T>> {
  const probes: Probe<T>[] = [];
  let lo: Probe<T> | null = null;
  let hi: Probe<T> | null = null;
  let load: number | null = snap(plan.start, plan);
  while (load !== null && probes.length < plan.maxProbes && !(probes.length > 0 && plan.stop?.())) {
    const r = { load, ...(await probe(load)) };
    probes.push(r);
    if (r.pass) lo = r;
    else hi = r;
    load = nextLoad(plan, lo?.load ?? null, hi?.load ?? null);
  }
  return { best: lo, probes };
}

/** The next load to probe given the highest pass and lowest fail so far, or null when done. */
export function nextLoad(plan: SearchPlan, pass: number | null, fail: number | null): number | null {
  let next: number;
  if (fail === null) next = snap(pass! * plan.factor, plan);
  else if (pass === null) next = snap(fail / plan.factor, plan);
  else next = snap((pass + fail) / 2, plan);
  if (next === pass || next === fail) return null;
  if (fail === null && pass! >= plan.max) return null;
  if (pass === null && fail! <= plan.min) return null;
  return next;
}

function snap(x: number, plan: SearchPlan): number {
  return Math.min(plan.max, Math.max(plan.min, Math.round(x / plan.step) * plan.step));
}
