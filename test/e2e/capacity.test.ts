import { createServer, type AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { spawnCli } from './spawn-cli.js';

describe('auto-testing capacity against the simulator', () => {
  // 4 slots, each request holding one for prefill 10 ms + 19 x 10 ms decode = 200 ms: 20 req/s at most
  const CAPACITY = 20;
  const PRECISION = 0.35;

  it('finds the knee within the stated precision and stops a clearly failing step early', async () => {
    const r = await runCli([
      'capacity', '--from', '10', '--factor', '3', '--precision', `${PRECISION * 100}%`, '--step-duration', '2s', '--slo', 'ttft_p99<=300ms',
      '--sim-slots', '4', '--sim-prefill-ms', '10', '--sim-decode-ms', '10', '--max-tokens', '20', '--drain-timeout', '1s',
      // a shared 2-core test machine lags by milliseconds; the verdict logic is what is under test here
      '--max-send-lag', '1s',
    ]);
    expect(r.code).toBe(0);
    const [folder] = readdirSync(r.dir);
    const c = JSON.parse(readFileSync(join(r.dir, folder, 'capacity.json'), 'utf8'));
    expect(c.end).toBe('converged');
    const { rate: knee, first_failing_rate: fail } = c.knee;
    expect(knee).toBeGreaterThanOrEqual(CAPACITY / (1 + PRECISION));
    expect(knee).toBeLessThanOrEqual(CAPACITY * 1.05);
    expect(fail - knee).toBeLessThanOrEqual(PRECISION * knee);
    expect(r.stdout).toContain(`knee ${knee} req/s`);

    // 30 req/s is 1.5 x capacity: the queue grows from the start and the step is cut short
    const step30 = c.steps.find((s: any) => s.rate === 30);
    expect(step30.verdict).toBe('fail');
    expect(step30.early_stop.atMs).toBeLessThan(2000);
    const summary30 = JSON.parse(readFileSync(join(r.dir, folder, step30.folder, 'summary.json'), 'utf8'));
    expect(summary30.requests.scheduled).toBeLessThan(60);
    expect(summary30.status_reason).toContain('stopped early');
    expect(readdirSync(join(r.dir, folder)).filter((f) => f.startsWith('step-'))).toHaveLength(c.steps.length);
    expect(c.chart).toBe('capacity.png');
    expect(readFileSync(join(r.dir, folder, 'capacity.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('Ctrl-C right after a step: capacity.json says interrupted with the steps done, exit 130', async () => {
    // the signal lands while the next step starts (simulator and threads coming up), before it fires
    const r = await spawnCli(
      ['capacity', '--from', '5', '--step-duration', '1s', '--slo', 'error_rate<=50%', '--max-tokens', '8', '--sim-decode-ms', '10', '--workers', '1', '--max-send-lag', '1s'],
      { signal: { name: 'SIGINT', afterText: 'req/s: pass', afterMs: 0 } },
    );
    expect(r.code).toBe(130);
    const [folder] = readdirSync(r.dir);
    const c = JSON.parse(readFileSync(join(r.dir, folder, 'capacity.json'), 'utf8'));
    expect(c.end).toBe('interrupted');
    expect(c.end_reason).toBe('received SIGINT');
    expect(c.steps.map((s: any) => [s.rate, s.verdict])).toEqual([[5, 'pass']]);
    expect(c.knee.rate).toBe(5);
    // a step folder the signal cut short is finished too, never left running
    for (const step of readdirSync(join(r.dir, folder)).filter((f) => f.startsWith('step-'))) {
      expect(JSON.parse(readFileSync(join(r.dir, folder, step, 'summary.json'), 'utf8')).status).not.toBe('running');
    }
    expect(r.stdout).toContain('search interrupted (received SIGINT) after 1 step(s)');
  });

  it('a search that would step past 50,000 req/s is refused before any step: one line naming --max-steps and the fix, exit 2, nothing written', async () => {
    const r = await runCli(['capacity', '--from', '1000', '--factor', '4', '--max-steps', '5', '--slo', 'ttft_p99<=1s']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('auto-testing:'))).toEqual([
      'auto-testing: --max-steps: step 4 would be 64,000 req/s (--from 1000, x 4 per step), beyond the 50,000 req/s one process can send; use --max-steps 3 or fewer, or a lower --from or --factor',
    ]);
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('a --prometheus-port already taken is refused before the search claims its folder: one line naming it, exit 2', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = String((taken.address() as AddressInfo).port);
      const r = await runCli(['capacity', '--from', '2', '--slo', 'ttft_p99<=1s', '--prometheus-port', port]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l.includes('port'))).toEqual([expect.stringMatching(/^auto-testing: --prometheus-port: cannot listen on 127\.0\.0\.1:\d+ \(.*EADDRINUSE.*\); choose another port/)]);
      expect(readdirSync(r.dir)).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it('bad search flags are refused before any step: exit 2', async () => {
    const r = await runCli(['capacity', '--from', '0', '--precision', 'ten', '--slo', 'ttft_p99<=1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from');
    expect(r.stderr).toContain('--precision');
    expect(readdirSync(r.dir)).toEqual([]);
  });
});
