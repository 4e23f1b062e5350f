import type { RunSummary } from '../metrics/summary.js';
import { effectiveLoad } from '../results/read-runs.js';

/** Keys that change the draws but not the load: runs differing only here compare fairly (noted, not refused). */
const NOT_REFUSED = ['seed'];

export interface WorkloadDiff {
  /** Differences that make the comparison unfair, in words ('rate: 10 in A, 20 in B'). */
  differences: string[];
  /** Differences worth knowing that do not make it unfair. */
  notes: string[];
}

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(v));
}

/** How each later run's workload differs from the first's, key by key. */
export function workloadDiff(runs: readonly { label: string; summary: RunSummary }[]): WorkloadDiff {
  const [a, ...rest] = runs;
  const flat = (s: RunSummary) => {
    const m = new Map<string, string>();
    flatten(effectiveLoad(s), '', m);
    return m;
  };
  const fa = flat(a.summary);
  const out: WorkloadDiff = { differences: [], notes: [] };
  for (const b of rest) {
    const fb = flat(b.summary);
    for (const key of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      const va = fa.get(key) ?? 'unset';
      const vb = fb.get(key) ?? 'unset';
      if (va === vb) continue;
      const line = `${key}: ${va} in ${a.label}, ${vb} in ${b.label}`;
      (NOT_REFUSED.includes(key.split('.')[0]) ? out.notes : out.differences).push(line);
    }
  }
  return out;
}
