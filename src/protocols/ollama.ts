import { jsonLinesDecoder, parseEvent, wholeAnswer, wholeBodyDecoder } from './decoders.js';
import { bearer, chatMessages, jsonBody } from './request-body.js';
import { errorMessage, hasNonEmptyString, readString } from './scan.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from './types.js';

function ollamaUsage(r: any): TokenUsage {
  return { input: r.prompt_eval_count, output: r.eval_count };
}

/** POST {endpoint}/api/chat: Ollama's native API, newline-delimited JSON (its /v1 is `--api openai-chat`). */
export const ollama = {
  name: 'ollama',
  basePath: '',
  defaultApiKeyEnv: 'OLLAMA_API_KEY',
  requiresApiKey: false,
  request(spec, apiKey) {
    return {
      path: '/api/chat',
      headers: { ...bearer(apiKey), accept: 'application/x-ndjson' },
      body: jsonBody({ model: spec.model, messages: chatMessages(spec), stream: spec.stream, options: { num_predict: spec.maxTokens } }, spec.params),
    };
  },
  decoder: (sink, stream, captureText = false) => (stream ? streamDecoder(sink, captureText) : nonStreamDecoder(sink, captureText)),
} satisfies ProtocolClient;

function streamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  const text = (line: string, at: number) => {
    if (hasNonEmptyString(line, '"content":')) sink.token('output', at, undefined, captureText ? (readString(line, '"content":') ?? '') : undefined);
    else if (hasNonEmptyString(line, '"thinking":')) sink.token('reasoning', at, undefined, captureText ? (readString(line, '"thinking":') ?? '') : undefined);
  };
  return jsonLinesDecoder((line, at) => {
    if (line.indexOf('"done":false') !== -1 && line.indexOf('"error"') === -1) return text(line, at);
    const r = parseEvent(line, sink);
    if (r === undefined) return;
    if (r.error) return sink.error('server_error_event', errorMessage(r));
    if (r.done === true) finalLine(sink, r, at);
    else text(line, at);
  });
}

function finalLine(sink: StreamSink, r: any, at: number): void {
  sink.usage(ollamaUsage(r));
  if (typeof r.done_reason === 'string') sink.finish(r.done_reason);
  sink.done(at);
}

function nonStreamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (r, atMs) => {
    wholeAnswer(sink, atMs, { reasoning: r.message?.thinking ?? '', output: r.message?.content ?? '' }, ollamaUsage(r), captureText);
    finalLine(sink, r, atMs);
  });
}
