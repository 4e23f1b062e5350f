import { KEPT_CHARS } from './redact.js';

/** Response headers, names lower-cased; a repeated header keeps every value. */
export type Headers = Record<string, string | string[]>;

export interface ResponseEvents {
  /** A final (non-1xx) status line and its headers. */
  onHead(status: number, headers: Headers): void;
  /** Body bytes with the transfer framing removed; `bytes` is only valid during the call. */
  onBody(bytes: Buffer): void;
  /** The body's end as its framing defines it (length reached, last chunk, or `end()` for a close-delimited body). */
  onComplete(): void;
}

/** Why bytes cannot be a response: the connection must be dropped. */
export class ResponseFramingError extends Error {
  readonly code = 'HTTP_FRAMING';
}

const MAX_HEAD = 64 * 1024;
const CR = 13;
const LF = 10;
const EMPTY = Buffer.alloc(0);

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

/**
 * One HTTP/1.1 response, parsed incrementally from socket reads (RFC 9112): status line and headers,
 * then a body framed by chunked transfer coding, content-length, or connection close. Body bytes are
 * handed on as views of the read, never copied or joined; only an incomplete head or chunk-size line
 * is carried over to the next read. Interim 1xx responses are skipped.
 */
export class Http1ResponseParser {
  readonly #events: ResponseEvents;
  #state = State.Head;
  /** Bytes of an incomplete head or size line, carried to the next push. */
  #carry: Buffer = EMPTY;
  #remaining = 0;
  /** Bytes past the end of the response (a server that sent more than one answer). */
  extra = 0;

  constructor(events: ResponseEvents) {
    this.#events = events;
  }

  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** Consumes one read. Throws ResponseFramingError on bytes that cannot be an HTTP/1.1 response. */
  push(buf: Buffer): void {
    let at = 0;
    if (this.#carry.length > 0) {
      buf = Buffer.concat([this.#carry, buf]);
      this.#carry = EMPTY;
    }
    while (at < buf.length) {
      switch (this.#state) {
        case State.Head: at = this.#head(buf, at); break;
        case State.Length: at = this.#length(buf, at); break;
        case State.ChunkSize: at = this.#chunkSize(buf, at); break;
        case State.ChunkData: at = this.#chunkData(buf, at); break;
        case State.ChunkDataEnd: at = this.#chunkDataEnd(buf, at); break;
        case State.Trailers: at = this.#trailers(buf, at); break;
        case State.UntilClose: this.#events.onBody(at === 0 ? buf : buf.subarray(at)); at = buf.length; break;
        case State.Done: this.extra += buf.length - at; at = buf.length; break;
      }
      if (at < 0) return; // an incomplete line was carried over
    }
  }

  /** The connection closed. True when that ends the response (close-delimited body, or already done). */
  end(): boolean {
    if (this.#state === State.UntilClose) {
      this.#state = State.Done;
      this.#events.onComplete();
    }
    return this.#state === State.Done;
  }

  /** What the parser was waiting for when the connection ended early, for the error message. */
  get waitingFor(): string {
    if (this.#state === State.Head) return 'the response headers';
    if (this.#state === State.Length) return `${this.#remaining} more body bytes (content-length)`;
    return 'the last chunk of a chunked body';
  }

  #carryFrom(buf: Buffer, at: number, limit: number, what: string): number {
    if (buf.length - at > limit) throw new ResponseFramingError(`${what} longer than ${limit} bytes`);
    this.#carry = Buffer.from(buf.subarray(at));
    return -1;
  }

  #head(buf: Buffer, at: number): number {
    const end = buf.indexOf('\r\n\r\n', at, 'latin1');
    if (end === -1) return this.#carryFrom(buf, at, MAX_HEAD, 'response head');
    const lines = buf.toString('latin1', at, end).split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!m) throw new ResponseFramingError(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0].slice(0, KEPT_CHARS))}`);
    const status = Number(m[1]);
    const headers = parseHeaders(lines);
    if (status >= 100 && status < 200) return end + 4; // interim (100 Continue, 103 Early Hints): the real one follows
    this.#events.onHead(status, headers);
    this.#startBody(status, headers);
    return end + 4;
  }

  #startBody(status: number, headers: Headers): void {
    const te = joined(headers['transfer-encoding']);
    const cl = joined(headers['content-length']);
    if (status === 204 || status === 304) return this.#finish();
    if (te !== undefined && /(?:^|,)\s*chunked\s*$/i.test(te)) {
      this.#state = State.ChunkSize;
    } else if (te !== undefined) {
      this.#state = State.UntilClose;
    } else if (cl !== undefined) {
      if (!/^\d+$/.test(cl.trim())) throw new ResponseFramingError(`bad content-length: ${cl}`);
      this.#remaining = Number(cl);
      if (this.#remaining === 0) return this.#finish();
      this.#state = State.Length;
    } else {
      this.#state = State.UntilClose;
    }
  }

  #length(buf: Buffer, at: number): number {
    const take = Math.min(this.#remaining, buf.length - at);
    this.#events.onBody(at === 0 && take === buf.length ? buf : buf.subarray(at, at + take));
    this.#remaining -= take;
    if (this.#remaining === 0) this.#finish();
    return at + take;
  }

  #chunkSize(buf: Buffer, at: number): number {
    const lf = buf.indexOf(LF, at);
    if (lf === -1) return this.#carryFrom(buf, at, 1024, 'chunk-size line');
    let size = 0;
    let i = at;
    for (; i < lf; i++) {
      const d = hexDigit(buf[i]);
      if (d < 0) break;
      size = size * 16 + d;
    }
    // what may follow the digits: chunk extensions (";name=value") and the CR of the CRLF
    if (i === at || (buf[i] !== CR && buf[i] !== 59 && buf[i] !== 32 && buf[i] !== 9)) throw new ResponseFramingError('bad chunk-size line');
    if (size > Number.MAX_SAFE_INTEGER / 16) throw new ResponseFramingError('chunk size too large');
    this.#remaining = size;
    this.#state = size === 0 ? State.Trailers : State.ChunkData;
    return lf + 1;
  }

  #chunkData(buf: Buffer, at: number): number {
    const take = Math.min(this.#remaining, buf.length - at);
    this.#events.onBody(buf.subarray(at, at + take));
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = State.ChunkDataEnd;
    return at + take;
  }

  /** The CRLF after a chunk's data (a bare LF is tolerated). */
  #chunkDataEnd(buf: Buffer, at: number): number {
    if (buf[at] === CR) {
      if (at + 1 === buf.length) return this.#carryFrom(buf, at, 2, 'chunk end');
      at++;
    }
    if (buf[at] !== LF) throw new ResponseFramingError('chunk data not followed by CRLF');
    this.#state = State.ChunkSize;
    return at + 1;
  }

  /** Trailer fields after the last chunk, up to the empty line; their values are not used. */
  #trailers(buf: Buffer, at: number): number {
    const lf = buf.indexOf(LF, at);
    if (lf === -1) return this.#carryFrom(buf, at, MAX_HEAD, 'trailer');
    const empty = lf === at || (lf === at + 1 && buf[at] === CR);
    if (empty) this.#finish();
    return lf + 1;
  }

  #finish(): void {
    this.#state = State.Done;
    this.#events.onComplete();
  }
}

function parseHeaders(lines: string[]): Headers {
  const headers: Headers = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ResponseFramingError(`bad header line: ${JSON.stringify(line.slice(0, KEPT_CHARS))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = headers[name];
    headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return headers;
}

function joined(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
