import { SseParser } from '../sse/parser.js';
import type { ResponseDecoder, StreamSink, TokenUsage } from './types.js';
import { errorMessage, hasNonEmptyString, readString, stringValueStart, readStringAt, tryParse } from './scan.js';

/** The OpenAI streaming dialect shared by chat and completions; they differ only in where text lives. */
export interface OpenAiShape {
  /** `"content":` for chat deltas, `"text":` for completions. */
  contentKey: string;
  /** Keys carrying reasoning text (vLLM / SGLang / DeepSeek / llama.cpp). */
  reasoningKeys: readonly string[];
  /** Reads the full answer text of a non-streaming body. */
  nonStreamText(body: Record<string, unknown>): string;
}

export function openAiUsage(u: unknown): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const o = u as Record<string, any>;
  return {
    input: typeof o.prompt_tokens === 'number' ? o.prompt_tokens : undefined,
    output: typeof o.completion_tokens === 'number' ? o.completion_tokens : undefined,
    reasoning: o.completion_tokens_details?.reasoning_tokens ?? undefined,
  };
}

export function openAiDecoder(shape: OpenAiShape, sink: StreamSink, stream: boolean, captureText: boolean): ResponseDecoder {
  return stream ? streamDecoder(shape, sink, captureText) : nonStreamDecoder(shape, sink, captureText);
}

function streamDecoder(shape: OpenAiShape, sink: StreamSink, captureText: boolean): ResponseDecoder {
  let at = 0;
  const parser = new SseParser((data) => {
    if (data === '[DONE]') return sink.done(at);
    if (data.indexOf('"error"') !== -1 || data.indexOf('"usage":{') !== -1) return rareEvent(data, sink, at);
    const c = stringValueStart(data, shape.contentKey);
    if (c !== -1 && data.charCodeAt(c) !== 34) {
      sink.token('output', at, undefined, captureText ? readStringAt(data, c) : undefined);
    } else {
      for (const key of shape.reasoningKeys) {
        if (hasNonEmptyString(data, key)) {
          sink.token('reasoning', at, undefined, captureText ? (readString(data, key) ?? '') : undefined);
          break;
        }
      }
    }
    const finish = readString(data, '"finish_reason":');
    if (finish !== null) sink.finish(finish);
  });
  return {
    push(chunk, atMs) {
      at = atMs;
      parser.push(chunk);
    },
    end(atMs) {
      at = atMs;
      parser.end();
    },
  };

  function rareEvent(data: string, s: StreamSink, atMs: number): void {
    const obj = tryParse(data) as Record<string, any> | undefined;
    if (obj === undefined) return s.error('parse', `unparseable event: ${data.slice(0, 200)}`);
    if (obj.error) return s.error('server_error_event', errorMessage(obj));
    const choice = obj.choices?.[0];
    const text = choice?.delta?.content ?? choice?.text;
    if (typeof text === 'string' && text.length > 0) s.token('output', atMs, undefined, captureText ? text : undefined);
    if (typeof choice?.finish_reason === 'string') s.finish(choice.finish_reason);
    const u = openAiUsage(obj.usage);
    if (u) s.usage(u);
  }
}

function nonStreamDecoder(shape: OpenAiShape, sink: StreamSink, captureText: boolean): ResponseDecoder {
  const parts: Buffer[] = [];
  return {
    push(chunk) {
      parts.push(chunk);
    },
    end(atMs) {
      const obj = tryParse(Buffer.concat(parts).toString('utf8')) as Record<string, any> | undefined;
      if (obj === undefined) return sink.error('parse', 'response body is not JSON');
      if (obj.error) return sink.error('server_error_event', errorMessage(obj));
      const u = openAiUsage(obj.usage);
      if (u) sink.usage(u);
      const text = shape.nonStreamText(obj);
      if (text.length > 0) sink.token('output', atMs, u?.output, captureText ? text : undefined);
      const finish = obj.choices?.[0]?.finish_reason;
      if (typeof finish === 'string') sink.finish(finish);
      sink.done(atMs);
    },
  };
}
