import { JsonLinesParser } from '../sse/json-lines.js';
import { SseParser } from '../sse/parser.js';
import { KEPT_CHARS } from '../transport/redact.js';
import { errorMessage, tryParse } from './scan.js';
import type { ResponseDecoder, StreamSink, TokenUsage } from './types.js';

/** Every event decoded from a socket chunk carries that chunk's arrival stamp. */
type Stamped<T extends unknown[]> = (...args: [...T, atMs: number]) => void;

/** Characters of an offending line kept in a parse error's message, until the worker redacts and cuts it. */
export const MAX_LINE_SHOWN = KEPT_CHARS;

/** A streaming body framed as Server-Sent Events; `onUnknownLine` hears lines that are not SSE fields. */
export function sseDecoder(onEvent: Stamped<[data: string, event: string]>, onUnknownLine?: (line: string) => void): ResponseDecoder {
  let at = 0;
  const parser = new SseParser((data, event) => onEvent(data, event, at), onUnknownLine);
  return framed(parser, (t) => (at = t));
}

/** A streaming body framed as newline-delimited JSON. */
export function jsonLinesDecoder(onLine: Stamped<[line: string]>): ResponseDecoder {
  let at = 0;
  const parser = new JsonLinesParser((line) => onLine(line, at));
  return framed(parser, (t) => (at = t));
}

function framed(parser: { push(c: Buffer): void; end(): void }, stamp: (atMs: number) => void): ResponseDecoder {
  return {
    push(chunk, atMs) {
      stamp(atMs);
      parser.push(chunk);
    },
    end(atMs) {
      stamp(atMs);
      parser.end();
    },
  };
}

/**
 * A non-streaming body: parsed once it has all arrived, so every token is stamped with the end of the
 * body (TTFT = E2E). A body with a top-level `error` is a server error; `onBody` reports the rest.
 */
export function wholeBodyDecoder(sink: StreamSink, onBody: (body: any, atMs: number) => void): ResponseDecoder {
  const parts: Buffer[] = [];
  return {
    push(chunk) {
      parts.push(Buffer.from(chunk)); // the transport may reuse the chunk's memory
    },
    end(atMs) {
      const body = tryParse(Buffer.concat(parts).toString('utf8'));
      if (body === undefined || body === null || typeof body !== 'object') return sink.error('parse', 'response body is not JSON');
      if ((body as Record<string, unknown>).error) return sink.error('server_error_event', errorMessage(body));
      onBody(body, atMs);
    },
  };
}

/** Parses one event's JSON, reporting a parse error to the sink when it is not JSON. */
export function parseEvent(data: string, sink: StreamSink): any {
  const obj = tryParse(data);
  if (obj === undefined) sink.error('parse', `malformed event: ${data.slice(0, MAX_LINE_SHOWN)}`);
  return obj;
}

/** A whole answer's text, reasoning apart. */
export interface WholeText {
  reasoning: string;
  output: string;
}

/**
 * A non-streaming answer arrives in one piece: one token event per kind, weighted by the server's
 * counts when it gives them, then the usage.
 */
export function wholeAnswer(sink: StreamSink, atMs: number, text: WholeText, usage: TokenUsage | null, captureText: boolean): void {
  if (usage) sink.usage(usage);
  const reasoning = usage?.reasoning;
  const output = usage?.output === undefined ? undefined : Math.max(1, usage.output - (reasoning ?? 0));
  if (text.reasoning.length > 0) sink.token('reasoning', atMs, reasoning || undefined, captureText ? text.reasoning : undefined);
  if (text.output.length > 0) sink.token('output', atMs, output, captureText ? text.output : undefined);
}
