const LF = 10;

/**
 * Decoded text in, lines out (LF, CRLF or a lone CR ends one), each character scanned once: a line whose
 * end has not come yet is held as pieces and joined when it does, and the next CR and LF positions are
 * remembered across lines. So a server sending megabytes without a newline, or a read of thousands of
 * short lines, costs time linear in the bytes received.
 */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  #pieces: string[] = [];
  /** The last text ended with a CR: an LF opening the next one is its CRLF's second half. */
  #afterCr = false;

  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  push(text: string): void {
    let start = this.#afterCr && text.charCodeAt(0) === LF ? 1 : 0;
    if (text.length > 0) this.#afterCr = false;
    let cr = text.indexOf('\r', start);
    let lf = text.indexOf('\n', start);
    while (cr !== -1 || lf !== -1) {
      const end = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
      this.#line(text.slice(start, end));
      start = end + 1;
      if (end === cr) {
        if (start === text.length) this.#afterCr = true;
        else if (text.charCodeAt(start) === LF) start++;
        cr = text.indexOf('\r', start);
      }
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    }
    if (start < text.length) this.#pieces.push(start === 0 ? text : text.slice(start));
  }

  /** The text after the last line end (the stream ended without one), or '' when there is none. */
  rest(): string {
    const rest = this.#pieces.join('');
    this.#pieces = [];
    return rest;
  }

  #line(tail: string): void {
    if (this.#pieces.length === 0) return this.#onLine(tail);
    this.#pieces.push(tail);
    this.#onLine(this.rest());
  }
}

