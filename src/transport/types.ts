import type { EndpointParts } from './endpoint.js';
import type { ProxyRoute } from './proxy.js';

/** What a protocol asks the transport to send: one POST to the endpoint. */
export interface HttpRequest {
  /** Appended to the endpoint base URL's path. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The connection a request went out on: kept alive from an earlier request, or opened (or pre-opened) for it. */
export interface ConnectionInfo {
  reused: boolean;
  /** TCP connect time of a new connection, ms; null when reused. */
  connectMs: number | null;
  /** TLS handshake time of a new connection, ms; null without TLS or when reused. */
  tlsMs: number | null;
}

/** The transport's view of one request's life; every call carries the time it happened. The phase calls
 *  (`onConnection`, `onWritten`, `onFirstByte`) come before `onStatus`; SDK transports may not make them. */
export interface TransportObserver {
  /** Once the request's connection is known to be up (for a new one, when its handshakes are done). */
  onConnection?(info: ConnectionInfo): void;
  /** The whole request has been handed to the kernel. */
  onWritten?(atMs: number): void;
  /** The first byte of the response was read. */
  onFirstByte?(atMs: number): void;
  onStatus(status: number, headers: Record<string, string | string[] | undefined>, atMs: number): void;
  /** Body bytes, stamped before anything else is done with them. `chunk` may be a view of a read buffer
   *  that is reused after the call returns: whoever keeps bytes copies them. */
  onData(chunk: Buffer, atMs: number): void;
  onEnd(atMs: number): void;
  onError(err: Error, atMs: number): void;
}

/** Stops one request: its connection is closed and the observer hears `onError(reason)` if it had not ended. */
export type Abort = (reason: Error) => void;

/** Sends requests to one endpoint (its origin, base path and extra headers are the transport's own). */
export interface Transport {
  send(req: HttpRequest, now: () => number, obs: TransportObserver): Abort;
  /** Opens the policy's spare connections and resolves when they are up (or failed: a send then opens its own). */
  prepare?(): Promise<void>;
  close(): Promise<void>;
}

/** How a transport holds its connections (`--connections`, `--new-connection-per-request`). */
export interface ConnectionPolicy {
  /** Connections opened before the first request and kept ready as spares while the run lasts: after each
   *  request that took a spare, one more is opened in the background, so sends rarely pay a handshake. */
  spare: number;
  /** Most connections open at once (busy and idle); 0 = no cap. The worker never sends beyond it (drops). */
  cap: number;
  /** A new connection for every request, closed after it (the seed script's behaviour): no spares, no reuse. */
  perRequest: boolean;
}

/** Reuse, no spares, no cap: a transport told nothing opens a connection only when a request needs one (the worker always tells). */
export const DEFAULT_CONNECTIONS: ConnectionPolicy = { spare: 0, cap: 0, perRequest: false };

/** Worker k's part of the run's connections, of `workers` (the first ones take the remainder); each keeps at least one spare. */
export function connectionShare(run: ConnectionPolicy, k: number, workers: number): ConnectionPolicy {
  const share = (n: number) => Math.floor(n / workers) + (k < n % workers ? 1 : 0);
  const cap = run.cap > 0 ? Math.max(1, share(run.cap)) : 0;
  return { spare: run.perRequest ? 0 : Math.max(1, share(run.spare)), cap, perRequest: run.perRequest };
}

/** Where and how an HTTP transport connects. */
export interface HttpTarget extends EndpointParts {
  extraHeaders: Record<string, string>;
  /** Skip TLS certificate verification (--insecure). */
  insecure: boolean;
  /** A connection not established within this is an error of class connect_timeout. */
  connectTimeoutMs: number;
  /** The HTTP proxy to go through (`proxy.ts`'s `proxyFor`), or none. */
  proxy?: ProxyRoute | null;
  /** Spares, cap, reuse; DEFAULT_CONNECTIONS when absent. */
  connections?: ConnectionPolicy;
}

/** HTTP clients a run can use: our HTTP/1.1 client on raw sockets (the default) or undici's. */
export const HTTP_CLIENTS = ['http1', 'undici'] as const;
export type HttpClientName = (typeof HTTP_CLIENTS)[number];
