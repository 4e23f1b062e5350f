import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Http1ResponseParser, type Headers } from './http1-response.js';
import type { ProxyRoute } from './proxy.js';
import { requestTarget } from './endpoint.js';
import { openTunnel, type PendingTunnel } from './tunnel.js';
import { DEFAULT_CONNECTIONS, type Abort, type ConnectionPolicy, type HttpRequest, type HttpTarget, type Transport, type TransportObserver } from './types.js';

/** One read buffer per transport (per worker thread): reads land in it and are parsed in place. */
const READ_BUFFER_BYTES = 64 * 1024;
/** How long an idle connection is reused when the server gives no keep-alive hint (undici's default). */
const DEFAULT_IDLE_MS = 4_000;
/** Stop reusing this long before the server's own keep-alive timeout, so it never closes under a new request. */
const IDLE_MARGIN_MS = 1_000;

/** A transport error with a code that transport/errors.ts classifies. */
function httpError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

interface Exchange {
  obs: TransportObserver;
  now: () => number;
  parser: Http1ResponseParser;
  ended: boolean;
  written: boolean;
  firstByte: boolean;
}

/**
 * HTTP/1.1 client on raw sockets (the default `--http-client http1`): one connection per in-flight
 * request, kept alive and reused most recent first, no pipelining; spare connections opened ahead of
 * demand (`ConnectionPolicy`) are taken only when no kept-alive one is idle. On plain TCP the kernel's bytes land
 * in one buffer shared by every connection of the worker (net's `onread`), are stamped before anything
 * else, and are de-framed in place: no stream objects, no Buffer per read, no copy of body bytes.
 * `bench/latest.json` compares it with undici (`--http-client undici`) on the same load.
 * Through a proxy (`target.proxy`): plain HTTP goes to the proxy in absolute form (`POST http://host/...`),
 * HTTPS through a `CONNECT` tunnel with TLS inside it (`tunnel.ts`).
 */
export class Http1Transport implements Transport {
  readonly #t: HttpTarget;
  readonly #host: string;
  readonly #port: number;
  readonly #tls: boolean;
  readonly #hostHeader: string;
  readonly #proxy: ProxyRoute | null;
  /** What precedes the base path in the request line: nothing, or `http://host:port` to a forward proxy. */
  readonly #absolute: string;
  /** `proxy-authorization` for a forward proxy (a tunnel sends it once, in its CONNECT). */
  readonly #proxyLine: string;
  /** `--header` lines, built and checked once; they replace a protocol header of the same name. */
  readonly #extraLines: string | Error;
  readonly #readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  readonly #idle: Connection[] = [];
  /** Opened ahead of demand, never used yet: taken after the kept-alive ones. */
  readonly #spares: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #policy: ConnectionPolicy;
  #refill: NodeJS.Immediate | null = null;

  constructor(target: HttpTarget) {
    const url = new URL(target.origin);
    this.#t = target;
    this.#tls = url.protocol === 'https:';
    this.#host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = url.port ? Number(url.port) : this.#tls ? 443 : 80;
    this.#hostHeader = url.host;
    this.#extraLines = headerLines(target.extraHeaders, {});
    this.#proxy = target.proxy ?? null;
    this.#policy = target.connections ?? DEFAULT_CONNECTIONS;
    const forward = this.#proxy !== null && !this.#tls;
    this.#absolute = forward ? `${url.protocol}//${url.host}` : '';
    this.#proxyLine = forward && this.#proxy!.authorization ? `proxy-authorization: ${this.#proxy!.authorization}\r\n` : '';
  }

  send(req: HttpRequest, now: () => number, obs: TransportObserver): Abort {
    const head = this.#head(req);
    if (typeof head !== 'string') {
      obs.onError(head, now());
      return () => undefined;
    }
    const conn = this.#acquire();
    conn.start(obs, now, head + req.body);
    this.#topUp();
    return (reason) => conn.abort(reason);
  }

