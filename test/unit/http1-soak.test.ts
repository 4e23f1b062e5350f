import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { Http1Transport } from '../../src/transport/http1.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The server's answers in rotation: fine, 500 + close, cut mid-body, dropped, garbage, a stall the client aborts. */
const ANSWERS: ((s: Socket) => void)[] = [
  (s) => s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
  (s) => s.end('HTTP/1.1 500 Oops\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno'),
  (s) => s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel'),
  (s) => s.destroy(),
  (s) => s.write('garbage\r\n\r\n'),
  (s) => s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n'),
];

it('keeps no memory or handle per request, whatever way requests fail', async () => {
  let n = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => ANSWERS[n++ % ANSWERS.length](socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = new Http1Transport({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, basePath: '', extraHeaders: {}, insecure: false, connectTimeoutMs: 2000 });
  const one = () =>
    new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), resolve());
      const abort = t.send({ path: '/', headers: {}, body: '{}' }, () => performance.now(), { onStatus() {}, onData() {}, onEnd: done, onError: done });
      const timer = setTimeout(() => abort(new Error('stall')), 5);
    });
  const heapAfter = async (requests: number) => {
    for (let i = 0; i < requests; i += 50) await Promise.all(Array.from({ length: 50 }, one));
    await new Promise((r) => setTimeout(r, 20));
    gc();
    return process.memoryUsage().heapUsed;
  };
  const base = await heapAfter(1200);
  const later = await heapAfter(6000);
  await t.close();
  // both ends' handles close a few loop turns later; on a loaded machine that can take a while, a leak never ends
  const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  for (let waited = 0; openSockets() > 0 && waited < 3000; waited += 25) await new Promise((r) => setTimeout(r, 25));
  const sockets = openSockets();
  await new Promise((r) => server.close(r));
  // a Connection kept per request would be several hundred bytes each: 6000 of them, megabytes
  expect(later - base).toBeLessThan(1_000_000);
  expect(sockets).toBe(0);
});
