/**
 * OpenAI-compatible wire frames exactly as llama.cpp's server sends them (../shared/fixtures):
 * a role-only chunk, one chunk per token, a finish chunk, a usage chunk, then `data: [DONE]`.
 * Each stream pre-builds the JSON around the token text so a token costs one string concat.
 */
const VOCAB = [' the', ' model', ' streams', ' tokens', ' at', ' a', ' steady', ' pace', ',', ' and', ' every', ' chunk', ' is', ' timed', '.'];

export function tokenText(j: number): string {
  return VOCAB[j % VOCAB.length];
}

/** The key of the send stamp in `--stamp` mode (read by src/bench/stamp-scanner.ts). */
export const STAMP_KEY = 'sim_ns';

export type Dialect = 'chat' | 'completions';

/** What a response's usage reports; `reasoning` becomes completion_tokens_details.reasoning_tokens. */
export interface SimUsage {
  prompt: number;
  completion: number;
  reasoning?: number;
}

export interface OpenAiStreamFrames {
  head(): string;
  /** `stampNs`: the send time put in the chunk (`"sim_ns":<ns>`, first key) in `--stamp` mode; `reasoning`: a
   *  `reasoning_content` delta (chat) instead of content. */
  token(text: string, stampNs?: bigint, reasoning?: boolean): string;
  tail(finishReason: string, usage: SimUsage): string;
}

export function openAiFrames(dialect: Dialect, model: string, includeUsage: boolean): OpenAiStreamFrames {
  const id = `chatcmpl-sim${Math.random().toString(36).slice(2, 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const object = dialect === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const meta = `"created":${created},"id":"${id}","model":${JSON.stringify(model)},"system_fingerprint":"b1-sim","object":"${object}"`;
  const pre = dialect === 'chat' ? '"choices":[{"finish_reason":null,"index":0,"delta":{"content":' : '"choices":[{"text":';
  const reasoningPre = '"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":';
  const post = dialect === 'chat' ? `}}],${meta}}\n\n` : `,"index":0,"logprobs":null,"finish_reason":null}],${meta}}\n\n`;
  return {
    head: () => (dialect === 'chat' ? `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],${meta}}\n\n` : ''),
    token: (text, stampNs, reasoning) =>
      (stampNs === undefined ? 'data: {' : `data: {"${STAMP_KEY}":${stampNs},`) + (reasoning && dialect === 'chat' ? reasoningPre : pre) + JSON.stringify(text) + post,
    tail(finish, u) {
      if (dialect === 'completions') {
        const use = includeUsage ? `,${usageField(u)}` : '';
        return `data: {"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"${finish}"}],${meta}${use}}\n\ndata: [DONE]\n\n`;
      }
      const use = includeUsage ? `data: {"choices":[],${meta},${usageField(u)}}\n\n` : '';
      return `data: {"choices":[{"finish_reason":"${finish}","index":0,"delta":{}}],${meta}}\n\n${use}data: [DONE]\n\n`;
    },
  };
}

/** `"usage":{...}` as vLLM sends it, reasoning tokens in completion_tokens_details when there are any. */
export function usageField(u: SimUsage): string {
  const details = u.reasoning ? `,"completion_tokens_details":{"reasoning_tokens":${u.reasoning}}` : '';
  return `"usage":{"completion_tokens":${u.completion},"prompt_tokens":${u.prompt},"total_tokens":${u.prompt + u.completion}${details}}`;
}

/** A stream frame with per-chunk usage added (vLLM `stream_options.continuous_usage_stats`). */
export function withUsage(frame: string, u: SimUsage): string {
  return `${frame.slice(0, frame.lastIndexOf('}'))},${usageField(u)}}\n\n`;
}

export function openAiNonStream(dialect: Dialect, model: string, text: { reasoning: string; answer: string }, finish: string, u: SimUsage): string {
  const message = { role: 'assistant', content: text.answer, ...(text.reasoning && { reasoning_content: text.reasoning }) };
  const choice = dialect === 'chat' ? { finish_reason: finish, index: 0, message } : { text: text.answer, index: 0, logprobs: null, finish_reason: finish };
  return JSON.stringify({
    choices: [choice],
    created: Math.floor(Date.now() / 1000),
    model,
    object: dialect === 'chat' ? 'chat.completion' : 'text_completion',
    usage: JSON.parse(`{${usageField(u)}}`).usage,
    id: `chatcmpl-sim${Math.random().toString(36).slice(2, 12)}`,
  });
}

export function openAiError(status: number, message: string, type = 'invalid_request_error'): string {
  return JSON.stringify({ error: { code: status, message, type } });
}
