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

  it('a new instant replaces the pending one; cancel drops it', async () => {
    const calls: string[] = [];
    waker.set(monoMs() + 2, () => calls.push('replaced'));
    const due = monoMs() + 4;
    await new Promise<void>((resolve) => waker.set(due, () => resolve(void calls.push('second'))));
    waker.set(monoMs() + 1, () => calls.push('cancelled'));
    waker.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual(['second']);
  });
});
