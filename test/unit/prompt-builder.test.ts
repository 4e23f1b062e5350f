import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/schedule/random.js';
import { loadTokenizer, TOKENIZERS, type Tokenizer } from '../../src/tokenize/tokenizers.js';
import type { PromptSpec } from '../../src/workload/request-plan.js';
import { readCorpus } from '../../src/workload/corpus.js';
import { PromptBuilder, requestRandom } from '../../src/workload/prompts.js';
import { RequestPlanner } from '../../src/workload/request-plan.js';
import { CorpusRing, type TokenCodec } from '../../src/workload/token-ring.js';
import { PromptCounter } from '../../src/workload/traffic-plan.js';
import { qwen3Dir } from '../fixtures/tokenizers/qwen3-tiktoken.js';

const NAMES = TOKENIZERS.filter((t) => t !== 'none');

/** Lengths from 1 to ~4,000 tokens, log-uniform, so short, lead-in-sized and multi-turn prompts all occur. */
function sampleLengths(seed: number, count: number): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => Math.max(1, Math.round(Math.exp(rand() * Math.log(4000)))));
}

/** Every prompt re-encoded whole: the count the builder claims is the count the tokenizer gives. */
function mismatches(codec: TokenCodec, builder: PromptBuilder, lengths: number[], seed: number, reencoded: number[] = []): string[] {
  const bad: string[] = [];
  lengths.forEach((n, i) => {
    const before = builder.stats.reencoded;
    const p = builder.build(i, n, requestRandom(seed, i));
    if (builder.stats.reencoded > before) reencoded.push(n);
    const real = codec.encode(p.prompt).length;
    if (p.inputTokens !== n || real !== n) bad.push(`#${i}: asked ${n}, claimed ${p.inputTokens}, encodes to ${real}`);
  });
  return bad;
}

describe('property: built prompts re-encode to exactly the asked count', () => {
  it.each(NAMES)('%s: a seeded sample of 80 lengths, and every length 1..160 from one start', async (name) => {
    const tok = await loadTokenizer(name);
    const builder = new PromptBuilder(tok, readCorpus());
    const reencoded: number[] = [];
    expect(mismatches(tok, builder, sampleLengths(101, 80), 5, reencoded)).toEqual([]);
    // sums over the ring did the work; only prompts no longer than the index and lead-in were re-encoded
    expect(reencoded.filter((n) => n > 20)).toEqual([]);
    // one start, every length: each cut position in the first dozen lines of the window
    const every = Array.from({ length: 160 }, (_, i) => i + 1);
    const bad: string[] = [];
    for (const n of every) {
      const p = builder.build(7, n, () => 0.25);
      if (tok.encode(p.prompt).length !== n) bad.push(`${n}: ${tok.encode(p.prompt).length}`);
    }
    expect(bad).toEqual([]);
  });

  it('prompts longer than the corpus wrap around it, still exact', async () => {
    const tok = await loadTokenizer('cl100k');
    const builder = new PromptBuilder(tok, readCorpus());
    expect(mismatches(tok, builder, [9000, 16_384], 3)).toEqual([]);
  });
});

/** llama2 as a Hugging Face tokenizer.json would usually be wired: BOS added, decode not the inverse at the start. */
function withBos(tok: Tokenizer): TokenCodec {
  return { encode: (s) => [1, ...tok.encode(s)], decode: (ids) => tok.decode(ids.filter((id) => id !== 1)) };
}

/** A chat template around the text: '[INST] ' merges its space into the prompt's first word under SentencePiece. */
function withTemplate(tok: Tokenizer): TokenCodec {
  return { encode: (s) => [1, ...tok.encode(`[INST] ${s} [/INST]`)], decode: (ids) => tok.decode(ids.filter((id) => id !== 1)) };
}

/** Characters are tokens, except that a line break, the line 'ab' and the next line's 'cd' are one:
 *  a merge across a whole line, so the line break before 'cd' does not isolate its neighbours. */
const crossLine: TokenCodec = {
  encode: (s) => {
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s.startsWith('\nab\ncd', i)) {
        out.push(-1);
        i += 5;
      } else out.push(s.charCodeAt(i));
    }
    return out;
  },
  decode: (ids) => ids.map((id) => (id === -1 ? '\nab\ncd' : String.fromCharCode(id))).join(''),
};

/** About four characters a token, rounded up over the whole text: nothing about it is local. */
const global: TokenCodec = {
  encode: (s) => Array.from({ length: Math.ceil(s.length / 4) }, () => 0),
  decode: (ids) => 'abcd'.repeat(ids.length),
};

