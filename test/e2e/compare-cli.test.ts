import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startSimCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURE_RUN = join(ROOT, 'test', 'fixtures', 'results', 'fast-sim', 'cli', '20261123T120000Z-fast-sim');

function compare(args: string[]): { code: number | null; stdout: string; stderr: string; out: string } {
  const out = mkdtempSync(join(tmpdir(), 'at-compare-'));
  const r = spawnSync(process.execPath, [CLI, 'compare', ...args, '--out', out], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out };
}

const LOAD = ['--rate', '10', '--duration', '3s', '--max-tokens', '20', '--tokenizer', 'none', '--arrival', 'poisson'];

describe('auto-testing compare on simulator runs', () => {
  it('the same run under two names: no change on any metric, the gate passes; decode 20 ms vs 30 ms: ITL significantly worse and the gate exits 3', async () => {
    // Two live runs of the same settings differ by however the machine schedules each process, which a
    // busy 2-core machine can make "significant"; that two samples of one distribution are judged alike
    // is compareRuns' unit test. Here: the command reads real run folders, and identical ones never move.
    // without a prefix cache: whichever request comes first would pay the prefill the other skips
    const sim20 = await startSimCli(['--decode-ms', '20', '--prefix-cache-tokens', '0']);
    const sim30 = await startSimCli(['--decode-ms', '30', '--prefix-cache-tokens', '0']);
    const at = (sim: { url: string }) => ['--endpoint', sim.url, '--model', 'auto-testing-sim'];
    const [a1, b] = await Promise.all([
      runCli([...LOAD, ...at(sim20), '--seed', '1', '--run-id', 'a1']),
      runCli([...LOAD, ...at(sim30), '--seed', '1', '--run-id', 'b']),
    ]).finally(() => {
      sim20.stop();
      sim30.stop();
    });
    for (const r of [a1, b]) expect(r.code, r.stderr).toBe(0);
    const A1 = join(a1.dir, 'a1');
    const A2 = join(a1.dir, 'a1-again');
    cpSync(A1, A2, { recursive: true });
    const B = join(b.dir, 'b');

    const same = compare([A1, A2, '--fail-on-regression', 'itl_p50>10%,ttft_p50>10%,e2e_p50>10%,tpot_p50>10%']);
    expect(same.code, same.stdout).toBe(0);
    const sameJson = JSON.parse(readFileSync(join(same.out, 'compare.json'), 'utf8'));
    const v = (j: any, name: string) => j.comparisons[0].changes.find((c: any) => c.name === name);
    for (const name of ['itl_p50', 'ttft_p50', 'e2e_p50', 'tpot_p50']) {
      expect(v(sameJson, name).verdict, `${name}\n${same.stdout}`).toBe('no significant change');
      expect(v(sameJson, name).relative.estimate, name).toBe(0);
    }
    expect(sameJson.regression).toEqual({ rules: ['itl_p50>10%', 'ttft_p50>10%', 'e2e_p50>10%', 'tpot_p50>10%'], breaches: [], failed: false });

    const slower = compare([A1, B, '--fail-on-regression', 'itl_p50>10%']);
    expect(slower.code, slower.stderr).toBe(3);
    const j = JSON.parse(readFileSync(join(slower.out, 'compare.json'), 'utf8'));
    expect(v(j, 'itl_p50')).toMatchObject({ verdict: 'worse', significant: true });
    // 30 ms against 20 ms is +50 %; a loaded machine delays both simulators' timers, which narrows it
    expect(v(j, 'itl_p50').relative.estimate).toBeGreaterThan(0.2);
    expect(j.regression.breaches).toEqual([{ rule: 'itl_p50>10%', candidate: 'B', change: expect.any(String) }]);
    expect(slower.stdout).toContain('REGRESSION: itl_p50>10% in B');
    expect(readFileSync(join(slower.out, 'compare.html'), 'utf8')).toContain('data-metric="itl_p50" data-verdict="worse"');
  });

  it('runs of different workloads are refused in words (exit 2) unless --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-compare-runs-'));
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    cpSync(FIXTURE_RUN, a, { recursive: true });
    cpSync(FIXTURE_RUN, b, { recursive: true });
    const summary = JSON.parse(readFileSync(join(b, 'summary.json'), 'utf8'));
    summary.workload.rate = 6;
    writeFileSync(join(b, 'summary.json'), JSON.stringify(summary));
    const rate = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')).workload.rate;
    const refused = compare([a, b]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`workloads differ: rate: ${rate} in A, 6 in B`);
    expect(refused.stderr).toContain('--force');
    const forced = compare([a, b, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`WARNING: workloads differ: rate: ${rate} in A, 6 in B`);
  });

  it('bad input: one line per problem, exit 2', () => {
    const r = compare(['/nonexistent', '--fail-on-regression', 'itl>10%']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give at least two run folders');
    expect(r.stderr).toContain("'/nonexistent' is not a run folder");
    expect(r.stderr).toContain("--fail-on-regression: 'itl>10%'");
  });
});
