import { describe, expect, it } from 'vitest';
import { accounted, spawnCli } from './spawn-cli.js';

const ALL_FAULTS = 'refuse:0.08,http500:0.08,stall:0.08,truncate:0.08,garbage:0.08,reset:0.08,429:0.08,error:0.08';

describe('an endpoint failing every way in rotation: every request classified, the schedule kept', () => {
  it('4 s at 40 req/s against the simulator with all faults', async () => {
    const r = await spawnCli([
      '--rate', '40', '--duration', '4s', '--workers', '2', '--max-tokens', '12', '--sim-decode-ms', '10', '--sim-prefill-ms', '20',
      '--sim-faults', ALL_FAULTS, '--sim-seed', '7', '--stall-timeout', '300ms', '--drain-timeout', '5s',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('injecting faults');
    const s = r.summary;
    expect(s.status).toBe('completed');
    expect(s.requests.scheduled).toBe(160);
    expect(s.requests.sent).toBe(160);
    expect(accounted(s)).toBe(160);
    expect(r.rows.length).toBe(160);
    expect(s.requests.completed).toBeGreaterThan(40);
    for (const cls of ['reset', 'http_status', 'rate_limited', 'stall', 'stream_truncated', 'parse', 'server_error_event']) {
      expect(s.errors[cls], cls).toBeGreaterThan(0);
    }
    expect(Object.values(s.errors).reduce((a: number, b) => a + (b as number), 0)).toBe(s.requests.failed);
    const limited = r.rows.filter((x) => x.error_class === 'rate_limited');
    expect(limited.every((x) => x.retry_after === '1' && x.http_status === '429')).toBe(true);
    const http = r.rows.find((x) => x.error_class === 'http_status')!;
    expect(http.error_message).toContain('HTTP 500: {"error"');
    expect(r.rows.find((x) => x.error_class === 'parse')!.error_message).toContain('<<garbage from the simulator>>');
    const resets = r.rows.filter((x) => x.error_class === 'reset').map((x) => x.error_message.split(':')[0]);
    expect(new Set(resets)).toEqual(new Set(['before response headers', 'mid-stream']));
    // the schedule was kept: a generator held by failures would be late by a stall's length (seconds);
    // the bound leaves room for a busy 2-core machine's scheduling
    expect(s.client.send_lag_ms.p50).toBeLessThan(100);
    expect(r.stdout).toMatch(/errors: stall \d+/);
    // no socket or timer outlived its request: the threads ended holding their message ports only
    expect(Object.keys(s.client.handles_at_end)).toEqual(['MessagePort']);
  });

  it('--ttft-timeout and --max-response-bytes classify timeout and response_too_large', async () => {
    const [slow, big] = await Promise.all([
      spawnCli(['--rate', '5', '--duration', '1s', '--max-tokens', '5', '--sim-prefill-ms', '2000', '--ttft-timeout', '300ms', '--workers', '1']),
      spawnCli(['--rate', '5', '--duration', '1s', '--max-tokens', '40', '--sim-decode-ms', '2', '--max-response-bytes', '2000', '--workers', '1']),
    ]);
    expect(slow.summary.errors).toEqual({ timeout: 5 });
    expect(slow.rows[0].error_message).toContain('--ttft-timeout 300 ms');
    expect(Number(slow.rows[0].end_ms) - Number(slow.rows[0].sent_ms)).toBeLessThan(1500);
    expect(big.summary.errors).toEqual({ response_too_large: 5 });
    expect(big.rows.every((x) => Number(x.response_bytes) > 2000)).toBe(true);
  });
});
