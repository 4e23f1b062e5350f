import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FAST_SIM = ['--sim-prefill-ms', '5', '--sim-decode-ms', '2', '--progress', 'none'];

function cli(args: string[]): Promise<{ code: number | null; stderr: string; summary: any; rows: string[][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'at-wl-'));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args, ...FAST_SIM, '--results-dir', dir], { cwd: ROOT });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      const [run] = readdirSync(dir);
      const read = (f: string) => readFileSync(join(dir, run, f), 'utf8');
      resolve({
        code, stderr,
        summary: run ? JSON.parse(read('summary.json')) : null,
        rows: run ? read('requests.csv').trim().split('\n').slice(1).map((l) => l.split(',')) : [],
      });
    });
  });
}

describe('shipped workloads against the simulator (shortened by flags)', () => {
  it('auto-testing.yaml: open loop at 10 req/s', async () => {
    const r = await cli(['--workload', 'workloads/auto-testing.yaml', '--duration', '1s', '--max-tokens', '3']);
    expect(r.code).toBe(0);
    expect(r.summary.run).toMatchObject({ mode: 'open', rate: 10, arrival: 'constant' });
    expect(r.summary.workload).toMatchObject({ file: 'workloads/auto-testing.yaml', rate: 10, duration_s: 1 });
    expect(r.summary.requests).toMatchObject({ scheduled: 10, completed: 10 });
  });

  it.each(['llmperf-550-150', 'llmperf-1024-1024'])('%s.yaml: closed loop stops at exactly --max-requests, across workers', async (name) => {
    const r = await cli(['--workload', `workloads/${name}.yaml`, '--max-requests', '9', '--max-tokens', '4', '--workers', '2']);
    expect(r.code).toBe(0);
    const s = r.summary;
    expect(s.run.mode).toBe('closed');
    expect(s.run.rate).toBeNull();
    expect(s.client.send_lag_ms).toBeNull();
    expect(s.requests).toMatchObject({ scheduled: 9, sent: 9, completed: 9 });
    expect(r.rows.map((c) => Number(c[0])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('closed loop with --timeout and no --max-requests stops on time', async () => {
    const r = await cli(['--concurrency', '2', '--timeout', '1s', '--max-tokens', '5', '--drain-timeout', '2s']);
    expect(r.code).toBe(0);
    expect(r.summary.requests.completed).toBeGreaterThan(4);
    expect(r.summary.run.elapsed_s).toBeLessThan(3);
  });

  it('--ramp fires the integral of the rate over the stages', async () => {
    const r = await cli(['--ramp', '0:1s,8:1s', '--max-tokens', '2']);
    expect(r.code).toBe(0);
    expect(r.summary.run.arrival).toBe('ramp');
    expect(r.summary.requests.scheduled).toBe(4);
    expect(r.rows.every((c) => Number(c[4]) >= 1000)).toBe(true);
  });

  it('a bad workload file: exit 2, nothing sent', async () => {
    const r = await cli(['--workload', 'workloads/nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--workload: cannot read 'workloads/nope.yaml'");
    expect(r.summary).toBeNull();
  });
});
