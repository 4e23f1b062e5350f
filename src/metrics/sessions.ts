import { Distribution, type Stats } from './distribution.js';
import { derive, type RequestRecord } from './record.js';

/** The summary's multi-turn figures: how sessions ended, and TTFT and prompt size by turn. */
export interface SessionSummary {
  /** Sessions with at least one non-warm-up request. */
  started: number;
  /** Sessions whose last planned turn completed. */
  completed: number;
  /** The others: a turn failed or was dropped (which ends its session), or the run ended first. */
  cut_short: number;
  by_turn: { turn: number; requests: number; ttft_s: Stats; input_tokens: Stats }[];
}

/**
 * Folds session records: per session only whether its last planned turn completed (a few bytes a
 * session), per turn index two mergeable distributions. Built from records alone, so merged shards agree.
 */
export class SessionTally {
  readonly #done = new Map<number, boolean>();
  readonly #turns = new Map<number, { n: number; ttft: Distribution; input: Distribution }>();

  add(r: RequestRecord): void {
    if (r.session === null || r.session === undefined || r.turn === null || r.warmup) return;
    if (!this.#done.has(r.session)) this.#done.set(r.session, false);
    if (r.outcome !== 'completed') return;
    if (r.turn === (r.session_turns ?? 0) - 1) this.#done.set(r.session, true);
    let t = this.#turns.get(r.turn);
    if (!t) this.#turns.set(r.turn, (t = { n: 0, ttft: new Distribution(1e6), input: new Distribution(1) }));
    t.n++;
    t.ttft.record(derive(r).ttft_s);
    t.input.record(r.input_tokens);
  }

  summary(): SessionSummary | null {
    if (this.#done.size === 0) return null;
    const completed = [...this.#done.values()].filter(Boolean).length;
    const by_turn = [...this.#turns].sort((a, b) => a[0] - b[0]).map(([turn, t]) => ({ turn, requests: t.n, ttft_s: t.ttft.stats(), input_tokens: t.input.stats() }));
    return { started: this.#done.size, completed, cut_short: this.#done.size - completed, by_turn };
  }
}