  async prepare(): Promise<void> {
    const opened: Promise<void>[] = [];
    while (this.#wantsSpare()) opened.push(this.#openSpare().up);
    await Promise.all(opened);
  }

  async close(): Promise<void> {
    if (this.#refill) clearImmediate(this.#refill);
    this.#refill = null;
    for (const c of this.#all) c.destroy();
    this.#all.clear();
    this.#idle.length = 0;
    this.#spares.length = 0;
  }

  #wantsSpare(): boolean {
    const p = this.#policy;
    return !p.perRequest && this.#spares.length < p.spare && (p.cap === 0 || this.#all.size < p.cap);
  }

  /** After a send, spares are replenished outside the send's own turn of the event loop. */
  #topUp(): void {
    if (this.#refill || !this.#wantsSpare()) return;
    this.#refill = setImmediate(() => {
      this.#refill = null;
      while (this.#wantsSpare()) this.#openSpare();
    });
  }

  #openSpare(): Connection {
    const conn = this.#connection();
    this.#spares.push(conn);
    return conn;
  }

  #head(req: HttpRequest): string | Error {
    if (typeof this.#extraLines !== 'string') return this.#extraLines;
    const own = headerLines(req.headers, this.#t.extraHeaders);
    if (typeof own !== 'string') return own;
    return `POST ${this.#absolute}${requestTarget(this.#t, req.path)} HTTP/1.1\r\nhost: ${this.#hostHeader}\r\n${this.#proxyLine}${own}${this.#extraLines}content-length: ${Buffer.byteLength(req.body)}\r\n\r\n`;
  }

  /** The most recently idle connection still within its keep-alive time, or a new one. A request is sent
   *  once: a kept-alive connection the server closed unannounced fails it (`reset`), as undici does for a
   *  POST, rather than a retry that would send more requests than the schedule holds. */
  #acquire(): Connection {
    const at = performance.now();
    for (let c = this.#idle.pop(); c; c = this.#idle.pop()) {
      if (c.usable && at < c.idleUntil) return c;
      this.#forget(c);
    }
    // a spare still opening is left to finish: the request would inherit a handshake started for no one
    for (let i = this.#spares.length - 1; i >= 0; i--) {
      const c = this.#spares[i];
      if (!c.isUp) continue;
      this.#spares.splice(i, 1);
      if (c.usable && at < c.idleUntil) return c;
      this.#forget(c);
    }
    return this.#connection();
  }

  #connection(): Connection {
    const conn = new Connection((onBytes) => this.#open(onBytes), this.#tls, this.#t.connectTimeoutMs, (c, reuse) => this.#release(c, reuse));
    this.#all.add(conn);
    return conn;
  }

