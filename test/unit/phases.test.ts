import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { PHASES } from '../../src/metrics/phases.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { protocolFor } from '../../src/protocols/registry.js';
import { openTransport } from '../../src/transport/open.js';
import { HTTP_CLIENTS, type ConnectionPolicy, type HttpClientName, type Transport } from '../../src/transport/types.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';

/** The server's known delays, ms: before it reads a new connection (accept), its headers, its first token,
 *  its second token, and (TLS server) before the handshake starts. */
const ACCEPT = 100;
const HEAD = 40;
const FIRST = 30;
const DECODE = 20;
const TLS_DELAY = 60;
/** Timers may fire up to a millisecond early by the monotonic clock; everything else is a lower bound. */
const EARLY = 1;
/** Upper bounds only catch a phase charged to the wrong stamp; this shared 2-core machine can be slow. */
const SLACK = 400;

const FIXTURES = new URL('../fixtures/tls/', import.meta.url);
const frame = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`;
const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;

/** When the server (in this process: the same clock) read the request and wrote headers, first and last token. */
interface ServerStamps {
  /** When the server started reading the connection (the end of its accept queue). */
  resumed: number;
  read: number;
  head: number;
  first: number;
  last: number;
}
let served: ServerStamps[] = [];

/** Answers each request on a connection after HEAD ms with headers, FIRST ms later a token, DECODE ms later another and the end. */
function answer(socket: Socket, resumed = performance.now()): void {
  let pending = '';
  socket.on('data', (d) => {
    pending += d.toString('latin1');
    const end = pending.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
    if (end === -1 || pending.length < end + 4 + length) return;
    pending = pending.slice(end + 4 + length);
    const at: ServerStamps = { resumed, read: performance.now(), head: NaN, first: NaN, last: NaN };
    served.push(at);
    setTimeout(() => {
      at.head = performance.now();
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n');
      setTimeout(() => {
        at.first = performance.now();
        socket.write(chunk(frame('a')));
        setTimeout(() => {
          at.last = performance.now();
          socket.write(chunk(frame(' b') + 'data: [DONE]\n\n') + '0\r\n\r\n');
        }, DECODE);
      }, FIRST);
    }, HEAD);
  });
  socket.on('error', () => undefined);
}

const servers: Server[] = [];
const transports: Transport[] = [];
afterEach(async () => {
  served = [];
  for (const s of servers.splice(0)) s.close();
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

/** A server that lets a new connection wait ACCEPT ms before it reads it (the kernel has completed the handshake). */
async function slowAccept(tlsDelay = 0): Promise<{ origin: string; connections: () => number }> {
  let connections = 0;
  const tls = tlsDelay ? createTlsServer({ key: readFileSync(new URL('key.pem', FIXTURES)), cert: readFileSync(new URL('cert.pem', FIXTURES)) }, (s) => answer(s)) : null;
  const srv = createServer({ pauseOnConnect: true }, (socket) => {
    connections++;
    setTimeout(() => {
      if (tls) tls.emit('connection', socket);
      else answer(socket);
      socket.resume();
    }, tlsDelay || ACCEPT);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  servers.push(srv);
  return { origin: `${tls ? 'https' : 'http'}://127.0.0.1:${(srv.address() as AddressInfo).port}`, connections: () => connections };
}

function open(client: HttpClientName, origin: string, connections?: ConnectionPolicy): Transport {
  const t = openTransport(client, { origin, basePath: '/v1', extraHeaders: {}, insecure: true, connectTimeoutMs: 5000, connections });
  transports.push(t);
  return t;
}

/** One request through a real tracker, as a worker sends it; resolves with its record. */
function send(t: Transport): Promise<RequestRecord> {
  const now = () => performance.now();
  return new Promise((resolve) => {
    const init = { id: 0, worker: 0, scheduledMs: now(), sentMs: now(), requestedOutputTokens: 2, warmup: false, stream: true, inputTokensClient: null, captureText: false, loopDelayMs: 0.25 };
    const tracker = new RequestTracker(init, protocolFor('openai-chat'), new Series(), resolve);
    tracker.abort = t.send({ path: '/chat/completions', headers: { 'content-type': 'application/json' }, body: '{}' }, now, tracker);
  });
}

/** The request was written before the server started reading it: the accept queue and the headers are in wait_ms. */
function expectAcceptInWait(r: RequestRecord, s: ServerStamps): void {
  expect(r.written_ms!).toBeLessThan(s.resumed);
  expect(phase(r, 'wait_ms')).toBeGreaterThan(s.head - s.resumed);
  expect(s.head - s.resumed).toBeGreaterThanOrEqual(HEAD - EARLY);
  expect(phase(r, 'wait_ms')).toBeLessThan(ACCEPT + HEAD + SLACK);
}

