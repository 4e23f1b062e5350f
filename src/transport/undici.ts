import type { Dispatcher } from 'undici';
import { ConnectionPool } from './connections.js';
import type { Abort, HttpRequest, HttpTarget, Transport, TransportObserver } from './types.js';

/** undici's HTTP/1.1 client (`--http-client undici`), driven through its lowest-level API (no stream objects per request). */
export class UndiciTransport implements Transport {
  readonly #t: HttpTarget;
  readonly #connections: ConnectionPool;

  constructor(target: HttpTarget) {
    this.#t = target;
    this.#connections = new ConnectionPool(target.origin, {
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: target.connectTimeoutMs, ...(target.insecure ? { rejectUnauthorized: false } : {}) },
    });
  }

  send(req: HttpRequest, now: () => number, obs: TransportObserver): Abort {
    let controller: Dispatcher.DispatchController | null = null;
    let pendingAbort: Error | null = null;
    const pool = this.#connections;
    const client = pool.acquire();
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (pendingAbort) c.abort(pendingAbort);
      },
      onResponseStart(_c, status, headers) {
        obs.onStatus(status, headers, now());
      },
      onResponseData(_c, chunk) {
        obs.onData(chunk, now());
      },
      onResponseEnd() {
        obs.onEnd(now());
        pool.release(client, true);
      },
      onResponseError(_c, err) {
        obs.onError(err, now());
        pool.release(client, false);
      },
    };
    client.dispatch(
      {
        origin: this.#t.origin,
        path: this.#t.basePath + req.path,
        method: 'POST',
        headers: { ...req.headers, ...this.#t.extraHeaders },
        body: req.body,
        // deadlines are the worker's sweep over in-flight requests (RequestTracker.checkDeadlines)
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      handler,
    );
    return (reason) => {
      if (controller) controller.abort(reason);
      else pendingAbort = reason;
    };
  }

  close(): Promise<void> {
    return this.#connections.close();
  }
}
