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

export interface OpenAiStreamFrames {
  head(): string;
  /** `stampNs`: the send time put in the chunk (`"sim_ns":<ns>`, first key) in `--stamp` mode. */
  token(text: string, stampNs?: bigint): string;
  tail(finishReason: string, usage: { prompt: number; completion: number }): string;
}

export function openAiFrames(dialect: Dialect, model: string, includeUsage: boolean): OpenAiStreamFrames {
  const id = `chatcmpl-sim${Math.random().toString(36).slice(2, 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const object = dialect === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const meta = `"created":${created},"id":"${id}","model":${JSON.stringify(model)},"system_fingerprint":"b1-sim","object":"${object}"`;
  const pre = dialect === 'chat' ? '"choices":[{"finish_reason":null,"index":0,"delta":{"content":' : '"choices":[{"text":';
  const post = dialect === 'chat' ? `}}],${meta}}\n\n` : `,"index":0,"logprobs":null,"finish_reason":null}],${meta}}\n\n`;
  const usage = (u: { prompt: number; completion: number }) =>
    `"usage":{"completion_tokens":${u.completion},"prompt_tokens":${u.prompt},"total_tokens":${u.prompt + u.completion}}`;
  return {
    head: () => (dialect === 'chat' ? `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],${meta}}\n\n` : ''),
    token: (text, stampNs) => (stampNs === undefined ? 'data: {' : `data: {"${STAMP_KEY}":${stampNs},`) + pre + JSON.stringify(text) + post,
    tail(finish, u) {
      if (dialect === 'completions') {
        const use = includeUsage ? `,${usage(u)}` : '';
        return `data: {"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"${finish}"}],${meta}${use}}\n\ndata: [DONE]\n\n`;
      }
      const use = includeUsage ? `data: {"choices":[],${meta},${usage(u)}}\n\n` : '';
      return `data: {"choices":[{"finish_reason":"${finish}","index":0,"delta":{}}],${meta}}\n\n${use}data: [DONE]\n\n`;
    },
  };
}

export function openAiNonStream(dialect: Dialect, model: string, text: string, finish: string, u: { prompt: number; completion: number }): string {
  const choice = dialect === 'chat' ? { finish_reason: finish, index: 0, message: { role: 'assistant', content: text } } : { text, index: 0, logprobs: null, finish_reason: finish };
  return JSON.stringify({
    choices: [choice],
    created: Math.floor(Date.now() / 1000),
    model,
    object: dialect === 'chat' ? 'chat.completion' : 'text_completion',
    usage: { completion_tokens: u.completion, prompt_tokens: u.prompt, total_tokens: u.prompt + u.completion },
    id: `chatcmpl-sim${Math.random().toString(36).slice(2, 12)}`,
  });
}

export function openAiError(status: number, message: string, type = 'invalid_request_error'): string {
  return JSON.stringify({ error: { code: status, message, type } });
}
