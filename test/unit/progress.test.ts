import { describe, expect, it } from 'vitest';
import type { LiveStatus } from '../../src/engine/run-load.js';
import { progressPrinter } from '../../src/report/progress.js';

const status = (elapsedMs: number, sent: number, done: number): LiveStatus => ({ elapsedMs, totalMs: 5000, sent, done, failed: 0, dropped: 0, inFlight: sent - done, totalTps: 0 });

function collect() {
  const lines: string[] = [];
  return { lines, out: { write: (s: string) => lines.push(s) > 0 } };
}

describe('progress without a terminal', () => {
  it('a run shorter than the 10 s interval ends on its final counts, not on `sent 1`', () => {
    const { lines, out } = collect();
    const p = progressPrinter('plain', out);
    for (let t = 0; t <= 6000; t += 250) p.update(status(t, Math.min(25, 1 + t / 200), Math.max(0, t / 250 - 1)));
    p.update(status(6100, 25, 25));
    p.end();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[0s\/5s\] sent 1 /);
    expect(lines[1]).toMatch(/^\[6s\/5s\] sent 25 .* done 25 /);
  });

  it('prints the final line once: not again when the last status was already printed', () => {
    const { lines, out } = collect();
    const p = progressPrinter('plain', out);
    p.update(status(0, 1, 0));
    p.end();
    expect(lines).toHaveLength(1);
  });

  it('each run of a command of several (capacity steps) gets its own first and last line', () => {
    const { lines, out } = collect();
    const p = progressPrinter('plain', out);
    for (const step of [0, 1]) {
      p.update(status(0, 1, 0));
      p.update(status(3000, 9 + step, 9 + step));
      p.end();
    }
    expect(lines.map((l) => l.slice(0, 16))).toEqual(['[0s/5s] sent 1  ', '[3s/5s] sent 9  ', '[0s/5s] sent 1  ', '[3s/5s] sent 10 ']);
  });

  it('prints nothing with --progress none', () => {
    const { lines, out } = collect();
    const p = progressPrinter('none', out);
    p.update(status(0, 1, 0));
    p.end();
    expect(lines).toEqual([]);
  });
});
