import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { handlesSettled } from '../../src/metrics/handles.js';

const sockets = (c: Record<string, number>) => c.TCPSocketWrap ?? 0;

describe('handles at the end of a worker', () => {
  it('a socket destroyed just before the count is not a leak; one still held is', async () => {
    const server = createServer((s) => s.on('error', () => undefined));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const open = async (): Promise<Socket> => {
      const s = connect(port, '127.0.0.1');
      await once(s, 'connect');
      return s;
    };
    const base = sockets(await handlesSettled());
    const closing = await open();
    const held = await open();
    // destroyed now, freed by libuv only in the close phase of a later loop turn
    closing.destroy();
    const counted = sockets(await handlesSettled());
    held.destroy();
    server.close();
    // the server's accepted ends are sockets too: only the client socket that stayed open is counted beyond them
    expect(counted - base).toBeGreaterThanOrEqual(1);
    expect(counted - base).toBeLessThanOrEqual(3);
    await once(server, 'close');
    expect(sockets(await handlesSettled())).toBe(base);
  });
});
