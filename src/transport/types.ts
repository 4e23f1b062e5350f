import type { EndpointParts } from './endpoint.js';
import type { ProxyRoute } from './proxy.js';

/** What a protocol asks the transport to send: one POST to the endpoint. */
export interface HttpRequest {
  /** Appended to the endpoint base URL's path. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The transport's view of one request's life; every call carries the time it happened. */
export interface TransportObserver {
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
  close(): Promise<void>;
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
}

/** HTTP clients a run can use: our HTTP/1.1 client on raw sockets (the default) or undici's. */
export const HTTP_CLIENTS = ['http1', 'undici'] as const;
export type HttpClientName = (typeof HTTP_CLIENTS)[number];
