/**
 * `npm run leaderboard [-- --inject README.md] [-- <run flags>]`: the whole refresh. Runs the workload
 * against every endpoint of leaderboard_data/endpoints.yaml, then renders leaderboard_data/README.md and
 * its charts from the results. Without that file it runs two simulated endpoints of different speeds
 * (a short demo into results-demo/), so a fresh clone shows what it makes.
 * `--render-only` skips the runs; other flags go to the load run (e.g. `--duration 30s`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const ENDPOINTS = join(ROOT, 'leaderboard_data', 'endpoints.yaml');
/** Relative to ROOT (every child runs there), so the path saved in summary.json is the same on every machine. */
const WORKLOAD = 'workloads/auto-testing.yaml';

/** The demo: the same arrivals against a fast simulated server and one with a quarter of the slots. */
const DEMO = {
  results: join(ROOT, 'results-demo'),
  load: ['--rate', '5', '--duration', '10s', '--max-tokens', '50'],
  sims: [
    { name: 'simulated-fast', args: ['--prefill-ms', '50', '--decode-ms', '10', '--slots', '64'] },
    { name: 'simulated-slow', args: ['--prefill-ms', '150', '--decode-ms', '25', '--slots', '4'] },
  ],
};

const children: ChildProcess[] = [];

function cli(args: string[]): Promise<number> {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit', cwd: ROOT });
  return new Promise((resolve) => p.on('close', (code) => resolve(code ?? 1)));
}

/** `auto-testing sim` on a free loopback port, stopped when this script ends. */
function startSim(args: string[]): Promise<string> {
  const p = spawn(process.execPath, [CLI, 'sim', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(p);
  let err = '';
  return new Promise((resolve, reject) => {
    p.stderr!.on('data', (d) => {
      err += d;
      const url = /http:\/\/127\.0\.0\.1:\d+\/v1/.exec(err)?.[0];
      if (url) resolve(url);
    });
    p.once('exit', (code) => reject(new Error(`simulator exited ${code}: ${err}`)));
  });
}

/** Writes the demo's endpoints file (its simulators on their ports) and returns its path. */
async function demoEndpoints(): Promise<string> {
  const urls = await Promise.all(DEMO.sims.map((s) => startSim(s.args)));
  const file = join(DEMO.results, 'endpoints.yaml');
  mkdirSync(DEMO.results, { recursive: true });
  writeFileSync(file, DEMO.sims.map((s, i) => `- { name: ${s.name}, url: '${urls[i]}', api: openai-chat, model: auto-testing-sim }`).join('\n') + '\n');
  return file;
}

function takeFlag(args: string[], flag: string, withValue: boolean): string | boolean | null {
  const i = args.indexOf(flag);
  if (i < 0) return null;
  const [, value] = args.splice(i, withValue ? 2 : 1);
  return withValue ? value : true;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const inject = takeFlag(args, '--inject', true);
  const renderOnly = takeFlag(args, '--render-only', false);
  const demo = !existsSync(ENDPOINTS);
  const results = demo ? DEMO.results : join(ROOT, 'results');
  let runCode = 0;
  if (!renderOnly) {
    if (demo) console.error(`npm run leaderboard: no ${ENDPOINTS}: running the simulated demo (copy leaderboard_data/endpoints.example.yaml there for real endpoints)`);
    const endpoints = demo ? await demoEndpoints() : ENDPOINTS;
    runCode = await cli(['--endpoints', endpoints, '--workload', WORKLOAD, ...(demo ? DEMO.load : []), '--results-dir', results, ...args]);
    for (const c of children) c.kill('SIGTERM');
    if (runCode !== 0 && runCode !== 1 && runCode !== 3) return runCode;
  }
  const out = join(ROOT, 'leaderboard_data', 'README.md');
  const render = await cli(['leaderboard', '--results', results, '--out', out, ...(typeof inject === 'string' ? ['--inject', inject] : [])]);
  return render || runCode;
}

process.on('SIGINT', () => undefined);
process.exitCode = await main().finally(() => {
  for (const c of children) c.kill('SIGTERM');
});
