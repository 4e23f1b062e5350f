import { MAX_LINE_SHOWN, parseEvent, sseDecoder, wholeAnswer, wholeBodyDecoder, type WholeText } from './decoders.js';
import type { ResponseDecoder, StreamSink, TokenUsage } from './types.js';
import { errorMessage, hasNonEmptyString, readString, stringValueStart, readStringAt } from './scan.js';

/** The OpenAI streaming dialect shared by chat and completions; they differ only in where text lives. */
export interface OpenAiShape {
  /** `"content":` for chat deltas, `"text":` for completions. */
  contentKey: string;
  /** Keys carrying reasoning text (vLLM / SGLang / DeepSeek / llama.cpp). */
  reasoningKeys: readonly string[];
  /** Reads the full answer of a non-streaming body. */
  nonStreamText(body: Record<string, any>): WholeText;
}

/**
 * `usage` of an OpenAI-shaped body; cached prompt tokens from `prompt_tokens_details.cached_tokens`
 * (OpenAI, vLLM, SGLang, llama.cpp) or else llama.cpp's `timings.cache_n` beside it.
 */
export function openAiUsage(u: unknown, timings?: unknown): TokenUsage | null {
  if (!u || typeof u !== 'object') return null;
  const o = u as Record<string, any>;
  const cached = o.prompt_tokens_details?.cached_tokens ?? (timings as Record<string, unknown> | undefined)?.cache_n;
  return {
    input: typeof o.prompt_tokens === 'number' ? o.prompt_tokens : undefined,
    output: typeof o.completion_tokens === 'number' ? o.completion_tokens : undefined,
    reasoning: o.completion_tokens_details?.reasoning_tokens ?? undefined,
    cached: typeof cached === 'number' ? cached : undefined,
  };
}

export function openAiDecoder(shape: OpenAiShape, sink: StreamSink, stream: boolean, captureText: boolean): ResponseDecoder {
  return stream ? streamDecoder(shape, sink, captureText) : nonStreamDecoder(shape, sink, captureText);
}

function streamDecoder(shape: OpenAiShape, sink: StreamSink, captureText: boolean): ResponseDecoder {
  /** completion_tokens of the last per-chunk usage (vLLM continuous_usage_stats): the next chunk's count is the rise. */
  let counted = 0;
  return sseDecoder((data, _event, at) => {
    if (data === '[DONE]') return sink.done(at);
    // not `{...}`, or nothing the scans recognise: parse it for real (reports a malformed line)
    if (data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) return rareEvent(data, sink, at);
    if (data.indexOf('"error"') !== -1 || data.indexOf('"usage":{') !== -1) return rareEvent(data, sink, at);
    let recognised = true;
    const c = stringValueStart(data, shape.contentKey);
    if (c !== -1 && data.charCodeAt(c) !== 34) {
      sink.token('output', at, undefined, captureText ? readStringAt(data, c) : undefined);
    } else {
      recognised = false;
      for (const key of shape.reasoningKeys) {
        if (hasNonEmptyString(data, key)) {
          sink.token('reasoning', at, undefined, captureText ? (readString(data, key) ?? '') : undefined);
          recognised = true;
          break;
        }
      }
    }
    const finish = readString(data, '"finish_reason":');
    if (finish !== null) sink.finish(finish);
    else if (!recognised) rareEvent(data, sink, at);
  }, (line) => sink.error('parse', `not SSE framing: ${line.slice(0, MAX_LINE_SHOWN)}`));

  function rareEvent(data: string, s: StreamSink, atMs: number): void {
    const obj = parseEvent(data, s);
    if (obj === undefined) return;
    if (obj.error) return s.error('server_error_event', errorMessage(obj));
    const choice = obj.choices?.[0];
    const u = openAiUsage(obj.usage, obj.timings);
    const rise = u?.output !== undefined && u.output > counted ? u.output - counted : undefined;
    if (u?.output !== undefined) counted = u.output;
    const text = choice?.delta?.content ?? choice?.text;
    const reasoning = shape.reasoningKeys.map((k) => choice?.delta?.[k.slice(1, -2)]).find((v) => typeof v === 'string' && v.length > 0);
    if (typeof text === 'string' && text.length > 0) s.token('output', atMs, rise, captureText ? text : undefined);
    else if (reasoning !== undefined) s.token('reasoning', atMs, rise, captureText ? reasoning : undefined);
    if (typeof choice?.finish_reason === 'string') s.finish(choice.finish_reason);
    if (u) s.usage(u);
  }
}

function nonStreamDecoder(shape: OpenAiShape, sink: StreamSink, captureText: boolean): ResponseDecoder {
  return wholeBodyDecoder(sink, (obj, atMs) => {
    wholeAnswer(sink, atMs, shape.nonStreamText(obj), openAiUsage(obj.usage, obj.timings), captureText);
    const finish = obj.choices?.[0]?.finish_reason;
    if (typeof finish === 'string') sink.finish(finish);
    sink.done(atMs);
  });
}
