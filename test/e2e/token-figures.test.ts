import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface Run {
  code: number;
  stdout: string;
  summary: any;
  rows: Record<string, string>[];
}

async function run(args: string[]): Promise<Run> {
  const r = await runCli(args);
  const [folder] = readdirSync(r.dir);
  const [head, ...lines] = readFileSync(join(r.dir, folder, 'requests.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  return { code: r.code, stdout: r.stdout, summary: JSON.parse(readFileSync(join(r.dir, folder, 'summary.json'), 'utf8')), rows };
}

// prefill 100 ms, decode 20 ms a token (unless a test says otherwise); tolerances for loopback on a shared,
// heavily loaded 2-core machine: lower bounds are exact (the simulator cannot be early), upper ones generous
const sim = (decodeMs = 20) => ['--sim-prefill-ms', '100', '--sim-prefill-per-token-ms', '0', '--sim-decode-ms', String(decodeMs), '--rate', '5', '--duration', '1s'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const between = (v: number, lo: number, hi: number) => {
  expect(v).toBeGreaterThan(lo);
  expect(v).toBeLessThan(hi);
};

describe('reasoning streams (openai-chat)', () => {
  it('TTFT is the first reasoning token, TTFO the first answer token: prefill, then prefill + 10 x decode', async () => {
    const r = await run([...sim(), '--max-tokens', '20', '--sim-reasoning-tokens', '10']);
    const s = r.summary;
    expect(s.requests.completed).toBe(5);
    between(s.metrics.ttft_s.p50, 0.099, 0.5);
    between(s.metrics.ttfo_s.p50, 0.299, 0.8);
    between(median(r.rows.map((row) => Number(row.first_output_ms) - Number(row.first_token_ms))), 190, 400);
    expect(s.metrics.reasoning_tokens.mean).toBe(10);
    expect(s.tokens).toMatchObject({ output_total: 100, reasoning_total: 50, answer_total: 50 });
    // every generated token counts: TPOT = E2E / 20, not / 10
    expect(s.metrics.tpot_ms.p50).toBeCloseTo((s.metrics.e2e_s.p50 * 1000) / 20, 0);
    expect(r.stdout).toContain('TTFO (s)');
  });
});

describe('multi-token chunks: ITL per token apart from inter-chunk latency', () => {
  it('4 tokens a chunk: ITL per token = the decode interval (20 ms), inter-chunk = 4 x 20 ms', async () => {
    const r = await run([...sim(), '--max-tokens', '40', '--sim-tokens-per-chunk', '4']);
    const s = r.summary;
    expect(r.rows.every((row) => row.chunks === '10' && row.output_tokens === '40')).toBe(true);
    between(s.metrics.itl_ms.p50, 19, 26);
    between(s.metrics.inter_chunk_ms.p50 / s.metrics.itl_ms.p50, 3.6, 4.4);
    expect(s.metrics.inter_chunk_ms.count).toBe(5 * 9);
    // the first chunk holds 4 tokens: TTFT = prefill + 3 x decode
    between(s.metrics.ttft_s.p50, 0.159, 0.3);
  });

  it('random sizes with per-chunk usage (vLLM continuous_usage_stats): tokens are attributed from the server, ITL per token stays the decode interval', async () => {
    const usage = '{"stream_options":{"include_usage":true,"continuous_usage_stats":true}}';
    const r = await run([...sim(), '--max-tokens', '40', '--sim-tokens-per-chunk', '1-4', '--sampling-params', usage]);
    const s = r.summary;
    expect(s.requests.completed).toBe(5);
    expect(r.rows.every((row) => Number(row.first_chunk_tokens) >= 1 && Number(row.first_chunk_tokens) <= 4)).toBe(true);
    between(s.metrics.itl_ms.p50, 19, 26);
    expect(s.metrics.inter_chunk_ms.mean).toBeGreaterThan(s.metrics.itl_ms.mean);
  });
});

describe('the simulator misbehaving on purpose', () => {
  it('--sim-stop-early 0.5 --sim-usage-skew 0.8: short outputs counted with their finish_reason, usage 20 % below the client tokenizer; one warning each', async () => {
    const r = await run([...sim(5), '--max-tokens', '20', '--sim-stop-early', '0.5', '--sim-usage-skew', '0.8']);
    expect(r.rows.every((row) => row.finish_reason === 'stop' && row.chunks === '10' && row.output_tokens === '8')).toBe(true);
    expect(r.summary.token_checks.short_output).toEqual({ count: 5, completed: 5, finish_reasons: { stop: 5 } });
    expect(r.summary.warnings.filter((w: string) => w.startsWith('OUTPUT SHORT'))).toHaveLength(1);
    expect(r.stdout).toContain('WARNING: OUTPUT SHORT');
    // the client tokenizer counts the 10 streamed tokens; usage says 8: 25 % off on every request
    expect(r.rows.every((row) => row.output_tokens_client === '10')).toBe(true);
    expect(r.summary.token_checks.agreement.output).toEqual({ compared: 5, mean_rel_diff: 0.25, over_10pct: 5 });
    expect(r.summary.warnings.filter((w: string) => w.startsWith('TOKEN COUNTS DISAGREE (output)'))).toHaveLength(1);
  });

  it('bad simulator values name the flag', async () => {
    const r = await runCli(['--sim-tokens-per-chunk', '4-2', '--sim-stop-early', '1.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sim-tokens-per-chunk');
    expect(r.stderr).toContain('--sim-stop-early');
  });
});

describe('--arrival burst on the wire', () => {
  it('schedules exactly `rate` requests at each whole second and sends them within the send lag of it', async () => {
    const r = await run(['--arrival', 'burst', '--rate', '5', '--duration', '2s', '--max-tokens', '3', '--sim-decode-ms', '5']);
    expect(r.summary.run.arrival).toBe('burst');
    const sched = r.rows.map((row) => Number(row.scheduled_ms)).sort((a, b) => a - b);
    expect(sched).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000]);
    const lags = r.rows.map((row) => Number(row.sent_ms) - Number(row.scheduled_ms));
    // the pacer is exact (unit test); on the wire each request leaves after the ones before it in its
    // burst: about a millisecond apart on an idle machine. Bounded here only so that every burst stays
    // apart from the next (the machine running the suite is shared and busy)
    expect(lags.every((l) => l >= 0 && l < 500)).toBe(true);
    expect(median(lags)).toBeLessThan(100);
  });
});
