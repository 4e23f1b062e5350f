import type { RequestRecord } from '../metrics/record.js';
import type { Arrival } from '../schedule/dispatcher.js';
import { unsentRecord } from './unsent.js';

/**
 * Which arrivals of the schedule have a record (one bit per schedule index: a 10-minute run at
 * 10,000 req/s costs 750 kB), so the arrivals of a worker that died can still be accounted for.
 */
export class RecordLedger {
  #bits = new Uint8Array(64);

  mark(id: number): void {
    if (id >>> 3 >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(this.#bits.length * 2, (id >>> 3) + 1));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    this.#bits[id >>> 3] |= 1 << (id & 7);
  }

  has(id: number): boolean {
    return id >>> 3 < this.#bits.length && (this.#bits[id >>> 3] & (1 << (id & 7))) !== 0;
  }
}

export interface LostSpec {
  /** The dead worker's stripe of the schedule. */
  arrivals: Iterable<Arrival>;
  worker: number;
  /** Run time (ms from t0) when the worker stopped: arrivals due by then were sent, later ones never. */
  cutoffMs: number;
  /** How many of the stripe's arrivals (in due order) its last report said were fired, sent or dropped at
   *  --max-in-flight: one after them was never sent, however due (a worker too busy to send). */
  fired: number;
  reason: string;
  maxTokens: number;
  warmupMs: number;
}

/**
 * Records for every arrival of a dead worker's stripe that has none: fired (by the worker's last report)
 * and due before it died means the request was in flight and its outcome is unknown (failed,
 * `client_error`); otherwise it was never sent (dropped). Send times are unknown, so `sent_ms` stays null.
 */
export function lostRecords(ledger: RecordLedger, o: LostSpec): { records: RequestRecord[]; inFlight: number; dropped: number } {
  const records: RequestRecord[] = [];
  let inFlight = 0;
  let position = 0;
  for (const a of o.arrivals) {
    const fired = position++ < o.fired;
    if (ledger.has(a.index)) continue;
    const sent = fired && a.dueMs <= o.cutoffMs;
    if (sent) inFlight++;
    const message = sent ? `in flight when ${o.reason}; outcome unknown` : `never sent: ${o.reason}`;
    records.push(unsentRecord(a, o.worker, o.maxTokens, null, a.dueMs < o.warmupMs, sent ? 'failed' : 'dropped', sent ? 'client_error' : null, message));
  }
  return { records, inFlight, dropped: records.length - inFlight };
}
