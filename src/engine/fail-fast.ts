import type { RequestRecord } from '../metrics/record.js';

/** Failures no amount of waiting fixes: nothing listens, the name does not resolve, the key is refused. */
const HOPELESS_CLASSES = new Set(['connect', 'dns', 'tls', 'connect_timeout']);
const HOPELESS_STATUS = new Set([401, 403, 404]);

/**
 * Watches a run's first finished requests. When the first `n` sent all failed a hopeless way, it says
 * why, so a multi-endpoint run can stop this endpoint early and go on to the next instead of firing
 * into it for the whole duration. One success (or any other kind of failure) and it never fires.
 */
export class FailFast {
  readonly #n: number;
  #seen = 0;
  #done = false;
  readonly #why = new Map<string, number>();

  constructor(n = 10) {
    this.#n = n;
  }

  /** The reason to stop, once; null otherwise. */
  observe(records: readonly RequestRecord[]): string | null {
    for (const r of records) {
      if (this.#done || r.sent_ms === null) continue;
      if (!hopeless(r)) {
        this.#done = true;
        return null;
      }
      const key = r.error_class === 'http_status' ? `HTTP ${r.http_status}` : r.error_class!;
      this.#why.set(key, (this.#why.get(key) ?? 0) + 1);
      if (++this.#seen === this.#n) {
        this.#done = true;
        const why = [...this.#why].map(([k, c]) => `${k} x${c}`).join(', ');
        return `stopped early: the first ${this.#n} requests all failed (${why}); the endpoint is unreachable or refuses the request`;
      }
    }
    return null;
  }
}

function hopeless(r: RequestRecord): boolean {
  if (r.outcome !== 'failed' || !r.error_class) return false;
  return HOPELESS_CLASSES.has(r.error_class) || (r.error_class === 'http_status' && HOPELESS_STATUS.has(r.http_status ?? 0));
}
