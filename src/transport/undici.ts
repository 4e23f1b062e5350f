import { subscribe } from 'node:diagnostics_channel';
import type { Client, Dispatcher, Pool } from 'undici';
import { ConnectionPool, connectionInfo, type Pooled } from './connections.js';
import { continueSkipping } from './skip-continue.js';
import type { ProxyRoute } from './proxy.js';
import { requestTarget } from './endpoint.js';
import { undici } from './undici-lib.js';
import { DEFAULT_CONNECTIONS, type Abort, type HttpRequest, type HttpTarget, type Transport, type TransportObserver } from './types.js';

const KEEP_ALIVE = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 };

/** Where a request is dispatched: a connection of our own pool, or undici's proxy agent (no connection phases). */
interface Dispatchers {
  acquire(): Pooled | Dispatcher;
  release(d: Pooled | Dispatcher, reuse: boolean): void;
  prepare(): Promise<void>;
  close(): Promise<void>;
}

/**
 * "Request written" has no handler hook in undici's dispatch API; its diagnostics channels have one. A
 * request object is created synchronously inside `dispatch`, so the stamp to call is handed over through
 * `dispatching` and kept beside that object until its body is sent.
 */
let dispatching: (() => void) | null = null;
const onWritten = new WeakMap<object, () => void>();
let channelsOpen = false;

function watchWrites(): void {
  if (channelsOpen) return;
  channelsOpen = true;
  subscribe('undici:request:create', (m) => {
    if (dispatching) onWritten.set((m as { request: object }).request, dispatching);
  });
  subscribe('undici:request:bodySent', (m) => onWritten.get((m as { request: object }).request)?.());
}

/**
 * undici's ProxyAgent: plain HTTP to the proxy in absolute form (`proxyTunnel: false`, as the HTTP/1.1
 * client does), HTTPS through a CONNECT tunnel. Which requests go through it is decided by `proxy.ts`
 * for both clients alike, not by undici's EnvHttpProxyAgent (whose NO_PROXY differs on loopback). Its
 * clients are made as undici's default factory makes them, on sockets that skip `100 Continue` as ours do.
 */
function proxyDispatchers(route: ProxyRoute, target: HttpTarget): Dispatchers {
  const tls = { timeout: target.connectTimeoutMs, ...(target.insecure ? { rejectUnauthorized: false } : {}) };
  const factory = (origin: string | URL, o: Client.Options & Pool.Options): Dispatcher => {
    const opts = { ...o, connect: continueSkipping(o.connect) };
    return o.connections === 1 ? new (undici().Client)(origin, opts) : new (undici().Pool)(origin, opts);
  };
  const agent = new (undici().ProxyAgent)({ uri: route.url, proxyTunnel: false, requestTls: tls, proxyTls: { timeout: target.connectTimeoutMs }, factory, ...KEEP_ALIVE });
  return {
    acquire: () => agent,
    release: () => undefined,
    prepare: () => Promise.resolve(),
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
    watchWrites();
    const connect = { timeout: target.connectTimeoutMs, ...(target.insecure ? { rejectUnauthorized: false } : {}) };
    this.#dispatchers = target.proxy
      ? proxyDispatchers(target.proxy, target)
      : new ConnectionPool(target.origin, KEEP_ALIVE, connect, target.connections ?? DEFAULT_CONNECTIONS);
  }

  prepare(): Promise<void> {
    return this.#dispatchers.prepare();
  }

  send(req: HttpRequest, now: () => number, obs: TransportObserver): Abort {
    let controller: Dispatcher.DispatchController | null = null;
    let pendingAbort: Error | null = null;
    const pool = this.#dispatchers;
    const proxy = this.#t.proxy ?? null;
    const taken = pool.acquire();
    const pooled = 'uses' in taken ? taken : null;
    const client = pooled ? pooled.client : (taken as Dispatcher);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (pooled) obs.onConnection?.(connectionInfo(pooled));
        if (pendingAbort) c.abort(pendingAbort);
      },
      onResponseStart(_c, status, headers) {
        // an interim response (103 Early Hints, an unsolicited 100 Continue): the real one follows
        if (status < 200) return;
        const at = now();
        // undici hands over a response only once its headers are parsed
        obs.onFirstByte?.(at);
        obs.onStatus(status, headers, at);
      },
      onResponseData(_c, chunk) {
        obs.onData(chunk, now());
      },
      onResponseEnd() {
        obs.onEnd(now());
        pool.release(taken, true);
      },
      onResponseError(_c, err) {
        obs.onError(proxyAware(err, proxy), now());
        pool.release(taken, false);
      },
    };
    dispatching = obs.onWritten ? () => obs.onWritten!(now()) : null;
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
    dispatching = null;
    return (reason) => {
      if (controller) controller.abort(reason);
      else pendingAbort = reason;
    };
  }

  close(): Promise<void> {
    return this.#dispatchers.close();
  }
}
