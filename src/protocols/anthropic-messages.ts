import { parseEvent, sseDecoder, wholeAnswer, wholeBodyDecoder } from './decoders.js';
import { jsonBody, splitSystem } from './request-body.js';
import { errorMessage, readString } from './scan.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from './types.js';

/** The API version every documented request names; fixed so results stay comparable. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic reports cached prompt tokens apart; the prompt is all three. */
function anthropicUsage(u: any): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const parts = [u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens].filter((n) => typeof n === 'number');
  return {
    input: parts.length ? parts.reduce((a: number, b: number) => a + b, 0) : undefined,
    output: typeof u.output_tokens === 'number' ? u.output_tokens : undefined,
    cached: typeof u.cache_read_input_tokens === 'number' ? u.cache_read_input_tokens : undefined,
  };
}

/** POST {endpoint}/messages: Anthropic's Messages API (also llama.cpp, vLLM and LiteLLM). */
export const anthropicMessages = {
  name: 'anthropic-messages',
  basePath: '/v1',
  defaultApiKeyEnv: 'ANTHROPIC_API_KEY',
  requiresApiKey: false,
  request(spec, apiKey) {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream', 'anthropic-version': ANTHROPIC_VERSION };
    if (apiKey) headers['x-api-key'] = apiKey;
    const { system, rest } = splitSystem(spec);
    return {
      path: '/messages',
      headers,
      body: jsonBody({ model: spec.model, max_tokens: spec.maxTokens, ...(system !== null && { system }), messages: rest, stream: spec.stream }, spec.params),
    };
  },
  decoder: (sink, stream, captureText = false) => (stream ? streamDecoder(sink, captureText) : nonStreamDecoder(sink, captureText)),
} satisfies ProtocolClient;

function streamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return sseDecoder((data, event, at) => {
    const type = event || readString(data, '"type":') || '';
    if (type === 'content_block_delta') {
      // signature_delta and input_json_delta carry no generated text
      const delta = readString(data, '"type":', data.indexOf('"delta"'));
      if (delta === 'text_delta') return sink.token('output', at, undefined, captureText ? (readString(data, '"text":') ?? '') : undefined);
      if (delta === 'thinking_delta') return sink.token('reasoning', at, undefined, captureText ? (readString(data, '"thinking":') ?? '') : undefined);
      return;
    }
    if (type === 'message_stop') return sink.done(at);
    if (type === 'message_start' || type === 'message_delta' || type === 'error') rareEvent(type, data);
  });

  function rareEvent(type: string, data: string): void {
    const obj = parseEvent(data, sink);
    if (obj === undefined) return;
    if (type === 'error') return sink.error(obj.error?.type === 'rate_limit_error' ? 'rate_limited' : 'server_error_event', describeError(obj));
    const u = anthropicUsage(type === 'message_start' ? obj.message?.usage : obj.usage);
    if (u) sink.usage(u);
    const stop = obj.delta?.stop_reason;
    if (typeof stop === 'string') sink.finish(stop);
  }
}

/** `overloaded_error: Overloaded`: the type says more than the message. */
function describeError(obj: any): string {
  const t = obj.error?.type;
  return typeof t === 'string' ? `${t}: ${errorMessage(obj)}` : errorMessage(obj);
}

function nonStreamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (m, atMs) => {
    const text = { reasoning: '', output: '' };
    for (const block of m.content ?? []) {
      if (block.type === 'text') text.output += block.text ?? '';
      else if (block.type === 'thinking') text.reasoning += block.thinking ?? '';
    }
    wholeAnswer(sink, atMs, text, anthropicUsage(m.usage), captureText);
    if (typeof m.stop_reason === 'string') sink.finish(m.stop_reason);
    sink.done(atMs);
  });
}
