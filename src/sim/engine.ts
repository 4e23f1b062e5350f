import type { SimOptions } from '../config/run-config.js';

/** One generation the simulated engine runs. Callbacks fire from the engine's single timer. */
export interface SimJob {
  inputTokens: number;
  outputTokens: number;
  /** Token j (0-based) is ready; `last` on the final one. */
  onToken(j: number, last: boolean): void;
}

interface Active {
  job: SimJob;
  next: number;
  dueMs: number;
  cancelled: boolean;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A serving engine in miniature: `slots` sequences decode concurrently, the rest wait FIFO.
 * TTFT = queue wait + prefill (base + per input token); then one token per decode interval, the
 * interval growing by `decodeGrowth` per extra busy slot (batching slows each sequence down).
 * One timer drives every stream: each tick emits all tokens that are due, in due order.
 */
export class SimEngine {
  readonly #o: SimOptions;
  readonly #queue: Active[] = [];
  #active: Active[] = [];
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;

  constructor(options: SimOptions) {
    this.#o = options;
  }

  get busy(): number {
    return this.#active.length;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a job; returns a cancel function (client went away: free its slot). */
  submit(job: SimJob): () => void {
    const a: Active = { job, next: 0, dueMs: 0, cancelled: false };
    this.#queue.push(a);
    this.#admit();
    return () => {
      a.cancelled = true;
      const q = this.#queue.indexOf(a);
      if (q !== -1) this.#queue.splice(q, 1);
      const i = this.#active.indexOf(a);
      if (i !== -1) {
        this.#active.splice(i, 1);
        this.#admit();
      }
    };
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#active = [];
    this.#queue.length = 0;
  }

  #interval(): number {
    return this.#o.decodeMs * (1 + this.#o.decodeGrowth * Math.max(0, this.#active.length - 1));
  }

  #admit(): void {
    const t = now();
    while (this.#active.length < this.#o.slots && this.#queue.length > 0) {
      const a = this.#queue.shift()!;
      a.dueMs = t + this.#o.prefillMs + this.#o.prefillPerTokenMs * a.job.inputTokens;
      this.#active.push(a);
    }
    this.#arm();
  }

  #arm(): void {
    let earliest = Infinity;
    for (const a of this.#active) if (a.dueMs < earliest) earliest = a.dueMs;
    if (earliest === Infinity || earliest >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = earliest;
    this.#timer = setTimeout(this.#tick, Math.max(0, earliest - now()));
  }

  #tick = (): void => {
    this.#timer = null;
    this.#timerAt = Infinity;
    const t = now();
    const due = this.#active.filter((a) => a.dueMs <= t).sort((x, y) => x.dueMs - y.dueMs);
    let freed = false;
    for (const a of due) {
      if (a.cancelled) {
        freed = true;
        continue;
      }
      const j = a.next++;
      const last = a.next >= a.job.outputTokens;
      a.job.onToken(j, last);
      if (last) {
        a.cancelled = true;
        freed = true;
      } else {
        a.dueMs += this.#interval();
      }
    }
    if (freed) this.#active = this.#active.filter((a) => !a.cancelled);
    this.#admit();
    this.#arm();
  };
}
