import { describe, expect, it } from 'vitest';
import { addPromptFigures, promptsEntry, promptWarning } from '../../src/metrics/prompt-figures.js';
import type { PromptFigures } from '../../src/metrics/summary.js';

const worker = (over: Partial<PromptFigures> = {}): PromptFigures => ({
  look_ahead_ms: 1000, built: 100, built_before_t0: 20, late: 0, late_build_ms: { total: 0, max: 0 }, build_ms: 12, held_max: 20, ...over,
});

describe('prompt figures over workers and shards', () => {
  it('counts and times add, maxima stay maxima; none reported (runs before schema 4) is absent, not zero', () => {
    const sum = addPromptFigures([worker({ late: 2, late_build_ms: { total: 3, max: 2.5 } }), undefined, worker({ held_max: 31, late: 1, late_build_ms: { total: 0.5, max: 0.5 } })]);
    expect(sum).toEqual({ look_ahead_ms: 1000, built: 200, built_before_t0: 40, late: 3, late_build_ms: { total: 3.5, max: 2.5 }, build_ms: 24, held_max: 31 });
    expect(addPromptFigures([undefined, undefined])).toBeNull();
    expect(promptsEntry(null)).toEqual({});
  });

  it('late prompts get a warning apart from send lag, with their count, share and what building cost the sends', () => {
    expect(promptWarning(worker())).toBeNull();
    expect(promptWarning(undefined)).toBeNull();
    const w = promptWarning(worker({ built: 400, late: 12, late_build_ms: { total: 30.2, max: 4.25 } }))!;
    expect(w).toMatch(/^GENERATOR PROMPTS LATE: 12 of 400 prompts \(3\.0 %\) were built after their arrival fell due/);
    expect(w).toContain('up to 4.25 ms to a send (30 ms in all)');
  });
});
