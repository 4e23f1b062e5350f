import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineMemoEncoder } from '../../src/tokenize/line-memo.js';
import { loadTokenizer, TOKENIZERS } from '../../src/tokenize/tokenizers.js';
import { readCorpus } from '../../src/workload/corpus.js';
import { PromptBuilder, requestRandom } from '../../src/workload/prompts.js';

const NAMES = TOKENIZERS.filter((t) => t !== 'none');

/** Lines drawn from a small pool (so line pairs repeat and the memo is used), with the hard cases:
 *  blank lines, indented lines, punctuation before a line break, CRLF, digits, non-ASCII. */
const piece = fc.oneof(
  fc.constantFrom('\n', '\n\n', ' \n', '  ', ' ', '\t', ',', '.', "'s", 'the', ' word', '123', '4567', '...', '—', 'é', '😀', '\r\n', '!\n', '  indented', '```', '--', '\n\n\n', '\n '),
  fc.string({ maxLength: 6 }),
);
const line = fc.tuple(fc.constantFrom('A', 'x', '1', '#', "'", '-', '(', 'é', '😀', ' ', '\t'), fc.array(piece, { maxLength: 6 })).map(([h, a]) => `${h}${a.join('')}\n`);
const pool = [...fc.sample(line, { numRuns: 25, seed: 3 }), '\n', ' \n', '  x\n'];
const text = fc.array(fc.nat(pool.length - 1), { minLength: 4, maxLength: 40 }).map((ix) => ix.map((i) => pool[i]).join(''));

describe('LineMemoEncoder: a text encoded by its new lines gives the ids of the whole', () => {
  it.each(NAMES)('%s: random texts of repeated lines, whole encoding and memo agree', async (name) => {
    const tok = await loadTokenizer(name);
    const memo = new LineMemoEncoder(tok);
    fc.assert(fc.property(text, (t) => {
      expect(memo.encode(t)).toEqual(Array.from(tok.encode(t)));
    }), { numRuns: 250, seed: 5 });
    expect(memo.stats.byPieces).toBeGreaterThan(25);
  });

  it.each(NAMES)('%s: synthesized prompts (the simulator\'s usual input) are counted by lines, exactly', async (name) => {
    const tok = await loadTokenizer(name);
    const builder = new PromptBuilder(tok, readCorpus());
    const memo = new LineMemoEncoder(tok);
    const prompts = Array.from({ length: 60 }, (_, i) => builder.build(i, 300 + i * 7, requestRandom(4, i)).prompt);
    expect(prompts.map((p) => memo.encode(p))).toEqual(prompts.map((p) => Array.from(tok.encode(p))));
    expect(memo.stats.byPieces).toBeGreaterThan(30);
  });

  it('texts of new lines are encoded whole (one in eight probed by pieces), and the memo is bounded', () => {
    let encoded = 0;
    const chars = { encode: (s: string) => (encoded++, Array.from(s, (c) => c.charCodeAt(0))) };
    const memo = new LineMemoEncoder(chars, 50);
    for (let i = 0; i < 80; i++) {
      const t = `a${i}\nb${i}\nc${i}\nd${i}\n`;
      expect(memo.encode(t)).toEqual(chars.encode(t));
    }
    expect(memo.stats).toEqual({ byPieces: 10, whole: 70 });
    expect(encoded).toBeLessThan(80 * 2 + 10 * 6);
  });

  it('a tokenizer that ends every text with an EOS: pairs are not prefix-consistent, texts are encoded whole, ids exact', () => {
    const eos = { encode: (s: string) => [...Array.from(s, (c) => c.charCodeAt(0)), 2] };
    const memo = new LineMemoEncoder(eos);
    const t = 'one\ntwo\nthree\nfour\nfive\n';
    for (let i = 0; i < 20; i++) expect(memo.encode(t)).toEqual(eos.encode(t));
    expect(memo.stats.byPieces).toBe(0);
  });
});
