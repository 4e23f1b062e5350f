import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import { isShortOutput, relativeDiscrepancy } from '../../src/metrics/token-checks.js';
import { META, record } from './summary-fixture.js';

describe('output-length mismatch', () => {
  it('short = more than min(5 %, 50 tokens) below the requested length', () => {
    expect(isShortOutput({ requested_output_tokens: 150, output_tokens: 143 })).toBe(false); // 7 <= 7.5
    expect(isShortOutput({ requested_output_tokens: 150, output_tokens: 142 })).toBe(true);
    expect(isShortOutput({ requested_output_tokens: 2000, output_tokens: 1950 })).toBe(false); // 50 <= 50
    expect(isShortOutput({ requested_output_tokens: 2000, output_tokens: 1949 })).toBe(true);
  });

  it('is counted with its finish reasons and warned about once', () => {
    const agg = new Aggregator();
    agg.add(record({ id: 0 }));
    agg.add(record({ id: 1, output_tokens: 60, finish_reason: 'stop' }));
    agg.add(record({ id: 2, output_tokens: 10, finish_reason: 'stop' }));
    const s = buildSummary(agg, META);
    expect(s.token_checks.short_output).toEqual({ count: 2, completed: 3, finish_reasons: { stop: 2 } });
    expect(s.warnings.filter((w) => w.startsWith('OUTPUT SHORT'))).toHaveLength(1);
    expect(s.warnings.join('\n')).toContain('2 of 3 completed requests');
  });
});

describe('client tokenizer vs server usage', () => {
  it('relative discrepancy is |client - server| / server', () => {
    expect(relativeDiscrepancy(100, 80)).toBeCloseTo(0.2, 12);
    expect(relativeDiscrepancy(100, null)).toBeNull();
    expect(relativeDiscrepancy(undefined, 5)).toBeNull();
  });

  it('summarises mean discrepancy and requests more than 10 % off, and warns when they diverge', () => {
    const agg = new Aggregator();
    // a server under-reporting output by 20 % on half the requests; input agrees
    for (let i = 0; i < 10; i++) agg.add(record({ id: i, output_tokens: i < 5 ? 80 : 100, input_tokens: 20, output_tokens_client: 100, input_tokens_client: 20 }));
    const s = buildSummary(agg, META);
    expect(s.token_checks.agreement.output.compared).toBe(10);
    expect(s.token_checks.agreement.output.over_10pct).toBe(5);
    expect(s.token_checks.agreement.output.mean_rel_diff).toBeCloseTo((5 * 0.25) / 10, 12);
    expect(s.token_checks.agreement.input).toEqual({ compared: 10, mean_rel_diff: 0, over_10pct: 0 });
    expect(s.warnings.some((w) => w.startsWith('TOKEN COUNTS DISAGREE (output)'))).toBe(true);
    expect(s.warnings.some((w) => w.includes('(input)'))).toBe(false);
  });

  it('compares nothing when the client has no tokenizer count, or the output count is only chunks', () => {
    const agg = new Aggregator();
    agg.add(record());
    agg.add(record({ output_tokens_source: 'chunks', output_tokens_client: 3 }));
    expect(buildSummary(agg, META).token_checks.agreement.output.compared).toBe(0);
  });

  it('a constant per-request input offset (a chat template) is said once in plain words, not raised as disagreement', () => {
    const agg = new Aggregator();
    // short prompts: 11 template tokens are 20-50 % of each, yet the same on every request
    for (let i = 0; i < 40; i++) agg.add(record({ id: i, input_tokens: 20 + i + 11, input_tokens_client: 20 + i }));
    const s = buildSummary(agg, META);
    expect(s.token_checks.input_offset).toEqual({ tokens: 11, requests: 40, compared: 40 });
    expect(s.token_checks.agreement.input).toMatchObject({ compared: 40, over_10pct: 0 });
    expect(s.warnings.filter((w) => w.includes('(input)'))).toEqual([]);
    expect(s.notes!.filter((n) => n.includes('11 more prompt tokens per request'))).toHaveLength(1);
  });

  it('counts that differ by varying amounts are still disagreement', () => {
    const agg = new Aggregator();
    for (let i = 0; i < 40; i++) agg.add(record({ id: i, input_tokens: 20 + (i % 7) * 5, input_tokens_client: 20 }));
    const s = buildSummary(agg, META);
    expect(s.token_checks.input_offset).toBeNull();
    expect(s.warnings.some((w) => w.startsWith('TOKEN COUNTS DISAGREE (input)'))).toBe(true);
  });
});
