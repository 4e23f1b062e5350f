import { describe, expect, it } from 'vitest';
import { checkArrivals, scheduleIndex } from '../../src/bench/arrivals.js';

describe("the stamp server's arrival check", () => {
  it('on schedule: within the tolerance of i x gap after the earliest offset; a missing arrival counts against', () => {
    // 10 offered at 100 req/s (10 ms apart), 1.5 ms of network; #3 is 2.5 ms late, #7 never arrived
    const arrivals = [0, 1, 2, 3, 4, 5, 6, 8, 9].map((i) => ({ index: i, atMs: 1000 + 1.5 + i * 10 + (i === 3 ? 2.5 : 0) }));
    const c = checkArrivals(arrivals, 10, 100, 2);
    expect(c).toMatchObject({ offered: 10, received: 9, on_schedule: 8, on_schedule_fraction: 0.8 });
    expect(c.late_ms.max).toBeCloseTo(2.5, 9);
    expect(c.late_ms.p50).toBeCloseTo(0, 9);
    expect(c.gap_ms.expected).toBe(10);
    expect(c.gap_ms.p50).toBeCloseTo(10, 9);
  });

  it('a request arriving exactly at the tolerance is on schedule; out of order arrivals are judged by index', () => {
    const c = checkArrivals([{ index: 1, atMs: 5 }, { index: 0, atMs: 0 }, { index: 2, atMs: 12 }], 3, 200, 2);
    expect(c.on_schedule).toBe(3);
    expect(c.late_ms.max).toBeCloseTo(2, 9);
  });

  it('nothing arrived: nothing on schedule', () => {
    expect(checkArrivals([], 5, 10, 2)).toMatchObject({ received: 0, on_schedule: 0, on_schedule_fraction: 0, late_ms: { p50: null } });
  });

  it("reads the schedule index a request's prompt starts with", () => {
    expect(scheduleIndex('{"model":"m","messages":[{"role":"user","content":"42 hello"}],"stream":true}')).toBe(42);
    expect(scheduleIndex('{"prompt":"7 x"}')).toBe(7);
    expect(scheduleIndex('{"messages":[]}')).toBeNull();
  });
});
