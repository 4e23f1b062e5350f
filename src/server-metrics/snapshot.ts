import { addBuckets, toCumulative, type CumulativeHistogram } from './histogram.js';
import { COUNTERS, detectEngine, GAUGES, HISTOGRAMS, type CounterRole, type Engine, type GaugeRole, type HistogramRole } from './known-series.js';
import type { PromSample } from './prom-text.js';

/** What one scrape says about the known roles (absent: the server publishes no name for it). */
export interface KnownSnapshot {
  /** Scrape time on the run's clock, ms from t0. */
  tMs: number;
  engine: Engine | null;
  gauges: Partial<Record<GaugeRole, number>>;
  counters: Partial<Record<CounterRole, number>>;
  histograms: Partial<Record<HistogramRole, CumulativeHistogram>>;
  /** The name each role was read from, e.g. queue -> vllm:num_requests_waiting. */
  sources: Record<string, string>;
}

function byName(samples: readonly PromSample[]): Map<string, PromSample[]> {
  const m = new Map<string, PromSample[]>();
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    const list = m.get(s.name);
    if (list) list.push(s);
    else m.set(s.name, [s]);
  }
  return m;
}

export function knownSnapshot(tMs: number, samples: readonly PromSample[]): KnownSnapshot {
  const names = byName(samples);
  const snap: KnownSnapshot = { tMs, engine: detectEngine(names.keys()), gauges: {}, counters: {}, histograms: {}, sources: {} };
  for (const role of Object.keys(GAUGES) as GaugeRole[]) {
    const g = GAUGES[role].find((c) => names.has(c.name));
    if (!g) continue;
    const values = names.get(g.name)!.map((s) => s.value * (g.scale ?? 1));
    snap.gauges[role] = g.combine === 'sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
    snap.sources[role] = g.name;
  }
  for (const role of Object.keys(COUNTERS) as CounterRole[]) {
    const name = COUNTERS[role].find((n) => names.has(n));
    if (!name) continue;
    snap.counters[role] = names.get(name)!.reduce((a, s) => a + s.value, 0);
    snap.sources[role] = name;
  }
  for (const role of Object.keys(HISTOGRAMS) as HistogramRole[]) {
    const base = HISTOGRAMS[role].find((b) => names.has(`${b}_bucket`));
    if (!base) continue;
    const buckets = new Map<number, number>();
    for (const s of names.get(`${base}_bucket`)!) {
      const le = leOf(s.labels.le);
      if (le !== null) addBuckets(buckets, le, s.value);
    }
    const total = (suffix: string) => (names.get(base + suffix) ?? []).reduce((a, s) => a + s.value, 0);
    snap.histograms[role] = toCumulative(buckets, total('_sum'), total('_count'));
    snap.sources[role] = base;
  }
  return snap;
}

function leOf(v: string | undefined): number | null {
  if (v === undefined) return null;
  if (/^\+?inf$/i.test(v)) return Infinity;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : null;
}
