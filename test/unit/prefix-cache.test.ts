import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIM_DEFAULTS } from '../../src/sim/options.js';
import { blockHashes, PrefixCache } from '../../src/sim/prefix-cache.js';
import { startSim } from '../../src/sim/server.js';
import { loadChatTemplate } from '../../src/tokenize/chat-template.js';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';
import { qwen3Dir } from '../fixtures/tokenizers/qwen3-tiktoken.js';

describe('prefix cache', () => {
  const ids = (n: number, seed: number) => Array.from({ length: n }, (_, i) => (i < 40 ? i : i * 7 + seed));

  it('names equal prefixes alike and diverges after; reuses leading blocks only, never the whole prompt', () => {
    const a = blockHashes(ids(100, 1), 16);
    const b = blockHashes(ids(100, 2), 16);
    expect(a).toHaveLength(6);
    expect(a.slice(0, 2)).toEqual(b.slice(0, 2));
    expect(a[2]).not.toBe(b[2]);
    const c = new PrefixCache(1000, 16);
    expect(c.match(a, 100)).toBe(0);
    c.insert(a);
    expect(c.match(b, 100)).toBe(32);
    expect(c.match(a, 100)).toBe(96);
    // a prompt of exactly its cached blocks still computes its last block
    expect(c.match(a.slice(0, 4), 64)).toBe(48);
  });

  it('evicts the least recently used blocks past its size', () => {
    const c = new PrefixCache(4 * 16, 16);
    const a = blockHashes(ids(64, 1), 16);
    const b = blockHashes(ids(64 + 48, 9).map((x) => x + 1000), 16);
    c.insert(a);
    expect(c.match(a, 65)).toBe(64);
    c.insert(b.slice(0, 2));
    expect(c.blocks).toBe(4);
    expect(c.match(a, 65)).toBe(0);
    expect(new PrefixCache(0, 16).match(a, 65)).toBe(0);
  });
});

async function chat(url: string, messages: { role: string; content: string }[]): Promise<{ usage: any; timings: any }> {
  const r = await fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages, max_tokens: 2 }) });
  const body = (await r.json()) as { usage: unknown; timings: unknown };
  return { usage: body.usage, timings: body.timings };
}

describe('the simulator with its prefix cache', () => {
  it('a repeated prefix is reported as cached in usage and timings, in whole blocks', async () => {
    const sim = await startSim({ ...SIM_DEFAULTS, prefillMs: 5, prefillPerTokenMs: 0.2, decodeMs: 1 });
    try {
      const shared = 'The keeper trims the lamp and watches the sea. '.repeat(120);
      const first = await chat(sim.url, [{ role: 'user', content: `${shared} first question` }]);
      const second = await chat(sim.url, [{ role: 'user', content: `${shared} another question` }]);
      expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
      const cached = second.usage.prompt_tokens_details.cached_tokens;
      expect(cached).toBeGreaterThan(0.9 * second.usage.prompt_tokens);
      expect(cached % 16).toBe(0);
      expect(second.timings).toMatchObject({ cache_n: cached, prompt_n: second.usage.prompt_tokens - cached });
    } finally {
      await sim.close();
    }
  });

  it('counts chat prompts through the chat template with the model tokenizer, as a server does', async () => {
    const dir = qwen3Dir();
    const sim = await startSim({ ...SIM_DEFAULTS, decodeMs: 1, prefillMs: 1, tokenizer: dir, chatTemplate: 'auto' });
    try {
      const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Who keeps the lighthouse?' }];
      const r = await chat(sim.url, messages);
      const [tok, template] = await Promise.all([loadTokenizer(dir), loadChatTemplate('auto', join(dir, 'tokenizer.json'))]);
      if (typeof template === 'string') throw new Error(template);
      expect(r.usage.prompt_tokens).toBe(tok.encode(template.render(messages)).length);
      expect(r.usage.prompt_tokens).toBeGreaterThan(tok.encode('Be brief.\nWho keeps the lighthouse?').length + 5);
    } finally {
      await sim.close();
    }
  });
});
