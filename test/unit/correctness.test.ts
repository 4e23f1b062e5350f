import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCorrectnessConfig } from '../../src/cli/correctness.js';
import { answeredCorrectly } from '../../src/correctness/report.js';
import { numberToWords, wordsToNumber } from '../../src/workload/number-words.js';
import { askedNumber, MAX_NUMBER, question } from '../../src/workload/number-questions.js';

describe('correctness questions', () => {
  it('writes numbers in words as num2words does, and reads them back', () => {
    expect(numberToWords(0)).toBe('zero');
    expect(numberToWords(42)).toBe('forty-two');
    expect(numberToWords(1234)).toBe('one thousand, two hundred and thirty-four');
    expect(numberToWords(10_000)).toBe('ten thousand');
    expect(numberToWords(1_002_003)).toBe('one million, two thousand, three');
    for (let n = 0; n <= 20_000; n += 7) expect(wordsToNumber(numberToWords(n))).toBe(n);
    expect(wordsToNumber('Two Hundred Five')).toBe(205);
    expect(wordsToNumber('lots')).toBeNull();
  });

  it('a seeded set of prompts that the simulator can read back', () => {
    const qs = Array.from({ length: 50 }, (_, i) => question(9, i));
    expect(qs).toEqual(Array.from({ length: 50 }, (_, i) => question(9, i)));
    expect(new Set(qs.map((q) => q.number)).size).toBeGreaterThan(45);
    for (const q of qs) {
      expect(q.number).toBeLessThanOrEqual(MAX_NUMBER);
      expect(askedNumber(q.prompt)).toBe(q.number);
    }
    expect(askedNumber('Write a story')).toBeNull();
  });

  it('an answer is correct when it contains the digits (separators ignored)', () => {
    expect(answeredCorrectly(1234, 'The number is 1234.')).toBe(true);
    expect(answeredCorrectly(1234, '1,234')).toBe(true);
    expect(answeredCorrectly(1234, '1235')).toBe(false);
    expect(answeredCorrectly(7, 'seven')).toBe(false);
  });
});

describe('correctness options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'at-correctness-'));
  const resolve = (flags: Record<string, unknown>) => resolveCorrectnessConfig({ api: 'openai-chat', 'results-dir': dir, 'http-client': 'http1', progress: 'none', ...flags });
  const config = async (flags: Record<string, unknown>) => {
    const r = await resolve(flags);
    if ('problems' in r) throw new Error(r.problems.join('; '));
    return r.config;
  };

  it('asks for 20 tokens whatever the load, unless a flag or the workload file says otherwise', async () => {
    expect((await config({})).maxTokens).toBe(20);
    expect((await config({})).closedLoop).toMatchObject({ concurrency: 4, maxRequests: 50 });
    expect((await config({ concurrency: '2' })).maxTokens).toBe(20);
    expect((await config({ rate: '3', duration: '2s' })).maxTokens).toBe(20);
    expect((await config({ concurrency: '2', 'max-tokens': '30' })).maxTokens).toBe(30);
    const file = join(dir, 'w.yaml');
    writeFileSync(file, 'concurrency: 3\nmax-tokens: 64\n');
    expect((await config({ workload: file })).maxTokens).toBe(64);
    writeFileSync(file, 'concurrency: 3\n');
    expect((await config({ workload: file })).maxTokens).toBe(20);
  });

  it('--tokenizer none is refused with what to use instead', async () => {
    const r = await resolve({ tokenizer: 'none' });
    expect(r).toEqual({ problems: [expect.stringMatching(/^--tokenizer none: .*leave --tokenizer out \(llama2\) or choose llama3, cl100k or o200k$/)] });
  });
});
