import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { accounted, spawnCli } from './spawn-cli.js';

const QUICK = ['--max-tokens', '8', '--sim-decode-ms', '10', '--sim-prefill-ms', '20'];

describe.concurrent('interruptions leave a consistent results folder', () => {
  it('a worker thread that crashes: reported, its requests accounted for, the other worker finishes its stripe', async () => {
    const r = await spawnCli(['--rate', '20', '--duration', '3s', '--workers', '2', ...QUICK], { env: { AUTO_TESTING_TEST_CRASH_WORKER: '1@1s' } });
    expect(r.code).toBe(1);
    const s = r.summary;
    expect(s.status).toBe('failed');
    expect(s.status_reason).toMatch(/worker 1: .*test crash/);
    expect(s.requests.scheduled).toBe(60);
    expect(accounted(s)).toBe(60);
    expect(r.rows.length).toBe(60);
    const w0 = r.rows.filter((x) => x.worker === '0');
    expect(w0.every((x) => x.outcome === 'completed')).toBe(true);
    const late1 = r.rows.filter((x) => x.worker === '1' && Number(x.scheduled_ms) > 1500);
    expect(late1.length).toBeGreaterThan(5);
    expect(late1.every((x) => x.outcome === 'dropped' && x.error_message.includes('worker 1 died'))).toBe(true);
    expect(r.stdout).toContain('failed');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s: status interrupted with the reason, every fired request written', async (sig) => {
    const r = await spawnCli(['--rate', '20', '--duration', '20s', '--workers', '1', ...QUICK], { signal: { name: sig, afterText: 'SIMULATED', afterMs: 3000 } });
    expect(r.code).toBe(130);
    const s = r.summary;
    expect(s.status).toBe('interrupted');
    expect(s.status_reason).toBe(`received ${sig}`);
    // on a loaded machine the signal may even come before the first arrival: the folder is consistent either way
    expect(s.requests.scheduled).toBeLessThan(400);
    expect(accounted(s)).toBe(s.requests.scheduled);
    expect(r.rows.length).toBe(s.requests.scheduled);
  });
});

describe.concurrent('the results folder cannot be written', () => {
  it('before the run: --results-dir under a regular file is bad input (exit 2)', async () => {
    const base = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    writeFileSync(join(base, 'file'), 'x');
    const r = await spawnCli(['--rate', '5', '--duration', '1s'], { dir: join(base, 'file', 'sub') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--results-dir: cannot write to/);
  });

  it('the first summary write fails (1 KiB file size limit: the probe and the CSV header fit, summary.json does not): one clear line, exit 1', async () => {
    // a run folder is claimed by creating its requests.csv exclusively, so a requests.csv symlinked to
    // /dev/full can no longer stand in for a full disk; any write error takes this path alike
    const r = await spawnCli(['--rate', '5', '--duration', '1s', '--run-id', 'full'], { shellPrefix: 'ulimit -f 1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*summary\.json: EFBIG.*nothing was measured/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a write failing mid-run (file size limit): the run stops, requests.csv is cut back to its last whole row, summary says failed and why', async () => {
    // 32 KiB: the summary (about 16 kB) fits, requests.csv outgrows it after about 180 rows; the batch that
    // crosses the limit is written in part (the kernel fills the file up to it), then fails with EFBIG
    const r = await spawnCli(['--rate', '60', '--duration', '6s', '--workers', '1', '--run-id', 'capped', ...QUICK], { shellPrefix: 'ulimit -f 32' });
    expect(r.code).toBe(1);
    const s = r.summary;
    expect(s.status).toBe('failed');
    expect(s.status_reason).toMatch(/cannot write .*requests\.csv: EFBIG/);
    expect(s.requests.scheduled).toBeLessThan(360);
    expect(accounted(s)).toBe(s.requests.scheduled);
    expect(r.stderr).toContain('stopping the run');
    const csv = readFileSync(join(r.dir, 'capped', 'requests.csv'), 'utf8');
    // the partial row is gone: the file is below the limit it reached, ends with a newline, every row is whole
    expect(Buffer.byteLength(csv)).toBeLessThan(32 * 1024);
    expect(csv.endsWith('\n')).toBe(true);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.length).toBeLessThan(s.requests.scheduled);
    expect(rows.every((x) => ['completed', 'failed', 'dropped', 'incomplete'].includes(x.outcome))).toBe(true);
  });
});
