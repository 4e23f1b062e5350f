import { connect } from 'node:net';

export interface FloorResult {
  chunks: number;
  /** Process CPU (user + system) per read: what any Node client pays before doing anything with the bytes. */
  cpuUsPerRead: number;
  systemUsPerRead: number;
}

/**
 * The least a Node.js client can spend per streamed chunk on this machine: `streams` connections to
 * the stamp server, opened at `rate` per second, each read into one shared buffer (net's `onread`) and
 * only checked for the end of the body. No parsing, no records: the kernel's and libuv's share of a
 * token event, to set the tool's own cost against.
 */
export function socketFloor(port: number, streams: number, tokens: number, rate: number): Promise<FloorResult> {
  const body = JSON.stringify({ model: 'floor', stream: true, max_tokens: tokens, messages: [{ role: 'user', content: 'floor' }] });
  const request = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let reads = 0;
  let done = 0;
  let opened = 0;
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const open = () => {
      const socket = connect({
        port, host: '127.0.0.1', noDelay: true,
        onread: {
          buffer,
          callback: (n: number) => {
            reads++;
            // the body ends with the last chunk: "0\r\n\r\n"
            if (n >= 5 && buffer[n - 5] === 48 && buffer[n - 4] === 13 && buffer[n - 1] === 10) {
              socket.destroy();
              if (++done === streams) finish();
            }
            return true;
          },
        },
      });
      socket.on('error', reject);
      socket.write(request);
    };
    const timer = setInterval(() => {
      if (opened++ >= streams) return clearInterval(timer);
      open();
    }, 1000 / rate);
    const finish = () => {
      const c = process.cpuUsage(cpu0);
      resolve({ chunks: reads, cpuUsPerRead: (c.user + c.system) / reads, systemUsPerRead: c.system / reads });
    };
  });
}
