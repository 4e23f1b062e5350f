import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SIM_DEFAULTS } from '../../src/sim/options.js';
import { startSim, type SimServer } from '../../src/sim/server.js';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';

const PROMPT = 'Write a long story about a lighthouse keeper who finds a message in a bottle, with vivid detail.';

async function promptTokens(sim: SimServer): Promise<number> {
  const res = await request(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', max_tokens: 2, messages: [{ role: 'user', content: PROMPT }] }),
  });
  const body = (await res.body.json()) as { usage: { prompt_tokens: number } };
  return body.usage.prompt_tokens;
}

describe('simulator usage counts prompts like a real server', () => {
  const sims: SimServer[] = [];
  beforeAll(async () => {
    for (const tokenizer of ['llama2', 'cl100k', 'none'] as const) sims.push(await startSim({ ...SIM_DEFAULTS, prefillMs: 1, decodeMs: 1, tokenizer }));
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));

  it('with its tokenizer (the client\'s count agrees), or about 4 characters a token with none', async () => {
    expect(await promptTokens(sims[0])).toBe((await loadTokenizer('llama2')).encode(PROMPT).length);
    expect(await promptTokens(sims[1])).toBe((await loadTokenizer('cl100k')).encode(PROMPT).length);
    expect(await promptTokens(sims[2])).toBe(Math.ceil(PROMPT.length / 4));
  });
});
