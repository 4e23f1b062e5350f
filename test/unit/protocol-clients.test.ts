import { describe, expect, it } from 'vitest';
import { anthropicMessages, ANTHROPIC_VERSION } from '../../src/protocols/anthropic-messages.js';
import { gemini } from '../../src/protocols/gemini.js';
import { ollama } from '../../src/protocols/ollama.js';
import { openaiResponses } from '../../src/protocols/openai-responses.js';
import { openaiChat } from '../../src/protocols/openai-chat.js';
import { tgi } from '../../src/protocols/tgi.js';
import type { ProtocolClient } from '../../src/protocols/types.js';
import { decode, fixtureBody, splits } from '../helpers.js';

/** Decodes the whole body, then checks every split of it decodes the same. */
function everySplit(client: ProtocolClient, body: Buffer) {
  const whole = decode(client, [body]);
  for (const parts of splits(body)) expect(decode(client, parts)).toEqual(whole);
  return whole;
}

const spec = { model: 'm', prompt: 'hi', maxTokens: 7, stream: true, params: {} };

describe('openai-responses on llama.cpp captures', () => {
  it('output_text deltas, usage and the terminator of response.completed', () => {
    const r = everySplit(openaiResponses, fixtureBody('openai-responses-stream.http'));
    expect(r).toMatchObject({ output: 6, reasoning: 0, done: true, finish: 'completed', usage: { input: 31, output: 6 }, errors: [] });
    expect(r.text).toBe(' male Rand copy forec]cular');
  });

  it('reasoning_text deltas are reasoning', () => {
    const r = everySplit(openaiResponses, fixtureBody('openai-responses-reasoning-stream.http'));
    expect(r).toMatchObject({ output: 0, reasoning: 5, done: true, usage: { input: 27, output: 5 } });
  });

  it('reasoning summary deltas, reasoning_tokens, error and response.failed events', () => {
    const sse = (type: string, body: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
    const body = Buffer.from(
      sse('response.reasoning_summary_text.delta', { delta: 'Thinking' }) +
        sse('response.output_text.delta', { delta: 'Hi' }) +
        sse('response.completed', { response: { status: 'completed', usage: { input_tokens: 3, output_tokens: 9, output_tokens_details: { reasoning_tokens: 8 } } } }),
    );
    expect(everySplit(openaiResponses, body)).toMatchObject({ output: 1, reasoning: 1, done: true, usage: { input: 3, output: 9, reasoning: 8 } });
    const err = decode(openaiResponses, [Buffer.from(sse('error', { code: 'server_error', message: 'The server had an error' }))]);
    expect(err.errors).toEqual([['server_error_event', 'The server had an error']]);
    const failed = decode(openaiResponses, [Buffer.from(sse('response.failed', { response: { status: 'failed', error: { code: 'server_error', message: 'boom' } } }))]);
    expect(failed).toMatchObject({ done: false, errors: [['server_error_event', 'boom']] });
  });

  it('builds /responses with max_output_tokens and a bearer key', () => {
    const req = openaiResponses.request(spec, 'sk-x');
    expect(req.path).toBe('/responses');
    expect(JSON.parse(req.body)).toEqual({ model: 'm', input: 'hi', max_output_tokens: 7, stream: true });
    expect(req.headers.authorization).toBe('Bearer sk-x');
  });
});

describe('anthropic-messages', () => {
  it('llama.cpp capture: text deltas, usage from message_start and message_delta, message_stop', () => {
    const r = everySplit(anthropicMessages, fixtureBody('anthropic-messages-stream.http'));
    expect(r).toMatchObject({ output: 8, reasoning: 0, done: true, finish: 'max_tokens', usage: { input: 33, output: 8 }, errors: [] });
  });

  it('llama.cpp thinking capture: thinking_delta is reasoning, signature_delta is no token', () => {
    const r = everySplit(anthropicMessages, fixtureBody('anthropic-messages-thinking-stream.http'));
    expect(r).toMatchObject({ output: 0, reasoning: 5, done: true, usage: { output: 5 } });
  });

  it("Anthropic's documented stream: pings ignored, thinking then text, spaced JSON", () => {
    const r = everySplit(anthropicMessages, fixtureBody('stream-thinking-ping.http', 'anthropic'));
    expect(r).toMatchObject({ output: 2, reasoning: 2, done: true, finish: 'end_turn', usage: { input: 25, output: 47 }, errors: [] });
    expect(r.text.endsWith('27 * 453 = 12,231, worked out above.')).toBe(true);
  });

  it('an overloaded_error event is a server error naming its type', () => {
    const r = everySplit(anthropicMessages, fixtureBody('stream-overloaded-error.http', 'anthropic'));
    expect(r).toMatchObject({ reasoning: 1, done: false, errors: [['server_error_event', 'overloaded_error: Overloaded']] });
  });

  it('non-streaming message: thinking and text blocks, cached input counted', () => {
    const r = decode(anthropicMessages, [fixtureBody('message.http', 'anthropic')], false);
    expect(r).toMatchObject({ output: 1, reasoning: 1, done: true, finish: 'end_turn', usage: { input: 35, output: 47 } });
  });

  it('sends x-api-key and anthropic-version, never a bearer token; max_tokens always set', () => {
    const req = anthropicMessages.request(spec, 'sk-ant-x');
    expect(req.path).toBe('/messages');
    expect(req.headers).toMatchObject({ 'x-api-key': 'sk-ant-x', 'anthropic-version': ANTHROPIC_VERSION });
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body)).toMatchObject({ max_tokens: 7, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  });
});

describe('gemini', () => {
  it('thought parts are reasoning; output counts thoughts and candidates; CRLF events; finishReason ends it', () => {
    const r = everySplit(gemini, fixtureBody('stream-thinking.http', 'gemini'));
    expect(r).toMatchObject({ output: 2, reasoning: 2, done: true, finish: 'STOP', usage: { input: 8, output: 57, reasoning: 38 }, errors: [] });
  });

  it('an error object inside the stream is a server error', () => {
    const r = everySplit(gemini, fixtureBody('stream-error-event.http', 'gemini'));
    expect(r).toMatchObject({ output: 1, done: false, errors: [['server_error_event', 'The model is overloaded. Please try again later.']] });
  });

  it('generateContent (non-streaming)', () => {
    const r = decode(gemini, [fixtureBody('generate-content.http', 'gemini')], false);
    expect(r).toMatchObject({ output: 1, done: true, finish: 'STOP', usage: { input: 8, output: 19 } });
  });

  it('the key travels in x-goog-api-key, never in the URL; params merge into generationConfig', () => {
    const req = gemini.request({ ...spec, model: 'models/gemini-2.5-flash', params: { generationConfig: { temperature: 0 } } }, 'AIza-secret');
    expect(req.path).toBe('/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(req.path).not.toContain('AIza');
    expect(req.headers['x-goog-api-key']).toBe('AIza-secret');
    expect(JSON.parse(req.body).generationConfig).toEqual({ maxOutputTokens: 7, temperature: 0 });
    expect(gemini.request({ ...spec, stream: false }, undefined).path).toBe('/models/m:generateContent');
  });
});

describe('tgi', () => {
  it('one token per event, keep-alive comments and the special EOS token skipped, details at the end', () => {
    const r = everySplit(tgi, fixtureBody('generate-stream.http', 'tgi'));
    expect(r).toMatchObject({ output: 8, done: true, finish: 'eos_token', usage: { input: 7, output: 9 }, errors: [] });
    expect(r.text).toBe(' Deep learning is a subset of machine learning');
  });

  it('an error event mid-stream is a server error', () => {
    const r = everySplit(tgi, fixtureBody('stream-error-event.http', 'tgi'));
    expect(r.errors[0][0]).toBe('server_error_event');
    expect(r.done).toBe(false);
  });

  it('/generate (non-streaming) with details', () => {
    const r = decode(tgi, [fixtureBody('generate.http', 'tgi')], false);
    expect(r).toMatchObject({ output: 1, done: true, finish: 'length', usage: { output: 8 } });
    expect(tgi.request({ ...spec, stream: false }, undefined).path).toBe('/generate');
    expect(JSON.parse(tgi.request(spec, undefined).body)).toEqual({ inputs: 'hi', parameters: { max_new_tokens: 7, details: true } });
  });
});

describe('ollama', () => {
  it('newline-delimited JSON: thinking is reasoning, content is output, eval_count is usage', () => {
    const r = everySplit(ollama, fixtureBody('chat-stream-thinking.http', 'ollama'));
    expect(r).toMatchObject({ output: 9, reasoning: 5, done: true, finish: 'stop', usage: { input: 26, output: 14 }, errors: [] });
  });

  it('an error line mid-stream is a server error', () => {
    const r = everySplit(ollama, fixtureBody('stream-error-line.http', 'ollama'));
    expect(r).toMatchObject({ output: 1, done: false, errors: [['server_error_event', 'an error was encountered while running the model: unexpected EOF']] });
  });

  it('non-streaming chat', () => {
    const r = decode(ollama, [fixtureBody('chat.http', 'ollama')], false);
    expect(r).toMatchObject({ output: 1, done: true, usage: { input: 26, output: 298 } });
    expect(JSON.parse(ollama.request({ ...spec, stream: false }, undefined).body)).toMatchObject({ stream: false, options: { num_predict: 7 } });
  });
});

describe('reasoning in non-streaming OpenAI chat bodies', () => {
  it('message.reasoning_content is one reasoning event beside the answer', () => {
    const body = Buffer.from(JSON.stringify({ choices: [{ message: { content: 'A', reasoning_content: 'R' }, finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 7 } } }));
    expect(decode(openaiChat, [body], false)).toMatchObject({ output: 1, reasoning: 1, done: true, usage: { output: 9, reasoning: 7 } });
  });
});
