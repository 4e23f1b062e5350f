import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { undici } from './undici-lib.js';

const CONTINUE = Buffer.from('HTTP/1.1 100 ');
const HEAD_END = Buffer.from('\r\n\r\n');
/** An interim head longer than this is not skipped (undici then refuses it as before). */
const MAX_INTERIM = 4096;

/**
 * undici's parser destroys the connection on any `100 Continue` ("bad response": it never sends
 * `Expect`), while RFC 9110 says a client must parse unsolicited 1xx responses and may ignore them (other
 * 1xx reach the handler, which skips them). This drops `100` heads from the start of each response
 * before undici reads them: only the reads after a request is written and before the first byte of a
 * real response are looked at, so the body path pays one boolean test per read.
 */
export function skipContinue(socket: Socket): Socket {
  const read = socket.read.bind(socket);
  const write = socket.write.bind(socket);
  let atHead = false;
  let held: Buffer | null = null;
  socket.write = ((...args: Parameters<Socket['write']>) => {
    atHead = true;
    return write(...args);
  }) as Socket['write'];
  socket.read = ((size?: number) => {
    let chunk: Buffer | null = read(size);
    if (!atHead || chunk === null) return chunk;
    if (held) [chunk, held] = [Buffer.concat([held, chunk]), null];
    for (;;) {
      const prefix = Math.min(chunk.length, CONTINUE.length);
      if (chunk.subarray(0, prefix).compare(CONTINUE, 0, prefix) !== 0) break;
      const end = chunk.indexOf(HEAD_END);
      if (end === -1 && chunk.length < MAX_INTERIM) {
        held = chunk;
        return null;
      }
      if (end === -1) break;
      chunk = chunk.subarray(end + HEAD_END.length);
      if (chunk.length === 0) return null;
    }
    atHead = false;
    return chunk;
  }) as Socket['read'];
  return socket;
}

/**
 * A connector whose sockets skip `100 Continue` heads, for connections undici opens itself (its
 * ProxyAgent's: to a forward proxy, or a tunnel's TLS socket), so a proxied request reads interim
 * responses as a direct one does. `connect` is what undici hands a client factory: a connector, or its options.
 */
export function continueSkipping(connect: buildConnector.BuildOptions | buildConnector.connector | undefined): buildConnector.connector {
  const inner = typeof connect === 'function' ? connect : undici().buildConnector(connect ?? {});
  return (opts, cb) => inner(opts, (err, socket) => (err ? cb(err, null) : cb(null, skipContinue(socket as Socket))));
}