  #open(onBytes: (bytes: Buffer) => void): Socket | PendingTunnel {
    const proxy = this.#proxy;
    if (this.#tls && proxy) {
      const tunnel = openTunnel(proxy, this.#host, this.#port);
      return { raw: tunnel.raw, ready: tunnel.ready.then((socket) => this.#startTls(onBytes, socket)) };
    }
    if (this.#tls) return this.#startTls(onBytes);
    const buffer = this.#readBuffer;
    // `onread` replaces the 'data' event: no stream machinery and no Buffer per read
    const [host, port] = proxy ? [proxy.host, proxy.port] : [this.#host, this.#port];
    return netConnect({ host, port, noDelay: true, onread: { buffer, callback: (n: number) => (onBytes(buffer.subarray(0, n)), true) } });
  }

  /** TLS to the target, on a new connection or inside a proxy's tunnel. */
  #startTls(onBytes: (bytes: Buffer) => void, tunnel?: Socket): Socket {
    const servername = isIP(this.#host) ? undefined : this.#host;
    const at = tunnel ? { socket: tunnel } : { host: this.#host, port: this.#port };
    const socket = tlsConnect({ ...at, servername, rejectUnauthorized: !this.#t.insecure, ALPNProtocols: ['http/1.1'] });
    socket.setNoDelay(true);
    return socket.on('data', onBytes);
  }

  /** A connection whose exchange ended (`reuse`: it may carry the next request), or that died. */
  #release(conn: Connection, reuse: boolean): void {
    if (reuse && !this.#policy.perRequest) {
      this.#idle.push(conn);
      return;
    }
    this.#forget(conn);
    for (const pool of [this.#idle, this.#spares]) {
      const i = pool.lastIndexOf(conn);
      if (i !== -1) pool.splice(i, 1);
    }
  }

  #forget(conn: Connection): void {
    this.#all.delete(conn);
    conn.destroy();
  }
}

/** `name: value` lines of `headers` except those `replaced` names and the ones the transport writes itself
 *  (host, content-length); an error for a line break, which would smuggle in another header. */
function headerLines(headers: Record<string, string>, replaced: Record<string, string>): string | Error {
  let lines = '';
  for (const name in headers) {
    const value = headers[name];
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return httpError('HTTP_BAD_HEADER', `header ${JSON.stringify(name)} holds a line break`);
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'content-length' || Object.hasOwn(replaced, lower)) continue;
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

/** Opens the socket of a connection, delivering each read to `onBytes` (a view valid during the call);
 *  through a proxy's tunnel the socket comes later. */
type Opener = (onBytes: (bytes: Buffer) => void) => Socket | PendingTunnel;

/** One keep-alive connection and the exchange in flight on it, if any. */
class Connection {
  /** Null while a proxy's tunnel is being opened (`#pending`). */
  #socket: Socket | null = null;
  #pending: PendingTunnel | null = null;
  /** Request bytes written before the tunnel was up. */
  #queued: string | null = null;
  readonly #tls: boolean;
  readonly #release: (c: Connection, reuse: boolean) => void;
  #ex: Exchange | null = null;
  #connectTimer: NodeJS.Timeout | null;
  #keepAlive = true;
  #dead = false;
  #idleMs = DEFAULT_IDLE_MS;
  #forgotten = false;
  /** Stamp of the read being parsed: every event decoded from it carries this time. */
  #readAt = 0;
  /** performance.now() after which this idle connection is not reused (a spare: after it was opened). */
  idleUntil: number;
  readonly #openedAt: number;
  #tcpMs: number | null = null;
  #tlsMs: number | null = null;
  #isUp = false;
  #uses = 0;
  #upWaiter: (() => void) | null = null;
  /** Settles when the connection is up or failed (what `prepare` waits for). */
  readonly up: Promise<void>;

  constructor(open: Opener, tls: boolean, connectTimeoutMs: number, release: (c: Connection, reuse: boolean) => void) {
    this.#release = release;
    this.#tls = tls;
    this.#openedAt = performance.now();
    this.idleUntil = this.#openedAt + DEFAULT_IDLE_MS;
    this.up = new Promise((resolve) => (this.#upWaiter = resolve));
    this.#connectTimer = this.#armConnectTimer(this.#openedAt + connectTimeoutMs, connectTimeoutMs);
    const opened = open((bytes) => this.#onBytes(bytes));
    if (!('ready' in opened)) {
      this.#attach(opened, false);
      return;
    }
    this.#pending = opened;
    opened.ready.then(
      (socket) => this.#attach(socket, true),
      (err: Error) => this.#fail(err),
    );
  }

  /** `tunnelled`: the TCP part (to the proxy, and its CONNECT) is already done. */
  #attach(socket: Socket, tunnelled: boolean): void {
    this.#pending = null;
    if (this.#dead) return void socket.destroy();
    this.#socket = socket;
    if (tunnelled) this.#tcpMs = performance.now() - this.#openedAt;
    else socket.once('connect', () => this.#tcpUp());
    if (this.#tls) socket.once('secureConnect', () => this.#secured());
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#closed());
    if (this.#queued !== null) this.#write(socket, this.#queued);
    this.#queued = null;
  }

  #tcpUp(): void {
    this.#tcpMs = performance.now() - this.#openedAt;
    if (!this.#tls) this.#connected();
  }

  #secured(): void {
    this.#tlsMs = performance.now() - this.#openedAt - (this.#tcpMs ?? 0);
    this.#connected();
  }

  #connected(): void {
    this.#clearConnectTimer();
    this.#isUp = true;
    this.idleUntil = performance.now() + this.#idleMs;
    this.#settleUp();
    if (this.#ex) this.#announce(this.#ex);
  }

  #settleUp(): void {
    this.#upWaiter?.();
    this.#upWaiter = null;
  }

  #announce(ex: Exchange): void {
    const reused = this.#uses > 1;
    ex.obs.onConnection?.({ reused, connectMs: reused ? null : this.#tcpMs, tlsMs: reused ? null : this.#tlsMs });
  }

  get isUp(): boolean {
    return this.#isUp;
  }

  get usable(): boolean {
    return !this.#dead && this.#keepAlive && this.#ex === null;
  }

  start(obs: TransportObserver, now: () => number, bytes: string): void {
    const ex: Exchange = { obs, now, ended: false, written: false, firstByte: false, parser: null! };
    ex.parser = new Http1ResponseParser({
      onHead: (status, headers) => this.#head(ex, status, headers),
      onBody: (b) => obs.onData(b, this.#readAt),
      onComplete: () => (ex.ended = true),
    });
    this.#ex = ex;
    this.#uses++;
    if (this.#isUp) this.#announce(ex);
    if (this.#socket) this.#write(this.#socket, bytes);
    else this.#queued = bytes;
  }

  /** Bytes the kernel took at once are stamped written now; others when the socket has flushed them. */
  #write(socket: Socket, bytes: string): void {
    socket.write(bytes, this.#flushed);
    if (socket.writableLength === 0 && !socket.connecting) this.#flushed();
  }

  readonly #flushed = (): void => {
    const ex = this.#ex;
    if (!ex || ex.written) return;
    ex.written = true;
    ex.obs.onWritten?.(ex.now());
  };

  abort(reason: Error): void {
    if (this.#ex && !this.#ex.ended) this.#fail(reason);
  }

  destroy(): void {
    this.#dead = true;
    this.#clearConnectTimer();
    this.#socket?.destroy();
    this.#pending?.raw.destroy();
  }

  #onBytes(bytes: Buffer): void {
    const ex = this.#ex;
    if (!ex) return this.#fail(httpError('HTTP_FRAMING', 'bytes from the server while no request was in flight'));
    this.#readAt = ex.now();
    if (!ex.firstByte) {
      ex.firstByte = true;
      ex.obs.onFirstByte?.(this.#readAt);
    }
    try {
      ex.parser.push(bytes);
    } catch (err) {
      return this.#fail(err as Error);
    }
    if (ex.ended) this.#ended(ex);
  }

  #ended(ex: Exchange): void {
    this.#ex = null;
    const reuse = this.#keepAlive && !this.#dead && ex.parser.extra === 0;
    if (reuse) this.idleUntil = performance.now() + this.#idleMs;
    ex.obs.onEnd(this.#readAt);
    if (reuse) this.#release(this, true);
    else this.#gone();
  }

  #head(ex: Exchange, status: number, headers: Headers): void {
    if (/\bclose\b/i.test(String(headers.connection ?? ''))) this.#keepAlive = false;
    const hint = /timeout=(\d+)/i.exec(String(headers['keep-alive'] ?? ''));
    if (hint) this.#idleMs = Number(hint[1]) * 1000 - IDLE_MARGIN_MS;
    ex.obs.onStatus(status, headers, this.#readAt);
  }

  #closed(): void {
    this.#clearConnectTimer();
    this.#settleUp();
    this.#dead = true;
    const ex = this.#ex;
    if (ex && !ex.ended && ex.parser.end()) return this.#ended(ex);
    if (ex && !ex.ended) return this.#fail(httpError('HTTP_CLOSED', `connection closed by the server while waiting for ${ex.parser.waitingFor}`));
    this.#gone();
  }

  /** Dead for good: the transport forgets it, whether idle or not. */
  #gone(): void {
    if (this.#forgotten) return;
    this.#forgotten = true;
    this.#dead = true;
    this.#release(this, false);
  }

  #fail(err: Error): void {
    this.#clearConnectTimer();
    this.#settleUp();
    const ex = this.#ex;
    this.#ex = null;
    this.#socket?.destroy();
    this.#pending?.raw.destroy();
    this.#gone();
    if (!ex || ex.ended) return;
    ex.ended = true;
    ex.obs.onError(err, ex.now());
  }

  /** libuv measures timers from the loop's cached time, which can be behind: a timer may fire a little
   *  early by the clock, so it re-arms until the deadline has really passed. */
  #armConnectTimer(deadline: number, limitMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      const left = deadline - performance.now();
      if (left > 0) this.#connectTimer = this.#armConnectTimer(deadline, limitMs);
      else this.#fail(httpError('CONNECT_TIMEOUT', `no connection within ${limitMs} ms (--connect-timeout)`));
    }, Math.max(1, deadline - performance.now()));
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
  }
}
