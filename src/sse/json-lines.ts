import { StringDecoder } from 'node:string_decoder';

/**
 * Incremental newline-delimited JSON framing (Ollama's stream, `application/x-ndjson`): bytes in, one
 * line of text out per record. Handles lines split across chunks, CRLF, blank lines and UTF-8
 * sequences split across chunks. Knows nothing of any API.
 */
export class JsonLinesParser {
  readonly #onLine: (line: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  #buf = '';

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Buffer | string): void {
    this.#buf += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    let start = 0;
    for (let nl = this.#buf.indexOf('\n'); nl !== -1; nl = this.#buf.indexOf('\n', start)) {
      this.#emit(this.#buf.slice(start, nl));
      start = nl + 1;
    }
    if (start > 0) this.#buf = this.#buf.slice(start);
  }

  /** End of body: a last record without its newline is still delivered. */
  end(): void {
    this.#buf += this.#decoder.end();
    this.#emit(this.#buf);
    this.#buf = '';
  }

  #emit(raw: string): void {
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) this.#onLine(line);
  }
}
