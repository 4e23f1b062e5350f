import type { DatasetFormat } from '../types.js';

/** `{"prompt": "...", "output_tokens": 128}` per line: the original --dataset format. */
export const promptLines: DatasetFormat = {
  name: 'prompt',
  example: '{"prompt": "...", "output_tokens": 128} per line (output_tokens optional)',
  fields: ['prompt', 'output_tokens'],
  rule: { prompts: 'first-user-message', lengthRules: true },
  detect: (r) => typeof r.prompt === 'string',
  parse(r) {
    const { prompt, output_tokens: out } = r;
    if (typeof prompt !== 'string' || prompt === '') return '"prompt" must be a non-empty string';
    if (out !== undefined && !(Number.isInteger(out) && (out as number) > 0)) return `"output_tokens" must be an integer > 0, got ${JSON.stringify(out)}`;
    return { system: null, turns: [{ user: prompt, assistant: null }], outputTokens: (out as number | undefined) ?? null };
  },
};
