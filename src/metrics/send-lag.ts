import { minSamples, type Stats } from './distribution.js';

/** A latency the send lag is weighed against: a measured one, or an SLO threshold. */
export interface LagReference {
  name: string;
  ms: number;
}

export interface LagVerdict {
  /** The highest quantile with enough sends to be solid (`minSamples`): p99, else p95, else p90. */
  quantile: 'p99' | 'p95' | 'p90';
  lag_ms: number;
  sends: number;
  /** The smallest reference, and the lag as a fraction of it. */
  reference: LagReference | null;
  share: number | null;
  /** Large enough to have changed what was measured. */
  blamed: boolean;
  text: string;
}

/** Below this fraction of the latencies judged, a late send cannot change what is measured. */
export const LAG_SHARE = 0.05;

/**
 * Whether the generator's lateness matters, by the rule the latency quantiles use: a quantile from too
 * few sends (p99 of 30 is their maximum, often request 0's start-up) is not judged, the next lower solid
 * one is, and none below p90 (null: too few sends to say). It is blamed only above `floorMs` and above
 * `LAG_SHARE` of the smallest latency judged (the SLO thresholds, the measured TTFT), and says by how much.
 */
export function judgeSendLag(lag: Stats | null, references: readonly LagReference[], floorMs: number): LagVerdict | null {
  if (!lag) return null;
  const quantile = (['p99', 'p95', 'p90'] as const).find((q) => lag.count >= minSamples(Number(q.slice(1))) && lag[q] !== null);
  if (!quantile) return null;
  const lagMs = lag[quantile]!;
  const usable = references.filter((r) => Number.isFinite(r.ms) && r.ms > 0);
  const reference = usable.length ? usable.reduce((a, b) => (b.ms < a.ms ? b : a)) : null;
  const share = reference ? lagMs / reference.ms : null;
  const blamed = lagMs > floorMs && (share === null || share > LAG_SHARE);
  const of = reference ? `, ${percent(share!)} of ${reference.name} (${reference.ms.toFixed(1)} ms)` : '';
  return { quantile, lag_ms: lagMs, sends: lag.count, reference, share, blamed, text: `send lag ${quantile} ${lagMs.toFixed(2)} ms over ${lag.count} sends${of}` };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
}
