import { STAMP_KEY } from '../../protocols/stamp-scanner.js';
import { chatMessages, maxTokens, messagesText, simId, type ChunkExtras, type ChunkKind, type SimEnding, type SimFormat, type SimRequest, type SimStream, type SimUsage } from './types.js';

/**
 * OpenAI-compatible chat and completions frames exactly as llama.cpp's server sends them
 * (test/fixtures/llama-server): a role-only chunk, one chunk per token (`reasoning_content` for
 * reasoning), a finish chunk, a usage chunk when asked, then `data: [DONE]`.
 * Each stream pre-builds the JSON around the text so a chunk costs one string concat.
 */
type Dialect = 'chat' | 'completions';


/**
 * `"usage":{...}` as llama.cpp sends it: cached prompt tokens in prompt_tokens_details (as OpenAI and vLLM
 * too), reasoning tokens in completion_tokens_details when there are any, then llama.cpp's `timings` with
 * its cache_n beside it.
 */
function usageField(u: SimUsage): string {
  const details = u.reasoning > 0 ? `,"completion_tokens_details":{"reasoning_tokens":${u.reasoning}}` : '';
  return (
    `"usage":{"completion_tokens":${u.output},"prompt_tokens":${u.input},"total_tokens":${u.input + u.output}${details},"prompt_tokens_details":{"cached_tokens":${u.cached}}},` +
    `"timings":{"cache_n":${u.cached},"prompt_n":${u.input - u.cached},"predicted_n":${u.output}}`
  );
}

function meta(dialect: Dialect, model: string): string {
  const object = dialect === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  return `"created":${Math.floor(Date.now() / 1000)},"id":"${simId('chatcmpl-sim')}","model":${JSON.stringify(model)},"system_fingerprint":"b1-sim","object":"${object}"`;
}

/** One content chunk: `body` between `data: {` and the closing `}`, with the stamp first and per-chunk usage last. */
function frame(body: string, x: ChunkExtras | undefined): Buffer {
  if (!x) return Buffer.from(`data: {${body}}\n\n`);
  const stamp = x.stampNs === undefined ? '' : `"${STAMP_KEY}":${x.stampNs},`;
  const usage = x.usage ? `,${usageField(x.usage)}` : '';
  return Buffer.from(`data: {${stamp}${body}${usage}}\n\n`);
}

function chatStream(req: SimRequest, ending: SimEnding): SimStream {
  const m = meta('chat', req.model);
  const key = { output: 'content', reasoning: 'reasoning_content' };
  const chunk = (text: string, kind: ChunkKind, x?: ChunkExtras) => frame(`"choices":[{"finish_reason":null,"index":0,"delta":{"${key[kind]}":${JSON.stringify(text)}}}],${m}`, x);
  return {
    head: () => Buffer.from(`data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],${m}}\n\n`),
    chunk,
    end(text, kind, x) {
      const use = req.includeUsage ? `data: {"choices":[],${m},${usageField(ending.usage)}}\n\n` : '';
      return Buffer.concat([chunk(text, kind, x), Buffer.from(`data: {"choices":[{"finish_reason":"${ending.finish}","index":0,"delta":{}}],${m}}\n\n${use}data: [DONE]\n\n`)]);
    },
  };
}

function completionsStream(req: SimRequest, ending: SimEnding): SimStream {
  const m = meta('completions', req.model);
  const chunk = (text: string, _kind: ChunkKind, x?: ChunkExtras) => frame(`"choices":[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":null}],${m}`, x);
  return {
    head: () => Buffer.alloc(0),
    chunk,
    end(text, kind, x) {
      const use = req.includeUsage ? `,${usageField(ending.usage)}` : '';
      return Buffer.concat([chunk(text, kind, x), Buffer.from(`data: {"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"${ending.finish}"}],${m}${use}}\n\ndata: [DONE]\n\n`)]);
    },
  };
}

function whole(dialect: Dialect) {
  return (req: SimRequest, text: Record<ChunkKind, string>, ending: SimEnding): string => {
    const message = { role: 'assistant', content: text.output, ...(text.reasoning && { reasoning_content: text.reasoning }) };
    const choice = dialect === 'chat' ? { finish_reason: ending.finish, index: 0, message } : { text: text.output, index: 0, logprobs: null, finish_reason: ending.finish };
    return `{"choices":[${JSON.stringify(choice)}],"created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(req.model)},"object":"${dialect === 'chat' ? 'chat.completion' : 'text_completion'}",${usageField(ending.usage)},"id":"${simId('chatcmpl-sim')}"}`;
  };
}

export function openAiError(status: number, message: string, type = 'invalid_request_error'): string {
  return JSON.stringify({ error: { code: status, message, type } });
}

function read(dialect: Dialect) {
  return (body: any): SimRequest | string => {
    if (dialect === 'chat' && !Array.isArray(body.messages)) return "Expected 'messages' to be an array";
    if (dialect === 'completions' && typeof body.prompt !== 'string') return "Expected 'prompt' to be a string";
    const max = maxTokens(body.max_tokens ?? body.max_completion_tokens, 'max_tokens', 16);
    if (typeof max === 'string') return max;
    const prompt = dialect === 'chat' ? messagesText(body.messages) : body.prompt;
    const so = body.stream_options;
    return { model: body.model, prompt, messages: dialect === 'chat' ? chatMessages(body.messages) : null, maxTokens: max, stream: body.stream === true, includeUsage: so?.include_usage === true, perChunkUsage: so?.continuous_usage_stats === true };
  };
}

export const openAiChatFormat: SimFormat = {
  api: 'openai-chat',
  reasoning: true,
  streamContentType: 'text/event-stream',
  read: read('chat'),
  stream: chatStream,
  whole: whole('chat'),
  error: (status, message) => openAiError(status, message),
};

/** Completions has no reasoning field, so the simulator plans no reasoning phase for it. */
export const openAiCompletionsFormat: SimFormat = {
  api: 'openai-completions',
  reasoning: false,
  streamContentType: 'text/event-stream',
  read: read('completions'),
  stream: completionsStream,
  whole: whole('completions'),
  error: (status, message) => openAiError(status, message),
};
