import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionPool } from './connections.js';
import { send, type Target } from './http.js';

const ROUNDS = 20;

/**
 * Runs a few requests through this thread's transport against a throwaway server of its own on
 * loopback (never the endpoint), before the schedule starts. The first connection compiles undici's
 * HTTP parser (WebAssembly, synchronously, ~100 ms) and the first requests run cold code: done during
 * the run, that stalled the loop and showed up as send-lag outliers of tens to hundreds of ms.
 */
export async function warmTransport(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {}\n\ndata: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const target: Target = { connections: new ConnectionPool(origin, {}), origin, basePath: '', extraHeaders: {} };
  try {
    for (let i = 0; i < ROUNDS; i++) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        send(target, { path: '/', headers: { 'content-type': 'application/json' }, body: '{}' }, () => 0, { onStatus() {}, onData() {}, onEnd: done, onError: done });
      });
    }
  } finally {
    await target.connections.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
