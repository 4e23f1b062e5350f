import { parseEvent, sseDecoder, wholeAnswer, wholeBodyDecoder } from './decoders.js';
import { jsonBody, splitSystem } from './request-body.js';
import { errorMessage } from './scan.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from './types.js';

/** Output tokens are everything generated: Gemini counts thoughts apart from the candidates. */
function geminiUsage(m: any): TokenUsage | null {
  if (!m || typeof m !== 'object') return null;
  const answer = m.candidatesTokenCount;
  const thoughts = m.thoughtsTokenCount;
  const known = typeof answer === 'number' || typeof thoughts === 'number';
  return {
    input: typeof m.promptTokenCount === 'number' ? m.promptTokenCount : undefined,
    output: known ? (answer ?? 0) + (thoughts ?? 0) : undefined,
    reasoning: typeof thoughts === 'number' ? thoughts : undefined,
    cached: typeof m.cachedContentTokenCount === 'number' ? m.cachedContentTokenCount : undefined,
  };
}

/** Text of one GenerateContentResponse: parts flagged `thought: true` are reasoning. */
function partsText(r: any): { reasoning: string; output: string } {
  const text = { reasoning: '', output: '' };
  for (const p of r.candidates?.[0]?.content?.parts ?? []) {
    if (typeof p.text === 'string') text[p.thought === true ? 'reasoning' : 'output'] += p.text;
  }
  return text;
}

/**
 * POST {endpoint}/models/{model}:streamGenerateContent?alt=sse (Google's Gemini API, base URL
 * https://generativelanguage.googleapis.com/v1beta). The key goes in the `x-goog-api-key` header, never
 * in the URL: URLs end up in logs and results.
 */
export const gemini = {
  name: 'gemini',
  basePath: '/v1beta',
  defaultApiKeyEnv: 'GEMINI_API_KEY',
  requiresApiKey: false,
  request(spec, apiKey) {
    const model = encodeURIComponent(spec.model.replace(/^models\//, ''));
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: spec.stream ? 'text/event-stream' : 'application/json' };
    if (apiKey) headers['x-goog-api-key'] = apiKey;
    const { system, rest } = splitSystem(spec);
    return {
      path: `/models/${model}:${spec.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      headers,
      body: jsonBody({ ...(system !== null && { systemInstruction: { parts: [{ text: system }] } }), contents: rest.map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] })), generationConfig: { maxOutputTokens: spec.maxTokens } }, spec.params),
    };
  },
  decoder: (sink, stream, captureText = false) => (stream ? streamDecoder(sink, captureText) : nonStreamDecoder(sink, captureText)),
} satisfies ProtocolClient;

/** Every event is a whole GenerateContentResponse; the one with a finishReason is the last. */
function streamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return sseDecoder((data, _event, at) => {
    const r = parseEvent(data, sink);
    if (r === undefined) return;
    if (r.error) return sink.error(r.error.code === 429 ? 'rate_limited' : 'server_error_event', errorMessage(r));
    const text = partsText(r);
    if (text.reasoning) sink.token('reasoning', at, undefined, captureText ? text.reasoning : undefined);
    if (text.output) sink.token('output', at, undefined, captureText ? text.output : undefined);
    ending(sink, r, at);
  });
}

function ending(sink: StreamSink, r: any, at: number): void {
  const u = geminiUsage(r.usageMetadata);
  if (u) sink.usage(u);
  const finish = r.candidates?.[0]?.finishReason;
  if (typeof finish !== 'string') return;
  sink.finish(finish);
  sink.done(at);
}

function nonStreamDecoder(sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (r, atMs) => {
    wholeAnswer(sink, atMs, partsText(r), geminiUsage(r.usageMetadata), captureText);
    ending(sink, r, atMs);
  });
}
