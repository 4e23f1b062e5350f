/**
 * The CLI's start-up cost: a refused flag, the simulator until it listens, and a 0.5 s simulated run, each
 * timed from spawn (wall) and in CPU (user + system of the process and its children: the simulator child,
 * the worker threads). Medians of interleaved runs, so a busy machine slows every tree alike.
 *
 *   npm run build && node dist/scripts/startup.js [OTHER_CHECKOUT ...] [--reps 9]
 *
 * Each tree is a checkout with its own `npm run build` done; this one is always measured. Needs GNU time
 * (/usr/bin/time) to count the children's CPU.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Case {
  args: string[];
  /** Stop at the first stderr that matches (the process would run on); else wait for its exit. */
  until?: RegExp;
  resultsDir?: boolean;
}

const CASES: Record<string, Case> = {
  'refused flag (--rate -1)': { args: ['--rate', '-1'] },
  'sim listening (sim --port 0)': { args: ['sim', '--port', '0'], until: /simulated endpoint at http:/ },
  'simulated run of 0.5 s': { args: ['--rate', '2', '--duration', '0.5s', '--max-tokens', '2', '--progress', 'none'], resultsDir: true },
};

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function once(root: string, c: Case): Promise<Sample> {
  const dir = c.resultsDir ? mkdtempSync(join(tmpdir(), 'at-startup-')) : null;
  const args = [join(root, 'dist', 'src', 'cli', 'main.js'), ...c.args, ...(dir ? ['--results-dir', dir] : [])];
  const t0 = performance.now();
  // its own process group: GNU time ignores SIGINT, the CLI under it stops on it
  const p = spawn('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  let wallMs: number | null = null;
  p.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (c.until && wallMs === null && c.until.test(err)) {
      wallMs = performance.now() - t0;
      process.kill(-p.pid!, 'SIGINT');
    }
  });
  return new Promise((done) => {
    p.on('close', () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      done({ wallMs: wallMs ?? performance.now() - t0, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--reps');
  const reps = at >= 0 ? Number(argv[at + 1]) : 9;
  const others = argv.filter((_, i) => i !== at && i !== at + 1).map((p) => resolve(p));
  const roots = [resolve(import.meta.dirname, '..', '..'), ...others];
  for (const [name, c] of Object.entries(CASES)) {
    const samples = roots.map((): Sample[] => []);
    for (let i = 0; i < reps; i++) for (const [k, root] of roots.entries()) samples[k].push(await once(root, c));
    const cells = roots.map((root, k) => `${root}: wall ${median(samples[k].map((s) => s.wallMs)).toFixed(0)} ms, CPU ${median(samples[k].map((s) => s.cpuMs)).toFixed(0)} ms`);
    console.log(`${name} (median of ${reps}):\n  ${cells.join('\n  ')}`);
  }
}

await main();
