import type { SimOptions } from './options.js';

/** One generation the simulated engine runs. Callbacks fire from the engine's single timer. */
export interface SimJob {
  inputTokens: number;
  /** Leading prompt tokens found in the prefix cache: no prefill time for them. */
  cachedTokens?: number;
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

/** KV capacity the simulator reports its use against: this many tokens per slot (prompt + generated). */
export const KV_TOKENS_PER_SLOT = 4096;

/**
 * A serving engine in miniature: `slots` sequences decode concurrently, the rest wait FIFO.
 * TTFT = queue wait + prefill (base + per input token not found in the prefix cache); then one token per decode interval, the
 * interval growing by `decodeGrowth` per extra busy slot (batching slows each sequence down).
 * One timer drives every stream: each tick emits all tokens that are due, in due order, taken from a
 * min-heap of due times, so a tick costs O(due tokens x log streams) however many streams are open.
 */
export class SimEngine {
  readonly #o: SimOptions;
  readonly #queue: Active[] = [];
  readonly #due = new DueHeap();
  #busy = 0;
  /** Prompt + generated tokens of the admitted sequences: what a real engine holds in its KV cache. */
  #kvTokens = 0;
  #peakQueued = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;

  constructor(options: SimOptions) {
    this.#o = options;
  }

  get busy(): number {
    return this.#busy;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** The longest the waiting queue has been since the engine started (the simulator's own count). */
  get peakQueued(): number {
    return this.#peakQueued;
  }

  /** Fraction of the KV capacity (slots x KV_TOKENS_PER_SLOT tokens) the admitted sequences hold. */
  get kvUsage(): number {
    return Math.min(1, this.#kvTokens / (this.#o.slots * KV_TOKENS_PER_SLOT));
  }

  /** Queues a job; returns a cancel function (client went away: free its slot). */
  submit(job: SimJob): () => void {
    const a: Active = { job, next: 0, dueMs: 0, cancelled: false };
    this.#queue.push(a);
    this.#admit();
    this.#peakQueued = Math.max(this.#peakQueued, this.#queue.length);
    return () => {
      if (a.cancelled) return;
      a.cancelled = true;
      const q = this.#queue.indexOf(a);
      if (q !== -1) return void this.#queue.splice(q, 1);
      // still in the heap: skipped when it comes due; its slot is free now
      this.#busy--;
      this.#kvTokens -= a.job.inputTokens + a.next;
      this.#admit();
    };
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#due.clear();
    this.#busy = 0;
    this.#kvTokens = 0;
    this.#queue.length = 0;
  }

  #interval(): number {
    return this.#o.decodeMs * (1 + this.#o.decodeGrowth * Math.max(0, this.#busy - 1));
  }

  #admit(): void {
    const t = now();
    while (this.#busy < this.#o.slots && this.#queue.length > 0) {
      const a = this.#queue.shift()!;
      a.dueMs = t + this.#o.prefillMs + this.#o.prefillPerTokenMs * (a.job.inputTokens - (a.job.cachedTokens ?? 0));
      this.#busy++;
      this.#kvTokens += a.job.inputTokens;
      this.#due.push(a);
    }
    this.#arm();
  }

  #arm(): void {
    const earliest = this.#due.peek()?.dueMs ?? Infinity;
    if (earliest === Infinity || earliest >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = earliest;
    this.#timer = setTimeout(this.#tick, Math.max(0, earliest - now()));
  }

  #tick = (): void => {
    this.#timer = null;
    this.#timerAt = Infinity;
    const t = now();
    const heap = this.#due;
    const next: Active[] = [];
    for (let a = heap.pop(); a; a = heap.pop()) {
      if (a.dueMs > t) {
        heap.push(a);
        break;
      }
      if (a.cancelled) continue;
      const j = a.next++;
      const last = a.next >= a.job.outputTokens;
      this.#kvTokens++;
      if (last) {
        a.cancelled = true;
        this.#busy--;
        this.#kvTokens -= a.job.inputTokens + a.next;
      } else {
        a.dueMs += this.#interval();
        next.push(a);
      }
      a.job.onToken(j, last);
    }
    // one token per stream per tick: a late stream stays late rather than bursting to catch up
    for (const a of next) heap.push(a);
    this.#admit();
  };
}

/** Binary min-heap of streams by next due time. */
class DueHeap {
  #h: Active[] = [];

  peek(): Active | undefined {
    return this.#h[0];
  }

  clear(): void {
    this.#h = [];
  }

  push(a: Active): void {
    const h = this.#h;
    let i = h.push(a) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].dueMs <= a.dueMs) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = a;
  }

  pop(): Active | undefined {
    const h = this.#h;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r].dueMs < h[l].dueMs ? r : l;
      if (h[c].dueMs >= last.dueMs) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
    return top;
  }
}
