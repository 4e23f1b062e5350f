import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startLiveExport } from '../../src/live/prometheus-export.js';
import { parsePromText } from '../../src/server-metrics/prom-text.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { record } from './summary-fixture.js';

function rec(id: number, o: Partial<RequestRecord>): RequestRecord {
  return record({
    id, worker: 0, outcome: 'completed', warmup: false, scheduled_ms: 0, sent_ms: 2, first_token_ms: 102, first_output_ms: 102, end_ms: 302,
    http_status: 200, error_class: null, error_message: null, finish_reason: 'length', output_tokens: 11, output_tokens_source: 'usage', reasoning_tokens: 0,
    input_tokens: 10, chunks: 11, chunk_gap_sum_ms: 200, chunk_gap_max_ms: 20, requested_output_tokens: 11, first_chunk_tokens: 1,
    input_tokens_client: null, output_tokens_client: null, retry_after: null, response_bytes: 1, ...o,
  });
}

describe('--prometheus-port: live figures for dashboards', () => {
  it('serves counts, errors by class and latency histograms in the text format, labelled with the run', async () => {
    const live = await startLiveExport(0, '127.0.0.1');
    live.label({ run_id: 'r"1', endpoint: 'vllm' });
    try {
      live.status({ sent: 5, inFlight: 2, elapsedMs: 1500, totalMs: 3000, totalTps: 120 });
      live.status({ sent: 7, inFlight: 3, elapsedMs: 2000, totalMs: 3000, totalTps: 130 });
      live.records([rec(0, {}), rec(1, {}), rec(2, { outcome: 'failed', error_class: 'timeout', first_token_ms: null, first_output_ms: null, end_ms: null }), rec(3, { warmup: true })]);
      const res = await request(live.url);
      expect(res.headers['content-type']).toContain('text/plain');
      const p = parsePromText(await res.body.text());
      expect(p.invalidLines).toBe(0);
      const get = (name: string, labels: Record<string, string> = {}) =>
        p.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      expect(get('auto_testing_requests_sent_total')).toBe(7);
      expect(get('auto_testing_requests_in_flight')).toBe(3);
      expect(get('auto_testing_run_progress_ratio')).toBeCloseTo(2 / 3, 9);
      expect(get('auto_testing_requests_finished_total', { outcome: 'completed' })).toBe(2);
      expect(get('auto_testing_request_errors_total', { error_class: 'timeout' })).toBe(1);
      expect(get('auto_testing_ttft_seconds_count')).toBe(2);
      expect(get('auto_testing_ttft_seconds_bucket', { le: '0.1' })).toBe(2);
      expect(get('auto_testing_itl_seconds_sum')).toBeCloseTo(0.04, 9);
      expect(get('auto_testing_send_lag_seconds_count')).toBe(3);
      expect(p.samples.every((s) => s.labels.run_id === 'r"1' && s.labels.endpoint === 'vllm')).toBe(true);
      expect((await request(live.url.replace('/metrics', '/other'))).statusCode).toBe(404);
    } finally {
      await live.close();
    }
  });

  it('a port already taken is an error at start, before any request is sent', async () => {
    const a = await startLiveExport(0, '127.0.0.1');
    try {
      await expect(startLiveExport(Number(new URL(a.url).port), '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await a.close();
    }
  });
});
