import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

const SSE = 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

/** A loopback server answering the first 20 requests and holding every later one open, so each keeps its socket (and file descriptor). */
let server: Server;
let url: string;
beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    if (n++ < 20) req.on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(SSE));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('running out of file descriptors (ulimit -n 256, 400 held connections)', () => {
  it('connects that fail with EMFILE are class fd_limit with one warning naming ulimit -n; the main thread samplers degrade and the run is not failed', async () => {
    const r = await spawnCli(['--endpoint', url, '--model', 'm', '--rate', '400', '--duration', '1s', '--workers', '1', '--drain-timeout', '1s', '--tokenizer', 'none'], {
      shellPrefix: 'ulimit -n 256',
    });
    expect(r.summary.status, r.summary.status_reason).not.toBe('failed');
    expect(r.summary.requests.scheduled).toBe(400);
    expect(r.summary.errors.fd_limit).toBeGreaterThan(0);
    expect(r.summary.errors.client_error).toBeUndefined();
    expect(r.summary.warnings.filter((w: string) => w.includes('ulimit -n'))).toHaveLength(1);
    expect(r.stdout + r.stderr).toContain('ulimit -n');
  });
});
