import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './lines.js';

/** Called once per dispatched event; `event` is '' when the stream named none (the spec's "message"). */
export type SseEventHandler = (data: string, event: string) => void;

/** Called with a line whose field is none of data, event, id, retry (the spec ignores it; a client may not). */
export type SseUnknownLineHandler = (line: string) => void;

/**
 * Incremental Server-Sent Events framing (WHATWG "event stream interpretation"): bytes in, events out.
 * Knows nothing of HTTP or of any API. Handles events split across chunks, several events per chunk,
 * LF / CRLF / CR line ends (`LineSplitter`: linear in the bytes received), comments, multi-line data,
 * and UTF-8 sequences split across chunks.
 */
export class SseParser {
  readonly #onEvent: SseEventHandler;
  readonly #onUnknown: SseUnknownLineHandler | undefined;
  readonly #decoder = new StringDecoder('utf8');
  readonly #lines = new LineSplitter((line) => this.#line(line));
  #data: string[] = [];
  #event = '';
  #hasData = false;

  constructor(onEvent: SseEventHandler, onUnknownLine?: SseUnknownLineHandler) {
    this.#onEvent = onEvent;
    this.#onUnknown = onUnknownLine;
  }

  push(chunk: Buffer | string): void {
    this.#lines.push(typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
  }

  /** End of body: a final event without its blank line is still delivered (real servers do this). */
  end(): void {
    this.#lines.push(this.#decoder.end());
    const last = this.#lines.rest();
    if (last.length > 0) this.#line(last);
    this.#dispatch();
  }

  #line(line: string): void {
    if (line.length === 0) return this.#dispatch();
    if (line.charCodeAt(0) === 58 /* : */) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.#data.push(value);
      this.#hasData = true;
    } else if (field === 'event') {
      this.#event = value;
    } else if (field !== 'id' && field !== 'retry') {
      this.#onUnknown?.(line);
    }
  }

  #dispatch(): void {
    if (this.#hasData) {
      const data = this.#data.length === 1 ? this.#data[0] : this.#data.join('\n');
      this.#onEvent(data, this.#event);
    }
    this.#data = [];
    this.#hasData = false;
    this.#event = '';
  }
}
