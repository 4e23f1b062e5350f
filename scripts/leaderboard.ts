/**
 * `npm run leaderboard [-- --inject README.md] [-- <run flags>]`: the whole refresh. Runs the workload
 * against every endpoint of leaderboard_data/endpoints.yaml, then renders leaderboard_data/README.md and
 * its charts from the results. Without that file it runs two simulated endpoints of different speeds
 * (a demo into results-demo/: the workload, then a short capacity search on each for the
 * throughput-latency chart), so a fresh clone shows what it makes.
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

/**
 * The demo: the seed's 10 req/s against a fast simulated server and a slower one with a quarter of its
 * slots, for 15 s: 150 requests each, LLMPerf's count per run (fewer marks a row). Then a capacity
 * search on each (3 s steps at 3, 6 and 12 req/s, past the slow one's ~11 req/s): the rates of the
 * throughput-latency chart.
 */
const DEMO = {
  results: join(ROOT, 'results-demo'),
  load: ['--rate', '10', '--duration', '15s', '--max-tokens', '50'],
  capacity: ['--from', '3', '--factor', '2', '--max-steps', '3', '--step-duration', '3s', '--precision', '25%', '--slo', 'ttft_p99<=1s', '--max-tokens', '50', '--progress', 'none'],
  sims: [
    { name: 'simulated-fast', args: ['--prefill-ms', '50', '--decode-ms', '10', '--slots', '64'] },
    { name: 'simulated-slow', args: ['--prefill-ms', '150', '--decode-ms', '25', '--slots', '16'] },
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

/** Writes the demo's endpoints file (its simulators on their ports); returns its path and the URLs. */
async function demoEndpoints(): Promise<{ file: string; urls: string[] }> {
  const urls = await Promise.all(DEMO.sims.map((s) => startSim(s.args)));
  const file = join(DEMO.results, 'endpoints.yaml');
  mkdirSync(DEMO.results, { recursive: true });
  writeFileSync(file, DEMO.sims.map((s, i) => `- { name: ${s.name}, url: '${urls[i]}', api: openai-chat, model: auto-testing-sim }`).join('\n') + '\n');
  return { file, urls };
}

/** A capacity search on each demo simulator; exit codes 0 (found), 3 (no passing rate) and 4 (client-limited) are all results. */
async function demoCapacity(urls: string[]): Promise<number> {
  for (const [i, sim] of DEMO.sims.entries()) {
    const code = await cli(['capacity', '--endpoint', urls[i], '--model', 'auto-testing-sim', '--name', sim.name, ...DEMO.capacity, '--results-dir', join(DEMO.results, sim.name, 'capacity')]);
    if (![0, 3, 4].includes(code)) return code;
  }
  return 0;
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
    const sims = demo ? await demoEndpoints() : null;
    runCode = await cli(['--endpoints', sims?.file ?? ENDPOINTS, '--workload', WORKLOAD, ...(demo ? DEMO.load : []), '--results-dir', results, ...args]);
    if (runCode !== 0 && runCode !== 1 && runCode !== 3) return runCode;
    if (sims) {
      const code = await demoCapacity(sims.urls);
      if (code !== 0) return code;
    }
    for (const c of children) c.kill('SIGTERM');
  }
  const out = join(ROOT, 'leaderboard_data', 'README.md');
  const render = await cli(['leaderboard', '--results', results, '--out', out, ...(typeof inject === 'string' ? ['--inject', inject] : [])]);
  return render || runCode;
}

process.on('SIGINT', () => undefined);
process.exitCode = await main().finally(() => {
  for (const c of children) c.kill('SIGTERM');
});
