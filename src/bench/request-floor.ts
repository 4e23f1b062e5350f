import { connect, type Socket } from 'node:net';

export interface RequestFloorResult {
  requests: number;
  /** Process CPU (user + system) per request: what any Node client pays to send one and read a one-chunk answer. */
  cpuUsPerRequest: number;
  systemUsPerRequest: number;
}

/**
 * The least a Node.js client can spend per request on this machine: one-token streamed requests to the
 * stamp server at `rate` per second for `count` requests, each on an idle keep-alive connection (a new one
 * when none is idle), written as one string, its answer read into one shared buffer (net's `onread`) and
 * only checked for the end of the body. No parsing, no records, no schedule: the kernel's and libuv's share
 * of a request, to set the tool's fixed cost against. The timer fires a request every 1000 / rate ms.
 */
export function requestFloor(port: number, count: number, rate: number): Promise<RequestFloorResult> {
  const body = JSON.stringify({ model: 'floor', stream: true, max_tokens: 1, messages: [{ role: 'user', content: 'floor' }] });
  const request = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const idle: Socket[] = [];
  let sent = 0;
  let done = 0;
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const open = (): Socket => {
      const socket: Socket = connect({
        port, host: '127.0.0.1', noDelay: true,
        onread: {
          buffer,
          callback: (n: number) => {
            // the body ends with the last chunk: "0\r\n\r\n"
            if (n >= 5 && buffer[n - 5] === 48 && buffer[n - 4] === 13 && buffer[n - 1] === 10) {
              idle.push(socket);
              if (++done === count) finish();
            }
            return true;
          },
        },
      });
      return socket.on('error', reject);
    };
    const timer = setInterval(() => {
      if (sent++ >= count) return clearInterval(timer);
      (idle.pop() ?? open()).write(request);
    }, 1000 / rate);
    const finish = () => {
      const c = process.cpuUsage(cpu0);
      for (const s of idle) s.destroy();
      resolve({ requests: count, cpuUsPerRequest: (c.user + c.system) / count, systemUsPerRequest: c.system / count });
    };
  });
}
