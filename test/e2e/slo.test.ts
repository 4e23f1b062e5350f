import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

function summaryOf(dir: string): any {
  const [run] = readdirSync(dir);
  return JSON.parse(readFileSync(join(dir, run, 'summary.json'), 'utf8'));
}

const SHORT = ['--rate', '10', '--duration', '1s', '--max-tokens', '5', '--sim-prefill-ms', '5'];

describe.concurrent('--slo end to end', () => {
  it('every objective met: exit 0, a table of verdicts, summary.json.slo', async () => {
    const r = await runCli([...SHORT, '--sim-decode-ms', '5', '--slo', 'ttft_p99<=5s,tpot_p50<=500ms,itl_p99<=1000ms,error_rate<=1%,requests_completed>=10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ttft_p99<=5s\s+│\s+[\d.]+s\s+│\s+pass/);
    expect(r.stdout).toContain('SLO: all 5 objective(s) met');
    const s = summaryOf(r.dir);
    expect(s.slo.passed).toBe(true);
    expect(s.slo.results).toHaveLength(5);
    expect(s.goodput).toMatchObject({ good: 10, total: 10 });
  });

  it('one objective failed: exit 3; dropped arrivals count against the good fraction', async () => {
    const r = await runCli([...SHORT, '--sim-decode-ms', '50', '--max-in-flight', '2', '--slo', 'good_fraction>=90%,ttft_p99<=10s']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/good_fraction>=90%\s+│\s+[\d.]+%\s+│\s+FAIL/);
    const s = summaryOf(r.dir);
    expect(s.requests.dropped).toBeGreaterThan(0);
    expect(s.goodput).toMatchObject({ total: 10, good: s.requests.completed });
    expect(s.slo.results.map((x: any) => x.passed)).toEqual([false, true]);
  });

  it('an unknown metric is refused before anything is sent: exit 2, one line naming --slo', async () => {
    const r = await runCli([...SHORT, '--slo', 'ttft_p98<=2s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^auto-testing: --slo: 'ttft_p98<=2s': unknown metric/m);
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('an slo list in a --workload file is checked like --slo, and its problems name the file and key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'at-slo-')), 'w.yaml');
    writeFileSync(file, 'rate: 5\nduration: 1s\nmax-tokens: 3\nslo: [ttft_p99<=10s, requests_completed>=6]\n');
    const r = await runCli(['--workload', file]);
    expect(r.code).toBe(3);
    expect(summaryOf(r.dir).slo.results.map((x: any) => [x.slo, x.passed])).toEqual([['ttft_p99<=10s', true], ['requests_completed>=6', false]]);
    writeFileSync(file, 'slo: [ttft_p99<=10]\n');
    const bad = await runCli(['--workload', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: slo: 'ttft_p99<=10': ttft_p99 is a time`);
  });
});
