import { describe, expect, it } from 'vitest';
import { JsonLinesParser } from '../../src/sse/json-lines.js';
import { SseParser } from '../../src/sse/parser.js';
import { fixtureBody, splits } from '../helpers.js';

function parse(chunks: (Buffer | string)[]): [string, string][] {
  const out: [string, string][] = [];
  const p = new SseParser((data, event) => out.push([event, data]));
  for (const c of chunks) p.push(typeof c === 'string' ? Buffer.from(c) : c);
  p.end();
  return out;
}

describe('SseParser', () => {
  it('frames the chat capture identically at every split point', () => {
    const body = fixtureBody('openai-chat-stream.http');
    const whole = parse([body]);
    expect(whole.length).toBe(12);
    expect(whole.at(-1)).toEqual(['', '[DONE]']);
    for (const parts of splits(body)) expect(parse(parts)).toEqual(whole);
  });

  it('keeps event names (Anthropic capture) at every split point', () => {
    const body = fixtureBody('anthropic-messages-stream.http');
    const whole = parse([body]);
    expect(whole[0][0]).toBe('message_start');
    expect(whole.at(-1)![0]).toBe('message_stop');
    for (const parts of splits(body)) expect(parse(parts)).toEqual(whole);
  });

  it('handles CRLF and CR line ends, comments, multi-line data and a missing final blank line', () => {
    expect(parse([': keep-alive\r\n', 'data: a\r', '\ndata: b\r\n\r\n', 'event: x\rdata:c\r\r', 'data: last'])).toEqual([
      ['', 'a\nb'],
      ['x', 'c'],
      ['', 'last'],
    ]);
  });

  it('reassembles a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('data: привет\n\n');
    for (const parts of splits(bytes)) expect(parse(parts)).toEqual([['', 'привет']]);
  });

  it('ignores events without data and unknown fields', () => {
    expect(parse(['event: ping\n\nid: 3\nretry: 10\ndata: x\n\n'])).toEqual([['', 'x']]);
  });
});

/** Characters String.prototype.indexOf really looked at while `run` ran (each call: from `from` to the hit, or to the end). */
function charsScanned(run: () => void): number {
  const indexOf = String.prototype.indexOf;
  let scanned = 0;
  String.prototype.indexOf = function (this: string, search: string, from = 0) {
    const at = indexOf.call(this, search, from);
    scanned += (at === -1 ? this.length : at + search.length) - Math.max(0, from);
    return at;
  };
  try {
    run();
  } finally {
    String.prototype.indexOf = indexOf;
  }
  return scanned;
}

describe('line framing is linear in the bytes received', () => {
  const mixed = Buffer.from(': ping\r\ndata: a\r\rdata: b\n\nevent: e\r\ndata: c\r\ndata: d\r\n\r\ndata: é\n\ndata: tail');

  it('SSE with LF, CRLF and lone CR line ends frames alike at every split', () => {
    const whole = parse([mixed]);
    expect(whole).toEqual([['', 'a'], ['', 'b'], ['e', 'c\nd'], ['', 'é'], ['', 'tail']]);
    for (const parts of splits(mixed)) expect(parse(parts)).toEqual(whole);
  });

  it('JSON lines frame alike at every split (CRLF, blank lines, a last line without its end)', () => {
    const body = Buffer.from('{"a":1}\r\n\n{"b":"é"}\n  \n{"c":3}');
    const lines = (chunks: Buffer[]) => {
      const out: string[] = [];
      const p = new JsonLinesParser((l) => out.push(l));
      for (const c of chunks) p.push(c);
      p.end();
      return out;
    };
    expect(lines([body])).toEqual(['{"a":1}', '{"b":"é"}', '{"c":3}']);
    for (const parts of splits(body)) expect(lines(parts)).toEqual(['{"a":1}', '{"b":"é"}', '{"c":3}']);
  });

  const reads = 400;
  const read = 'x'.repeat(1000);
  it.each([
    ['SSE', () => new SseParser(() => undefined)],
    ['JSON lines', () => new JsonLinesParser(() => undefined)],
  ])('%s: a 400 KB line without a line end, read by read, is scanned about once', (_, make) => {
    const p = make();
    const scanned = charsScanned(() => {
      p.push('data: ');
      for (let i = 0; i < reads; i++) p.push(read);
      p.push('\n\n');
    });
    // a re-scan of the held text on every read looks at reads^2/2 x 1000 = 80 M characters
    expect(scanned).toBeLessThan(4 * reads * read.length);
  });

  it('a read of many short lines is scanned about once (the next CR is not searched for on every line)', () => {
    const p = new SseParser(() => undefined);
    const body = 'data: x\n\n'.repeat(20_000) + '\r';
    const scanned = charsScanned(() => p.push(body));
    expect(scanned).toBeLessThan(4 * body.length);
  });
});
