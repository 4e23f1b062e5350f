import { Distribution, minSamples, type Stats } from './distribution.js';
import type { RequestRecord } from './record.js';

/**
 * Where a request's time went, phase by phase: each a duration between two stamps of its record.
 * `write_ms` of a request on a new connection includes waiting for the connection; `wait_ms` is the
 * server's accept queue, prefill and headers as the client sees them; `first_token_ms` the time from the
 * first response byte to the first token.
 */
export const PHASES = {
  connect_ms: (r) => r.connect_ms,
  tls_ms: (r) => r.tls_ms,
  write_ms: (r) => gap(r.sent_ms, r.written_ms),
  wait_ms: (r) => gap(r.written_ms, r.first_byte_ms),
  first_token_ms: (r) => gap(r.first_byte_ms, r.first_token_ms),
  decode_ms: (r) => gap(r.first_token_ms, r.last_token_ms),
  tail_ms: (r) => gap(r.last_token_ms, r.end_ms),
  loop_delay_ms: (r) => r.loop_delay_ms,
} as const satisfies Record<string, (r: PhaseStamps) => number | null | undefined>;

export type PhaseName = keyof typeof PHASES;
export const PHASE_NAMES = Object.keys(PHASES) as PhaseName[];

/** The stamps the phases are read from; records of runs before schema 7 lack the new ones (undefined). */
export type PhaseStamps = Pick<RequestRecord, 'sent_ms' | 'first_token_ms' | 'end_ms'> &
  Partial<Pick<RequestRecord, 'connect_ms' | 'tls_ms' | 'written_ms' | 'first_byte_ms' | 'last_token_ms' | 'loop_delay_ms'>>;

/** What TTFT from the schedule (first token - scheduled) is the sum of: these four phases. */
export const LATENCY_PARTS = ['send_lag_ms', 'write_ms', 'wait_ms', 'first_token_ms'] as const;
export type LatencyPart = (typeof LATENCY_PARTS)[number];

const PART_LABELS: Record<LatencyPart, string> = {
  send_lag_ms: 'send lag (the generator)',
  write_ms: 'connect + write',
  wait_ms: 'server until first byte',
  first_token_ms: 'first byte to first token',
};

export interface PhaseGroup {
  requests: number;
  /** Medians, ms: the latency (first token - scheduled) and each of its parts, and the loop delay at send. */
  latency_ms: number;
  parts: Record<LatencyPart, number>;
  loop_delay_ms: number | null;
}

export interface PhaseGrowth {
  /** The requests whose latency is at or below its median, and those at or above its p90. */
  typical: PhaseGroup;
  slow: PhaseGroup;
  /** The part whose median grew most from typical to slow, by how much (ms) and its share of the latency's growth. */
  grew: LatencyPart;
  by_ms: number;
  share: number | null;
  text: string;
}

export interface PhasesSummary {
  connections: { new: number; reused: number; unknown: number };
  stats: Record<PhaseName, Stats>;
  /** Null with fewer than `MIN_SLOW` slow requests, or without phase stamps (SDK transports). */
  growth: PhaseGrowth | null;
}

/** Slow requests needed before a growth is named (p90's own minimum, ten, is too few to compare medians). */
const MIN_SLOW = 20;
const ROW = 1 + LATENCY_PARTS.length + 1;

function gap(from: number | null | undefined, to: number | null | undefined): number | null {
  return from === null || from === undefined || to === null || to === undefined ? null : to - from;
}

/**
 * The phases of completed requests: one distribution per phase (mergeable, in summary.histograms) and,
 * per request with every stamp, a row of its latency parts (24 bytes) to say which part grew in the slow tail.
 */
export class PhaseTally {
  readonly dists = new Map<PhaseName, Distribution>(PHASE_NAMES.map((n) => [n, new Distribution(1e3)]));
  readonly connections = { new: 0, reused: 0, unknown: 0 };
  #rows = new Float32Array(ROW * 256);
  #n = 0;

  add(r: RequestRecord, sendLagMs: number): void {
    const c = r.connection;
    if (c === 'new' || c === 'reused') this.connections[c]++;
    else this.connections.unknown++;
    for (const name of PHASE_NAMES) this.dists.get(name)!.record(PHASES[name](r) ?? null);
    const write = PHASES.write_ms(r);
    const wait = PHASES.wait_ms(r);
    const first = PHASES.first_token_ms(r);
    if (write === null || wait === null || first === null) return;
    this.#push([sendLagMs + write + wait + first, sendLagMs, write, wait, first, r.loop_delay_ms ?? NaN]);
  }

  summary(): PhasesSummary {
    const stats = Object.fromEntries(PHASE_NAMES.map((n) => [n, this.dists.get(n)!.stats()])) as Record<PhaseName, Stats>;
    return { connections: { ...this.connections }, stats, growth: this.#growth() };
  }

  #push(values: number[]): void {
    if (ROW * (this.#n + 1) > this.#rows.length) {
      const next = new Float32Array(this.#rows.length * 2);
      next.set(this.#rows);
      this.#rows = next;
    }
    this.#rows.set(values, ROW * this.#n++);
  }

  #growth(): PhaseGrowth | null {
    const order = Array.from({ length: this.#n }, (_, i) => i).sort((a, b) => this.#rows[ROW * a] - this.#rows[ROW * b]);
    const slowFrom = Math.floor(order.length * 0.9);
    if (order.length - slowFrom < MIN_SLOW || order.length < minSamples(90)) return null;
    const typical = this.#group(order.slice(0, Math.ceil(order.length / 2)));
    const slow = this.#group(order.slice(slowFrom));
    const growth = (p: LatencyPart) => slow.parts[p] - typical.parts[p];
    const grew = LATENCY_PARTS.reduce((a, b) => (growth(b) > growth(a) ? b : a));
    const total = slow.latency_ms - typical.latency_ms;
    const share = total > 0 ? growth(grew) / total : null;
    const pct = share === null ? '' : ` (${Math.round(share * 100)}% of it)`;
    const text = `slowest 10% of requests (first token - scheduled) ${total.toFixed(1)} ms above the median half: most in ${PART_LABELS[grew]}, +${growth(grew).toFixed(1)} ms${pct}`;
    return { typical, slow, grew, by_ms: growth(grew), share, text };
  }

  #group(indices: number[]): PhaseGroup {
    const median = (col: number) => {
      const v = indices.map((i) => this.#rows[ROW * i + col]).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
    };
    const parts = Object.fromEntries(LATENCY_PARTS.map((p, k) => [p, median(1 + k) ?? 0])) as Record<LatencyPart, number>;
    return { requests: indices.length, latency_ms: median(0) ?? 0, parts, loop_delay_ms: median(ROW - 1) };
  }
}