/** The server was already reading the connection when the request was written: the wait is its headers alone. */
function expectNoAcceptInWait(r: RequestRecord, s: ServerStamps): void {
  expect(s.resumed).toBeLessThan(r.written_ms!);
  expect(phase(r, 'wait_ms')).toBeGreaterThanOrEqual(s.head - s.read);
  expect(s.head - s.read).toBeGreaterThanOrEqual(HEAD - EARLY);
}

const phase = (r: RequestRecord, name: keyof typeof PHASES) => PHASES[name](r)!;

/** The record's stamps in order, each read no earlier than the server wrote it (and the request written
 *  before the server read it); an upper bound only catches a stamp taken at the wrong event. */
function expectAgainstServer(r: RequestRecord, s: ServerStamps): void {
  const stamps = [r.sent_ms, r.written_ms, r.first_byte_ms, r.first_token_ms, r.last_token_ms, r.end_ms];
  expect(stamps.every((v) => typeof v === 'number')).toBe(true);
  for (let i = 1; i < stamps.length; i++) expect(stamps[i]!).toBeGreaterThanOrEqual(stamps[i - 1]!);
  expect(r.written_ms!).toBeLessThanOrEqual(s.read);
  for (const [mine, theirs] of [[r.first_byte_ms!, s.head], [r.first_token_ms!, s.first], [r.last_token_ms!, s.last]]) {
    expect(mine).toBeGreaterThanOrEqual(theirs);
    expect(mine - theirs).toBeLessThan(SLACK);
  }
}

describe.each(HTTP_CLIENTS)('request phases against a server with known delays (%s)', (client) => {
  it('a new connection: the accept queue and headers fall in the wait for the first byte, not in connect or write; then first token, decode', async () => {
    const srv = await slowAccept();
    const r = await send(open(client, srv.origin));
    expect(r.outcome).toBe('completed');
    expectAgainstServer(r, served[0]);
    expect(r.connection).toBe('new');
    expect(r.tls_ms).toBeNull();
    expect(r.connect_ms!).toBeGreaterThanOrEqual(0);
    expect(r.connect_ms!).toBeLessThan(SLACK);
    expectAcceptInWait(r, served[0]);
    expect(r.loop_delay_ms).toBe(0.25);
  });

  it('a kept-alive connection: reused, no connect time, and the wait is the headers alone', async () => {
    const srv = await slowAccept();
    const t = open(client, srv.origin);
    await send(t);
    const r = await send(t);
    expectAgainstServer(r, served[1]);
    expect(r).toMatchObject({ connection: 'reused', connect_ms: null, tls_ms: null });
    expectNoAcceptInWait(r, served[1]);
  });

  it('TLS: a handshake the server holds back shows in tls_ms, apart from the TCP connect', async () => {
    const srv = await slowAccept(TLS_DELAY);
    const r = await send(open(client, srv.origin));
    expect(r.outcome).toBe('completed');
    expectAgainstServer(r, served[0]);
    expect(r.connection).toBe('new');
    // The server starts its hold when it accepts, which the client's own connect stamp may follow by a
    // busy event loop's delay: only the sum is bounded below by the hold; the handshake is still its own phase.
    expect(r.tls_ms!).toBeGreaterThan(0);
    expect(r.connect_ms! + r.tls_ms!).toBeGreaterThanOrEqual(TLS_DELAY - EARLY);
    expect(r.tls_ms!).toBeLessThan(TLS_DELAY + SLACK);
    expect(r.connect_ms!).toBeLessThan(SLACK);
    // the request waits for the handshake before it is written
    expect(phase(r, 'write_ms')).toBeGreaterThanOrEqual(TLS_DELAY - EARLY);
    expect(phase(r, 'wait_ms')).toBeGreaterThanOrEqual(HEAD - EARLY);
  });
});

describe.each(HTTP_CLIENTS)('connections ahead of demand (%s)', (client) => {
  it('prepare opens the spares before any request, and the first requests take them: no handshake inside their time', async () => {
    const srv = await slowAccept();
    const t = open(client, srv.origin, { spare: 3, cap: 3, perRequest: false });
    await t.prepare!();
    // the server reads a connection ACCEPT ms after it arrived: by now the spares have waited that out
    await new Promise((r) => setTimeout(r, ACCEPT + 20));
    expect(srv.connections()).toBe(3);
    const rs = await Promise.all([send(t), send(t), send(t)]);
    expect(srv.connections()).toBe(3);
    rs.forEach((r, i) => {
      expect(r.connection).toBe('new');
      expectNoAcceptInWait(r, served[i]);
    });
  });

  it('--new-connection-per-request: every request opens its own and pays the accept queue', async () => {
    const srv = await slowAccept();
    const t = open(client, srv.origin, { spare: 0, cap: 0, perRequest: true });
    await t.prepare!();
    expect(srv.connections()).toBe(0);
    const first = await send(t);
    const second = await send(t);
    expect(srv.connections()).toBe(2);
    [first, second].forEach((r, i) => {
      expect(r.connection).toBe('new');
      expectAcceptInWait(r, served[i]);
    });
  });
});
