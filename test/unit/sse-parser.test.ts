import { describe, expect, it } from 'vitest';
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
