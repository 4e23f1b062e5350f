import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

/** An OpenAI chat stream of one content chunk, then a finish reason and [DONE]. */
function stream(res: ServerResponse, content: string, finish = 'stop'): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, reason: string | null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: reason }] })}\n\n`;
  res.end(chunk({ content }, null) + chunk({}, finish) + 'data: [DONE]\n\n');
}

/** Loopback server misbehaving by path. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    if (req.url?.startsWith('/letters')) return stream(res, 'abcdefghij'.repeat(3000));
    res.writeHead(404).end();
  });
}

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

describe('answers that are costly to count', () => {
  it('30 KB of letters without a space under --tokenizer cl100k (seconds of BPE each on the main thread before): counted by the worker, bounded, marked as estimated', async () => {
    const r = await spawnCli(['--endpoint', `${base}/letters/v1`, '--model', 'm', '--rate', '4', '--duration', '1s', '--workers', '1', '--tokenizer', 'cl100k']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary.requests.completed).toBe(4);
    for (const row of r.rows) {
      expect(row.output_tokens_client_estimated).toBe('1');
      // cl100k reads 'abcdefghij' as about 2 tokens
      expect(Number(row.output_tokens_client)).toBeGreaterThan(4000);
      expect(Number(row.output_tokens_client)).toBeLessThan(8000);
    }
  });
});
