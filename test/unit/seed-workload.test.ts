import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/cli/run-options.js';
import { pacerFrom } from '../../src/schedule/pacers.js';

const ROOT = join(import.meta.dirname, '..', '..');

function configOf(file: string) {
  const r = resolveRunConfig({ api: 'openai-chat', 'results-dir': '/tmp', workload: join(ROOT, 'workloads', file) });
  if (!('config' in r)) throw new Error(r.problems.join('\n'));
  return r.config;
}

function dueTimes(file: string): number[] {
  const c = configOf(file);
  const p = pacerFrom({ kind: c.arrival, rate: c.rate, durationMs: c.durationMs } as never);
  const out: number[] = [];
  for (let i = 0, t = p.dueMs(0); t !== null; t = p.dueMs(++i)) out.push(t);
  return out;
}

describe('workloads/auto-testing-seed.yaml: the seed script, rate requests at each whole second', () => {
  it('fires exactly 10 requests at every whole second for 120 s, as many as the evenly spaced default', () => {
    const seed = dueTimes('auto-testing-seed.yaml');
    const even = dueTimes('auto-testing.yaml');
    expect(seed).toHaveLength(1200);
    expect(even).toHaveLength(1200);
    const perSecond = new Map<number, number>();
    for (const t of seed) perSecond.set(t, (perSecond.get(t) ?? 0) + 1);
    expect([...perSecond.keys()]).toEqual(Array.from({ length: 120 }, (_, s) => s * 1000));
    expect([...perSecond.values()].every((n) => n === 10)).toBe(true);
    // the default spreads the same ten over the second
    expect(even.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i * 100));
  });
});
