import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/transport/errors.js';
import { openTransport } from '../../src/transport/open.js';
import { proxyFor, proxySecrets, routeFor } from '../../src/transport/proxy.js';
import type { HttpClientName, Transport, TransportObserver } from '../../src/transport/types.js';
import { selfSignedCert, startProxy, type TestProxy } from '../proxy-server.js';

const via = (origin: string, env: Record<string, string>) => proxyFor(origin, env)?.label ?? 'direct';

describe('which requests go through a proxy (curl and undici semantics, loopback aside)', () => {
  it('HTTPS_PROXY for https, HTTP_PROXY for http, then ALL_PROXY; lower case first; empty is unset', () => {
    const env = { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2', ALL_PROXY: 'http://a:3' };
    expect(via('https://api.example.com', env)).toBe('http://s:1');
    expect(via('http://api.example.com', env)).toBe('http://p:2');
    expect(via('https://api.example.com', { HTTP_PROXY: 'http://p:2', ALL_PROXY: 'http://a:3' })).toBe('http://a:3');
    expect(via('https://api.example.com', { HTTP_PROXY: 'http://p:2' })).toBe('direct');
    expect(via('https://api.example.com', { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' })).toBe('http://low:1');
    expect(via('https://api.example.com', { https_proxy: '', HTTPS_PROXY: 'http://up:2' })).toBe('http://up:2');
    expect(via('https://api.example.com', { HTTPS_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128');
    expect(proxyFor('https://api.example.com', { HTTPS_PROXY: 'http://proxy.corp' })).toMatchObject({ host: 'proxy.corp', port: 80, from: 'HTTPS_PROXY' });
  });

  it('NO_PROXY: *, names with their subdomains, leading dot or *., ports, IP literals, CIDR; lower case first', () => {
    const at = (origin: string, noProxy: string) => via(origin, { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://s:1', NO_PROXY: noProxy });
    expect(at('https://api.example.com', '*')).toBe('direct');
    expect(at('https://api.example.com', 'example.com')).toBe('direct');
    expect(at('https://example.com', '.example.com')).toBe('direct');
    expect(at('https://a.b.example.com', '*.example.com')).toBe('direct');
    expect(at('https://notexample.com', 'example.com')).toBe('http://s:1');
    expect(at('https://example.com.evil', 'example.com')).toBe('http://s:1');
    expect(at('https://API.Example.COM', 'other.org, example.com')).toBe('direct');
    expect(at('https://api.example.com', 'other.org example.com')).toBe('direct');
    expect(at('https://api.example.com:8443', 'api.example.com:443')).toBe('http://s:1');
    expect(at('https://api.example.com', 'api.example.com:443')).toBe('direct');
    expect(at('http://10.1.2.3:8000', '10.0.0.0/8')).toBe('direct');
    expect(at('http://11.1.2.3:8000', '10.0.0.0/8')).toBe('http://s:1');
    expect(at('http://10.1.2.3:8000', '10.1.2.3')).toBe('direct');
    expect(at('http://[fd00::5]:8000', 'fd00::/8')).toBe('direct');
    expect(at('http://[fd00::5]:8000', '[fd00::5]')).toBe('direct');
    expect(at('http://[fd00::5]:8000', 'fd00::5')).toBe('direct');
    expect(via('https://api.example.com', { HTTPS_PROXY: 'http://s:1', no_proxy: 'other.org', NO_PROXY: 'example.com' })).toBe('http://s:1');
  });

  it('loopback is never proxied (the proxy would reach its own), unless NO_PROXY holds <-loopback>; names are not resolved', () => {
    const env = { HTTP_PROXY: 'http://s:1', HTTPS_PROXY: 'http://s:1' };
    for (const origin of ['http://127.0.0.1:8000', 'http://127.8.9.10', 'http://[::1]:8000', 'http://localhost:8000', 'https://my.localhost']) {
      expect(via(origin, env), origin).toBe('direct');
      expect(via(origin, { ...env, NO_PROXY: '<-loopback>' }), origin).toBe('http://s:1');
    }
    expect(via('http://127.0.0.1:8000', { ...env, NO_PROXY: '<-loopback>,localhost' })).toBe('http://s:1');
    expect(via('http://127.0.0.1:8000', { ...env, NO_PROXY: '<-loopback>,127.0.0.1' })).toBe('direct');
  });

  it('an unusable setting is one line naming the variable and the fix, never its credentials', () => {
    expect(routeFor('https://api.example.com', { HTTPS_PROXY: 'socks5://u:hunter22@s:1080' })).toEqual({
      problem: "HTTPS_PROXY: a 'socks5' proxy (socks5://s:1080) is not supported; use an http:// proxy (HTTPS goes through it in a CONNECT tunnel); or unset it, or list api.example.com in NO_PROXY",
    });
    expect(JSON.stringify(routeFor('https://api.example.com', { ALL_PROXY: 'http://u:hunter22@[bad' }))).not.toContain('hunter22');
    expect(routeFor('http://127.0.0.1:8000', { HTTP_PROXY: 'socks5://s:1080' })).toEqual({ route: null });
  });

  it('credentials become a Basic proxy-authorization; the label has none; the redactor gets every form of them', () => {
    const r = proxyFor('https://api.example.com', { HTTPS_PROXY: 'http://me%40corp:p%3Ass@proxy:3128' })!;
    expect(r.label).toBe('http://proxy:3128');
    expect(r.authorization).toBe(`Basic ${Buffer.from('me@corp:p:ss').toString('base64')}`);
    expect(proxySecrets(r)).toEqual(expect.arrayContaining([Buffer.from('me@corp:p:ss').toString('base64'), 'me@corp:p:ss', 'p:ss']));
  });
});

function sse(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"a":1}\n\n');
    setTimeout(() => res.end('data: [DONE]\n\n'), 5);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

interface Outcome {
  status: number | null;
  body: string;
  error: Error | null;
}

function send(t: Transport): Promise<Outcome> {
  const out: Outcome = { status: null, body: '', error: null };
  return new Promise((resolve) => {
    const obs: TransportObserver = {
      onStatus: (s) => (out.status = s),
      onData: (b) => (out.body += b.toString()),
      onEnd: () => resolve(out),
      onError: (e) => resolve({ ...out, error: e }),
    };
    t.send({ path: '/chat', headers: { 'content-type': 'application/json' }, body: '{}' }, () => performance.now(), obs);
  });
}

const USER = 'me';
const PASSWORD = 'pr0xy-s3cret';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const CLIENTS: HttpClientName[] = ['http1', 'undici'];
const cert = selfSignedCert();

describe.each(CLIENTS)('--http-client %s through a loopback proxy', (client) => {
  let plain: Server;
  let tls: Server;
  let proxy: TestProxy;
  let plainHost: string;
  let tlsHost: string;
  beforeAll(async () => {
    plain = createHttp(sse);
    plainHost = await listen(plain);
    tls = cert ? createHttps(cert, sse) : createHttp(sse);
    tlsHost = await listen(tls);
    proxy = await startProxy(AUTH);
  });
  afterAll(async () => {
    await proxy.close();
    plain.close();
    tls.close();
  });

  const open = (origin: string, password = PASSWORD) => {
    const env = { HTTP_PROXY: `http://${USER}:${password}@127.0.0.1:${proxy.port}`, HTTPS_PROXY: `http://${USER}:${password}@127.0.0.1:${proxy.port}`, NO_PROXY: '<-loopback>' };
    return openTransport(client, { origin, basePath: '/v1', extraHeaders: {}, insecure: true, connectTimeoutMs: 2000, proxy: proxyFor(origin, env) });
  };

  it('plain HTTP goes to the proxy in absolute form, with the credentials, and streams back', async () => {
    proxy.seen.length = 0;
    const t = open(`http://${plainHost}`);
    for (let i = 0; i < 3; i++) expect(await send(t)).toEqual({ status: 200, body: 'data: {"a":1}\n\ndata: [DONE]\n\n', error: null });
    await t.close();
    expect(proxy.seen).toEqual(Array(3).fill({ method: 'POST', target: `http://${plainHost}/v1/chat`, authorization: AUTH }));
  });

  it.skipIf(!cert)('HTTPS goes through a CONNECT tunnel (credentials in the CONNECT), TLS inside it, kept alive', async () => {
    proxy.seen.length = 0;
    const t = open(`https://${tlsHost}`);
    for (let i = 0; i < 3; i++) expect(await send(t)).toEqual({ status: 200, body: 'data: {"a":1}\n\ndata: [DONE]\n\n', error: null });
    await t.close();
    // kept alive: fewer tunnels than requests (undici's pool may open a second while the first settles)
    expect(proxy.seen.length).toBeLessThan(3);
    for (const s of proxy.seen) expect(s).toEqual({ method: 'CONNECT', target: tlsHost, authorization: AUTH });
  });

  it.skipIf(!cert)('a proxy refusing the tunnel (407) fails the request with class connect, naming the proxy but not the credentials', async () => {
    const t = open(`https://${tlsHost}`, 'wrong-password');
    const r = await send(t);
    await t.close();
    expect(r.status).toBeNull();
    const c = classifyError(r.error);
    expect(c.cls).toBe('connect');
    expect(c.message).toContain(`proxy http://127.0.0.1:${proxy.port} refused the tunnel`);
    expect(c.message).toContain('407');
    expect(c.message).not.toContain('wrong-password');
  });

  it('a proxy that is not there fails with class connect', async () => {
    const env = { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '<-loopback>' };
    const origin = `https://${tlsHost}`;
    const t = openTransport(client, { origin, basePath: '', extraHeaders: {}, insecure: true, connectTimeoutMs: 2000, proxy: proxyFor(origin, env) });
    const r = await send(t);
    await t.close();
    expect(classifyError(r.error).cls).toBe('connect');
  });
});
