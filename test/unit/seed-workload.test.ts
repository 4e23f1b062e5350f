import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arenaSampleLines } from '../../scripts/arena-sample.js';
import { resolveRunConfig } from '../../src/cli/run-options.js';
import { dryRun } from '../../src/cli/dry-run.js';
import { datasetNotes, workloadSummary } from '../../src/engine/run-meta.js';
import { pacerSpec, workerSettings } from '../../src/engine/worker-settings.js';
import { protocolFor } from '../../src/protocols/registry.js';
import { pacerFrom } from '../../src/schedule/pacers.js';
import { RequestPlanner } from '../../src/workload/request-plan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'workloads', 'arena-sample.jsonl');

async function configOf(file: string, flags: Record<string, unknown> = {}) {
  const r = await resolveRunConfig({ api: 'openai-chat', 'results-dir': '/tmp', workload: join(ROOT, 'workloads', file), ...flags });
  if (!('config' in r)) throw new Error(r.problems.join('\n'));
  return r.config;
}

function dueTimes(cfg: Awaited<ReturnType<typeof configOf>>): number[] {
  const p = pacerFrom(pacerSpec(cfg));
  const out: number[] = [];
  for (let i = 0, t = p.dueMs(0); t !== null; t = p.dueMs(++i)) out.push(t);
  return out;
}

function userMessages(lines: string[]): string[] {
  return lines.flatMap((l) => (JSON.parse(l).conversation_a as { role: string; content: string }[]).filter((m) => m.role === 'user').map((m) => m.content));
}

describe("workloads/auto-testing-seed.yaml: the seed's own workload, exactly", () => {
  it('schedules exactly 1,191 requests: 1 at t = 0, then 10 at each whole second 1 ... 119', async () => {
    const seed = dueTimes(await configOf('auto-testing-seed.yaml'));
    expect(seed).toHaveLength(1191);
    const perSecond = new Map<number, number>();
    for (const t of seed) perSecond.set(t, (perSecond.get(t) ?? 0) + 1);
    expect([...perSecond.keys()]).toEqual(Array.from({ length: 120 }, (_, s) => s * 1000));
    expect(perSecond.get(0)).toBe(1);
    expect([...perSecond.entries()].filter(([t]) => t > 0).every(([, n]) => n === 10)).toBe(true);
    // the evenly spaced default sends its 1,200 over the same two minutes
    expect(dueTimes(await configOf('auto-testing.yaml'))).toHaveLength(1200);
  });

  it('request bodies carry temperature 0.7, top_p 1, max_tokens 1024, streamed; every limit is the seed\'s 3,600 s', async () => {
    const cfg = await configOf('auto-testing-seed.yaml');
    expect([cfg.requestTimeoutMs, cfg.ttftTimeoutMs, cfg.stallTimeoutMs, cfg.drainTimeoutMs]).toEqual([3_600_000, 3_600_000, 3_600_000, 3_600_000]);
    const s = workerSettings(cfg, 'http://127.0.0.1:1');
    const planner = await RequestPlanner.create(s.prompt, s.maxTokens);
    for (const i of [0, 1, 500, 1190]) {
      const plan = planner.plan(i);
      const body = JSON.parse(protocolFor(cfg.api).request({ model: cfg.model, prompt: plan.prompt, maxTokens: plan.maxTokens, exactOutput: plan.exact, stream: cfg.stream, params: cfg.params }, undefined).body);
      expect(body).toMatchObject({ temperature: 0.7, top_p: 1, max_tokens: 1024, stream: true, messages: [{ role: 'user', content: plan.prompt }] });
      // the seed asked no minimum: the answer may end early
      expect(body).not.toHaveProperty('ignore_eos');
      expect(body).not.toHaveProperty('min_tokens');
    }
    const shown = await dryRun(cfg);
    expect(shown).toContain('open loop (synthesizer): 1191 arrivals over 120 s');
    expect(shown).toMatch(/"temperature": 0\.7,\s+"top_p": 1/);
    expect(shown).toContain('"max_tokens": 1024');
  });

  it('with no file its prompts are the shipped sample\'s user messages, drawn with replacement under seed 1234, and it says so', async () => {
    const cfg = await configOf('auto-testing-seed.yaml');
    const messages = new Set(userMessages(readFileSync(SAMPLE, 'utf8').trim().split('\n')));
    const s = workerSettings(cfg, 'http://127.0.0.1:1');
    const planner = await RequestPlanner.create(s.prompt, s.maxTokens);
    const prompts = Array.from({ length: 1191 }, (_, i) => planner.plan(i).prompt);
    expect(prompts.every((p) => messages.has(p))).toBe(true);
    // with replacement: some prompts come twice, and many different ones come
    expect(new Set(prompts).size).toBeLessThan(1191);
    expect(new Set(prompts).size).toBeGreaterThan(600);
    expect(workloadSummary(cfg).prompts).toMatchObject({ source: 'dataset', dataset: null, dataset_format: 'arena', dataset_draw: 'with-replacement', dataset_sample: true });
    const notes = datasetNotes(cfg);
    expect(notes[0]).toMatch(/^Prompts: the shipped sample workloads\/arena-sample\.jsonl \(600 conversations, 1,453 user messages written for this project/);
    expect(notes[1]).toMatch(/^Prompts drawn with replacement \(seed 1234\): 1,191 requests from 1,453 user messages \(1,208 distinct\); \d+ send a prompt an earlier request sent/);
  });

  it('the shipped sample is what scripts/arena-sample.ts writes: at least 1,200 distinct user messages, lengths of chat prompts (many short, a long tail)', () => {
    const lines = arenaSampleLines();
    expect(`${lines.join('\n')}\n`).toBe(readFileSync(SAMPLE, 'utf8'));
    const messages = userMessages(lines);
    expect(new Set(messages).size).toBeGreaterThanOrEqual(1200);
    const words = messages.map((m) => m.split(/\s+/).length).sort((a, b) => a - b);
    const q = (p: number) => words[Math.floor(p * (words.length - 1))];
    expect(q(0.5)).toBeLessThanOrEqual(15);
    expect(q(0.99)).toBeGreaterThan(20 * q(0.5));
  });
});
