import { performance } from 'node:perf_hooks';
import type { PromptFigures } from '../metrics/summary.js';
import type { Arrival } from '../schedule/dispatcher.js';
import { DEFAULT_WINDOW, nodeTimers, PlanWindow, type WindowLimits, type WindowTimers } from '../workload/plan-window.js';
import type { RequestPlan, RequestPlanner } from '../workload/request-plan.js';

/**
 * A worker's request plans. Open loop: a `PlanWindow` over the worker's stripe, the first second built
 * before the worker reports ready and the rest in slices between sends as each falls within the
 * look-ahead, so start-up and memory do not grow with the run's length. Closed loop (no schedule to
 * know ahead): each plan is built when its request is claimed, between requests.
 */
export class PlanCache {
  readonly #planner: RequestPlanner;
  readonly #window: PlanWindow<RequestPlan> | null;
  readonly #limits: WindowLimits;
  readonly #beforeT0: number;
  readonly #beforeT0Ms: number;
  #onDemandMs = 0;
  #onDemand = 0;

  /** `arrivals`: the stripe in due order (null: closed loop); `now`: the worker's clock, the run's from t0 on. */
  constructor(planner: RequestPlanner, arrivals: Iterable<Arrival> | null, now: () => number, timers: WindowTimers = nodeTimers, limits: WindowLimits = DEFAULT_WINDOW) {
    this.#planner = planner;
    this.#limits = limits;
    this.#window = arrivals ? new PlanWindow(arrivals, (i) => planner.plan(i), now, timers, limits) : null;
    const start = performance.now();
    this.#window?.prefill();
    this.#beforeT0Ms = performance.now() - start;
    this.#beforeT0 = this.#window?.stats.built ?? 0;
  }

  /** Time spent building plans before t0 (open loop), or in all (closed loop), ms. */
  get ms(): number {
    return this.#window ? this.#beforeT0Ms : this.#onDemandMs;
  }

  /** The schedule has started: keep the window filled from now on. */
  start(): void {
    this.#window?.start();
  }

  take(a: Arrival): RequestPlan {
    if (this.#window) return this.#window.take(a);
    const start = performance.now();
    const plan = this.#planner.plan(a.index);
    this.#onDemandMs += performance.now() - start;
    this.#onDemand++;
    return plan;
  }

  /** Firing has stopped: what is held is dropped and nothing more is built. */
  close(): void {
    this.#window?.close();
  }

  figures(): PromptFigures {
    const w = this.#window?.stats;
    return {
      look_ahead_ms: this.#window ? this.#limits.aheadMs : null,
      built: w ? w.built : this.#onDemand,
      built_before_t0: this.#beforeT0,
      late: w?.late ?? 0,
      late_build_ms: { total: w?.lateBuildMs ?? 0, max: w?.lateBuildMaxMs ?? 0 },
      build_ms: w ? w.buildMs : this.#onDemandMs,
      held_max: w?.heldMax ?? 0,
    };
  }
}
