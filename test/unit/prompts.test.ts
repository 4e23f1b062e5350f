import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PromptSpec } from '../../src/workload/request-plan.js';
import { loadTokenizer, TOKENIZERS } from '../../src/tokenize/tokenizers.js';
import { readCorpus } from '../../src/workload/corpus.js';
import { readDataset } from '../../src/workload/dataset.js';
import { indexedTextCounter } from '../../src/workload/indexed-text.js';
import { requestRandom, sampleLength } from '../../src/workload/prompts.js';
import { RequestPlanner } from '../../src/workload/request-plan.js';

const spec = (over: Partial<PromptSpec> = {}): PromptSpec => ({
  text: 'hello', input: { mean: 40, stddev: 10 }, output: { mean: 30, stddev: 5 }, dataset: null, tokenizer: 'cl100k', seed: 7, exactOutput: true,
  datasetFilter: null, datasetOutputTokens: null, datasetDraw: 'in-turn', chat: true, chatTemplate: null, prefix: null, trace: null, sessions: null, ...over,
});

describe('synthesized prompts (exact counts: prompt-builder.test.ts)', () => {
  it('are distinct, and the whole set is reproducible from the seed whatever the order of building', async () => {
    const a = await RequestPlanner.create(spec(), 150);
    const forward = Array.from({ length: 20 }, (_, i) => a.plan(i));
    const backward = Array.from({ length: 20 }, (_, i) => a.plan(19 - i)).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward.map((p) => p.prompt)).size).toBe(20);
    expect(forward.every((p) => p.inputTokens! >= 1 && p.maxTokens >= 1 && p.exact)).toBe(true);
    const other = await RequestPlanner.create(spec({ seed: 8 }), 150);
    expect(other.plan(3).prompt).not.toBe(forward[3].prompt);
  });

  it('lengths are normal(mean, stddev), clipped at 1', () => {
    const rand = requestRandom(3, 0);
    const xs = Array.from({ length: 4000 }, () => sampleLength(rand, { mean: 100, stddev: 20 }));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeGreaterThan(98);
    expect(mean).toBeLessThan(102);
    expect(sd).toBeGreaterThan(18.5);
    expect(sd).toBeLessThan(21.5);
    expect(Array.from({ length: 200 }, () => sampleLength(rand, { mean: 1, stddev: 5 })).every((x) => x >= 1)).toBe(true);
    expect(sampleLength(rand, { mean: 550, stddev: 0 })).toBe(550);
  });

  it('without synthesis: the fixed prompt with the index as a distinct prefix, --max-tokens, counted when a tokenizer is set', async () => {
    const p = await RequestPlanner.create(spec({ input: null, output: null }), 99);
    expect(p.plan(4)).toEqual({ prompt: '4 hello', inputTokens: 2, maxTokens: 99, exact: false, group: null });
    const none = await RequestPlanner.create(spec({ input: null, output: null, tokenizer: 'none' }), 99);
    expect(none.plan(4).inputTokens).toBeNull();
  });
});

describe('the fixed --prompt with its index: counted by a short encoding, exactly', () => {
  const texts = [
    'Write a long story about a lighthouse keeper who finds a message in a bottle, with vivid detail.',
    readCorpus().slice(0, 60).join(' '),
    '2024 was the year: numbers first, then words, punctuation!!! and   spaces, to see how digits join.',
    '¿Qué? — «unicode» first, then ascii words; emoji 😀 too, and a long enough tail to be telescoped.',
    'short one',
  ];
  it.each(TOKENIZERS.filter((t) => t !== 'none'))('%s: every index 0..60 and some large ones agree with the whole encoding', async (name) => {
    const tok = await loadTokenizer(name);
    for (const text of texts) {
      const count = indexedTextCounter(tok, text);
      const bad = [...Array.from({ length: 61 }, (_, i) => i), 1_000_000, 31_415_926].filter((i) => count(i) !== tok.encode(`${i} ${text}`).length);
      expect(bad).toEqual([]);
    }
  });
});

describe('--dataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'at-dataset-'));

  it('reads one prompt per line, used in turn, output_tokens as max_tokens', async () => {
    const f = join(dir, 'ok.jsonl');
    writeFileSync(f, '{"prompt":"a b c","output_tokens":5}\n\n{"prompt":"d"}\n');
    const items = (await readDataset(f, '--dataset', []))!.items;
    expect(items).toMatchObject([{ prompt: 'a b c', outputTokens: 5 }, { prompt: 'd', outputTokens: null }]);
    const p = await RequestPlanner.create(spec({ input: null, output: null, dataset: items }), 77);
    expect([0, 1, 2].map((i) => [p.plan(i).prompt, p.plan(i).maxTokens, p.plan(i).exact])).toEqual([['a b c', 5, true], ['d', 77, false], ['a b c', 5, true]]);
  });

  it('names the file and line of each bad line', async () => {
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, '{"prompt":"ok"}\nnot json\n{"prompt":""}\n{"prompt":"x","output_tokens":-3}\n[1]\n');
    const problems: string[] = [];
    await readDataset(f, '--dataset', problems);
    expect(problems).toEqual([
      `${f}:2: not valid JSON: not json`,
      `${f}:3: "prompt" must be a non-empty string; write {"prompt": "...", "output_tokens": 128} per line (output_tokens optional)`,
      `${f}:4: "output_tokens" must be an integer > 0, got -3; write {"prompt": "...", "output_tokens": 128} per line (output_tokens optional)`,
      `${f}:5: not a JSON object; write {"prompt": "...", "output_tokens": 128} per line (output_tokens optional)`,
    ]);
  });

  it('an unreadable or empty file is one problem', async () => {
    const problems: string[] = [];
    await readDataset(join(dir, 'missing.jsonl'), '--dataset', problems);
    writeFileSync(join(dir, 'empty.jsonl'), '\n');
    await readDataset(join(dir, 'empty.jsonl'), '--dataset', problems);
    expect(problems).toEqual([expect.stringMatching(/^--dataset: '.*missing\.jsonl' cannot be read \(ENOENT\)/), expect.stringMatching(/^--dataset: '.*empty\.jsonl' holds no records/)]);
  });
});
