import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './lines.js';

/**
 * Incremental newline-delimited JSON framing (Ollama's stream, `application/x-ndjson`): bytes in, one
 * line of text out per record. Handles lines split across chunks, CRLF, blank lines and UTF-8
 * sequences split across chunks, in time linear in the bytes received (`LineSplitter`). Knows nothing of any API.
 */
export class JsonLinesParser {
  readonly #onLine: (line: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  readonly #lines = new LineSplitter((line) => this.#emit(line));

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Buffer | string): void {
    this.#lines.push(typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
  }

  /** End of body: a last record without its newline is still delivered. */
  end(): void {
    this.#lines.push(this.#decoder.end());
    this.#emit(this.#lines.rest());
  }

  #emit(line: string): void {
    if (line.trim().length > 0) this.#onLine(line);
  }
}
