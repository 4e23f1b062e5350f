import { parseEvent, sseDecoder, wholeAnswer, wholeBodyDecoder } from './decoders.js';
import { bearer, jsonBody } from './request-body.js';
import { errorMessage, readString } from './scan.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from './types.js';

function tgiUsage(details: any): TokenUsage | null {
  if (!details || typeof details !== 'object') return null;
  return { output: details.generated_tokens, input: details.input_length ?? details.prefill?.length };
}

/**
 * POST {endpoint}/generate_stream: Hugging Face Text Generation Inference's native API (its
 * OpenAI-compatible `/v1/chat/completions` is `--api openai-chat`). `details: true` asks for the
 * token count and finish reason.
 */
export const tgi = {
  name: 'tgi',
  basePath: '',
  defaultApiKeyEnv: 'HF_TOKEN',
  requiresApiKey: false,
  request(spec, apiKey) {
    return {
      path: spec.stream ? '/generate_stream' : '/generate',
      headers: bearer(apiKey),
      body: jsonBody({ inputs: spec.prompt, parameters: { max_new_tokens: spec.maxTokens, details: true } }, spec.params),
    };
  },
  decoder: (sink, stream, captureText = false) => (stream ? streamDecoder(sink, captureText) : nonStreamDecoder(sink, captureText)),
} satisfies ProtocolClient;

/** One event per token; special tokens (EOS) carry no text; the last event has `generated_text`. */
function streamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return sseDecoder((data, _event, at) => {
    if (data.indexOf('"error"') !== -1) {
      const e = parseEvent(data, sink);
      if (e !== undefined) sink.error(e.error_type === 'overloaded' ? 'rate_limited' : 'server_error_event', errorMessage(e));
      return;
    }
    if (data.indexOf('"special":true') === -1) {
      const text = readString(data, '"text":');
      if (text) sink.token('output', at, undefined, captureText ? text : undefined);
    }
    if (data.indexOf('"generated_text":null') === -1) {
      const last = parseEvent(data, sink);
      if (last !== undefined) finalDetails(sink, last, at);
    }
  });
}

function finalDetails(sink: StreamSink, r: any, at: number): void {
  const u = tgiUsage(r.details);
  if (u) sink.usage(u);
  if (typeof r.details?.finish_reason === 'string') sink.finish(r.details.finish_reason);
  sink.done(at);
}

/** `/generate` answers one object (older servers: a one-element array). */
function nonStreamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (body, atMs) => {
    const r = Array.isArray(body) ? (body[0] ?? {}) : body;
    wholeAnswer(sink, atMs, { reasoning: '', output: r.generated_text ?? '' }, tgiUsage(r.details), captureText);
    finalDetails(sink, r, atMs);
  });
}
