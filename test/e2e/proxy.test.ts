import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type TestProxy } from '../proxy-server.js';
import { startSimCli } from './run-cli.js';
import { spawnCli } from './spawn-cli.js';

const USER = 'me';
const PASSWORD = 'pr0xy-s3cret-77';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const NONE = { HTTP_PROXY: '', HTTPS_PROXY: '', ALL_PROXY: '', NO_PROXY: '', http_proxy: '', https_proxy: '', all_proxy: '', no_proxy: '' };

describe('HTTP_PROXY / HTTPS_PROXY / NO_PROXY from the environment', () => {
  let sim: { url: string; stop: () => void };
  let proxy: TestProxy;
  beforeAll(async () => {
    [sim, proxy] = await Promise.all([startSimCli([]), startProxy(AUTH)]);
  });
  afterAll(async () => {
    sim.stop();
    await proxy.close();
  });

  it('every request goes through the proxy with its credentials (http1, undici); loopback goes direct unless NO_PROXY says <-loopback>; credentials never shown', async () => {
    const args = (client: string) => ['--endpoint', sim.url, '--model', 'm', '--rate', '4', '--duration', '1s', '--workers', '1', '--max-tokens', '4', '--http-client', client];
    const through = (password: string) => ({ ...NONE, HTTP_PROXY: `http://${USER}:${password}@127.0.0.1:${proxy.port}`, NO_PROXY: '<-loopback>' });
    const wrong = 'wr0ng-pa55word-31';
    const [http1, undici, refused, direct] = await Promise.all([
      spawnCli(args('http1'), { env: through(PASSWORD) }),
      spawnCli(args('undici'), { env: through(PASSWORD) }),
      spawnCli(args('http1'), { env: through(wrong) }),
      spawnCli(args('http1'), { env: { ...through(PASSWORD), NO_PROXY: '' } }),
    ]);
    for (const r of [http1, undici, direct]) expect(r.summary.requests, r.stderr).toMatchObject({ sent: 4, completed: 4 });
    const forwarded = proxy.seen.filter((s) => s.method === 'POST');
    expect(forwarded).toHaveLength(8 + 4);
    expect(forwarded.filter((s) => s.authorization === AUTH)).toHaveLength(8);
    expect(forwarded.every((s) => s.target === `${sim.url}/chat/completions`)).toBe(true);
    expect(http1.stderr).toContain(`through the HTTP proxy http://127.0.0.1:${proxy.port} (HTTP_PROXY, with credentials)`);
    expect(direct.stderr).not.toContain('through the HTTP proxy');
    // the proxy said 407 and echoed the credentials it got: the run shows the status, never them
    expect(refused.summary.errors).toEqual({ http_status: 4 });
    expect(refused.rows[0].error_message).toMatch(/^HTTP 407.*\[REDACTED\]/);
    for (const [r, secret] of [[http1, PASSWORD], [undici, PASSWORD], [refused, wrong]] as const) {
      const seen = JSON.stringify(r.summary) + JSON.stringify(r.rows) + r.stdout + r.stderr;
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain(Buffer.from(`${USER}:${secret}`).toString('base64'));
    }
  });

  it('an unusable proxy setting for the endpoint is refused up front (exit 2), naming the variable, not its credentials', async () => {
    const r = await spawnCli(['--endpoint', 'https://api.example.invalid/v1', '--model', 'm'], { env: { ...NONE, HTTPS_PROXY: `socks5://${USER}:${PASSWORD}@127.0.0.1:1080` } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("HTTPS_PROXY: a 'socks5' proxy (socks5://127.0.0.1:1080) is not supported; use an http:// proxy");
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.summary).toBeNull();
  });
});
