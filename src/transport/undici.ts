import { ProxyAgent, type Dispatcher } from 'undici';
import { ConnectionPool } from './connections.js';
import type { ProxyRoute } from './proxy.js';
import { requestTarget } from './endpoint.js';
import type { Abort, HttpRequest, HttpTarget, Transport, TransportObserver } from './types.js';

const KEEP_ALIVE = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 };

/** Where a request is dispatched: a connection of our own pool, or undici's proxy agent. */
interface Dispatchers {
  acquire(): Dispatcher;
  release(d: Dispatcher, reuse: boolean): void;
  close(): Promise<void>;
}

/**
 * undici's ProxyAgent: plain HTTP to the proxy in absolute form (`proxyTunnel: false`, as the HTTP/1.1
 * client does), HTTPS through a CONNECT tunnel. Which requests go through it is decided by `proxy.ts`
 * for both clients alike, not by undici's EnvHttpProxyAgent (whose NO_PROXY differs on loopback).
 */
function proxyDispatchers(route: ProxyRoute, target: HttpTarget): Dispatchers {
  const tls = { timeout: target.connectTimeoutMs, ...(target.insecure ? { rejectUnauthorized: false } : {}) };
  const agent = new ProxyAgent({ uri: route.url, proxyTunnel: false, requestTls: tls, proxyTls: { timeout: target.connectTimeoutMs }, ...KEEP_ALIVE });
  return {
    acquire: () => agent,
    release: () => undefined,
    close: () => agent.destroy().catch(() => undefined),
  };
}

/** A refused tunnel is undici's "Proxy response (407) !== 200 when HTTP Tunneling" (an abort): say it is the proxy, class connect. */
function proxyAware(err: Error, route: ProxyRoute | null): Error {
  const refused = route && /^Proxy response \((\d+)\)/.exec(err.message);
  return refused ? Object.assign(new Error(`proxy ${route.label} refused the tunnel: HTTP ${refused[1]}`), { code: 'PROXY_CONNECT' }) : err;
}

/** undici's HTTP/1.1 client (`--http-client undici`), driven through its lowest-level API (no stream objects per request). */
export class UndiciTransport implements Transport {
  readonly #t: HttpTarget;
  readonly #dispatchers: Dispatchers;

  constructor(target: HttpTarget) {
    this.#t = target;
    this.#dispatchers = target.proxy
      ? proxyDispatchers(target.proxy, target)
      : new ConnectionPool(target.origin, {
          ...KEEP_ALIVE,
          connect: { timeout: target.connectTimeoutMs, ...(target.insecure ? { rejectUnauthorized: false } : {}) },
        });
  }

  send(req: HttpRequest, now: () => number, obs: TransportObserver): Abort {
    let controller: Dispatcher.DispatchController | null = null;
    let pendingAbort: Error | null = null;
    const pool = this.#dispatchers;
    const proxy = this.#t.proxy ?? null;
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
        obs.onError(proxyAware(err, proxy), now());
        pool.release(client, false);
      },
    };
    client.dispatch(
      {
        origin: this.#t.origin,
        path: requestTarget(this.#t, req.path),
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
    return this.#dispatchers.close();
  }
}