describe('the tokenizer seam: encode/decode only, whatever the tokenizer adds or merges', () => {
  it.each([
    ['a BOS token', (t: Tokenizer) => withBos(t)],
    ['a chat template with a BOS', (t: Tokenizer) => withTemplate(t)],
  ])('llama2 with %s: counts include what encode adds, exactly', async (_, wrap) => {
    const codec = wrap(await loadTokenizer('llama2'));
    const builder = new PromptBuilder(codec, readCorpus());
    const lengths = sampleLengths(7, 60).map((n) => n + 24);
    expect(mismatches(codec, builder, lengths, 9)).toEqual([]);
    expect(builder.stats.reencoded).toBe(0);
  });

  it("a Hugging Face tokenizer.json (Qwen3's) and its chat template plug in unchanged: exact prompts, rendered counts by lines exact", async () => {
    const tok = await loadTokenizer(qwen3Dir());
    const builder = new PromptBuilder(tok, readCorpus());
    const lengths = sampleLengths(13, 60).map((n) => n + 24);
    expect(mismatches(tok, builder, lengths, 6)).toEqual([]);
    expect(builder.stats.reencoded).toBe(0);
    const template = (await PromptCounter.template('auto', qwen3Dir()))!;
    const counter = new PromptCounter(tok, template, true);
    const bad = lengths.map((n, i) => builder.build(i, n, requestRandom(6, i)).prompt).filter((p) => {
      const messages = [{ role: 'user' as const, content: p }];
      return counter.shape(messages).inputTokens !== tok.encode(template.render(messages)).length;
    });
    expect(bad).toEqual([]);
  });

  const lines = ['so it begins', 'ab', 'cdefg hij', 'klm nopq', 'rst uv', 'ab', 'cd', 'wxyz now', 'and then more'];

  it('segments whose line breaks do not isolate are merged until every join does; counts stay exact', () => {
    const ring = CorpusRing.measure(crossLine, lines)!;
    expect(ring.segments).toBeLessThan(lines.length);
    expect(ring.segmentOfLine(1)).toBe(ring.segmentOfLine(2));
    const builder = new PromptBuilder(crossLine, lines);
    const reencoded: number[] = [];
    expect(mismatches(crossLine, builder, sampleLengths(3, 80).map((n) => 50 + (n % 300)), 4, reencoded)).toEqual([]);
    expect(reencoded.length).toBeLessThan(8);
  });

  it('a tokenizer with no local joins at all: whole drafts are re-encoded, counts still exact', () => {
    expect(CorpusRing.measure(global, lines)).toBeNull();
    const builder = new PromptBuilder(global, lines);
    expect(mismatches(global, builder, [1, 5, 17, 40, 200], 2)).toEqual([]);
    expect(builder.stats).toEqual({ windowed: 0, reencoded: 5 });
  });
});

describe('prompts are distinct, reproducible and keep the seeded lengths of earlier versions', () => {
  const spec = (over: Partial<PromptSpec> = {}): PromptSpec => ({
    text: 'hello', input: { mean: 300, stddev: 120 }, output: { mean: 30, stddev: 5 }, dataset: null, tokenizer: 'llama2', seed: 11, exactOutput: true,
    datasetFilter: null, datasetOutputTokens: null, datasetDraw: 'in-turn', chat: true, chatTemplate: null, prefix: null, trace: null, sessions: null, ...over,
  });

  it('input and output lengths of --seed 11 are those the re-encoding synthesizer gave (main at 18d5e1b)', async () => {
    const planner = await RequestPlanner.create(spec(), 150);
    const before = [[131, 27], [286, 27], [281, 33], [422, 35], [417, 40], [319, 30], [239, 26], [230, 23], [262, 28], [278, 31], [544, 22], [141, 31], [266, 21], [248, 23], [295, 31], [299, 36], [371, 38], [362, 32], [249, 37], [375, 34]];
    expect(before.map((_, i) => [planner.plan(i).inputTokens, planner.plan(i).maxTokens])).toEqual(before);
  });

  it('the same (seed, index) gives the same text in any order and any planner; indices give distinct texts', async () => {
    const a = await RequestPlanner.create(spec(), 150);
    const b = await RequestPlanner.create(spec(), 150);
    const forward = Array.from({ length: 50 }, (_, i) => a.plan(i).prompt);
    const backward = Array.from({ length: 50 }, (_, i) => b.plan(49 - i).prompt).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward).size).toBe(50);
  });
});
