import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/package-root.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { resolveTraffic } from '../../src/workload/traffic.js';

const MOONCAKE = join(packageRoot(), 'workloads', 'traces', 'mooncake-sample.jsonl');

function traffic(argv: Record<string, unknown>) {
  const problems: string[] = [];
  const t = resolveTraffic(resolveWorkload(argv, problems), problems);
  return { t, problems };
}

describe('traffic keys', () => {
  it('--trace: the schedule from the file, sped up and cut by the window', () => {
    const { t, problems } = traffic({ trace: MOONCAKE, 'trace-speed': '4', 'trace-window': '0,20s' });
    expect(problems).toEqual([]);
    const run = t.trace!;
    expect(run.format).toBe('mooncake');
    expect(run.inFile).toBe(300);
    expect(run.items.length).toBeGreaterThan(50);
    expect(run.items.length).toBeLessThan(300);
    expect(Math.max(...run.dueMs)).toBeLessThan(5000);
    expect(run.items[0]).toEqual({ input: { kind: 'tokens', tokens: 1731, hashIds: [0, 1, 25, 26] }, maxTokens: 116, session: null, later: [] });
    expect(run.requests).toBe(run.items.length);
  });

  it('--trace with --rate, --arrival or --duration is a conflict, one line each', () => {
    expect(traffic({ trace: MOONCAKE, rate: '5' }).problems).toEqual(['--rate and --trace: choose one: --rate (open loop), --ramp (ramping open loop), --concurrency (closed loop) or --trace (a replayed schedule)']);
    expect(traffic({ trace: MOONCAKE, arrival: 'poisson', duration: '10s' }).problems).toEqual([
      expect.stringMatching(/^--arrival and --trace: a trace sets its own schedule and prompts; remove --arrival/),
      expect.stringMatching(/^--duration and --trace: /),
    ]);
    expect(traffic({ 'trace-speed': '2' }).problems).toEqual(['--trace-speed: only applies with --trace; remove it']);
    expect(traffic({ trace: MOONCAKE, 'trace-speed': '0' }).problems).toEqual(["--trace-speed: must be a number > 0, got '0'"]);
    expect(traffic({ trace: MOONCAKE, 'trace-window': '500s,600s' }).problems).toEqual([expect.stringMatching(/^--trace-window: '500s,600s' holds none of the trace's requests \(they span 0 to 59\.2 s\)/)]);
  });

  it('shared prefixes and sessions: values checked, keys of a mode not chosen refused', () => {
    expect(traffic({ 'prefix-tokens': '2000', 'prefix-groups': '4' }).t.prefix).toEqual({ tokens: 2000, groups: 4, choice: 'round-robin' });
    expect(traffic({ 'prefix-groups': '4' }).problems).toEqual(['--prefix-groups: only applies with --prefix-tokens; remove it']);
    expect(traffic({ 'prefix-tokens': '-5' }).problems).toEqual(["--prefix-tokens: must be an integer > 0, got '-5'"]);
    expect(traffic({ turns: '5', 'think-time': '2s' }).t.sessions).toEqual({ turns: { mean: 5, stddev: 0 }, thinkTimeMs: 2000 });
    expect(traffic({ turns: '5', concurrency: '4' }).problems).toEqual([expect.stringMatching(/^--turns and --concurrency: sessions arrive open loop/)]);
    expect(traffic({ 'think-time': '2s' }).problems).toEqual(['--think-time: only applies with --turns; remove it']);
  });

  it('the shipped workload replays the Mooncake sample, its path read from the workload file\'s folder', () => {
    const { t, problems } = traffic({ workload: join(packageRoot(), 'workloads', 'mooncake-replay.yaml') });
    expect(problems).toEqual([]);
    expect(t.trace).toMatchObject({ format: 'mooncake', inFile: 300, speed: 1, file: MOONCAKE });
    expect(t.trace!.items).toHaveLength(300);
  });
});
