import { describe, expect, it } from 'vitest';
import { protocolFor } from '../../src/protocols/registry.js';
import type { ApiName, RequestSpec } from '../../src/protocols/types.js';

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Q1' },
  { role: 'assistant' as const, content: 'A1' },
  { role: 'user' as const, content: 'Q2' },
];
const spec: RequestSpec = { model: 'm', prompt: 'Be brief.\n\nQ1\n\nA1\n\nQ2', messages, maxTokens: 8, stream: true, params: {} };
const body = (api: ApiName) => JSON.parse(protocolFor(api).request(spec, undefined).body);

describe('a conversation reaches each API in its own shape', () => {
  it('OpenAI chat, Ollama, Responses: the messages as they are', () => {
    expect(body('openai-chat').messages).toEqual(messages);
    expect(body('ollama').messages).toEqual(messages);
    expect(body('openai-responses').input).toEqual(messages);
  });

  it('Anthropic, Gemini, Bedrock: the system prompt in its own field', () => {
    expect(body('anthropic-messages')).toMatchObject({ system: 'Be brief.', messages: messages.slice(1) });
    expect(body('gemini')).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Q1' }] }, { role: 'model', parts: [{ text: 'A1' }] }, { role: 'user', parts: [{ text: 'Q2' }] }],
    });
    expect(body('bedrock')).toMatchObject({ system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Q1' }] }, { role: 'assistant', content: [{ text: 'A1' }] }, { role: 'user', content: [{ text: 'Q2' }] }] });
  });

  it('text APIs send the prompt text; without messages chat APIs send one user message', () => {
    expect(body('openai-completions').prompt).toBe(spec.prompt);
    expect(body('tgi').inputs).toBe(spec.prompt);
    const plain = JSON.parse(protocolFor('openai-chat').request({ ...spec, messages: undefined }, undefined).body);
    expect(plain.messages).toEqual([{ role: 'user', content: spec.prompt }]);
    expect(JSON.parse(protocolFor('anthropic-messages').request({ ...spec, messages: undefined }, undefined).body).system).toBeUndefined();
  });
});
