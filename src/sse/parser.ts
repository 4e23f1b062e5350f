import { StringDecoder } from 'node:string_decoder';

/** Called once per dispatched event; `event` is '' when the stream named none (the spec's "message"). */
export type SseEventHandler = (data: string, event: string) => void;

/** Called with a line whose field is none of data, event, id, retry (the spec ignores it; a client may not). */
export type SseUnknownLineHandler = (line: string) => void;

/**
 * Incremental Server-Sent Events framing (WHATWG "event stream interpretation"): bytes in, events out.
 * Knows nothing of HTTP or of any API. Handles events split across chunks, several events per chunk,
 * LF / CRLF / CR line ends (a CR at a chunk's end waits for the next chunk), comments, multi-line data,
 * and UTF-8 sequences split across chunks.
 */
export class SseParser {
  readonly #onEvent: SseEventHandler;
  readonly #onUnknown: SseUnknownLineHandler | undefined;
  readonly #decoder = new StringDecoder('utf8');
  #buf = '';
  #data: string[] = [];
  #event = '';
  #hasData = false;

  constructor(onEvent: SseEventHandler, onUnknownLine?: SseUnknownLineHandler) {
    this.#onEvent = onEvent;
    this.#onUnknown = onUnknownLine;
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    this.#buf = this.#buf.length === 0 ? text : this.#buf + text;
    this.#drain(false);
  }

  /** End of body: a final event without its blank line is still delivered (real servers do this). */
  end(): void {
    this.#buf += this.#decoder.end();
    this.#drain(true);
    if (this.#buf.length > 0) this.#line(this.#buf);
    this.#buf = '';
    this.#dispatch();
  }

  #drain(final: boolean): void {
    const buf = this.#buf;
    let start = 0;
    for (;;) {
      const lf = buf.indexOf('\n', start);
      const cr = buf.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        if (cr === buf.length - 1 && !final) break; // may be the first half of a CRLF
        end = cr;
        next = buf.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.#line(buf.slice(start, end));
      start = next;
    }
    this.#buf = start === 0 ? buf : buf.slice(start);
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
