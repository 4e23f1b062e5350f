import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const SHORT = ['--rate', '4', '--duration', '0.5s', '--max-tokens', '4', '--workers', '1'];
const ESC = '\x1b[';

describe('terminal output', () => {
  it('a closed stdout and stderr (`| head -1`) never stop a run: exit 0, every results file written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    const p = spawn(process.execPath, [CLI, ...SHORT, '--results-dir', dir, '--progress', 'plain']);
    // the readers go away at once, as `head -1` does after its line: every later write is EPIPE
    p.stdout.destroy();
    p.stderr.destroy();
    const code = await new Promise<number | null>((done) => p.on('close', done));
    expect(code).toBe(0);
    const [run] = readdirSync(dir);
    expect(readdirSync(join(dir, run)).sort()).toEqual(['buckets.csv', 'report.html', 'requests.csv', 'summary.json', 'timeseries.csv']);
    const summary = JSON.parse(readFileSync(join(dir, run, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('completed');
    expect(summary.requests.completed).toBe(2);
  });

  it('colours with FORCE_COLOR, none with NO_COLOR (which wins) or --no-color', async () => {
    const [forced, noColorEnv, noColorFlag] = await Promise.all([
      runCli(SHORT, { FORCE_COLOR: '1' }),
      runCli(SHORT, { FORCE_COLOR: '1', NO_COLOR: '1' }),
      runCli([...SHORT, '--no-color'], { FORCE_COLOR: '1' }),
    ]);
    for (const r of [forced, noColorEnv, noColorFlag]) expect(r.code, r.stderr).toBe(0);
    expect(forced.stdout).toContain(ESC);
    expect(noColorEnv.stdout + noColorEnv.stderr).not.toContain(ESC);
    expect(noColorFlag.stdout + noColorFlag.stderr).not.toContain(ESC);
  });
});
