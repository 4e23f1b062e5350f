import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FAST_SIM = ['--sim-prefill-ms', '5', '--sim-decode-ms', '2', '--progress', 'none'];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; summary: any; rows: Record<string, string>[]; folder: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'at-wl-'));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args, ...FAST_SIM, '--results-dir', dir], { cwd: ROOT });
    let stderr = '';
    let stdout = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.on('data', (d) => (stdout += d));
    p.on('close', (code) => {
      const [run] = readdirSync(dir);
      const read = (f: string) => readFileSync(join(dir, run, f), 'utf8');
      resolve({
        code, stdout, stderr, folder: run ? join(dir, run) : null,
        summary: run ? JSON.parse(read('summary.json')) : null,
        rows: run ? table(read('requests.csv')) : [],
      });
    });
  });
}

/** requests.csv as objects by column name (no quoted commas in the columns these tests read). */
function table(csv: string): Record<string, string>[] {
  const [head, ...lines] = csv.trim().split('\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
}

describe.concurrent('shipped workloads against the simulator (shortened by flags)', () => {
  it('auto-testing.yaml: open loop at 10 req/s', async () => {
    const r = await cli(['--workload', 'workloads/auto-testing.yaml', '--duration', '1s', '--max-tokens', '3']);
    expect(r.code).toBe(0);
    expect(r.summary.run).toMatchObject({ mode: 'open', rate: 10, arrival: 'constant' });
    expect(r.summary.workload).toMatchObject({ file: 'workloads/auto-testing.yaml', rate: 10, duration_s: 1 });
    expect(r.summary.requests).toMatchObject({ scheduled: 10, completed: 10 });
  });

  it.each(['llmperf-550-150', 'llmperf-1024-1024'])('%s.yaml: closed loop stops at exactly --max-requests, across workers', async (name) => {
    const r = await cli(['--workload', `workloads/${name}.yaml`, '--max-requests', '9', '--mean-output-tokens', '4', '--stddev-output-tokens', '0', '--workers', '2']);
    expect(r.code).toBe(0);
    const s = r.summary;
    expect(s.run.mode).toBe('closed');
    expect(s.run.rate).toBeNull();
    expect(s.client.send_lag_ms).toBeNull();
    expect(s.requests).toMatchObject({ scheduled: 9, sent: 9, completed: 9 });
    expect(r.rows.map((c) => Number(c.id)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // synthesized prompts of exactly the workload's input length under llama2, counted back on the answers too
    const inputTokens = name === 'llmperf-550-150' ? '550' : '1024';
    expect(r.rows.every((c) => c.input_tokens_client === inputTokens && Number(c.output_tokens_client) > 0)).toBe(true);
    expect(s.workload.prompts).toMatchObject({ source: 'synthetic', tokenizer: 'llama2', exact_output: true });
    expect(s.run.prompt_generation_ms).toBeGreaterThan(0);
  });

  it('closed loop with --timeout and no --max-requests stops on time', async () => {
    const r = await cli(['--concurrency', '2', '--timeout', '1s', '--max-tokens', '5', '--drain-timeout', '2s']);
    expect(r.code).toBe(0);
    expect(r.summary.requests.completed).toBeGreaterThan(4);
    // on time by the run's own clock: in closed loop a request's due time is the moment it was fired, and
    // none is fired at or after the 1 s deadline (a ceiling on elapsed seconds would be a wall-clock budget)
    expect(r.rows.length).toBe(r.summary.requests.scheduled);
    expect(Math.max(...r.rows.map((c) => Number(c.scheduled_ms)))).toBeLessThan(1000);
    expect(r.summary.requests.incomplete).toBe(0);
  });

  it('--ramp fires the integral of the rate over the stages', async () => {
    const r = await cli(['--ramp', '0:1s,8:1s', '--max-tokens', '2']);
    expect(r.code).toBe(0);
    expect(r.summary.run.arrival).toBe('ramp');
    expect(r.summary.requests.scheduled).toBe(4);
    expect(r.rows.every((c) => Number(c.scheduled_ms) >= 1000)).toBe(true);
  });

  it('a bad workload file: exit 2, nothing sent', async () => {
    const r = await cli(['--workload', 'workloads/nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--workload: cannot read 'workloads/nope.yaml'");
    expect(r.summary).toBeNull();
  });
});

describe.concurrent('prompt sources end to end', () => {
  it('--mean-input-tokens in open loop: the first second of prompts built before t0, the rest during the run, exact counts', async () => {
    const r = await cli(['--rate', '8', '--duration', '3s', '--mean-input-tokens', '40', '--stddev-input-tokens', '8', '--max-tokens', '3', '--tokenizer', 'cl100k', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.summary.workload.prompts).toMatchObject({ source: 'synthetic', tokenizer: 'cl100k', mean_input_tokens: 40 });
    expect(r.summary.schema_version).toBeGreaterThanOrEqual(4);
    expect(r.summary.client.prompts).toMatchObject({ look_ahead_ms: 1000, built: 24, built_before_t0: 8, late: 0 });
    expect(r.summary.warnings.filter((w: string) => w.includes('PROMPTS'))).toEqual([]);
    const counts = r.rows.map((c) => Number(c.input_tokens_client));
    expect(counts).toHaveLength(24);
    expect(new Set(counts).size).toBeGreaterThan(1);
    expect(r.rows.every((c) => c.requested_output_tokens === '3')).toBe(true);
  });

  it('--dataset: prompts in turn, output_tokens as max_tokens; bad lines are exit 2 with line numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-ds-'));
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, '{"prompt":"one two","output_tokens":3}\n{"prompt":"three","output_tokens":5}\n');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"prompt":"ok"}\n{"prompt":3}\n');
    const [r, b] = await Promise.all([cli(['--rate', '4', '--duration', '1s', '--dataset', good]), cli(['--dataset', bad])]);
    expect(r.code).toBe(0);
    expect(r.summary.workload.prompts).toMatchObject({ source: 'dataset', prompts_in_dataset: 2 });
    const byId = Object.fromEntries(r.rows.map((c) => [c.id, c]));
    expect([0, 1, 2, 3].map((i) => byId[i].requested_output_tokens)).toEqual(['3', '5', '3', '5']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${bad}:2: "prompt" must be a non-empty string`);
    expect(b.summary).toBeNull();
  });
});

describe('auto-testing correctness', () => {
  it('checks every answer: the simulator answers right, except the fraction it is told to get wrong', async () => {
    const [ok, bad] = await Promise.all([cli(['correctness', '--max-requests', '12']), cli(['correctness', '--max-requests', '40', '--sim-wrong-answers', '0.5'])]);
    expect(ok.code).toBe(0);
    expect(ok.summary.run.mode).toBe('closed');
    expect(bad.code).toBe(4);
    const report = JSON.parse(readFileSync(join(bad.folder!, 'correctness.json'), 'utf8'));
    expect(report.checked).toBe(40);
    expect(report.mismatch_rate).toBeGreaterThan(0.2);
    expect(report.mismatch_rate).toBeLessThan(0.8);
    expect(report.examples[0].answer).toContain(String(report.examples[0].expected + 1));
    expect(bad.stdout).toMatch(/correctness {2}checked 40 {2}mismatched \d+/);
    // the simulator counts the number's tokens as the default tokenizer does (it was one token for ' 1234')
    expect(bad.summary.warnings.filter((w: string) => w.includes('TOKEN COUNTS'))).toEqual([]);
  });
});
