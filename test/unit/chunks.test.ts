import { describe, expect, it } from 'vitest';
import { openaiChat } from '../../src/protocols/openai-chat.js';
import { itlPerToken } from '../../src/metrics/record.js';
import { seededRandom } from '../../src/schedule/random.js';
import { openAiChatFormat } from '../../src/sim/formats/openai.js';
import { chunker, parseChunkSizes, planStream } from '../../src/sim/stream-plan.js';
import type { StreamSink } from '../../src/protocols/types.js';

describe('ITL per token vs inter-chunk gaps', () => {
  it('K tokens a chunk every K x d: per token = d, mean chunk gap = K x d', () => {
    // 40 tokens in 10 chunks of 4, a chunk every 4 x 20 ms: the gaps sum to 9 x 80 ms
    const r = { chunks: 10, chunk_gap_sum_ms: 9 * 80, output_tokens: 40, first_chunk_tokens: null };
    expect(itlPerToken(r)).toBeCloseTo(20, 12);
    expect(itlPerToken({ ...r, first_chunk_tokens: 4 })).toBeCloseTo(20, 12);
    // vLLM's TPOT, (last - first) / (tokens - 1), would say 720 / 39 = 18.5 ms: the first chunk's extra tokens dilute it
    expect(r.chunk_gap_sum_ms / (r.output_tokens - 1)).toBeCloseTo(18.46, 2);
  });

  it('uses the first chunk size the server stated; one token a chunk is vLLM TPOT', () => {
    expect(itlPerToken({ chunks: 3, chunk_gap_sum_ms: 50, output_tokens: 10, first_chunk_tokens: 5 })).toBeCloseTo(10, 12);
    expect(itlPerToken({ chunks: 20, chunk_gap_sum_ms: 19 * 20, output_tokens: 20, first_chunk_tokens: null })).toBeCloseTo(20, 12);
    expect(itlPerToken({ chunks: 1, chunk_gap_sum_ms: 0, output_tokens: 20, first_chunk_tokens: null })).toBeNull();
  });
});

describe('simulator stream plan', () => {
  it('parses K and A-B, and rejects the rest', () => {
    expect(parseChunkSizes('4')).toEqual({ min: 4, max: 4 });
    expect(parseChunkSizes('1-4')).toEqual({ min: 1, max: 4 });
    for (const bad of ['0', '4-2', 'x', '1-', '-3']) expect(parseChunkSizes(bad)).toBeNull();
  });

  it('groups tokens into seeded chunks that never mix reasoning and answer', () => {
    const plan = planStream(40, { reasoningTokens: 10, stopEarly: 1, usageSkew: 1 }, true);
    const sizes = (seed: number) => {
      const c = chunker({ min: 1, max: 4 }, seededRandom(seed), plan);
      const out: number[] = [];
      let held = 0;
      for (let j = 0; j < plan.total; j++) {
        held++;
        if (c.add(j)) {
          out.push(held);
          held = 0;
        }
      }
      return out;
    };
    const a = sizes(7);
    expect(a).toEqual(sizes(7));
    expect(a.reduce((x, y) => x + y, 0)).toBe(40);
    expect(a.every((k) => k >= 1 && k <= 4)).toBe(true);
    let at = 0;
    const ends = a.map((k) => (at += k));
    expect(ends).toContain(10);
  });

  it('stops early with "stop" and skews the reported count', () => {
    const plan = planStream(20, { reasoningTokens: 50, stopEarly: 0.5, usageSkew: 0.8 }, true);
    expect(plan).toMatchObject({ total: 10, reasoning: 9, finish: 'stop' });
    expect(plan.reported(10)).toBe(8);
  });
});

describe('per-chunk usage attributes tokens to chunks', () => {
  it('each chunk counts the rise of completion_tokens (vLLM continuous_usage_stats)', () => {
    const used = (output: number) => ({ usage: { input: 5, output, reasoning: 0, cached: 0 } });
    const f = openAiChatFormat.stream({ model: 'm', prompt: 'p', messages: null, maxTokens: 6, stream: true, includeUsage: true, perChunkUsage: true }, { ...used(6), finish: 'length' });
    const body = Buffer.concat([f.chunk('a b', 'reasoning', used(2)), f.chunk('c d e', 'output', used(5)), f.end('f', 'output', used(6))]);
    const got: [string, number | undefined][] = [];
    const sink: StreamSink = { token: (kind, _at, n) => void got.push([kind, n]), usage: () => {}, finish: () => {}, done: () => {}, error: () => {} };
    const d = openaiChat.decoder(sink, true);
    d.push(body, 0);
    d.end(1);
    expect(got).toEqual([['reasoning', 2], ['output', 3], ['output', 1]]);
  });
});
