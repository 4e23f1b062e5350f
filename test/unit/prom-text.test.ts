import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLabels, parsePromText, parseSampleLine } from '../../src/server-metrics/prom-text.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'prometheus');
const fixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

describe('Prometheus text parser', () => {
  it('reads samples, labels, types and every value spelling', () => {
    const p = parsePromText([
      '# HELP a_total Requests.',
      '# TYPE a_total counter',
      'a_total{code="200",path="/v1"} 1027 1395066363000',
      'b 1.5e-3',
      'c{} NaN',
      'd +Inf',
      'e -Inf',
      'f{x="y",} .5',
      '  g\t 7',
    ].join('\n'));
    expect(p.invalidLines).toBe(0);
    expect(p.types.get('a_total')).toBe('counter');
    expect(p.samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ['a_total', { code: '200', path: '/v1' }, 1027],
      ['b', {}, 0.0015],
      ['c', {}, NaN],
      ['d', {}, Infinity],
      ['e', {}, -Infinity],
      ['f', { x: 'y' }, 0.5],
      ['g', {}, 7],
    ]);
  });

  it('keeps the last sample when the body does not end in a newline, and reads CRLF', () => {
    expect(parsePromText('a 1\r\nb 2').samples.map((s) => s.value)).toEqual([1, 2]);
    expect(parsePromText(fixture('llamacpp.txt')).samples.at(-1)).toEqual({ name: 'llamacpp:requests_deferred', labels: {}, value: 46 });
  });

  it('unescapes label values (backslash, quote, newline) and keeps braces, commas and = inside them', () => {
    const s = parseSampleLine('m{a="x\\\\y",b="say \\"hi\\"",c="l1\\nl2",d="{,=}"} 1') as { labels: Record<string, string> };
    expect(s.labels).toEqual({ a: 'x\\y', b: 'say "hi"', c: 'l1\nl2', d: '{,=}' });
  });

  it('reads OpenMetrics: # EOF, exemplars after the value', () => {
    const p = parsePromText('# TYPE h histogram\nh_bucket{le="1"} 3 # {trace_id="abc"} 0.5 1.7e9\n# EOF\n');
    expect(p.samples).toEqual([{ name: 'h_bucket', labels: { le: '1' }, value: 3 }]);
    expect(p.invalidLines).toBe(0);
  });

  it('skips and counts bad lines one by one, never throwing, never echoing them', () => {
    const p = parsePromText(['good 1', 'hello world this is html <html>', '<!DOCTYPE html>', 'x{a=1} 2', 'y{a="1" 2', 'z 1 2 3', 'w{a="1",a="2"} 1', '9bad 1', 'ok 2'].join('\n'));
    expect(p.samples.map((s) => s.name)).toEqual(['good', 'ok']);
    expect(p.invalidLines).toBe(7);
    expect(p.firstProblem).toBe('line 2: expected a value and at most a timestamp');
  });

  it('an HTML page or JSON is no sample at all', () => {
    expect(parsePromText('<html><body>Not Found</body></html>').samples).toEqual([]);
    expect(parsePromText('{"error":"not found"}').samples).toEqual([]);
  });

  it('bounds what it keeps: a line longer than the limit is skipped, samples beyond the cap are dropped and counted', () => {
    const long = `a{x="${'y'.repeat(1000)}"} 1`;
    const p = parsePromText(`${long}\nb 1\nc 2\nd 3\n`, { maxLineChars: 500, maxSamples: 2, maxInvalidLines: 10 });
    expect(p.samples.map((s) => s.name)).toEqual(['b', 'c']);
    expect(p.invalidLines).toBe(1);
    expect(p.firstProblem).toBe('line 1: longer than 500 characters');
    expect(p.droppedSamples).toBe(1);
  });

  it('stops reading after too many bad lines (megabytes of short garbage lines cost little)', () => {
    const p = parsePromText('<p>x</p>\n'.repeat(1_000_000));
    expect(p.samples).toEqual([]);
    expect(p.invalidLines).toBe(1000);
  });

  it('megabytes without a newline are one skipped line, read in linear time', () => {
    const p = parsePromText('x'.repeat(8 * 1024 * 1024));
    expect(p).toMatchObject({ samples: [], invalidLines: 1 });
  });

  it('a label value left open to the end of a long line is rejected, not scanned quadratically', () => {
    for (const body of [`a{b="${'\\"'.repeat(20_000)}`, `a{b="${'x\\n'.repeat(20_000)}`]) {
      const p = parsePromText(body);
      expect(p.samples).toEqual([]);
      expect(p.invalidLines).toBe(1);
    }
  });

  it('reads every engine page in the fixtures without a bad line', () => {
    for (const f of ['vllm-v1.txt', 'vllm-v0.txt', 'sglang.txt', 'tgi.txt', 'llamacpp.txt']) {
      const p = parsePromText(fixture(f));
      expect(p.invalidLines, f).toBe(0);
      expect(p.samples.length, f).toBeGreaterThan(3);
    }
  });

  it('formatLabels writes what the parser reads back, for any label values (property)', () => {
    const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
    fc.assert(
      fc.property(fc.dictionary(name, fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 5 }), fc.double({ noNaN: true }), (labels, value) => {
        const s = parseSampleLine(`m${formatLabels(labels)} ${value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : String(value)}`);
        expect(s).toEqual({ name: 'm', labels: { ...labels }, value: Object.is(value, -0) ? 0 : value });
      }),
    );
  });

  it('arbitrary text never throws and never yields an invalid name (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const p = parsePromText(text);
        for (const s of p.samples) expect(s.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      }),
    );
  });
});
