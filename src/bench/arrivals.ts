/** One request as the stamp server saw it arrive: its schedule index and the server's monotonic ms. */
export interface Arrival {
  index: number;
  atMs: number;
}

export interface ArrivalCheck {
  offered: number;
  received: number;
  /** Arrivals within `toleranceMs` of their due time on the server's clock, over those offered. */
  on_schedule: number;
  on_schedule_fraction: number;
  /** How late arrivals were against their due time (the earliest taken as on time), ms. */
  late_ms: { p50: number | null; p99: number | null; max: number | null };
  /** Gaps between consecutive arrivals on the server's clock, ms, against the schedule's own gap. */
  gap_ms: { expected: number; p1: number | null; p50: number | null; p99: number | null };
}

/**
 * Whether the endpoint received a constant-rate schedule on time, judged on its own clock: request i is
 * due at base + i x 1000 / rate, where base is the earliest (arrival - i x gap) seen (a request cannot
 * arrive before it was due, so the earliest offset is the network's own); an arrival more than
 * `toleranceMs` later than that is off schedule, as is every offered request that never arrived.
 */
export function checkArrivals(arrivals: readonly Arrival[], offered: number, ratePerS: number, toleranceMs: number): ArrivalCheck {
  const gap = 1000 / ratePerS;
  const offsets = arrivals.map((a) => a.atMs - a.index * gap);
  const base = offsets.length ? Math.min(...offsets) : 0;
  const late = offsets.map((o) => o - base).sort((a, b) => a - b);
  const onSchedule = late.filter((l) => l <= toleranceMs).length;
  const times = arrivals.map((a) => a.atMs).sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  return {
    offered,
    received: arrivals.length,
    on_schedule: onSchedule,
    on_schedule_fraction: offered ? onSchedule / offered : 0,
    late_ms: { p50: quantile(late, 0.5), p99: quantile(late, 0.99), max: late.at(-1) ?? null },
    gap_ms: { expected: gap, p1: quantile(gaps, 0.01), p50: quantile(gaps, 0.5), p99: quantile(gaps, 0.99) },
  };
}

/** The q-quantile of sorted values (nearest rank), null when there are none. */
function quantile(sorted: readonly number[], q: number): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? sorted[0] : null;
}

/** The schedule index a request carries: the number its first message (or prompt) starts with (`request-plan.ts`). */
export function scheduleIndex(body: string): number | null {
  const m = /"(?:content|prompt)":"(\d+) /.exec(body);
  return m ? Number(m[1]) : null;
}
