import { parseEvent, sseDecoder, wholeAnswer, wholeBodyDecoder } from './decoders.js';
import { bearer, jsonBody } from './request-body.js';
import { errorMessage, readString } from './scan.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from './types.js';

const OUTPUT_DELTA = 'response.output_text.delta';
/** Raw reasoning text (open models) and the reasoning summary (OpenAI's hosted reasoning models). */
const REASONING_DELTAS = new Set(['response.reasoning_text.delta', 'response.reasoning_summary_text.delta']);
/** Events that end the response; `incomplete` is a normal end at max_output_tokens. */
const TERMINAL = new Set(['response.completed', 'response.incomplete']);

export function responsesUsage(u: any): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  return { input: u.input_tokens, output: u.output_tokens, reasoning: u.output_tokens_details?.reasoning_tokens, cached: u.input_tokens_details?.cached_tokens };
}

/** POST {endpoint}/responses: OpenAI's Responses API (also served by llama.cpp and vLLM). */
export const openaiResponses = {
  name: 'openai-responses',
  basePath: '/v1',
  defaultApiKeyEnv: 'OPENAI_API_KEY',
  requiresApiKey: false,
  request(spec, apiKey) {
    return {
      path: '/responses',
      headers: bearer(apiKey),
      body: jsonBody({ model: spec.model, input: spec.messages ?? spec.prompt, max_output_tokens: spec.maxTokens, stream: spec.stream }, spec.params),
    };
  },
  decoder: (sink, stream, captureText = false) => (stream ? streamDecoder(sink, captureText) : nonStreamDecoder(sink, captureText)),
} satisfies ProtocolClient;

function streamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return sseDecoder((data, event, at) => {
    // servers name the event on the `event:` line and in `type`; some proxies drop the former
    const type = event || readString(data, '"type":') || '';
    if (type === OUTPUT_DELTA) return sink.token('output', at, undefined, captureText ? (readString(data, '"delta":') ?? '') : undefined);
    if (REASONING_DELTAS.has(type)) return sink.token('reasoning', at, undefined, captureText ? (readString(data, '"delta":') ?? '') : undefined);
    if (TERMINAL.has(type) || type === 'response.failed' || type === 'error') finalEvent(type, data, at);
  });

  function finalEvent(type: string, data: string, at: number): void {
    const obj = parseEvent(data, sink);
    if (obj === undefined) return;
    if (type === 'error') return sink.error('server_error_event', errorMessage(obj));
    const r = obj.response ?? {};
    if (type === 'response.failed') return sink.error('server_error_event', errorMessage(r.error ? r : { error: 'response.failed' }));
    const u = responsesUsage(r.usage);
    if (u) sink.usage(u);
    sink.finish(finishReason(r));
    sink.done(at);
  }
}

function finishReason(r: any): string {
  return r.status === 'incomplete' ? (r.incomplete_details?.reason ?? 'incomplete') : (r.status ?? 'completed');
}

function nonStreamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (r, atMs) => {
    if (r.status === 'failed') return sink.error('server_error_event', errorMessage(r.error ? r : { error: 'status failed' }));
    const text = { reasoning: '', output: '' };
    for (const item of r.output ?? []) {
      const parts = item.type === 'reasoning' ? [...(item.content ?? []), ...(item.summary ?? [])] : (item.content ?? []);
      for (const p of parts) if (typeof p.text === 'string') text[item.type === 'reasoning' ? 'reasoning' : 'output'] += p.text;
    }
    wholeAnswer(sink, atMs, text, responsesUsage(r.usage), captureText);
    sink.finish(finishReason(r));
    sink.done(atMs);
  });
}
