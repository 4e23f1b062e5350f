import type { Agent } from 'undici';
import { undici } from '../transport/undici-lib.js';
import { classifyError } from '../transport/errors.js';

/** One GET of a metrics page: the text, or a failure with its class. Never throws. */
export type FetchResult = { ok: true; text: string; bytes: number } | { ok: false; cls: string; message: string };

export interface FetchLimits {
  /** Whole scrape: connect, headers and body. */
  timeoutMs: number;
  /** Body bytes before the scrape is abandoned as `too_large`. */
  maxBytes: number;
}

/** Prometheus' own scrape defaults to the classic text format: ask for it, not OpenMetrics or protobuf. */
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

/**
 * A dedicated connection pool for scrapes (never the workers'): one keep-alive connection, closed with
 * `close()`. Every fetch is bounded by `timeoutMs` and `maxBytes`, however the server behaves (hangs
 * before headers, trickles bytes, sends megabytes without a newline).
 */
export class MetricsFetcher {
  readonly #agent: Agent;
  readonly #headers: Record<string, string>;
  readonly #limits: FetchLimits;

  constructor(limits: FetchLimits, headers: Record<string, string> = {}, insecure = false) {
    this.#limits = limits;
    this.#headers = { ...headers, accept: ACCEPT };
    this.#agent = new (undici().Agent)({ connections: 1, pipelining: 1, connect: { timeout: limits.timeoutMs, rejectUnauthorized: !insecure }, headersTimeout: 0, bodyTimeout: 0 });
  }

  async fetch(url: string): Promise<FetchResult> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new ScrapeTimeout()), this.#limits.timeoutMs);
    try {
      const res = await undici().request(url, { method: 'GET', headers: this.#headers, dispatcher: this.#agent, signal: ac.signal });
      if (res.statusCode < 200 || res.statusCode > 299) {
        discard(res.body);
        return { ok: false, cls: 'http_status', message: `HTTP ${res.statusCode}` };
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const c of res.body as AsyncIterable<Buffer>) {
        bytes += c.length;
        if (bytes > this.#limits.maxBytes) {
          discard(res.body);
          return { ok: false, cls: 'too_large', message: `body over ${this.#limits.maxBytes} bytes` };
        }
        chunks.push(c);
      }
      return { ok: true, text: Buffer.concat(chunks).toString('utf8'), bytes };
    } catch (e) {
      if (ac.signal.aborted) return { ok: false, cls: 'timeout', message: `no complete answer within ${this.#limits.timeoutMs} ms` };
      const c = classifyError(e);
      return { ok: false, cls: c.cls, message: c.message };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy().catch(() => undefined);
  }
}

/** undici's body emits an AbortError when destroyed unread: with no listener that is an uncaught exception. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

class ScrapeTimeout extends Error {
  constructor() {
    super('scrape timed out');
    this.name = 'AbortError';
  }
}
