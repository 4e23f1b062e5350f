import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProxySeen {
  method: string;
  /** Absolute URL (forwarded request) or host:port (CONNECT). */
  target: string;
  authorization: string | undefined;
}

export interface TestProxy {
  url: string;
  port: number;
  seen: ProxySeen[];
  close(): Promise<void>;
}

/**
 * A loopback forward proxy, as corporate ones behave: absolute-form requests are forwarded (responses
 * streamed back as they arrive), CONNECT opens a TCP tunnel. With `auth` set, anything else than that
 * `proxy-authorization` gets 407, whose body echoes the header it got (a careless proxy, for redaction).
 * Interim responses are relayed as they come (100 Continue, 103 Early Hints), as RFC 9110 asks of a proxy.
 */
export async function startProxy(auth?: string): Promise<TestProxy> {
  const seen: ProxySeen[] = [];
  const upstream = new Agent({ keepAlive: true });
  const tunnels = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, target: req.url!, authorization: req.headers['proxy-authorization'] });
    if (auth && req.headers['proxy-authorization'] !== auth) {
      req.resume();
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' });
      return void res.end(`bad credentials: ${req.headers['proxy-authorization']}`);
    }
    const to = new URL(req.url!);
    const { 'proxy-authorization': _auth, ...headers } = req.headers;
    const out = request({ host: to.hostname, port: to.port, path: to.pathname + to.search, method: req.method, headers, agent: upstream }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    out.on('information', (info) => (info.statusCode === 100 ? res.writeContinue() : info.statusCode === 103 ? res.writeEarlyHints(earlyHints(info.headers)) : undefined));
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push({ method: 'CONNECT', target: req.url!, authorization: req.headers['proxy-authorization'] });
    client.on('error', () => undefined);
    if (auth && req.headers['proxy-authorization'] !== auth) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="test"\r\ncontent-length: 0\r\n\r\n');
    const [host, port] = [req.url!.slice(0, req.url!.lastIndexOf(':')).replace(/^\[|\]$/g, ''), Number(req.url!.slice(req.url!.lastIndexOf(':') + 1))];
    const target = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) target.write(head);
      target.pipe(client).pipe(target);
    });
    tunnels.add(client).add(target);
    target.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () => {
      for (const s of tunnels) s.destroy();
      upstream.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** Early hints as `writeEarlyHints` takes them (it requires a `link`). */
function earlyHints(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string | string[]] => e[1] !== undefined && e[0] !== 'connection'));
}

const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));

/** A self-signed certificate for 127.0.0.1 made with openssl, or null where openssl is missing. */
export function selfSignedCert(): { key: Buffer; cert: Buffer } | null {
  if (!OPENSSL) return null;
  const dir = mkdtempSync(join(tmpdir(), 'at-tls-'));
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}
