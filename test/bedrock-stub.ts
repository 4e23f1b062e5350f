import { readFileSync } from 'node:fs';
import { createServer, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'bedrock', name));

/** AWS event-stream binary frames, as Bedrock sends them. */
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const header = (value: string) => ({ type: 'string' as const, value });
function frame(line: string): Uint8Array {
  const [[type, body]] = Object.entries(JSON.parse(line));
  const kind = type.endsWith('Exception') ? 'exception' : 'event';
  const name = kind === 'exception' ? type.charAt(0).toUpperCase() + type.slice(1) : type;
  return codec.encode({
    headers: { ':message-type': header(kind), [kind === 'exception' ? ':exception-type' : ':event-type']: header(name), ':content-type': header('application/json') },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** A loopback stand-in for bedrock-runtime over HTTP/2 (the SDK's default handler): routes by model id. */
function respond(stream: ServerHttp2Stream, path: string): void {
  const model = decodeURIComponent(path.split('/')[2]);
  if (model === 'throttled') {
    stream.respond({ ':status': 429, 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/' });
    return void stream.end(JSON.stringify({ message: 'Too many requests, please wait before trying again.' }));
  }
  if (path.endsWith('/converse')) {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    return void stream.end(fixture('converse.json'));
  }
  stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
  const file = model === 'midstream-throttle' ? 'converse-stream-throttled.jsonl' : 'converse-stream-events.jsonl';
  for (const line of fixture(file).toString('utf8').trim().split('\n')) stream.write(frame(line));
  stream.end();
}

export interface BedrockStub {
  url: string;
  /** Path and authorization header of every request, in order. */
  seen: { path: string; auth: string }[];
  close(): Promise<void>;
}

/** Starts the stub on a free loopback port. */
export async function startBedrockStub(): Promise<BedrockStub> {
  const server = createServer();
  const seen: BedrockStub['seen'] = [];
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    seen.push({ path, auth: String(headers.authorization ?? '') });
    stream.on('data', () => undefined);
    stream.on('end', () => respond(stream, path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}
