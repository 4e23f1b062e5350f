import type { RequestRecord } from '../metrics/record.js';

/**
 * The early-stop test of a capacity step: the step clearly fails when the queue grows. Both must hold:
 *  - backlog: in flight now - in flight at half the elapsed time >= max(MIN_BACKLOG, BACKLOG_SHARE x the
 *    requests sent in between), i.e. the server completed well under the offered rate over that half;
 *  - TTFT trend: over the complete TTFT windows (requests by first-token time), the least-squares line of
 *    the window means rises by >= max(MIN_RISE_S, RISE_SHARE x its start value) across them.
 * Judged from a quarter of the step on, with at least MIN_WINDOWS windows. Each signal alone can be a
 * ramp-up (in-flight fills up over the first latency) or noise; together they are a queue building up.
 */
export const EARLY_STOP = {
  minShare: 0.25,
  windowMinMs: 250,
  windowMaxMs: 1000,
  windowsPerStep: 10,
  minWindows: 3,
  minBacklog: 4,
  backlogShare: 0.25,
  minRiseS: 0.05,
  riseShare: 0.5,
} as const;

export interface LiveSample {
  elapsedMs: number;
  inFlight: number;
  sent: number;
}

export interface EarlyStop {
  atMs: number;
  reason: string;
}

/** The TTFT window for a step: a tenth of it, within [250 ms, 1 s]. */
export function ttftWindowMs(stepMs: number): number {
  return Math.min(EARLY_STOP.windowMaxMs, Math.max(EARLY_STOP.windowMinMs, stepMs / EARLY_STOP.windowsPerStep));
}

export class QueueWatch {
  readonly #stepMs: number;
  readonly #windowMs: number;
  readonly #samples: LiveSample[] = [];
  readonly #ttftSum: number[] = [];
  readonly #ttftCount: number[] = [];

  constructor(stepMs: number) {
    this.#stepMs = stepMs;
    this.#windowMs = ttftWindowMs(stepMs);
  }

  records(records: readonly RequestRecord[]): void {
    for (const r of records) {
      if (r.outcome !== 'completed' || r.warmup || r.first_token_ms === null || r.sent_ms === null) continue;
      const w = Math.floor(r.first_token_ms / this.#windowMs);
      this.#ttftSum[w] = (this.#ttftSum[w] ?? 0) + (r.first_token_ms - r.sent_ms) / 1000;
      this.#ttftCount[w] = (this.#ttftCount[w] ?? 0) + 1;
    }
  }

  /** Adds a live sample; returns why the step clearly fails, or null. */
  sample(s: LiveSample): EarlyStop | null {
    this.#samples.push(s);
    if (s.elapsedMs < Math.max(EARLY_STOP.minShare * this.#stepMs, EARLY_STOP.minWindows * this.#windowMs)) return null;
    const backlog = this.#backlog(s);
    if (!backlog) return null;
    const rise = this.#ttftRise(Math.floor(s.elapsedMs / this.#windowMs));
    if (!rise) return null;
    return { atMs: s.elapsedMs, reason: `queue growing: ${backlog}; ${rise}` };
  }

  #backlog(now: LiveSample): string | null {
    const mid = this.#samples.findLast((x) => x.elapsedMs <= now.elapsedMs / 2);
    if (!mid) return null;
    const grew = now.inFlight - mid.inFlight;
    const sent = now.sent - mid.sent;
    if (grew < Math.max(EARLY_STOP.minBacklog, EARLY_STOP.backlogShare * sent)) return null;
    return `in flight ${mid.inFlight} -> ${now.inFlight} between ${(mid.elapsedMs / 1000).toFixed(1)} s and ${(now.elapsedMs / 1000).toFixed(1)} s (${sent} sent)`;
  }

  /** Least-squares fit of window mean TTFT over the windows before `upTo` that hold requests. */
  #ttftRise(upTo: number): string | null {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let w = 0; w < upTo; w++) {
      if (this.#ttftCount[w]) {
        xs.push(w);
        ys.push(this.#ttftSum[w] / this.#ttftCount[w]);
      }
    }
    if (xs.length < EARLY_STOP.minWindows) return null;
    const { slope, intercept } = leastSquares(xs, ys);
    const start = intercept + slope * xs[0];
    const rise = slope * (xs[xs.length - 1] - xs[0]);
    if (rise < Math.max(EARLY_STOP.minRiseS, EARLY_STOP.riseShare * Math.max(0, start))) return null;
    return `TTFT trend ${(start * 1000).toFixed(0)} -> ${((start + rise) * 1000).toFixed(0)} ms over ${xs.length} windows of ${this.#windowMs} ms`;
  }
}

export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}
