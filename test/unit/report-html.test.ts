import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReportInputs } from '../../src/html/read-report-inputs.js';
import { renderReport } from '../../src/html/render-report.js';
import { errorsChart, latencyChart, sendRateChart } from '../../src/html/run-series.js';
import { formatCell } from '../../src/html/cells.js';
import { scriptJson } from '../../src/html/document.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { record } from './summary-fixture.js';

const OLD_RUN = join(import.meta.dirname, '..', 'fixtures', 'results', 'fast-sim', 'cli', '20261123T120000Z-fast-sim');

function rec(id: number, o: Partial<RequestRecord>): RequestRecord {
  return record({
    id, worker: 0, outcome: 'completed', warmup: false, scheduled_ms: id * 100, sent_ms: id * 100 + 1, first_token_ms: id * 100 + 51, first_output_ms: id * 100 + 51,
    end_ms: id * 100 + 251, http_status: 200, error_class: null, error_message: null, finish_reason: 'length', output_tokens: 11, output_tokens_source: 'usage',
    reasoning_tokens: 0, input_tokens: 10, chunks: 11, chunk_gap_sum_ms: 200, chunk_gap_max_ms: 25, requested_output_tokens: 11, first_chunk_tokens: null,
    input_tokens_client: null, output_tokens_client: null, retry_after: null, response_bytes: 100, ...o,
  });
}

describe('report.html content', () => {
  it('nothing a server or user wrote can open a tag or end a script: names, messages and warnings are escaped', () => {
    const inputs = readReportInputs(OLD_RUN);
    const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    inputs.summary.endpoint.name = hostile;
    inputs.summary.warnings = [hostile];
    inputs.summary.status_reason = hostile;
    inputs.records[0] = { ...inputs.records[0], outcome: 'failed', error_class: hostile as never };
    const html = renderReport(inputs);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html.match(/<script/g)!.length).toBe(3);
    expect(html).toContain('&#60;/script&#62;&#60;script&#62;alert(1)');
  });

  it('needs no network: a CSP that forbids every fetch, and no external src or href', () => {
    const html = renderReport(readReportInputs(OLD_RUN));
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/\s(src|href)=["']?https?:/i);
    expect(html).toContain('uPlot');
  });

  it('JSON in a script block cannot close it', () => {
    expect(scriptJson({ a: '</script><!--', b: '\u2028' })).toBe('{"a":"\\u003c/script>\\u003c!--","b":"\\u2028"}');
  });

  it('cells show summary values with their unit, a dash for none', () => {
    expect(formatCell(0.123456, 's')).toBe('0.123');
    expect(formatCell(0.0125, 'ratio')).toBe('1.25 %');
    expect(formatCell(null, 'ms')).toBe('—');
    expect(formatCell(12, 'count')).toBe('12');
  });
});

describe('per-second series from the records', () => {
  const records = [rec(0, {}), rec(5, {}), rec(12, { outcome: 'failed', error_class: 'timeout', end_ms: 1900 }), rec(13, { outcome: 'dropped', sent_ms: null, end_ms: null })];

  it('offered counts every scheduled arrival, achieved only those sent', () => {
    const c = sendRateChart(records, 2);
    expect(c.series).toEqual([{ label: 'offered', values: [2, 2] }, { label: 'achieved', values: [2, 1] }]);
  });

  it('latency quantiles per second of sending, over completed requests only', () => {
    const c = latencyChart([...records, rec(3, { first_token_ms: 3 * 100 + 201 })], 2, 'ttft_s', 't', 's');
    expect(c.series[0].values).toEqual([0.05, null]);
    expect(c.series[1].values).toEqual([0.2, null]);
  });

  it('errors per second by class; a flat zero line when none failed', () => {
    expect(errorsChart(records, 2).series).toEqual([{ label: 'timeout', values: [0, 1] }]);
    expect(errorsChart([rec(0, {})], 2).series).toEqual([{ label: 'errors (none)', values: [0, 0] }]);
  });
});
