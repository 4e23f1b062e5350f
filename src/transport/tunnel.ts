import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { ProxyRoute } from './proxy.js';

/** Longest answer head a proxy may give to CONNECT before it is taken for something else. */
const MAX_HEAD_BYTES = 16 * 1024;

function proxyError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A socket on its way to being a tunnel: `raw` (to destroy while waiting), `ready` once the proxy said 200. */
export interface PendingTunnel {
  raw: Socket;
  ready: Promise<Socket>;
}

/**
 * Opens a TCP connection to `proxy` and asks it (`CONNECT host:port`) for a tunnel to the target; the
 * socket resolved is the tunnel, over which the caller starts TLS. Anything but a 2xx answer fails it
 * with class connect and a message naming the proxy by its label (never its credentials).
 */
export function openTunnel(proxy: ProxyRoute, host: string, port: number): PendingTunnel {
  const raw = netConnect({ host: proxy.host, port: proxy.port, noDelay: true });
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const auth = proxy.authorization ? `proxy-authorization: ${proxy.authorization}\r\n` : '';
  raw.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n${auth}\r\n`);
  const ready = new Promise<Socket>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const done = (err: Error | null) => {
      raw.off('data', onData).off('error', onError).off('close', onClose);
      if (!err) return resolve(raw);
      raw.destroy();
      reject(err);
    };
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEAD_BYTES) done(proxyError('PROXY_CONNECT', `proxy ${proxy.label} answered the CONNECT to ${authority} with more than ${MAX_HEAD_BYTES} bytes of headers`));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})([^\r\n]*)/.exec(head.subarray(0, end).toString('latin1'));
      if (!status) return done(proxyError('PROXY_CONNECT', `proxy ${proxy.label} answered the CONNECT to ${authority} with something that is not HTTP`));
      if (!status[1].startsWith('2')) return done(proxyError('PROXY_CONNECT', `proxy ${proxy.label} refused the tunnel to ${authority}: HTTP ${status[1]}${status[2]}`));
      // nothing may follow the proxy's answer before the TLS client speaks; keep it for TLS if it does
      if (end + 4 < head.length) raw.unshift(head.subarray(end + 4));
      done(null);
    };
    const onError = (e: NodeJS.ErrnoException) => done(proxyError(e.code ?? 'PROXY_CONNECT', `proxy ${proxy.label}: ${e.message}`));
    const onClose = () => done(proxyError('PROXY_CONNECT', `proxy ${proxy.label} closed the connection before answering the CONNECT to ${authority}`));
    raw.on('data', onData).on('error', onError).on('close', onClose);
  });
  return { raw, ready };
}
