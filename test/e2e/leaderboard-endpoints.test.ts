import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const sims: { stop: () => void }[] = [];

/** `auto-testing sim` on a free loopback port, stopped after the tests: its /v1 URL. */
async function startSim(args: string[]): Promise<string> {
  const sim = await startSimCli(args);
  sims.push(sim);
  return sim.url;
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [CLI, ...args]);
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr })));
}

function tableRows(md: string, title: string): string[] {
  const section = md.split(`## ${title}\n`)[1].split('\n## ')[0];
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Framework')).map((l) => l.split('|')[1].trim().replace(/ \[.*$/, ''));
}

afterAll(() => {
  for (const s of sims) s.stop();
});

describe('--endpoints then leaderboard: two simulated endpoints of different speeds and a dead one', () => {
  it('runs each endpoint into its own folder, goes on past the dead one, and ranks the faster first in every table', async () => {
    // "alpha" sorts first by name, so only its speed can put "zeta" ahead of it. alpha: one slot, so its
    // throughput is capped (~33 tokens/s) below the offered 60 tokens/s; zeta: ten times faster.
    const [fast, slow, deadPort] = await Promise.all([
      startSim(['--prefill-ms', '10', '--decode-ms', '2']),
      startSim(['--prefill-ms', '100', '--decode-ms', '20', '--slots', '1']),
      closedPort(),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'at-endpoints-e2e-'));
    const file = join(dir, 'endpoints.yaml');
    writeFileSync(file, [
      `- { name: alpha-slow, url: '${slow}', api: openai-chat, model: auto-testing-sim }`,
      `- { name: dead, url: 'http://127.0.0.1:${deadPort}/v1', model: auto-testing-sim }`,
      `- { name: zeta-fast, url: '${fast}', model: auto-testing-sim, headers: { x-run: e2e } }`,
    ].join('\n'));
    const results = join(dir, 'results');
    const r = await run(['--endpoints', file, '--rate', '6', '--duration', '1.5s', '--max-tokens', '10', '--workers', '1', '--results-dir', results, '--progress', 'none']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('endpoints: 2 ok, 1 failed');
    expect(r.stdout).toMatch(/failed +dead: .*0\/9 completed, error rate 100\.0% \(connect 9\)/);
    for (const name of ['alpha-slow', 'dead', 'zeta-fast']) expect(readdirSync(join(results, name, 'cli'))).toHaveLength(1);

    const only = await run(['--endpoints', file, '--only', 'zeta-fast,nope', '--results-dir', results]);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain("--only: no endpoint named 'nope'; names in the file: alpha-slow, dead, zeta-fast");

    const out = join(dir, 'board', 'README.md');
    const template = join(ROOT, 'test', 'fixtures', 'leaderboard', 'all-placeholders.md');
    const lb = await run(['leaderboard', '--results', results, '--template', template, '--out', out]);
    expect(lb.code).toBe(0);
    const md = readFileSync(out, 'utf8');
    for (const title of ['TTFT (s)', 'TPOT (ms)', 'ITL (ms)', 'Total TPS (tokens/s)', 'Output TPS (tokens/s)']) {
      expect(tableRows(md, title), title).toEqual(['zeta-fast', 'alpha-slow', 'dead (failed, 100.0% errors)']);
    }
    expect(tableRows(md, 'Success rate').at(-1)).toBe('dead (failed, 100.0% errors)');
    for (const png of ['TTFT.png', 'TPOT.png', 'ITL.png', 'Total_TPS.png']) expect(existsSync(join(dir, 'board', png))).toBe(true);
    // each summary.json records the client host (schema 2 on; 3 added the traffic keys), and the page says which machine measured
    const summary = JSON.parse(readFileSync(join(results, 'zeta-fast', 'cli', readdirSync(join(results, 'zeta-fast', 'cli'))[0], 'summary.json'), 'utf8'));
    expect(summary.schema_version).toBeGreaterThanOrEqual(2);
    expect(summary.host).toMatchObject({ cpu_count: cpus().length, node_version: process.version });
    expect(md).toContain(`- Client host: ${cpus().length} CPUs (${summary.host.cpu_model}), ${summary.host.os}, Node.js ${process.version}`);
  });
});
