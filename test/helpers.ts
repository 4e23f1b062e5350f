import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'llama-server');

/** A capture's body (after the blank line ending the headers), as bytes. */
export function fixtureBody(name: string): Buffer {
  const raw = readFileSync(join(FIXTURES, name));
  const end = raw.indexOf('\r\n\r\n');
  return raw.subarray(end + 4);
}

/** Every way to split `buf` in two, plus byte-by-byte. */
export function* splits(buf: Buffer): Generator<Buffer[]> {
  for (let i = 0; i <= buf.length; i++) yield [buf.subarray(0, i), buf.subarray(i)];
  yield Array.from(buf, (_, i) => buf.subarray(i, i + 1));
}
