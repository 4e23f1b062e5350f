import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBody } from '../helpers.js';
import { spawnCli } from './spawn-cli.js';

const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));

/** Serves the llama.cpp chat capture to every POST; or, at /echo, a 401 echoing the request's credentials. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const basic = String(req.headers.authorization ?? '').replace(/^Basic /, '');
    const password = Buffer.from(basic, 'base64').toString().split(':')[1];
    // the bare password of the URL's user:password@, never the Basic header it was sent as
    if (req.url?.startsWith('/bare/metrics')) return void res.writeHead(200).end(`vllm:num_requests_waiting{model_name="${password}"} 0\n`);
    if (req.url?.startsWith('/bare')) return void res.writeHead(401).end(`unknown password ${password}; ${encodeURIComponent(password)}`);
    if (req.url?.startsWith('/echo')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: `bad key: ${req.headers.authorization} / ${req.headers['x-api-key']}` }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(fixtureBody('openai-chat-stream.http'));
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe.skipIf(!OPENSSL)('TLS is verified unless --insecure', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-tls-'));
    execFileSync(OPENSSL!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    server = createHttps({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler);
    url = `https://127.0.0.1:${await listen(server)}/v1`;
  });
  afterAll(() => void server.close());

  it.each(['http1', 'undici'])('--http-client %s: a self-signed certificate fails every request with class tls; --insecure succeeds and warns', async (client) => {
    const args = ['--endpoint', url, '--model', 'm', '--rate', '4', '--duration', '1s', '--workers', '1', '--http-client', client];
    const [strict, insecure] = await Promise.all([spawnCli(args), spawnCli([...args, '--insecure'])]);
    expect(strict.summary.errors).toEqual({ tls: 4 });
    expect(strict.rows[0].error_message).toMatch(/SELF_SIGNED|self.signed/i);
    expect(strict.stderr).not.toContain('--insecure');
    expect(insecure.summary.requests).toMatchObject({ sent: 4, completed: 4 });
    expect(insecure.stderr).toMatch(/WARNING: --insecure: TLS certificates are NOT verified/);
  });
});

describe('secrets never reach results or output', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createHttp(handler);
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => void server.close());

  it('a server echoing the API key and a secret header back in its error: both redacted everywhere', async () => {
    const key = 'sk-echo-secret-4242';
    const header = 'hdr-secret-9999';
    const r = await spawnCli(['--endpoint', `${base}/echo/v1`, '--model', 'm', '--rate', '3', '--duration', '1s', '--workers', '1', '--header', `x-api-key: ${header}`], {
      env: { OPENAI_API_KEY: key },
    });
    expect(r.summary.errors).toEqual({ http_status: 3 });
    expect(r.rows[0].error_message).toContain('[REDACTED]');
    const folder = JSON.stringify(r.summary) + JSON.stringify(r.rows) + r.stdout + r.stderr;
    expect(folder).not.toContain(key);
    expect(folder).not.toContain(header);
  });

  it.each(['http1', 'undici'])('--http-client %s: a server echoing only the bare password of user:password@ in its error and its metrics labels: redacted everywhere', async (client) => {
    const password = 'pw-s3cret@42';
    const endpoint = `${base.replace('//', `//user:${encodeURIComponent(password)}@`)}/bare/v1`;
    const r = await spawnCli(['--endpoint', endpoint, '--model', 'm', '--rate', '3', '--duration', '1s', '--workers', '1', '--http-client', client, '--server-metrics', `${base}/bare/metrics`]);
    expect(r.summary.errors).toEqual({ http_status: 3 });
    expect(r.rows[0].error_message).toBe('HTTP 401: unknown password [REDACTED]; [REDACTED]');
    const files = readdirSync(r.dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    const all = r.stdout + r.stderr + files.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')).join('\n');
    expect(all).toContain('model_name=""[REDACTED]""');
    expect(all).not.toContain(password);
    expect(all).not.toContain(encodeURIComponent(password));
  });
});
