import { describe, expect, it } from 'vitest';
import { openaiChat } from '../../src/protocols/openai-chat.js';
import { openaiCompletions } from '../../src/protocols/openai-completions.js';
import { decode, fixtureBody, splits } from '../helpers.js';

describe('OpenAI decoders on real llama.cpp captures', () => {
  it('chat: skips the role-only chunk, counts content chunks, reads usage, finish and [DONE] at every split', () => {
    const body = fixtureBody('openai-chat-stream.http');
    const whole = decode(openaiChat, [body]);
    expect(whole).toMatchObject({ output: 8, reasoning: 0, finish: 'length', done: true, usage: { input: 33, output: 8 }, errors: [] });
    expect(whole.text.startsWith('roid Da wojew')).toBe(true);
    for (const parts of splits(body)) expect(decode(openaiChat, parts)).toEqual(whole);
  });

  it('chat: reasoning_content chunks are reasoning, not output', () => {
    const r = decode(openaiChat, [fixtureBody('openai-chat-reasoning-stream.http')]);
    expect(r).toMatchObject({ output: 0, reasoning: 5, done: true, usage: { output: 5 } });
  });

  it('completions: text chunks and the usage carried by the finish chunk', () => {
    const body = fixtureBody('openai-completions-stream.http');
    const whole = decode(openaiCompletions, [body]);
    expect(whole).toMatchObject({ output: 8, finish: 'length', done: true, usage: { input: 7, output: 8 } });
    for (const parts of splits(body)) expect(decode(openaiCompletions, parts)).toEqual(whole);
  });

  it('non-streaming body: one output event with the usage count', () => {
    const r = decode(openaiChat, [fixtureBody('openai-chat-nonstream.http')], false);
    expect(r).toMatchObject({ output: 1, text: ' sizeof metros]itor', usage: { output: 4, input: 29 }, done: true });
  });

  it('an error event inside a 200 stream is classified, garbage is a parse error', () => {
    const e = decode(openaiChat, [Buffer.from('data: {"error":{"message":"overloaded","code":503}}\n\n')]);
    expect(e.errors).toEqual([['server_error_event', 'overloaded']]);
    const g = decode(openaiChat, [Buffer.from('data: {"usage":{ nope\n\n')]);
    expect(g.errors[0][0]).toBe('parse');
  });

  it('builds a streaming chat body with usage requested and a bearer key only when given', () => {
    const req = openaiChat.request({ model: 'm', prompt: 'hi', maxTokens: 7, stream: true, params: { temperature: 0 } }, 'sk-test');
    expect(req.path).toBe('/chat/completions');
    expect(JSON.parse(req.body)).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 7, stream: true, stream_options: { include_usage: true }, temperature: 0 });
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(openaiChat.request({ model: 'm', prompt: 'hi', maxTokens: 7, stream: true, params: {} }, undefined).headers.authorization).toBeUndefined();
  });
});
