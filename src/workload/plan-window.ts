import type { Arrival } from '../schedule/dispatcher.js';

/** How the window defers work: after pending I/O (setImmediate), and after a delay (setTimeout). */
export interface WindowTimers {
  soon(fn: () => void): () => void;
  after(ms: number, fn: () => void): () => void;
}

export interface WindowLimits {
  /** Plans are built for arrivals due within this many ms from now, no further. */
  aheadMs: number;
  /** And never more than this many at once (memory stays bounded whatever the rate). */
  maxPlans: number;
  /** One building slice ends after this long, so socket reads (and their stamps) are never held up longer. */
  sliceMs: number;
  /** A slice stops this long before the next send is due, so building never delays a send. */
  guardMs: number;
}

/** A second ahead absorbs a GC pause or a burst (the `burst` model's arrivals of a whole second fall at
 *  once); slices of 1 ms (~10 prompts of 1,024 tokens) delay a socket read's stamp by at most that; the
 *  guard exceeds the waker's 0.15 ms lead, so a slice has ended when the wake-up for a send arrives. */
export const DEFAULT_WINDOW: WindowLimits = { aheadMs: 1000, maxPlans: 65_536, sliceMs: 1, guardMs: 0.3 };

/** How the window kept up: a late prompt is one finished after its arrival fell due. */
export interface WindowStats {
  built: number;
  late: number;
  /** Of the late ones: time spent building them, total and the longest one, ms. */
  lateBuildMs: number;
  lateBuildMaxMs: number;
  /** All building, ms (the window's whole cost to this thread). */
  buildMs: number;
  /** The most plans held at once. */
  heldMax: number;
}

interface Held<P> {
  index: number;
  dueMs: number;
  plan: P;
}

/**
 * The plans of one worker's arrivals, built a bounded time ahead of their due times, never all before
 * t0. Arrivals come in due order (the dispatcher's own sequence, from a second iterator over the same
 * pure schedule). Building happens in short slices between sends: a slice stops at its time budget,
 * before the next due send, or when the window holds everything due within `aheadMs`. An arrival whose
 * plan is not ready when it fires gets it built on the spot and is counted late, apart from send lag.
 */
export class PlanWindow<P> {
  readonly stats: WindowStats = { built: 0, late: 0, lateBuildMs: 0, lateBuildMaxMs: 0, buildMs: 0, heldMax: 0 };
  readonly #arrivals: Iterator<Arrival>;
  readonly #build: (index: number) => P;
  readonly #now: () => number;
  readonly #timers: WindowTimers;
  readonly #limits: WindowLimits;
  readonly #held: Held<P>[] = [];
  #head = 0;
  #next: Arrival | null;
  #pending: (() => void) | null = null;
  #started = false;
  #closed = false;
  /** Typical cost of one plan (a running mean), to know whether one more fits before the next send. */
  #costMs = 0;

  constructor(arrivals: Iterable<Arrival>, build: (index: number) => P, now: () => number, timers: WindowTimers, limits: WindowLimits = DEFAULT_WINDOW) {
    this.#arrivals = arrivals[Symbol.iterator]();
    this.#build = build;
    this.#now = now;
    this.#timers = timers;
    this.#limits = limits;
    this.#next = this.#pull();
  }

  /** Before t0: the plans due in the first `aheadMs` of the schedule, at once. */
  prefill(): void {
    while (this.#next && this.#next.dueMs < this.#limits.aheadMs && this.#size() < this.#limits.maxPlans) this.#buildNext();
  }

  /** From t0 on (the clock now reads the run timeline): keep the window filled, in slices, until the schedule ends or `close`. */
  start(): void {
    this.#started = true;
    this.#schedule(0);
  }

  /** The plan of the arrival being fired: held, or built now (late). */
  take(a: Arrival): P {
    // the dispatcher walks the same sequence, so the head is `a`; anything before it was never fired
    while (this.#size() > 0 && this.#held[this.#head].index < a.index) this.#shift();
    let plan: P;
    if (this.#size() > 0 && this.#held[this.#head].index === a.index) plan = this.#shift().plan;
    else {
      while (this.#next && this.#next.index <= a.index) this.#next = this.#pull();
      plan = this.#timed(a.index, a.dueMs, true);
    }
    this.#schedule(0);
    return plan;
  }

  close(): void {
    this.#closed = true;
    this.#pending?.();
    this.#pending = null;
    this.#held.length = 0;
    this.#head = 0;
  }

  #fill = (): void => {
    this.#pending = null;
    if (this.#closed) return;
    const start = this.#now();
    let now = start;
    while (this.#next) {
      if (this.#size() >= this.#limits.maxPlans) return; // a take frees room and calls again
      if (this.#next.dueMs > now + this.#limits.aheadMs) return this.#schedule(this.#next.dueMs - this.#limits.aheadMs - now);
      const sendAt = this.#size() > 0 ? this.#held[this.#head].dueMs : Infinity;
      // the next send needs the thread: the take that fires it calls again
      if (now + this.#costMs > sendAt - this.#limits.guardMs) return;
      if (now - start >= this.#limits.sliceMs) return this.#schedule(0);
      this.#buildNext();
      now = this.#now();
    }
  };

  #buildNext(): void {
    const a = this.#next!;
    this.#next = this.#pull();
    this.#held.push({ index: a.index, dueMs: a.dueMs, plan: this.#timed(a.index, a.dueMs, false) });
    this.stats.heldMax = Math.max(this.stats.heldMax, this.#size());
  }

  /** Builds one plan; once the run has started, one finished after its due time (or on the send path) is late. */
  #timed(index: number, dueMs: number, onSendPath: boolean): P {
    const t = this.#now();
    const plan = this.#build(index);
    const end = this.#now();
    const ms = end - t;
    this.#costMs = this.stats.built === 0 ? ms : this.#costMs * 0.9 + ms * 0.1;
    this.stats.built++;
    this.stats.buildMs += ms;
    if (this.#started && (onSendPath || end > dueMs)) {
      this.stats.late++;
      this.stats.lateBuildMs += ms;
      this.stats.lateBuildMaxMs = Math.max(this.stats.lateBuildMaxMs, ms);
    }
    return plan;
  }

  #schedule(ms: number): void {
    if (this.#closed || !this.#next) return;
    this.#pending?.();
    this.#pending = ms <= 0 ? this.#timers.soon(this.#fill) : this.#timers.after(ms, this.#fill);
  }

  #size(): number {
    return this.#held.length - this.#head;
  }

  #shift(): Held<P> {
    const h = this.#held[this.#head++];
    // compact now and then: the array's front is dead space
    if (this.#head > 1024 && this.#head * 2 > this.#held.length) {
      this.#held.splice(0, this.#head);
      this.#head = 0;
    }
    return h;
  }

  #pull(): Arrival | null {
    const r = this.#arrivals.next();
    return r.done ? null : r.value;
  }
}

/** Node's timers, unref'd: a pending fill never keeps a thread alive. */
export const nodeTimers: WindowTimers = {
  soon(fn) {
    const i = setImmediate(fn);
    return () => clearImmediate(i);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
