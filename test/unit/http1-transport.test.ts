import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/transport/errors.js';
import { Http1Transport } from '../../src/transport/http1.js';
import type { TransportObserver } from '../../src/transport/types.js';

/** A loopback server answering each request on a connection with `reply(n)` (n counts requests server-wide). */
async function server(reply: (socket: Socket, n: number) => void): Promise<{ origin: string; connections: () => number; srv: Server }> {
  let connections = 0;
  let requests = 0;
  const srv = createServer((socket) => {
    connections++;
    let pending = '';
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        reply(socket, requests++);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  servers.push(srv);
  return { origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, connections: () => connections, srv };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

interface Outcome {
  status: number | null;
  body: string;
  ended: boolean;
  error: Error | null;
}

function request(t: Http1Transport, path = '/chat'): { done: Promise<Outcome>; abort: (e: Error) => void } {
  const out: Outcome = { status: null, body: '', ended: false, error: null };
  let abort!: (e: Error) => void;
  const done = new Promise<Outcome>((resolve) => {
    const obs: TransportObserver = {
      onStatus: (s) => (out.status = s),
      onData: (b) => (out.body += b.toString()),
      onEnd: () => resolve({ ...out, ended: true }),
      onError: (e) => resolve({ ...out, error: e }),
    };
    abort = t.send({ path, headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' }, () => performance.now(), obs);
  });
  return { done, abort };
}

const transport = (origin: string, connectTimeoutMs = 2000) => new Http1Transport({ origin, basePath: '/v1', extraHeaders: { 'x-extra': '1' }, insecure: false, connectTimeoutMs });
const chunked = (body: string, head = '') => `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n${head}\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;

describe('Http1Transport on loopback', () => {
  it('sends the request line, headers and a UTF-8 body with its byte length, and reuses one keep-alive connection', async () => {
    let seen = '';
    const s = await server((socket) => socket.write(chunked('data: [DONE]\n\n')));
    s.srv.on('connection', (c) => c.on('data', (d) => (seen += d.toString('utf8'))));
    const t = transport(s.origin);
    for (let i = 0; i < 3; i++) expect(await request(t).done).toMatchObject({ status: 200, body: 'data: [DONE]\n\n', ended: true, error: null });
    expect(s.connections()).toBe(1);
    expect(seen).toContain('POST /v1/chat HTTP/1.1\r\n');
    expect(seen).toMatch(/host: 127\.0\.0\.1:\d+\r\n/);
    expect(seen).toContain('x-extra: 1\r\n');
    expect(seen).toContain(`content-length: ${Buffer.byteLength('{"a":"é"}')}\r\n\r\n{"a":"é"}`);
    await t.close();
  });

  it('a --header replaces the protocol header of the same name: sent once, with its value', async () => {
    let seen = '';
    const s = await server((socket) => socket.write(chunked('x')));
    s.srv.on('connection', (c) => c.on('data', (d) => (seen += d.toString('utf8'))));
    const t = new Http1Transport({ origin: s.origin, basePath: '', extraHeaders: { 'content-type': 'text/plain' }, insecure: false, connectTimeoutMs: 2000 });
    await request(t).done;
    expect(seen.match(/content-type:/gi)).toHaveLength(1);
    expect(seen).toContain('content-type: text/plain\r\n');
    await t.close();
  });

  it('opens a new connection after `connection: close`, and after a keep-alive timeout hint has run out', async () => {
    const s = await server((socket, n) => socket.write(chunked('x', n === 0 ? 'connection: close\r\n' : 'keep-alive: timeout=1\r\n')));
    const t = transport(s.origin);
    await request(t).done;
    await request(t).done;
    expect(s.connections()).toBe(2);
    // timeout=1 s less the 1 s margin: never reused
    await request(t).done;
    expect(s.connections()).toBe(3);
    await t.close();
  });

  it('reports a connection the server closes mid-body as a reset that says what was missing', async () => {
    const s = await server((socket) => socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n'));
    const t = transport(s.origin);
    const r = await request(t).done;
    expect(r.body).toBe('hello');
    expect(classifyError(r.error, true)).toEqual({ cls: 'reset', message: expect.stringContaining('waiting for the last chunk of a chunked body') });
    await t.close();
  });

  it('ends a close-delimited body at the close, and classifies garbage as a parse error', async () => {
    const s = await server((socket, n) => socket.end(n === 0 ? 'HTTP/1.1 200 OK\r\n\r\ndata: a\n\n' : 'not http at all\r\n\r\n'));
    const t = transport(s.origin);
    expect(await request(t).done).toMatchObject({ status: 200, body: 'data: a\n\n', ended: true });
    expect(classifyError((await request(t).done).error).cls).toBe('parse');
    await t.close();
  });

  it('classifies a refused connection as connect, and a TLS handshake that never completes as connect_timeout', async () => {
    const closed = await server(() => undefined);
    const port = (closed.srv.address() as AddressInfo).port;
    await new Promise((r) => closed.srv.close(r));
    const refused = transport(`http://127.0.0.1:${port}`);
    expect(classifyError((await request(refused).done).error).cls).toBe('connect');
    // accepts TCP, never answers the ClientHello
    const silent = await server(() => undefined);
    const tls = transport(silent.origin.replace('http:', 'https:'), 200);
    const r = await request(tls).done;
    expect(classifyError(r.error)).toEqual({ cls: 'connect_timeout', message: expect.stringContaining('--connect-timeout') });
    await Promise.all([refused.close(), tls.close()]);
  });

  it('sends a request once: a reused connection the server closed unannounced fails it as a reset', async () => {
    const perConnection = new WeakMap<Socket, number>();
    const s = await server((socket) => {
      const n = (perConnection.get(socket) ?? 0) + 1;
      perConnection.set(socket, n);
      // an idle timeout the server never announced: the second request on a connection finds it gone
      if (n === 2) socket.destroy();
      else socket.write(chunked('ok'));
    });
    const t = transport(s.origin);
    expect(await request(t).done).toMatchObject({ body: 'ok', ended: true });
    expect(classifyError((await request(t).done).error, false)).toEqual({ cls: 'reset', message: expect.stringContaining('before response headers') });
    expect(await request(t).done).toMatchObject({ body: 'ok', ended: true });
    expect(s.connections()).toBe(2);
    await t.close();
  });

  it('an abort ends the request with its reason and drops the connection', async () => {
    const s = await server((socket, n) => socket.write(n === 0 ? 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n' : chunked('x')));
    const t = transport(s.origin);
    const r = request(t);
    setTimeout(() => r.abort(new Error('stall')), 50);
    expect((await r.done).error?.message).toBe('stall');
    expect(await request(t).done).toMatchObject({ body: 'x', ended: true });
    expect(s.connections()).toBe(2);
    await t.close();
  });

  it('refuses a header value with a line break before anything is sent', async () => {
    const t = new Http1Transport({ origin: 'http://127.0.0.1:9', basePath: '', extraHeaders: { 'x-bad': 'a\r\nb: c' }, insecure: false, connectTimeoutMs: 1000 });
    expect(classifyError((await request(t).done).error).cls).toBe('client_error');
    await t.close();
  });
});
