import { maxTokens, simId, type ChunkKind, type SimEnding, type SimFormat, type SimRequest, type SimStream, type SimUsage } from './types.js';

/**
 * Gemini `streamGenerateContent?alt=sse` as Google's API sends it (test/fixtures/gemini): every event a
 * whole GenerateContentResponse in `"key": value` spacing, CRLF-separated; reasoning as parts with
 * `"thought": true`; the last event carries finishReason and the full usageMetadata (thoughts
 * counted apart from candidates).
 */
const PATH = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

export function isGeminiPath(path: string): boolean {
  return PATH.test(path);
}

function usageJson(u: SimUsage | null, input: number): string {
  if (!u) return `{"promptTokenCount": ${input},"totalTokenCount": ${input}}`;
  const thoughts = u.reasoning > 0 ? `,"thoughtsTokenCount": ${u.reasoning}` : '';
  const cached = u.cached > 0 ? `,"cachedContentTokenCount": ${u.cached}` : '';
  return `{"promptTokenCount": ${u.input},"candidatesTokenCount": ${u.output - u.reasoning},"totalTokenCount": ${u.input + u.output}${cached}${thoughts}}`;
}

function part(text: string, kind: ChunkKind): string {
  return kind === 'reasoning' ? `{"text": ${JSON.stringify(text)},"thought": true}` : `{"text": ${JSON.stringify(text)}}`;
}

function response(parts: string, finish: string, usage: string, model: string, id: string, sep: string): string {
  return `{"candidates": [{"content": {"parts": [${parts}],"role": "model"}${finish},"index": 0}],"usageMetadata": ${usage},"modelVersion": ${JSON.stringify(model)},"responseId": "${id}"}${sep}`;
}

const FINISH = { length: ',"finishReason": "MAX_TOKENS"', stop: ',"finishReason": "STOP"' } as const;

function stream(req: SimRequest, { usage: u, finish }: SimEnding): SimStream {
  const id = simId('');
  const running = usageJson(null, u.input);
  return {
    head: () => Buffer.alloc(0),
    chunk: (text, kind) => Buffer.from('data: ' + response(part(text, kind), '', running, req.model, id, '\r\n\r\n')),
    end: (text, kind) => Buffer.from('data: ' + response(part(text, kind), FINISH[finish], usageJson(u, u.input), req.model, id, '\r\n\r\n')),
  };
}

function status(code: number): string {
  return code === 429 ? 'RESOURCE_EXHAUSTED' : code === 404 ? 'NOT_FOUND' : code === 503 ? 'UNAVAILABLE' : code >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
}

export const geminiFormat: SimFormat = {
  api: 'gemini',
  reasoning: true,
  streamContentType: 'text/event-stream',
  read(body, url) {
    const [, model, method] = PATH.exec(url.pathname) ?? [];
    const streaming = method === 'streamGenerateContent';
    if (streaming && url.searchParams.get('alt') !== 'sse') return 'this simulator streams Server-Sent Events only: add ?alt=sse';
    if (!Array.isArray(body.contents)) return "Invalid JSON payload: 'contents' is required";
    const max = maxTokens(body.generationConfig?.maxOutputTokens, 'generationConfig.maxOutputTokens', 16);
    if (typeof max === 'string') return max;
    const prompt = body.contents.flatMap((c: any) => (c?.parts ?? []).map((p: any) => p?.text ?? '')).join('\n');
    return { model: decodeURIComponent(model), prompt, messages: null, maxTokens: max, stream: streaming, includeUsage: true, perChunkUsage: false };
  },
  stream,
  whole(req, text, { usage: u, finish }) {
    const parts = (['reasoning', 'output'] as const).filter((k) => text[k]).map((k) => part(text[k], k));
    return response(parts.join(','), FINISH[finish], usageJson(u, u.input), req.model, simId(''), '');
  },
  error: (code, message) => JSON.stringify({ error: { code, message, status: status(code) } }, null, 2),
};
