import { afterAll, describe, expect, it } from 'vitest';
import { Waker, monoMs } from '../../src/schedule/waker.js';

describe('Waker', () => {
  const waker = new Waker();
  afterAll(() => waker.close());

  it('calls back at or after the instant, never before', async () => {
    const due = monoMs() + 5;
    const firedAt = await new Promise<number>((resolve) => waker.set(due, () => resolve(monoMs())));
    expect(firedAt).toBeGreaterThanOrEqual(due);
  });

  it('says how late its wake-up was serviced: a blocked event loop shows as lastDelayMs', async () => {
    // the helper thread posts during the busy stretch unless this busy machine keeps it off a core that
    // long too: then its message did not wait, so a few tries are allowed
    const delays: number[] = [];
    for (let i = 0; i < 5 && !delays.some((d) => d >= 30); i++) {
      const fired = new Promise<void>((resolve) => waker.set(monoMs() + 5, resolve));
      const until = monoMs() + 40;
      while (monoMs() < until); // the loop is busy past the due time: the helper's message waits
      await fired;
      delays.push(waker.lastDelayMs);
    }
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(30);
  });

  it('a new instant replaces the pending one; cancel drops it', async () => {
    const calls: string[] = [];
    // set() calls back at once when its instant has passed by the time it looks, as a thread preempted for a
    // few ms would find: the instants to be replaced or cancelled lie far ahead
    waker.set(monoMs() + 1000, () => calls.push('replaced'));
    const due = monoMs() + 4;
    await new Promise<void>((resolve) => waker.set(due, () => resolve(void calls.push('second'))));
    waker.set(monoMs() + 1000, () => calls.push('cancelled'));
    waker.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual(['second']);
  });
});
