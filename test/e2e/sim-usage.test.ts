import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SIM_DEFAULTS } from '../../src/sim/options.js';
import { startSim, type SimServer } from '../../src/sim/server.js';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';
import { question } from '../../src/workload/number-questions.js';

const PROMPT = 'Write a long story about a lighthouse keeper who finds a message in a bottle, with vivid detail.';

async function complete(sim: SimServer, prompt: string, maxTokens: number) {
  const res = await request(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] }),
  });
  return (await res.body.json()) as { usage: { prompt_tokens: number; completion_tokens: number }; choices: { message: { content: string } }[] };
}

const promptTokens = async (sim: SimServer) => (await complete(sim, PROMPT, 2)).usage.prompt_tokens;

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

  it('a correctness answer takes as many tokens as its tokenizer finds in the number (usage agrees with the client)', async () => {
    for (const [sim, name] of [[sims[0], 'llama2'], [sims[1], 'cl100k']] as const) {
      const t = await loadTokenizer(name);
      for (let i = 0; i < 5; i++) {
        const q = question(7, i);
        const body = await complete(sim, q.prompt, 20);
        const text = body.choices[0].message.content;
        expect(text).toContain(String(q.number));
        expect(body.usage.completion_tokens).toBe(20);
        expect(t.encode(text).length, `${name}: ${JSON.stringify(text)}`).toBe(20);
      }
    }
  });
});
