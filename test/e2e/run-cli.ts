import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const execFileP = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The --results-dir given to the run (a fresh temporary folder). */
  dir: string;
}

/** Runs the built CLI with a fresh results folder and no progress output; never rejects. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
  const argv = [CLI, ...args, '--results-dir', dir, '--progress', 'none'];
  try {
    const { stdout, stderr } = await execFileP(process.execPath, argv, { maxBuffer: 1 << 26, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr, dir };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr, dir };
  }
}

/** A standalone simulator (`auto-testing sim`) on a free loopback port: its /v1 URL and its origin. */
export function startSimCli(args: string[]): Promise<{ url: string; origin: string; stop: () => void }> {
  const p = spawn(process.execPath, [CLI, 'sim', '--port', '0', ...args]);
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(err);
      if (m) resolve({ url: `${m[1]}/v1`, origin: m[1], stop: () => p.kill('SIGTERM') });
    });
    p.on('exit', (c) => reject(new Error(`sim exited ${c}: ${err}`)));
  });
}
