import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

/** An OpenAI chat stream of one content chunk, then a finish reason and [DONE]. */
function stream(res: ServerResponse, content: string, finish = 'stop'): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, reason: string | null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: reason }] })}\n\n`;
  res.end(chunk({ content }, null) + chunk({}, finish) + 'data: [DONE]\n\n');
}

const ANSI = '\x1b]0;pwned\x07\x1b[2J\x9b31m';
let served = 0;

/** Loopback server misbehaving by path; the echo paths send the request's API key back in every string a record keeps. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const key = String(req.headers.authorization).replace('Bearer ', '');
    const n = served++;
    if (req.url?.startsWith('/letters')) return stream(res, 'abcdefghij'.repeat(3000));
    if (req.url?.startsWith('/finish')) return stream(res, `x ${key}`, `length ${key} ${ANSI}`);
    if (req.url?.startsWith('/answer')) return stream(res, `The number is ${key} ${ANSI}`);
    // the key straddles the 500-character cut of error_message, at a different place on each request
    if (req.url?.startsWith('/busy')) return void res.writeHead(429, { 'retry-after': key }).end(`${'y'.repeat(430 + (n % 8) * 6)}${key}`);
    // and the 200-character cut of a malformed event
    if (req.url?.startsWith('/garbage')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return void res.end(`data: {${'z'.repeat(170 + (n % 8) * 6)}${key}${ANSI}\n\n`);
    }
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

describe('a server echoing the API key and terminal escapes in every string it sends', () => {
  const key = 'sk-fake-echo-7e57-abcdefghijklmnop';
  const env = { OPENAI_API_KEY: key };
  const everything = (dir: string, out: string) => {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    return out + files.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')).join('\n');
  };
  const noLeak = (all: string) => {
    for (let len = 6; len <= key.length; len++) expect(all).not.toContain(key.slice(0, len));
    expect(all).not.toMatch(/[\x1b\x07\x9b]/);
  };

  it.each(['finish', 'busy', 'garbage'])('/%s: finish_reason, retry_after and error bodies cut at 200/500 reach no file and no terminal', async (path) => {
    const r = await spawnCli(['--endpoint', `${base}/${path}/v1`, '--model', 'm', '--rate', '8', '--duration', '1s', '--workers', '1', '--max-tokens', '100'], { env });
    expect(r.rows).toHaveLength(8);
    noLeak(everything(r.dir, r.stdout + r.stderr));
    if (path === 'finish') expect(r.stdout + r.stderr).toContain('finish_reason: length [REDACTED]');
    if (path === 'busy') expect(r.rows[0].retry_after).toContain('[REDACTED]');
  });

  it('correctness answers echoing the key: correctness.json and the terminal hold neither the key nor the escapes', async () => {
    const r = await spawnCli(['correctness', '--endpoint', `${base}/answer/v1`, '--model', 'm', '--max-requests', '4', '--workers', '1'], { env });
    const all = everything(r.dir, r.stdout + r.stderr);
    expect(all).toContain('correctness');
    expect(all).toContain('The number is [REDACTED]');
    noLeak(all);
  });
});
