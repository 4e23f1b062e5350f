import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { SimOptions } from '../sim/options.js';
import { SimEngine } from '../sim/engine.js';
import { formatFor } from '../sim/formats/index.js';
import type { SimFormat, SimRequest } from '../sim/formats/types.js';
import { tokenText } from '../sim/text.js';
import { scheduleIndex, type Arrival } from './arrivals.js';

/**
 * The benchmark's ground truth: the simulator's engine and OpenAI chat frames (byte for byte what `sim`
 * sends) behind a minimal HTTP/1.1 server on raw sockets. Node's http server costs ~20 us per streamed
 * chunk (ServerResponse, chunked encoding, a Buffer per frame); sharing two cores with the client, that
 * made the simulator the bottleneck of every stream-capacity probe. Here a chunk is one string and one
 * write, stamped with CLOCK_MONOTONIC just before the write. Only `POST .../chat/completions` with
 * `stream: true` is served; anything else gets a 400.
 */
export interface StampServer {
  url: string;
  /** Every request received so far: its schedule index and when its last byte arrived (monotonic ms). */
  arrivals: Arrival[];
  close(): Promise<void>;
}

const HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n';
const END = '0\r\n\r\n';
const MAX_HEAD = 64 * 1024;

export async function startStampServer(o: Pick<SimOptions, 'prefillMs' | 'decodeMs'>, port = 0, host = '127.0.0.1'): Promise<StampServer> {
  const engine = new SimEngine({ slots: Number.MAX_SAFE_INTEGER, prefillMs: o.prefillMs, prefillPerTokenMs: 0, decodeMs: o.decodeMs, decodeGrowth: 0 } as SimOptions);
  const format = formatFor('/v1/chat/completions')!;
  const sockets = new Set<Socket>();
  const arrivals: Arrival[] = [];
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, engine, format, arrivals);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { url: `http://${addr.address}:${addr.port}/v1`, arrivals, close: () => close(server, engine, sockets) };
}

function close(server: Server, engine: SimEngine, sockets: Set<Socket>): Promise<void> {
  engine.close();
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Reads requests one after another on a keep-alive connection; each is answered before the next is read.
 *  A request's arrival is stamped when the read completing it came in. */
function serveConnection(socket: Socket, engine: SimEngine, format: SimFormat, arrivals: Arrival[]): void {
  let pending: Buffer = Buffer.alloc(0);
  let busy = false;
  let cancel: (() => void) | null = null;
  let readAt = 0;
  const next = (): void => {
    const req = takeRequest(pending);
    if (req === null) return;
    const index = scheduleIndex(req.body);
    if (index !== null) arrivals.push({ index, atMs: readAt });
    pending = pending.subarray(req.used);
    busy = true;
    cancel = answer(socket, engine, format, req.body, () => {
      busy = false;
      cancel = null;
      next();
    });
  };
  socket.on('data', (d: Buffer) => {
    readAt = Number(process.hrtime.bigint()) / 1e6;
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    if (pending.length > MAX_HEAD + 16 * 1024 * 1024) return void socket.destroy();
    if (!busy) next();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => cancel?.());
}

/** One whole request at the start of `buf` (its body and how many bytes it used), or null if incomplete. */
export function takeRequest(buf: Buffer): { body: string; used: number } | null {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const length = m ? Number(m[1]) : 0;
  const used = headEnd + 4 + length;
  if (buf.length < used) return null;
  return { body: buf.toString('utf8', headEnd + 4, used), used };
}

function answer(socket: Socket, engine: SimEngine, format: SimFormat, body: string, done: () => void): () => void {
  const r = readRequest(format, body);
  if (typeof r === 'string') {
    const text = JSON.stringify({ error: { code: 400, message: r, type: 'invalid_request_error' } });
    socket.write(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
    done();
    return () => undefined;
  }
  const frames = format.stream(r, { usage: { input: 1, output: r.maxTokens, reasoning: 0, cached: 0 }, finish: 'length' });
  socket.write(HEAD + chunked(frames.head().toString('latin1')), 'latin1');
  return engine.submit({
    inputTokens: 1,
    outputTokens: r.maxTokens,
    onToken(j, last) {
      const extras = { stampNs: process.hrtime.bigint() };
      if (!last) return void socket.write(chunked(frames.chunk(tokenText(j), 'output', extras).toString('latin1')), 'latin1');
      socket.write(chunked(frames.end(tokenText(j), 'output', extras).toString('latin1')) + END, 'latin1', done);
    },
  });
}

function readRequest(format: SimFormat, body: string): SimRequest | string {
  try {
    const r = format.read(JSON.parse(body), new URL('http://bench/v1/chat/completions'));
    if (typeof r === 'string') return r;
    return r.stream ? r : 'the stamp server answers streaming requests only';
  } catch {
    return 'request body is not valid JSON';
  }
}

/** One HTTP/1.1 chunk around `text`, a frame's bytes as latin1 (one character per byte, so any UTF-8 survives). */
function chunked(text: string): string {
  return `${text.length.toString(16)}\r\n${text}\r\n`;
}
