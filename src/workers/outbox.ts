import type { MessagePort } from 'node:worker_threads';
import type { Progress } from '../metrics/progress.js';
import type { RequestRecord } from '../metrics/record.js';
import { Series, drainSparse } from '../metrics/timeline.js';
import { FIELD_CHARS, serverText, SHOWN_CHARS } from '../transport/redact.js';
import type { BatchMessage } from './messages.js';

/** A batch goes out at this many records even between flushes, so a burst never piles up in one message. */
const FLUSH_RECORDS = 256;

/**
 * Finished records and token counts on their way to the main thread, in batches: on `flush` (the
 * worker's timer) or once FLUSH_RECORDS have gathered. Every string a server wrote into a record, and
 * the received text, is redacted here before it is cut, so nothing leaves the worker with a secret in it.
 */
export class Outbox {
  /** Output tokens per 100 ms bucket since the last batch; the trackers add to it as chunks arrive. */
  readonly tokens = new Series();
  readonly #worker: number;
  readonly #port: MessagePort;
  readonly #redact: (text: string) => string;
  readonly #inFlight: () => number;
  readonly #progress: Progress = { sent: 0, done: 0, failed: 0, dropped: 0, inFlight: 0 };
  /** What the last batch said of sends and in-flight requests. */
  #told = { sent: 0, inFlight: 0 };
  #records: RequestRecord[] = [];
  #texts: (string | null)[] = [];

  constructor(worker: number, port: MessagePort, redact: (text: string) => string, inFlight: () => number) {
    this.#worker = worker;
    this.#port = port;
    this.#redact = redact;
    this.#inFlight = inFlight;
  }

  sent(): void {
    this.#progress.sent++;
  }

  add(r: RequestRecord, text: string | null): void {
    this.#clean(r);
    this.#records.push(r);
    this.#texts.push(text === null ? null : this.#redact(text));
    if (r.outcome === 'completed') this.#progress.done++;
    else if (r.outcome === 'dropped') this.#progress.dropped++;
    else this.#progress.failed++;
    if (this.#records.length >= FLUSH_RECORDS) this.flush();
  }

  /** The record's server strings: secrets hidden, control characters escaped, then cut. */
  #clean(r: RequestRecord): void {
    const shown = (s: string | null, max: number) => (s === null ? null : serverText(s, this.#redact, max));
    r.error_message = shown(r.error_message, SHOWN_CHARS);
    r.finish_reason = shown(r.finish_reason, FIELD_CHARS);
    r.retry_after = shown(r.retry_after, FIELD_CHARS);
  }

  /** Sends what gathered; with nothing finished, still the counts when sends or in-flight changed, so live
   *  progress shows requests that hang (300 in flight, none finishing) as in flight. */
  flush(): void {
    const inFlight = this.#inFlight();
    if (this.#records.length === 0 && this.tokens.length === 0 && this.#progress.sent === this.#told.sent && inFlight === this.#told.inFlight) return;
    this.#told = { sent: this.#progress.sent, inFlight };
    const msg: BatchMessage = {
      type: 'batch', worker: this.#worker, records: this.#records, texts: this.#texts, tokens: drainSparse(this.tokens),
      progress: { ...this.#progress, inFlight },
    };
    this.#records = [];
    this.#texts = [];
    this.#port.postMessage(msg);
  }
}
