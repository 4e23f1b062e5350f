import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/cli/run-options.js';
import { workloadSummary } from '../../src/engine/run-meta.js';
import { renderLeaderboard } from '../../src/leaderboard/render.js';
import { findSweeps } from '../../src/leaderboard/sweeps.js';
import { findRunFolders, readRun } from '../../src/results/read-runs.js';
import { resolveWorkload } from '../../src/workload/resolve.js';
import { writeSavedRun } from '../saved-runs.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SHIPPED = readFileSync(join(ROOT, 'leaderboard_data', 'template.md'), 'utf8');

/** A saved run whose workload and limits are those a run of `workloads/auto-testing-seed.yaml` records. */
async function seedRun(root: string, name: string, flags: Record<string, unknown> = {}): Promise<void> {
  const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': root, workload: join(ROOT, 'workloads', 'auto-testing-seed.yaml'), ...flags });
  if (!('config' in r)) throw new Error(r.problems.join('\n'));
  const cfg = r.config;
  writeSavedRun(root, { name, rate: 10, durationS: cfg.durationMs / 1000, maxTokens: 30, workloadFile: 'workloads/auto-testing-seed.yaml', edit: (s) => {
    s.workload = workloadSummary(cfg);
    Object.assign(s.run, { arrival: 'synthesizer', max_tokens: cfg.maxTokens, request_timeout_s: cfg.requestTimeoutMs / 1000, ttft_timeout_s: cfg.ttftTimeoutMs / 1000, stall_timeout_s: cfg.stallTimeoutMs / 1000, drain_timeout_s: cfg.drainTimeoutMs / 1000 });
  } });
}

async function runConfigOf(flags: Record<string, unknown> = {}): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'at-seed-lb-'));
  await seedRun(root, 'alpha', flags);
  await seedRun(root, 'beta', flags);
  const runs = findRunFolders(root).map((f) => readRun(root, f));
  const md = renderLeaderboard(SHIPPED, { runs, sweeps: findSweeps(runs) }, { all: false, minRequests: 1, chartLink: null }).text;
  return md.split('```yaml\n')[1].split('```')[0];
}

describe("{{run_config}} of a seed-workload run: the seed's settings in its own words", () => {
  it('names the synthesizer, the arena prompts, the sampling settings and the timeout as the seed\'s page does, says all are the seed\'s, and whose metric definitions apply', async () => {
    const yaml = await runConfigOf();
    expect(yaml).toContain('#   dataset_name: synthesizer, func: lambda t: int(t / 0.1 + 1) if t < 120 else None  (1 request at t = 0, then 10 at each whole second to t = 119: 1,191 requests)');
    expect(yaml).toContain('#   prompt_source: arena  (every user message of conversation_a in the Chatbot Arena conversations, each request one drawn with replacement (seed 1234), sent as a single-turn chat; read from the shipped sample workloads/arena-sample.jsonl');
    expect(yaml).toContain('#   temperature: 0.7, top_p: 1, max_tokens: 1024, stream: True, request_timeout: 3600');
    expect(yaml).toContain("# Every setting above is the seed's.");
    expect(yaml).toContain("# The workload is the seed's; the metric definitions are this tool's");
    // still a workload file that loads back to the same settings
    const file = join(mkdtempSync(join(tmpdir(), 'at-seed-yaml-')), 'w.yaml');
    writeFileSync(file, yaml);
    const problems: string[] = [];
    const w = resolveWorkload({ workload: file }, problems);
    expect(problems).toEqual([]);
    expect(w.values).toMatchObject({ rate: 10, duration: '120s', arrival: 'synthesizer', seed: 1234, 'dataset-format': 'arena', 'dataset-draw': 'with-replacement', 'max-tokens': 1024, 'request-timeout': '3600s', 'ttft-timeout': '3600s', 'stall-timeout': '3600s', 'drain-timeout': '3600s', 'sampling-params': { temperature: 0.7, top_p: 1 } });
  });

  it('a shortened copy says what differs from the seed\'s configuration', async () => {
    const yaml = await runConfigOf({ duration: '5s', 'max-tokens': '64' });
    expect(yaml).toContain('func: lambda t: int(t / 0.1 + 1) if t < 5 else None  (1 request at t = 0, then 10 at each whole second to t = 4: 41 requests)');
    expect(yaml).toContain("# Differs from the seed's: duration_s 5 (seed: 120), max_tokens 64 (seed: 1024).");
  });
});
