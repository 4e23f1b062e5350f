import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { protocolFor } from '../../src/protocols/registry.js';
import { openTransport } from '../../src/transport/open.js';
import { proxyFor } from '../../src/transport/proxy.js';
import { HTTP_CLIENTS } from '../../src/transport/types.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';
import { selfSignedCert, startProxy, type TestProxy } from '../proxy-server.js';

const SSE = 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
const OK = `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: ${SSE.length}\r\n\r\n${SSE}`;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
/** What is written before the 200, write by write, per request path. */
const INTERIM: Record<string, string[]> = {
  early: ['HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n'],
  continue: [CONTINUE],
  continueTwiceSplit: ['HTTP/1.1 1', `00 Continue\r\n\r\n${CONTINUE}HTTP/1.`],
  continueWithAnswer: [],
};

/** Answers every request on a raw socket with the interim responses its path names, then a 200 SSE stream. */
function answer(socket: Socket): void {
  let head = '';
  socket.on('data', (d) => {
    head += d.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    if (end === -1 || head.length < end + 4 + length) return;
    const path = /^POST \/(\w+)/.exec(head)![1];
    head = head.slice(end + 4 + length);
    const writes = path === 'continueWithAnswer' ? [CONTINUE + OK] : [...INTERIM[path], path === 'continueTwiceSplit' ? OK.slice('HTTP/1.'.length) : OK];
    writes.forEach((w, i) => setTimeout(() => socket.write(w), 5 * i));
  });
  socket.on('error', () => undefined);
}

const cert = selfSignedCert();
let server: Server;
let tlsServer: Server;
let proxy: TestProxy;
let origin: string;
let tlsOrigin: string;
const listen = (s: Server) => new Promise<string>((r) => s.listen(0, '127.0.0.1', () => r(`127.0.0.1:${(s.address() as AddressInfo).port}`)));
beforeAll(async () => {
  server = createServer(answer);
  origin = `http://${await listen(server)}`;
  tlsServer = cert ? createTlsServer(cert, answer) : createServer(answer);
  tlsOrigin = `https://${await listen(tlsServer)}`;
  proxy = await startProxy();
});
afterAll(async () => {
  server.close();
  tlsServer.close();
  await proxy.close();
});

function record(client: (typeof HTTP_CLIENTS)[number], path: string, to = origin, proxied = false): Promise<RequestRecord> {
  const route = proxied ? proxyFor(to, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '<-loopback>' }) : null;
  const t = openTransport(client, { origin: to, basePath: '', extraHeaders: {}, insecure: true, connectTimeoutMs: 2000, proxy: route });
  return new Promise((resolve) => {
    const init = { id: 0, worker: 0, scheduledMs: 0, sentMs: 0, requestedOutputTokens: 1, warmup: false, stream: true, inputTokensClient: null, captureText: false };
    const tracker = new RequestTracker(init, protocolFor('openai-chat'), new Series(), (r) => void t.close().then(() => resolve(r)));
    tracker.abort = t.send({ path: `/${path}`, headers: { 'content-type': 'application/json' }, body: '{}' }, () => performance.now(), tracker);
  });
}

const shape = (r: RequestRecord) => ({ outcome: r.outcome, status: r.http_status, error: r.error_message, chunks: r.chunks, finish: r.finish_reason });
const COMPLETED = { outcome: 'completed', status: 200, error: null, chunks: 1, finish: 'stop' };
const CASES = HTTP_CLIENTS.flatMap((c) => Object.keys(INTERIM).map((p) => [c, p]));

describe('interim (1xx) responses before the real one', () => {
  it.each(HTTP_CLIENTS.flatMap((c) => Object.keys(INTERIM).map((p) => [c, p])))('--http-client %s: %s (1xx) then a 200 stream completes the request', async (client, path) => {
    const r = await record(client as (typeof HTTP_CLIENTS)[number], path);
    expect(shape(r)).toEqual(COMPLETED);
  });

  it.each(CASES)('--http-client %s through a loopback proxy (HTTP_PROXY, forwarded, the 1xx relayed): %s then a 200 stream completes the request', async (client, path) => {
    proxy.seen.length = 0;
    const r = await record(client as (typeof HTTP_CLIENTS)[number], path, origin, true);
    expect(proxy.seen.map((s) => s.method)).toEqual(['POST']);
    expect(shape(r)).toEqual(COMPLETED);
  });

  it.skipIf(!cert).each(CASES)('--http-client %s through a loopback proxy (HTTPS_PROXY, a CONNECT tunnel): %s then a 200 stream completes the request', async (client, path) => {
    proxy.seen.length = 0;
    const r = await record(client as (typeof HTTP_CLIENTS)[number], path, tlsOrigin, true);
    expect(proxy.seen.map((s) => s.method)).toEqual(['CONNECT']);
    expect(shape(r)).toEqual(COMPLETED);
  });
});
