import { describe, expect, it } from 'vitest';
import { MAX_START_LATE_MS, readShardOptions } from '../../src/cli/shard-options.js';
import { atCsvPrecision, csvNumber, type RequestRecord } from '../../src/metrics/record.js';
import { monoAtWall } from '../../src/schedule/clock.js';
import { workerStripe } from '../../src/schedule/pacer.js';
import { pacerFrom } from '../../src/schedule/pacers.js';
import type { PacerSpec } from '../../src/schedule/pacers.js';

const SPECS: PacerSpec[] = [
  { kind: 'constant', rate: 13, durationMs: 10_000 },
  { kind: 'poisson', rate: 37, durationMs: 5_000, burstiness: 1, seed: 9 },
  { kind: 'poisson', rate: 20, durationMs: 5_000, burstiness: 0.5, seed: 4 },
  { kind: 'burst', rate: 7, durationMs: 3_500 },
  { kind: 'synthesizer', rate: 10, durationMs: 120_000 },
  { kind: 'ramp', startRate: 1, stages: [{ rate: 30, durationMs: 2_000 }, { rate: 5, durationMs: 1_500 }] },
];

describe('shards x workers striping', () => {
  it.each(SPECS)('$kind: every (shard, worker) pair together covers the global schedule exactly once', (spec) => {
    const whole = pacerFrom(spec);
    for (const [shards, workers] of [[1, 1], [3, 1], [3, 2], [4, 3], [5, 8]]) {
      const seen: { index: number; dueMs: number }[] = [];
      for (let i = 0; i < shards; i++) {
        // every shard builds its own pacer from the same spec, as separate processes do
        const pacer = pacerFrom(spec);
        for (let w = 0; w < workers; w++) {
          for (const a of workerStripe(pacer, { index: i, count: shards }, w, workers)) {
            expect(a.index % shards).toBe(i);
            seen.push(a);
          }
        }
      }
      expect(seen.length).toBe(whole.total);
      expect(new Set(seen.map((a) => a.index)).size).toBe(whole.total);
      for (const a of seen) expect(a.dueMs).toBe(whole.dueMs(a.index));
    }
  });
});

describe('--shard, --shards, --start-at', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const read = (argv: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    const problems: string[] = [];
    return { ...readShardOptions(argv, env, now, problems), problems };
  };

  it('reads I/N, or N with the index from JOB_COMPLETION_INDEX', () => {
    expect(read({ shard: '2/5' })).toEqual({ shard: { index: 2, count: 5 }, startAtMs: null, problems: [] });
    expect(read({ shards: 4 }, { JOB_COMPLETION_INDEX: '3' }).shard).toEqual({ index: 3, count: 4 });
    expect(read({}).shard).toBeNull();
  });

  it.each([
    [{ shard: '5/5' }, {}],
    [{ shard: '1.5/4' }, {}],
    [{ shard: '-1/4' }, {}],
    [{ shard: '1/0' }, {}],
    [{ shard: '1/2/3' }, {}],
    [{ shard: 'a' }, {}],
    [{ shards: 4 }, {}],
    [{ shards: 4 }, { JOB_COMPLETION_INDEX: '4' }],
    [{ shards: 2.5 }, { JOB_COMPLETION_INDEX: '0' }],
    [{ shard: '0/2', shards: 2 }, {}],
  ])('refuses %o with env %o in one line naming the flag', (argv, env) => {
    const r = read(argv, env);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^--shards?/);
  });

  it('takes ISO 8601 with a zone or epoch ms; refuses local times, garbage and instants long past', () => {
    expect(read({ 'start-at': '2026-03-01T12:00:30Z' }).startAtMs).toBe(now + 30_000);
    expect(read({ 'start-at': '2026-03-01T13:00:30+01:00' }).startAtMs).toBe(now + 30_000);
    expect(read({ 'start-at': String(now + 1) }).startAtMs).toBe(now + 1);
    expect(read({ 'start-at': String(now - MAX_START_LATE_MS + 1) }).problems).toEqual([]);
    for (const bad of ['2026-03-01T12:00:30', 'tomorrow', String(now - MAX_START_LATE_MS - 1)]) {
      const r = read({ 'start-at': bad });
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatch(/^--start-at: /);
    }
  });

  it('converts the wall instant to the monotonic clock once', () => {
    expect(monoAtWall(now + 1500.5, now, 10_000_000_000n)).toBe(11_500_500_000n);
    expect(monoAtWall(now - 2, now, 10_000_000_000n)).toBe(9_998_000_000n);
  });
});

describe('records at CSV precision', () => {
  it('rounds every non-integer number to 4 decimals, idempotently, leaving the rest alone', () => {
    const r = { id: 3, scheduled_ms: 1.23456789, sent_ms: 2.00004999, end_ms: null, outcome: 'completed', warmup: false } as unknown as RequestRecord;
    const q = atCsvPrecision(r);
    expect(q).toMatchObject({ id: 3, scheduled_ms: 1.2346, sent_ms: 2, end_ms: null, outcome: 'completed', warmup: false });
    expect(atCsvPrecision(q)).toEqual(q);
    expect(csvNumber(Number(String(csvNumber(1 / 3))))).toBe(csvNumber(1 / 3));
  });
});
