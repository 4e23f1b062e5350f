import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { buildConnector, Client } from 'undici';
import { skipContinue } from './skip-continue.js';
import { undici } from './undici-lib.js';
import type { ConnectionInfo, ConnectionPolicy } from './types.js';

/** A spare socket unused for this long is not handed out (a server may close it as a request goes out). */
const SPARE_IDLE_MS = 4_000;

/** One connection of the pool: its undici Client and what opening its socket took. */
export interface Pooled {
  client: Client;
  tcpMs: number | null;
  tlsMs: number | null;
  /** Requests it has carried, the current one included. */
  uses: number;
}

interface Spare {
  socket: Socket;
  tcpMs: number | null;
  tlsMs: number | null;
  until: number;
}

type Connect = ReturnType<typeof buildConnector>;
type ConnectOptions = Parameters<Connect>[0];

/** The request's connection as the observer reports it. */
export function connectionInfo(p: Pooled): ConnectionInfo {
  const reused = p.uses > 1;
  return { reused, connectMs: reused ? null : p.tcpMs, tlsMs: reused ? null : p.tlsMs };
}

/**
 * Keep-alive connections to one origin: one undici Client (one HTTP/1.1 connection, no pipelining) per
 * in-flight request, idle ones reused most-recent first. undici's Pool finds a free connection by
 * scanning every connection on each dispatch, which at thousands of concurrent streams costs more CPU
 * than the streams themselves; here taking and returning one is O(1). Sockets opened ahead of demand
 * (`ConnectionPolicy.spare`) are handed to new Clients through undici's `connect` hook.
 */
export class ConnectionPool {
  readonly #origin: string;
  readonly #options: Client.Options;
  readonly #policy: ConnectionPolicy;
  readonly #connect: Connect;
  readonly #target: ConnectOptions;
  readonly #idle: Pooled[] = [];
  readonly #all = new Set<Pooled>();
  readonly #spares: Spare[] = [];
  #opening = 0;
  #refill: NodeJS.Immediate | null = null;

  constructor(origin: string, options: Client.Options, connect: buildConnector.BuildOptions, policy: ConnectionPolicy) {
    this.#origin = origin;
    this.#options = options;
    this.#policy = policy;
    this.#connect = undici().buildConnector(connect);
    const url = new URL(origin);
    this.#target = { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), host: url.host, protocol: url.protocol, port: url.port, servername: undefined };
  }

  acquire(): Pooled {
    for (let p = this.#idle.pop(); p; p = this.#idle.pop()) {
      if (!p.client.destroyed && !p.client.closed) {
        p.uses++;
        return p;
      }
      this.#all.delete(p);
    }
    const pooled: Pooled = { client: null!, tcpMs: null, tlsMs: null, uses: 1 };
    pooled.client = new (undici().Client)(this.#origin, { ...this.#options, connect: (opts, cb) => this.#socketFor(pooled, opts, cb) });
    // a dead connection surfaces on the request using it; the pool only forgets it
    pooled.client.on('connectionError', () => undefined);
    this.#all.add(pooled);
    this.#topUp();
    return pooled;
  }

  /** `reuse` only after a response ended cleanly: anything else may leave the connection mid-body. */
  release(p: Pooled, reuse: boolean): void {
    if (reuse && !this.#policy.perRequest && !p.client.destroyed && !p.client.closed) {
      this.#idle.push(p);
      return;
    }
    this.#all.delete(p);
    p.client.destroy().catch(() => undefined);
  }

  /** Opens the policy's spare sockets; resolves when each is up or failed. */
  prepare(): Promise<void> {
    const opened: Promise<void>[] = [];
    while (this.#wantsSpare()) opened.push(new Promise((resolve) => this.#openSpare(resolve)));
    return Promise.all(opened).then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#refill) clearImmediate(this.#refill);
    this.#refill = null;
    for (const s of this.#spares.splice(0)) s.socket.destroy();
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(all.map((p) => p.client.destroy().catch(() => undefined)));
  }

  /** undici's `connect` hook for one Client: a live spare socket if there is one, else a new one, timed. */
  #socketFor(p: Pooled, opts: ConnectOptions, cb: buildConnector.Callback): void {
    const at = performance.now();
    for (let s = this.#spares.pop(); s; s = this.#spares.pop()) {
      if (!s.socket.destroyed && at < s.until) {
        Object.assign(p, { tcpMs: s.tcpMs, tlsMs: s.tlsMs });
        // undici expects its connector to answer later, as a real connect does
        const socket = s.socket;
        return process.nextTick(() => cb(null, socket));
      }
      s.socket.destroy();
    }
    this.#timed(opts, (err, timing, socket) => {
      if (timing) Object.assign(p, timing);
      if (err) cb(err, null);
      else cb(null, socket!);
    });
  }

  /** Opens a socket, measuring its TCP connect and TLS handshake apart. */
  #timed(opts: ConnectOptions, done: (err: Error | null, timing: { tcpMs: number | null; tlsMs: number | null } | null, socket: Socket | null) => void): void {
    const at = performance.now();
    let tcpMs: number | null = null;
    const socket = this.#connect(opts, (err, s) => {
      if (err) return done(err, null, null);
      const now = performance.now();
      const tls = opts.protocol === 'https:';
      done(null, { tcpMs: tls ? tcpMs : now - at, tlsMs: tls && tcpMs !== null ? now - at - tcpMs : null }, skipContinue(s as Socket));
    }) as unknown as Socket; // undici's connector returns its socket, though its types say void
    socket.once('connect', () => (tcpMs = performance.now() - at));
  }

  #wantsSpare(): boolean {
    const p = this.#policy;
    return !p.perRequest && this.#spares.length + this.#opening < p.spare && (p.cap === 0 || this.#all.size + this.#spares.length + this.#opening < p.cap);
  }

  #topUp(): void {
    if (this.#refill || !this.#wantsSpare()) return;
    this.#refill = setImmediate(() => {
      this.#refill = null;
      while (this.#wantsSpare()) this.#openSpare(() => undefined);
    });
  }

  #openSpare(settled: () => void): void {
    this.#opening++;
    this.#timed(this.#target, (err, timing, socket) => {
      this.#opening--;
      settled();
      if (err || !socket) return;
      // a spare closed by the server before use is skipped when taken
      socket.on('error', () => undefined);
      this.#spares.unshift({ socket, tcpMs: timing!.tcpMs, tlsMs: timing!.tlsMs, until: performance.now() + SPARE_IDLE_MS });
    });
  }
}
