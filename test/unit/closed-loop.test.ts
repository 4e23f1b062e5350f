import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/schedule/clock.js';
import { ClosedLoop, shareOf } from '../../src/schedule/closed-loop.js';
import { seededRandom } from '../../src/schedule/random.js';

const settle = () => new Promise((r) => setImmediate(r));

/** Runs a closed loop whose requests each take a seeded random 10..200 ms of fake time. */
async function run(slots: number, maxRequests: number | null, deadlineMs: number) {
  const clock = new FakeClock();
  const rand = seededRandom(1);
  let next = 0;
  let inFlight = 0;
  let peak = 0;
  let ended = false;
  const sent: number[] = [];
  const loop: ClosedLoop = new ClosedLoop(
    clock,
    { slots, deadlineMs },
    () => (maxRequests === null || next < maxRequests ? next++ : null),
    (a) => {
      sent.push(a.index);
      peak = Math.max(peak, ++inFlight);
      clock.wakeAt(clock.now() + 10 + rand() * 190, () => {
        inFlight--;
        loop.finished();
      });
    },
    () => (ended = true),
  );
  loop.start();
  for (let t = 0; t < 100_000 && (!ended || inFlight > 0); t += 5) {
    clock.advance(5);
    await settle();
  }
  return { sent, peak, ended, inFlight, now: clock.now() };
}

describe('closed loop', () => {
  it('keeps exactly N in flight, never more, and stops at M requests', async () => {
    const r = await run(5, 150, 1e9);
    expect(r.peak).toBe(5);
    expect(r.sent).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(r.ended).toBe(true);
    expect(r.inFlight).toBe(0);
  });

  it('stops sending at the deadline when M is not reached', async () => {
    const r = await run(2, null, 1_000);
    expect(r.ended).toBe(true);
    // two slots of requests lasting 10..200 ms for 1 s: between 10 and 200 requests
    expect(r.sent.length).toBeGreaterThan(10);
    expect(r.sent.length).toBeLessThan(200);
  });

  it('splits N over workers without losing or adding a slot', () => {
    for (const [n, w] of [[5, 2], [1, 4], [7, 7], [100, 3]]) {
      const shares = Array.from({ length: w }, (_, k) => shareOf(n, k, w));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });
});
