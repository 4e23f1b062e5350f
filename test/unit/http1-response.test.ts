import { describe, expect, it } from 'vitest';
import { Http1ResponseParser, ResponseFramingError, type Headers } from '../../src/transport/http1-response.js';
import { fixtureBody, splits } from '../helpers.js';

/** The head llama.cpp's server sent with its chat stream (test/fixtures/llama-server/openai-chat-stream.http). */
const LLAMA_HEAD = 'HTTP/1.1 200 OK\r\nServer: llama.cpp\r\nAccess-Control-Allow-Origin: \r\nX-Accel-Buffering: no\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nKeep-Alive: timeout=5, max=100\r\n\r\n';

interface Seen {
  heads: [number, Headers][];
  body: Buffer;
  completes: number;
}

function parse(parts: Buffer[], close = false): Seen & { parser: Http1ResponseParser } {
  const seen: Seen = { heads: [], body: Buffer.alloc(0), completes: 0 };
  const parser = new Http1ResponseParser({
    onHead: (s, h) => seen.heads.push([s, h]),
    // a copy: the parser hands out views of reads the caller may reuse
    onBody: (b) => (seen.body = Buffer.concat([seen.body, Buffer.from(b)])),
    onComplete: () => seen.completes++,
  });
  for (const p of parts) parser.push(p);
  if (close) parser.end();
  return { ...seen, parser };
}

/** The fixture's SSE events re-framed as the server sent them: one HTTP chunk per event. */
function chunkedWire(body: Buffer): Buffer {
  const events = body.toString('latin1').split(/(?<=\n\n)/);
  const chunks = events.map((e, i) => `${e.length.toString(16)}${i === 1 ? ';ext=1' : ''}\r\n${e}\r\n`);
  return Buffer.from(`${LLAMA_HEAD}${chunks.join('')}0\r\nx-trailer: t\r\n\r\n`, 'latin1');
}

describe('Http1ResponseParser', () => {
  it("de-frames llama.cpp's chunked chat stream identically at every split point", () => {
    const body = fixtureBody('openai-chat-stream.http');
    const wire = chunkedWire(body);
    const whole = parse([wire]);
    expect(whole.heads).toEqual([[200, expect.objectContaining({ 'content-type': 'text/event-stream', 'keep-alive': 'timeout=5, max=100', server: 'llama.cpp' })]]);
    expect(whole.body.equals(body)).toBe(true);
    expect(whole.completes).toBe(1);
    for (const parts of splits(wire)) {
      const got = parse(parts);
      expect(got.heads).toEqual(whole.heads);
      expect(got.body.equals(body)).toBe(true);
      expect(got.completes).toBe(1);
    }
  });

  it('reads a content-length body at every split point and ends exactly at its length', () => {
    const text = '{"error":{"code":400,"message":"bad"}}';
    const wire = Buffer.from(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${text.length}\r\nContent-Type: application/json\r\n\r\n${text}`);
    for (const parts of splits(wire)) {
      const got = parse(parts);
      expect(got.heads[0][0]).toBe(400);
      expect(got.body.toString()).toBe(text);
      expect(got.completes).toBe(1);
      expect(got.parser.extra).toBe(0);
    }
  });

  it('ends a body without length or chunking only when the connection closes', () => {
    const wire = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: a\n\n');
    const open = parse([wire]);
    expect(open.completes).toBe(0);
    expect(open.body.toString()).toBe('data: a\n\n');
    expect(parse([wire], true).completes).toBe(1);
  });

  it('skips interim 1xx responses, and a 204 has no body', () => {
    const got = parse([Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\n')]);
    expect(got.heads).toEqual([[204, { 'set-cookie': ['a', 'b'] }]]);
    expect(got.completes).toBe(1);
  });

  it('counts bytes after the end of the response, so the connection is not reused', () => {
    const got = parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n')]);
    expect(got.completes).toBe(1);
    expect(got.parser.extra).toBe(17);
  });

  it('says what a response cut short was waiting for', () => {
    const cut = (wire: string) => {
      const got = parse([Buffer.from(wire)]);
      expect(got.parser.end()).toBe(false);
      return got.parser.waitingFor;
    };
    expect(cut('HTTP/1.1 200 OK\r\nContent-Le')).toBe('the response headers');
    expect(cut('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')).toBe('7 more body bytes (content-length)');
    expect(cut('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n')).toBe('the last chunk of a chunked body');
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data overrunning its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n'],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n'],
  ])('refuses %s with a framing error', (_what, wire) => {
    expect(() => parse([Buffer.from(wire)])).toThrow(ResponseFramingError);
  });

  it('refuses a head that never ends rather than buffering without bound', () => {
    const parser = new Http1ResponseParser({ onHead() {}, onBody() {}, onComplete() {} });
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\n'));
    expect(() => {
      for (let i = 0; i < 100; i++) parser.push(Buffer.from(`x-filler-${i}: ${'a'.repeat(1000)}\r\n`));
    }).toThrow(/longer than/);
  });
});
