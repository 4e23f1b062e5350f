import { chatMessages, maxTokens, messagesText, type ChunkKind, type SimEnding, type SimFormat, type SimRequest, type SimStream } from './types.js';

/**
 * Ollama `/api/chat` lines as its server writes them (test/fixtures/ollama): one JSON object per line,
 * `message.thinking` for reasoning, a final `done: true` line with the counts and durations.
 * Ollama streams unless the request says `"stream": false`.
 */
function line(model: string, kind: ChunkKind, text: string): string {
  const message = kind === 'reasoning' ? `{"role":"assistant","content":"","thinking":${JSON.stringify(text)}}` : `{"role":"assistant","content":${JSON.stringify(text)}}`;
  return `{"model":${JSON.stringify(model)},"created_at":"${new Date().toISOString()}","message":${message},"done":false}\n`;
}

function final(model: string, message: string, { usage: u, finish }: SimEnding, started: number): string {
  const ns = Math.round((performance.now() - started) * 1e6);
  return `{"model":${JSON.stringify(model)},"created_at":"${new Date().toISOString()}","message":${message},"done":true,"done_reason":"${finish}","total_duration":${ns},"load_duration":0,"prompt_eval_count":${u.input},"prompt_eval_duration":0,"eval_count":${u.output},"eval_duration":${ns}}`;
}

function stream(req: SimRequest, ending: SimEnding): SimStream {
  const started = performance.now();
  return {
    head: () => Buffer.alloc(0),
    chunk: (text, kind) => Buffer.from(line(req.model, kind, text)),
    end: (text, kind) => Buffer.from(line(req.model, kind, text) + final(req.model, '{"role":"assistant","content":""}', ending, started) + '\n'),
  };
}

export const ollamaFormat: SimFormat = {
  api: 'ollama',
  reasoning: true,
  streamContentType: 'application/x-ndjson',
  read(body) {
    if (!Array.isArray(body.messages)) return 'messages is required';
    const max = maxTokens(body.options?.num_predict, 'num_predict', 128);
    if (typeof max === 'string') return max;
    return { model: body.model, prompt: messagesText(body.messages), messages: chatMessages(body.messages), maxTokens: max, stream: body.stream !== false, includeUsage: true, perChunkUsage: false };
  },
  stream,
  whole(req, text, ending) {
    const message = JSON.stringify({ role: 'assistant', content: text.output, ...(text.reasoning ? { thinking: text.reasoning } : {}) });
    return final(req.model, message, ending, performance.now());
  },
  error: (_status, message) => JSON.stringify({ error: message }),
};
