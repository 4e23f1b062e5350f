import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/cli/run-options.js';
import { resolveWorkload } from '../../src/workload/resolve.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'at-workload-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function problemsOf(argv: Record<string, unknown>): Promise<string[]> {
  const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': dir, ...argv });
  return 'problems' in r ? r.problems : [];
}

describe('workload files', () => {
  it('workloads/auto-testing.yaml is the default: it resolves to exactly what no workload does', async () => {
    const fromFile = resolveWorkload({ workload: join(ROOT, 'workloads', 'auto-testing.yaml') }, []);
    const defaults = resolveWorkload({}, []);
    expect(fromFile.values).toEqual(defaults.values);
    expect(fromFile.values).toMatchObject({ rate: 10, duration: '120s', arrival: 'constant' });
  });

  it('precedence: a flag on the command line > the file > the default', async () => {
    const p = file('p.yaml', 'rate: 4\nduration: 30\nmax-tokens: 7\n');
    const w = resolveWorkload({ workload: p, rate: 6 }, []);
    expect(w.values).toMatchObject({ rate: 6, duration: '30', 'max-tokens': 7, seed: 42 });
    expect(w.source).toMatchObject({ rate: 'cli', duration: 'file', seed: 'default' });
  });

  it('a mode chosen on the command line sets aside the file\'s keys of the other modes', async () => {
    const closed = file('c.yaml', 'concurrency: 5\nmax-requests: 150\n');
    const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': dir, workload: closed, rate: 3 });
    expect('config' in r && r.config).toMatchObject({ mode: 'open', rate: 3, closedLoop: null });
    const open = join(ROOT, 'workloads', 'auto-testing.yaml');
    const c = await resolveRunConfig({ api: 'openai-chat', 'results-dir': dir, workload: open, concurrency: 2, 'max-requests': 4 });
    expect('config' in c && c.config).toMatchObject({ mode: 'closed', rate: null, closedLoop: { concurrency: 2, maxRequests: 4 } });
  });

  it('shipped LLMPerf workloads are closed loops', async () => {
    const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': dir, workload: join(ROOT, 'workloads', 'llmperf-550-150.yaml'), workers: 8 });
    expect('config' in r && r.config).toMatchObject({ mode: 'closed', workers: 5, closedLoop: { concurrency: 5, maxRequests: 150 } });
  });
});

describe('workload validation: one line per problem, naming where the value came from', () => {
  it.each([
    ['rat: 5\n', "unknown key 'rat'; did you mean 'rate'?"],
    ['maxTokens: 5\n', "unknown key 'maxTokens'; did you mean 'max-tokens'?"],
    ['zebra: 1\n', "unknown key 'zebra'; keys are rate, "],
    ['rate: fast\n', "rate: must be a number, got 'fast'"],
    ['rate: -1\n', "rate: must be a number > 0, got '-1'"],
    ['stream: 3\n', 'stream: must be true or false'],
    ['arrival: zzz\n', 'arrival: must be one of constant, poisson, burst'],
    ['sampling-params: [1]\n', 'sampling-params: must be a JSON object'],
    ['rate: 2\nconcurrency: 3\n', 'rate and '],
    ['max-requests: 3\n', 'max-requests: only applies with --concurrency'],
    ['dataset-draw: with-replacement\n', 'dataset-draw: only applies with --dataset (or --dataset-format arena, the shipped sample); remove it'],
    ['ramp: 1:10s\nduration: 5s\n', 'duration: only applies with --rate'],
    ['ramp: 1-10s\n', "ramp: '1-10s' is not a list of stages"],
    ['rate: 5\nfoo: [1,\n', ':3:1: YAML syntax error: '],
    ['- 1\n- 2\n', "must be a mapping of 'key: value' lines"],
  ])('%j', async (text, message) => {
    const p = file(`v${Math.random().toString(36).slice(2)}.yaml`, text);
    const problems = await problemsOf({ workload: p });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
    expect(problems[0]).toContain(p);
  });

  it('reports every problem at once', async () => {
    const p = file('many.yaml', 'rat: 5\nrate: -1\nstream: 3\n');
    expect(await problemsOf({ workload: p })).toHaveLength(3);
  });

  it('an unreadable file names --workload', async () => {
    expect(await problemsOf({ workload: join(dir, 'missing.yaml') })).toEqual([expect.stringMatching(/^--workload: cannot read .*missing\.yaml' \(ENOENT\)/)]);
  });

  it("an objective on the server's figures without --server-metrics: one line naming --slo and the fix", async () => {
    expect(await problemsOf({ slo: 'ttft_p99<=2s,server_queue_depth_max<=10' })).toEqual([
      "--slo: 'server_queue_depth_max<=10' reads the server's own /metrics; add --server-metrics URL (or auto)",
    ]);
    expect(await problemsOf({ slo: 'server_queue_depth_max<=10', 'server-metrics': 'auto' })).toEqual([]);
  });

  it('flags are named as flags', async () => {
    expect(await problemsOf({ rate: 2, concurrency: 3 })).toEqual([expect.stringContaining('--rate and --concurrency: choose one')]);
    expect(await problemsOf({ concurrency: 0 })).toEqual([expect.stringContaining('--concurrency: must be an integer > 0')]);
  });
});

describe('workload values typed on the command line', () => {
  it('a number flag that is not a number is quoted back as typed', async () => {
    expect(await problemsOf({ rate: 'abc' })).toEqual(["--rate: must be a number, got 'abc'"]);
    expect(await problemsOf({ rate: '' })).toEqual(["--rate: must be a number, got ''"]);
    const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': dir, rate: '2.5' });
    expect('config' in r && r.config).toMatchObject({ rate: 2.5 });
  });
});
