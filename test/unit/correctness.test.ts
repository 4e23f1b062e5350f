import { describe, expect, it } from 'vitest';
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
