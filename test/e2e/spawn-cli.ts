import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  dir: string;
  summary: any;
  rows: Record<string, string>[];
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Send this signal this long after stderr first shows `afterText`. */
  signal?: { name: NodeJS.Signals; afterText: string; afterMs: number };
  /** Shell limits applied before exec, e.g. `ulimit -f 16`. */
  shellPrefix?: string;
  /** Use this results folder (default: a fresh temporary one). */
  dir?: string;
}

/** Runs the built CLI as a child process (env, signals, shell limits), then reads its run folder. */
export function spawnCli(args: string[], o: SpawnOptions = {}): Promise<Spawned> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'at-e2e-'));
  const argv = [CLI, ...args, '--results-dir', dir, '--progress', 'none'];
  const quoted = [process.execPath, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const p = o.shellPrefix
    ? spawn('bash', ['-c', `${o.shellPrefix}; exec ${quoted}`], { env: { ...process.env, ...o.env } })
    : spawn(process.execPath, argv, { env: { ...process.env, ...o.env } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  let armed = false;
  p.stderr.on('data', (d) => {
    stderr += d;
    if (o.signal && !armed && stderr.includes(o.signal.afterText)) {
      armed = true;
      const { name, afterMs } = o.signal;
      setTimeout(() => p.kill(name), afterMs);
    }
  });
  return new Promise((resolve) => {
    p.on('close', (code) => {
      const runs = existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')) : [];
      const folder = runs.length ? join(dir, runs[0]) : null;
      const file = (name: string) => (folder && existsSync(join(folder, name)) && statSync(join(folder, name)).isFile() ? readFileSync(join(folder, name), 'utf8') : null);
      const summary = file('summary.json');
      const csv = file('requests.csv');
      resolve({ code, stdout, stderr, dir, summary: summary ? JSON.parse(summary) : null, rows: csv ? parse(csv, { columns: true }) : [] });
    });
  });
}

export const accounted = (s: any) => s.requests.completed + s.requests.failed + s.requests.dropped + s.requests.incomplete;
