import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorClass } from '../src/metrics/record.js';
import type { ProtocolClient, StreamSink, TokenUsage } from '../src/protocols/types.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A capture's body (after the blank line ending the headers), as bytes; `dir` names the source. */
export function fixtureBody(name: string, dir = 'llama-server'): Buffer {
  const raw = readFileSync(join(FIXTURES, dir, name));
  const end = raw.indexOf('\r\n\r\n');
  return raw.subarray(end + 4);
}

/** Every way to split `buf` in two, plus byte-by-byte. */
export function* splits(buf: Buffer): Generator<Buffer[]> {
  for (let i = 0; i <= buf.length; i++) yield [buf.subarray(0, i), buf.subarray(i)];
  yield Array.from(buf, (_, i) => buf.subarray(i, i + 1));
}

/** Runs a protocol decoder over `chunks` (chunk i arrives at time i) and collects what it reported. */
export function decode(client: ProtocolClient, chunks: Buffer[], stream = true) {
  const seen = { output: 0, reasoning: 0, text: '', usage: {} as TokenUsage, finish: '', done: false, errors: [] as [ErrorClass, string][] };
  const sink: StreamSink = {
    token(kind, _at, _n, text) {
      seen[kind]++;
      seen.text += text ?? '';
    },
    usage(u) {
      for (const [k, v] of Object.entries(u)) if (v !== undefined) seen.usage[k as keyof TokenUsage] = v;
    },
    finish: (r) => (seen.finish = r),
    done: () => (seen.done = true),
    error: (c, m) => seen.errors.push([c, m]),
  };
  const d = client.decoder(sink, stream, true);
  chunks.forEach((c, i) => d.push(c, i));
  d.end(chunks.length);
  return seen;
}
