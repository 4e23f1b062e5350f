import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

describe('the seed workload, shortened, against the simulator, then its leaderboard', () => {
  it('announces the shipped sample, sends 1 + 10 + 10 requests, and the rendered run_config gives the settings in the seed\'s words', async () => {
    const r = await runCli(['--workload', join(ROOT, 'workloads', 'auto-testing-seed.yaml'), '--duration', '3s', '--max-tokens', '16', '--name', 'sim-a', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('auto-testing: Prompts: the shipped sample workloads/arena-sample.jsonl (600 conversations, 1,453 user messages written for this project');
    const summary = JSON.parse(r.stdout);
    expect(summary.requests.sent).toBe(21);
    expect(summary.workload.prompts).toMatchObject({ source: 'dataset', dataset_format: 'arena', dataset_draw: 'with-replacement', dataset_sample: true });
    expect(summary.run).toMatchObject({ arrival: 'synthesizer', request_timeout_s: 3600, ttft_timeout_s: 3600, stall_timeout_s: 3600, drain_timeout_s: 3600 });
    expect(summary.notes[0]).toMatch(/^Prompts: the shipped sample /);
    const out = join(r.dir, 'README.md');
    const lb = spawnSync(process.execPath, [CLI, 'leaderboard', '--results', r.dir, '--out', out, '--min-requests', '1'], { encoding: 'utf8' });
    expect(lb.status, lb.stderr).toBe(0);
    const yaml = readFileSync(out, 'utf8').split('```yaml\n')[1].split('```')[0];
    expect(yaml).toContain('#   dataset_name: synthesizer, func: lambda t: int(t / 0.1 + 1) if t < 3 else None  (1 request at t = 0, then 10 at each whole second to t = 2: 21 requests)');
    expect(yaml).toContain('#   prompt_source: arena  (every user message of conversation_a in the Chatbot Arena conversations, each request one drawn with replacement (seed 1234)');
    expect(yaml).toContain('#   temperature: 0.7, top_p: 1, max_tokens: 16, stream: True, request_timeout: 3600');
    expect(yaml).toContain("# Differs from the seed's: duration_s 3 (seed: 120), max_tokens 16 (seed: 1024).");
    expect(yaml).toContain("# The workload is the seed's; the metric definitions are this tool's");
    expect(readdirSync(r.dir)).toContain('README.md');
  });
});
