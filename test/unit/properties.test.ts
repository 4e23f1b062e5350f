import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import type { ErrorClass, RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { PROTOCOLS } from '../../src/protocols/registry.js';
import { parseFaults } from '../../src/sim/faults.js';
import { SseParser } from '../../src/sse/parser.js';
import { classifyError } from '../../src/transport/errors.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';
import { trackerInit } from './tracker-fixture.js';

const CLASSES: readonly ErrorClass[] = [
  'connect', 'dns', 'tls', 'connect_timeout', 'timeout', 'stall', 'http_status', 'rate_limited', 'stream_truncated',
  'reset', 'parse', 'server_error_event', 'response_too_large', 'aborted', 'client_error',
];

/** Bytes that look like an event stream often enough to reach deep paths, and random otherwise. */
const streamish = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom('data: ', 'event: error\n', '\n', '\r\n', '\r', ':', 'data: [DONE]\n\n', '{"choices":[{"delta":{"content":"x"}}]}', '"usage":{', '"error"', '{', '}').map((t) => new TextEncoder().encode(t)),
    fc.string({ maxLength: 40 }).map((t) => new TextEncoder().encode(t)),
  ),
  { maxLength: 30 },
).map((parts) => parts.map((p) => Buffer.from(p)));

describe('property: arbitrary input never throws anything but a classified error', () => {
  it('SseParser: any bytes in any chunking, same events as one chunk', () => {
    fc.assert(
      fc.property(streamish, fc.array(fc.nat(), { maxLength: 8 }), (chunks, cuts) => {
        const whole = Buffer.concat(chunks);
        const events = (parts: Buffer[]) => {
          const out: string[] = [];
          const p = new SseParser((d, e) => out.push(`${e}|${d}`), (line) => out.push(`?${line}`));
          for (const c of parts) p.push(c);
          p.end();
          return out;
        };
        const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at, whole.length].slice(1).map((end, i, all) => whole.subarray(i === 0 ? 0 : all[i - 1], end));
        expect(events(pieces)).toEqual(events([whole]));
      }),
      { numRuns: 300 },
    );
  });

  it('parseDuration: any string gives null or a finite non-negative number of ms', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9.]{0,6}(ms|s|m|h)?([0-9]{0,3}(ms|s|m|h))?$/)), (text) => {
        const ms = parseDuration(text);
        expect(ms === null || (Number.isFinite(ms) && ms >= 0)).toBe(true);
      }),
    );
  });

  it('parseDuration: composed durations add up', () => {
    fc.assert(
      fc.property(fc.nat(99), fc.nat(59), fc.nat(999), (m, s, ms) => {
        expect(parseDuration(`${m}m${s}s${ms}ms`)).toBe(m * 60_000 + s * 1000 + ms);
      }),
    );
  });

  it('parseFaults: any string gives a plan within [0, 1] or one problem line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^((refuse|stall|reset|429|x):[0-9.]{1,4},?){0,4}$/)), (spec) => {
        const r = parseFaults(spec);
        if ('problem' in r) expect(r.problem).not.toContain('\n');
        else expect(r.plan.reduce((t, f) => t + f.p, 0)).toBeLessThanOrEqual(1 + 1e-9);
      }),
    );
  });

  it('classifyError: any thrown value maps to a known class', () => {
    fc.assert(
      fc.property(fc.anything(), fc.boolean(), (err, after) => {
        const c = classifyError(err, after);
        expect(CLASSES).toContain(c.cls);
        expect(typeof c.message).toBe('string');
      }),
    );
  });

  it('every protocol, streaming or not: any status, body and chunking ends in one record with a known class', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(PROTOCOLS)), fc.boolean(), fc.constantFrom(200, 200, 429, 500), streamish, fc.boolean(), (protocol, stream, status, chunks, endsWithError) => {
        const records: RequestRecord[] = [];
        const t = new RequestTracker(
          trackerInit({ requestedOutputTokens: 5, stream }),
          protocol,
          new Series(),
          (r) => records.push(r),
        );
        t.onStatus(status, {}, 1);
        chunks.forEach((c, i) => t.onData(c, 2 + i));
        if (endsWithError) t.onError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 100);
        else t.onEnd(100);
        expect(records.length).toBe(1);
        const r = records[0];
        if (r.outcome === 'completed') expect(r.error_class).toBeNull();
        else expect(CLASSES).toContain(r.error_class);
      }),
      { numRuns: 400 },
    );
  });
});
