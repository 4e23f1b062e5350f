import type { Dispatcher } from 'undici';
import type { HttpRequest } from '../protocols/types.js';
import type { ConnectionPool } from './connections.js';

/** The transport's view of one request's life; every call carries the time it happened. */
export interface TransportObserver {
  onStatus(status: number, headers: Record<string, string | string[] | undefined>, atMs: number): void;
  /** A body chunk, stamped before anything else is done with it. */
  onData(chunk: Buffer, atMs: number): void;
  onEnd(atMs: number): void;
  onError(err: Error, atMs: number): void;
}

export interface Target {
  connections: ConnectionPool;
  origin: string;
  /** Path of the endpoint base URL, without a trailing slash (e.g. "/v1"). */
  basePath: string;
  extraHeaders: Record<string, string>;
}

/** Sends one request with undici's lowest-level API (no stream objects per request). Returns an abort. */
export function send(target: Target, req: HttpRequest, now: () => number, obs: TransportObserver): (reason: Error) => void {
  let controller: Dispatcher.DispatchController | null = null;
  let pendingAbort: Error | null = null;
  const client = target.connections.acquire();
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
      target.connections.release(client, true);
    },
    onResponseError(_c, err) {
      obs.onError(err, now());
      target.connections.release(client, false);
    },
  };
  client.dispatch(
    {
      origin: target.origin,
      path: target.basePath + req.path,
      method: 'POST',
      headers: { ...req.headers, ...target.extraHeaders },
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
