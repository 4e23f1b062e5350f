import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTransport } from './open.js';
import type { HttpClientName } from './types.js';

const ROUNDS = 20;

/**
 * Runs a few requests through this thread's transport against a throwaway server of its own on
 * loopback (never the endpoint), before the schedule starts. The first requests run cold code (and
 * undici compiles its WebAssembly HTTP parser, synchronously, ~100 ms): done during the run, that
 * stalled the loop and showed up as send-lag outliers of tens to hundreds of ms.
 */
export async function warmTransport(client: HttpClientName): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {}\n\ndata: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transport = openTransport(client, { origin, basePath: '', extraHeaders: {}, insecure: false, connectTimeoutMs: 10_000 });
  try {
    for (let i = 0; i < ROUNDS; i++) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        transport.send({ path: '/', headers: { 'content-type': 'application/json' }, body: '{}' }, () => 0, { onStatus() {}, onData() {}, onEnd: done, onError: done });
      });
    }
  } finally {
    await transport.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
