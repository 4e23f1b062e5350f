import { chatMessages, maxTokens, messagesText, simId, type ChunkKind, type SimEnding, type SimFormat, type SimRequest, type SimStream } from './types.js';

/**
 * Anthropic Messages frames as llama.cpp and Anthropic send them (test/fixtures/llama-server/anthropic-*,
 * test/fixtures/anthropic): message_start (input usage), a ping, one content block per phase (thinking,
 * then text; a thinking block closes with its signature_delta), message_delta (stop reason, output
 * usage), message_stop.
 */
const sse = (type: string, body: string) => `event: ${type}\ndata: {"type":"${type}"${body}}\n\n`;
const BLOCK: Record<ChunkKind, { start: string; delta: string; field: string }> = {
  reasoning: { start: '{"type":"thinking","thinking":""}', delta: 'thinking_delta', field: 'thinking' },
  output: { start: '{"type":"text","text":""}', delta: 'text_delta', field: 'text' },
};
const SIGNATURE = 'c2ltdWxhdGVkIHRoaW5raW5n';

const STOP = { length: 'max_tokens', stop: 'end_turn' } as const;

function stream(req: SimRequest, ending: SimEnding): SimStream {
  const u = ending.usage;
  let index = -1;
  let current: ChunkKind | null = null;
  const stop = () => (current === 'reasoning' ? sse('content_block_delta', `,"index":${index},"delta":{"type":"signature_delta","signature":"${SIGNATURE}"}`) : '') + sse('content_block_stop', `,"index":${index}`);
  const chunk = (text: string, kind: ChunkKind): Buffer => {
    let head = '';
    if (kind !== current) {
      head = (current ? stop() : '') + sse('content_block_start', `,"index":${++index},"content_block":${BLOCK[kind].start}`);
      current = kind;
    }
    const b = BLOCK[kind];
    return Buffer.from(head + sse('content_block_delta', `,"index":${index},"delta":{"type":"${b.delta}","${b.field}":${JSON.stringify(text)}}`));
  };
  return {
    head: () =>
      Buffer.from(
        sse('message_start', `,"message":{"id":"${simId('msg_sim')}","type":"message","role":"assistant","content":[],"model":${JSON.stringify(req.model)},"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${u.input - u.cached},"cache_read_input_tokens":${u.cached},"output_tokens":0}}`) +
          sse('ping', ''),
      ),
    chunk,
    end: (text, kind) =>
      Buffer.concat([chunk(text, kind), Buffer.from(stop() + sse('message_delta', `,"delta":{"stop_reason":"${STOP[ending.finish]}","stop_sequence":null},"usage":{"output_tokens":${u.output}}`) + sse('message_stop', ''))]),
  };
}

/** Anthropic's own error body: `{"type":"error","error":{"type":...,"message":...}}`. */
function errorBody(status: number, message: string): string {
  const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status === 404 ? 'not_found_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return JSON.stringify({ type: 'error', error: { type, message } });
}

export const anthropicFormat: SimFormat = {
  api: 'anthropic-messages',
  reasoning: true,
  streamContentType: 'text/event-stream; charset=utf-8',
  read(body) {
    if (!Array.isArray(body.messages)) return 'messages: Field required';
    if (body.max_tokens === undefined) return 'max_tokens: Field required';
    const max = maxTokens(body.max_tokens, 'max_tokens', 0);
    if (typeof max === 'string') return max;
    return { model: body.model, prompt: messagesText(body.messages), messages: chatMessages(body.messages, body.system), maxTokens: max, stream: body.stream === true, includeUsage: true, perChunkUsage: false };
  },
  stream,
  whole(req, text, { usage: u, finish }) {
    const content: object[] = [];
    if (text.reasoning) content.push({ type: 'thinking', thinking: text.reasoning, signature: SIGNATURE });
    content.push({ type: 'text', text: text.output });
    return JSON.stringify({ id: simId('msg_sim'), type: 'message', role: 'assistant', model: req.model, content, stop_reason: STOP[finish], stop_sequence: null, usage: { input_tokens: u.input - u.cached, cache_read_input_tokens: u.cached, output_tokens: u.output } });
  },
  error: errorBody,
};
