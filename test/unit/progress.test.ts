import { describe, expect, it } from 'vitest';
import type { LiveStatus } from '../../src/metrics/progress.js';
import { progressBar, progressPrinter } from '../../src/report/progress.js';

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

const live = (o: Partial<LiveStatus>): LiveStatus => ({ sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0, elapsedMs: 0, totalMs: 120_000, totalTps: 0, ...o });

describe('progress on a terminal', () => {
  it('the bar: percent of the duration, ETA, achieved vs offered rate, in flight, errors', () => {
    const bar = progressBar(live({ elapsedMs: 30_000, sent: 300, done: 290, failed: 2, inFlight: 10, totalTps: 812 }), 9.8, 10);
    expect(bar).toBe('[#####...............]  25%  30s/120s  ETA 90s  9.8/10.0 req/s  in flight 10  done 290  errors 2  dropped 0  TPS 812');
  });

  it('past the duration it says it is draining; it never wraps a narrow terminal', () => {
    expect(progressBar(live({ elapsedMs: 121_000, inFlight: 4 }), 0, 10)).toContain('100%  121s/120s  draining 4');
    expect(progressBar(live({}), null, null, 40)).toHaveLength(39);
  });

  it('redraws one line with the rate measured from the updates', () => {
    const lines: string[] = [];
    const p = progressPrinter('tty', { columns: 200, write: (s: string) => lines.push(s) > 0 }, 10);
    p.update(live({ elapsedMs: 1000, sent: 10 }));
    p.update(live({ elapsedMs: 1500, sent: 15 }));
    p.end();
    expect(lines[1]).toMatch(/^\r\x1b\[2K\[.*10\.0\/10\.0 req\/s/);
    expect(lines.at(-1)).toBe('\n');
  });
});
