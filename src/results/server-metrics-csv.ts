import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { formatLabels, type PromSample } from '../server-metrics/prom-text.js';

export const SERVER_METRICS_FILE = 'server_metrics.csv';
export const SERVER_METRICS_HEADER = ['t_ms', 'metric', 'labels', 'value'];

/** A sample's value as the text format writes it, so NaN and infinities survive the round trip. */
export function promValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * server_metrics.csv: one row per sample per scrape (time on the run's clock, ms from t0; metric name;
 * labels in the text format's own syntax, keys sorted; value), appended as each scrape arrives so a
 * crash keeps what was scraped. A failed write stops the appends and is reported once, never thrown:
 * the server's metrics are context, not the run's measurements.
 */
export class ServerMetricsCsv {
  readonly path: string;
  #fd: number | null;
  #problem: string | null = null;

  /** The server's names and label values are its text: hidden like any it sends (a label echoing a key). */
  readonly #redact: (text: string) => string;

  constructor(folder: string, redact: (text: string) => string = (t) => t) {
    this.path = join(folder, SERVER_METRICS_FILE);
    this.#redact = redact;
    this.#fd = openSync(this.path, 'w');
    this.#write(stringify([SERVER_METRICS_HEADER]));
  }

  append(tMs: number, samples: readonly PromSample[]): void {
    if (this.#fd === null || !samples.length) return;
    this.#write(stringify(samples.map((s) => [tMs, this.#redact(s.name), this.#redact(formatLabels(s.labels)), promValue(s.value)])));
  }

  /** Why appends stopped, if they did. */
  get problem(): string | null {
    return this.#problem;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #write(text: string): void {
    const bytes = Buffer.from(text);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.#fd!, bytes, off);
    } catch (e) {
      this.#problem = `cannot write ${this.path}: ${(e as Error).message}`;
      this.close();
    }
  }
}
