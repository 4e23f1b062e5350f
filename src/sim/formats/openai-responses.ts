import { openAiError } from './openai.js';
import { maxTokens, simId, type ChunkKind, type SimEnding, type SimFormat, type SimRequest, type SimStream, type SimUsage } from './types.js';

/**
 * The Responses API stream as llama.cpp sends it (test/fixtures/llama-server/openai-responses-*):
 * response.created / in_progress, an output item per phase (reasoning, then message), one delta
 * event per chunk, the items' done events, then response.completed with the usage.
 */
const sse = (type: string, body: string) => `event: ${type}\ndata: {"type":"${type}",${body}}\n\n`;

function usageJson(u: SimUsage): string {
  return `{"input_tokens":${u.input},"input_tokens_details":{"cached_tokens":${u.cached}},"output_tokens":${u.output},"total_tokens":${u.input + u.output},"output_tokens_details":{"reasoning_tokens":${u.reasoning}}}`;
}

function outputItem(kind: ChunkKind, id: string, text: string): string {
  return kind === 'reasoning'
    ? `{"id":"${id}","summary":[],"type":"reasoning","content":[{"text":${JSON.stringify(text)},"type":"reasoning_text"}],"encrypted_content":""}`
    : `{"type":"message","status":"completed","id":"${id}","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":${JSON.stringify(text)}}],"role":"assistant"}`;
}

function stream(req: SimRequest, ending: SimEnding): SimStream {
  const respId = simId('resp_');
  const items: { kind: ChunkKind; id: string; text: string }[] = [];
  const open = (kind: ChunkKind): string => {
    const prev = items[items.length - 1];
    if (prev?.kind === kind) return '';
    const id = simId(kind === 'reasoning' ? 'rs_' : 'msg_');
    items.push({ kind, id, text: '' });
    const added = kind === 'reasoning'
      ? sse('response.output_item.added', `"item":{"id":"${id}","summary":[],"type":"reasoning","content":[],"encrypted_content":"","status":"in_progress"}`)
      : sse('response.output_item.added', `"item":{"content":[],"id":"${id}","role":"assistant","status":"in_progress","type":"message"}`) +
        sse('response.content_part.added', `"item_id":"${id}","part":{"type":"output_text","text":""}`);
    return (prev ? close(prev) : '') + added;
  };
  const close = (it: { kind: ChunkKind; id: string; text: string }): string =>
    it.kind === 'reasoning'
      ? sse('response.output_item.done', `"item":${outputItem('reasoning', it.id, it.text)}`)
      : sse('response.output_text.done', `"item_id":"${it.id}","text":${JSON.stringify(it.text)}`) +
        sse('response.content_part.done', `"item_id":"${it.id}","part":{"type":"output_text","annotations":[],"logprobs":[],"text":${JSON.stringify(it.text)}}`) +
        sse('response.output_item.done', `"item":${outputItem('output', it.id, it.text)}`);
  const chunk = (text: string, kind: ChunkKind): Buffer => {
    const head = open(kind);
    const it = items[items.length - 1];
    it.text += text;
    const type = kind === 'reasoning' ? 'response.reasoning_text.delta' : 'response.output_text.delta';
    return Buffer.from(head + sse(type, `"delta":${JSON.stringify(text)},"item_id":"${it.id}"`));
  };
  return {
    head: () => Buffer.from(sse('response.created', `"response":{"id":"${respId}","object":"response","status":"in_progress"}`) + sse('response.in_progress', `"response":{"id":"${respId}","object":"response","status":"in_progress"}`)),
    chunk,
    end(text, kind) {
      const last = chunk(text, kind);
      const output = items.map((it) => outputItem(it.kind, it.id, it.text)).join(',');
      const done = sse('response.completed', `"response":{"id":"${respId}","object":"response","created_at":${Math.floor(Date.now() / 1000)},"status":"completed","model":${JSON.stringify(req.model)},"output":[${output}],"usage":${usageJson(ending.usage)}}`);
      return Buffer.concat([last, Buffer.from(close(items[items.length - 1]) + done)]);
    },
  };
}

export const openAiResponsesFormat: SimFormat = {
  api: 'openai-responses',
  reasoning: true,
  streamContentType: 'text/event-stream',
  read(body) {
    if (typeof body.input !== 'string' && !Array.isArray(body.input)) return "Expected 'input' to be a string or an array";
    const max = maxTokens(body.max_output_tokens, 'max_output_tokens', 16);
    if (typeof max === 'string') return max;
    return { model: body.model, prompt: typeof body.input === 'string' ? body.input : JSON.stringify(body.input), messages: typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : null, maxTokens: max, stream: body.stream === true, includeUsage: true, perChunkUsage: false };
  },
  stream,
  whole(req, text, ending) {
    const output = (['reasoning', 'output'] as const).filter((k) => text[k]).map((k) => outputItem(k, simId(k === 'reasoning' ? 'rs_' : 'msg_'), text[k]));
    return `{"id":"${simId('resp_')}","object":"response","created_at":${Math.floor(Date.now() / 1000)},"status":"completed","model":${JSON.stringify(req.model)},"output":[${output.join(',')}],"usage":${usageJson(ending.usage)}}`;
  },
  error: (status, message) => openAiError(status, message),
};
