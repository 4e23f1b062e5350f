/** What is kept of each completed request for figures that need the requests themselves afterwards. */
export const LOG_FIELDS = ['sent_ms', 'end_ms', 'output_tokens', 'output_tps', 'ttft_s', 'ttfo_s', 'tpot_ms', 'itl_ms', 'e2e_s'] as const;
export type LogField = (typeof LOG_FIELDS)[number];
export type LogRow = Record<LogField, number | null>;

const WIDTH = LOG_FIELDS.length;

/**
 * Completed requests as fixed-width rows of numbers in one growable buffer (72 bytes a request, NaN for
 * a missing value): the seed's Total TPS sweep and the steady-state window read it once at the end.
 */
export class RequestLog {
  #v = new Float64Array(WIDTH * 256);
  #n = 0;

  get length(): number {
    return this.#n;
  }

  push(row: LogRow): void {
    if (WIDTH * (this.#n + 1) > this.#v.length) {
      const next = new Float64Array(this.#v.length * 2);
      next.set(this.#v);
      this.#v = next;
    }
    const base = WIDTH * this.#n++;
    for (let f = 0; f < WIDTH; f++) this.#v[base + f] = row[LOG_FIELDS[f]] ?? NaN;
  }

  *rows(): Generator<LogRow> {
    for (let i = 0; i < this.#n; i++) {
      const row = {} as LogRow;
      for (let f = 0; f < WIDTH; f++) {
        const v = this.#v[WIDTH * i + f];
        row[LOG_FIELDS[f]] = Number.isNaN(v) ? null : v;
      }
      yield row;
    }
  }
}
