import { describe, expect, it } from 'vitest';
import { SIM_DEFAULTS } from '../../src/sim/options.js';
import { SimEngine } from '../../src/sim/engine.js';

const options = { ...SIM_DEFAULTS, slots: 2, prefillMs: 0, prefillPerTokenMs: 0, decodeMs: 1 };

function run(engine: SimEngine, outputTokens: number, log: string[], name: string): { done: Promise<void>; cancel: () => void } {
  let cancel = () => {};
  const done = new Promise<void>((resolve) => {
    cancel = engine.submit({ inputTokens: 1, outputTokens, onToken: (j, last) => (log.push(`${name}${j}`), last && resolve()) });
  });
  return { done, cancel };
}

describe('simulated engine', () => {
  it('streams every token of every job in order, queueing beyond the slots', async () => {
    const engine = new SimEngine(options);
    const log: string[] = [];
    const jobs = ['a', 'b', 'c'].map((n) => run(engine, 3, log, n));
    expect(engine.busy).toBe(2);
    expect(engine.queued).toBe(1);
    await Promise.all(jobs.map((j) => j.done));
    for (const n of ['a', 'b', 'c']) expect(log.filter((e) => e.startsWith(n))).toEqual([`${n}0`, `${n}1`, `${n}2`]);
    // c only starts once a slot is free
    expect(log.indexOf('c0')).toBeGreaterThan(log.indexOf('a2'));
    expect(engine.busy).toBe(0);
    engine.close();
  });

  it('a cancelled job emits nothing more and frees its slot for the queue', async () => {
    const engine = new SimEngine(options);
    const log: string[] = [];
    const a = run(engine, 1000, log, 'a');
    run(engine, 1000, log, 'b');
    const c = run(engine, 2, log, 'c');
    a.cancel();
    expect(engine.busy).toBe(2);
    await c.done;
    expect(log.filter((e) => e.startsWith('a'))).toEqual([]);
    engine.close();
  });
});
