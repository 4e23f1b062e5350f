import { describe, expect, it } from 'vitest';
import { countAnswer, EXACT_CHARS, exactPrefixLength, MAX_RUN } from '../../src/tokenize/answer-count.js';

/** A fake tokenizer: one token per 4 characters, remembering the length of every text it encoded. */
function fakeEncode() {
  const seen: number[] = [];
  const encode = (s: string) => (seen.push(s.length), Array.from({ length: Math.ceil(s.length / 4) }, () => 0));
  return { encode, seen };
}

const words = (chars: number) => 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(chars / 44)).slice(0, chars);

describe('an answer counted at a bounded cost', () => {
  it('a short answer is encoded whole: exact', () => {
    const f = fakeEncode();
    expect(countAnswer(words(1000), f.encode)).toEqual({ tokens: 250, estimated: false });
    expect(f.seen).toEqual([1000]);
    expect(countAnswer('', f.encode)).toEqual({ tokens: 0, estimated: false });
  });

  it('a long answer: its first EXACT_CHARS are encoded, the rest estimated at their characters per token', () => {
    const f = fakeEncode();
    expect(countAnswer(words(30_000), f.encode)).toEqual({ tokens: 7500, estimated: true });
    expect(f.seen).toEqual([EXACT_CHARS]);
  });

  it('30 KB of letters without a space (seconds of BPE as one piece): only MAX_RUN characters are encoded', () => {
    const f = fakeEncode();
    const letters = 'abcdefghij'.repeat(3000);
    expect(exactPrefixLength(letters)).toBe(MAX_RUN);
    expect(countAnswer(letters, f.encode)).toEqual({ tokens: 7500, estimated: true });
    expect(f.seen).toEqual([MAX_RUN]);
  });

  it('the exact part ends inside the first over-long run of whitespace or of other characters, never inside a surrogate pair', () => {
    expect(exactPrefixLength(`${words(100)}${' '.repeat(1000)}x`)).toBe(100 + MAX_RUN);
    expect(exactPrefixLength(`${words(44)}${'!'.repeat(65)}`)).toBe(44 + MAX_RUN);
    expect(exactPrefixLength(`${words(44)}${'!'.repeat(64)} tail`)).toBe(44 + 64 + 5);
    const emoji = `${'😀 '.repeat(EXACT_CHARS)}`;
    const cut = exactPrefixLength(emoji);
    expect(cut).toBeLessThanOrEqual(EXACT_CHARS);
    expect(emoji.charCodeAt(cut - 1)).not.toBe(0xd83d);
  });
});
