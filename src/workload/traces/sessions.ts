import type { TraceInput } from './types.js';

/** A turn of a trace session after its first: what it sends and when it is due (ms from t0). */
export interface TraceTurn {
  input: TraceInput;
  maxTokens: number | null;
  dueMs: number;
}

/**
 * One arrival of a replayed trace, as the workers plan it (plain data: it crosses to the worker threads):
 * a request, or the first turn of a session whose later turns follow it with the conversation so far.
 */
export interface TraceItem {
  input: TraceInput;
  maxTokens: number | null;
  /** The session's name in the trace; null: a request of its own. */
  session: string | null;
  /** The session's later turns in order (empty for a request of its own). */
  later: TraceTurn[];
}

/**
 * The replay's arrivals: each request without a session, and each session once, at its first turn, its
 * later turns carried with it. A session's turns then run in one worker, one after another (a turn needs
 * the previous answer), as `--turns` sessions do; the schedule stays the trace's, in time order.
 */
export function traceArrivals(requests: readonly (Omit<TraceTurn, 'dueMs'> & { session: string | null; dueMs: number })[]): { items: TraceItem[]; dueMs: number[] } {
  const items: TraceItem[] = [];
  const dueMs: number[] = [];
  const open = new Map<string, TraceItem>();
  for (const r of requests) {
    const first = r.session === null ? undefined : open.get(r.session);
    if (first) {
      first.later.push({ input: r.input, maxTokens: r.maxTokens, dueMs: r.dueMs });
      continue;
    }
    const item: TraceItem = { input: r.input, maxTokens: r.maxTokens, session: r.session, later: [] };
    if (r.session !== null) open.set(r.session, item);
    items.push(item);
    dueMs.push(r.dueMs);
  }
  return { items, dueMs };
}

/** When the replay's last request is due: a session's later turns may come after the last arrival. */
export function lastTurnDueMs(items: readonly TraceItem[] | null): number {
  let last = 0;
  for (const i of items ?? []) last = Math.max(last, i.later.at(-1)?.dueMs ?? 0);
  return last;
}
