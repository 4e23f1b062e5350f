import { performance } from 'node:perf_hooks';
import type { RequestPlan, RequestPlanner } from '../workload/request-plan.js';

/**
 * Request plans built ahead: in open loop the whole stripe before t0, so a prompt is never built on the
 * send path; in closed loop (no schedule to know) each when its request is claimed.
 */
export class PlanCache {
  readonly #planner: RequestPlanner;
  readonly #plans = new Map<number, RequestPlan>();
  #ms: number;

  constructor(planner: RequestPlanner, ahead: Iterable<{ index: number }>) {
    this.#planner = planner;
    const start = performance.now();
    for (const a of ahead) this.#plans.set(a.index, planner.plan(a.index));
    this.#ms = performance.now() - start;
  }

  /** Time spent building plans so far, ms. */
  get ms(): number {
    return this.#ms;
  }

  take(index: number): RequestPlan {
    const ready = this.#plans.get(index);
    if (ready) {
      this.#plans.delete(index);
      return ready;
    }
    const start = performance.now();
    const plan = this.#planner.plan(index);
    this.#ms += performance.now() - start;
    return plan;
  }
}
