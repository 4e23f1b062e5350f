import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { openaiChat } from '../../src/protocols/openai-chat.js';
import { constantPacer, stripe } from '../../src/schedule/pacer.js';
import { faultPicker, parseFaults } from '../../src/sim/faults.js';
import { classifyError } from '../../src/transport/errors.js';
import { escapeControls, FIELD_CHARS, KEPT_CHARS, redactor, secretForms, serverText, SHOWN_CHARS } from '../../src/transport/redact.js';
import type { BatchMessage } from '../../src/workers/messages.js';
import { Outbox } from '../../src/workers/outbox.js';
import { unsentRecord } from '../../src/workers/unsent.js';
import { lostRecords, RecordLedger } from '../../src/workers/lost-arrivals.js';
import { RequestTracker, type RequestLimits } from '../../src/workers/request-tracker.js';
import { fixtureBody } from '../helpers.js';
import { trackerInit } from './tracker-fixture.js';

const LIMITS: RequestLimits = { ttftMs: 1000, stallMs: 500, totalMs: 10_000, maxBytes: 0 };

/** A tracker on a fake transport: feed it events with explicit times, read the one record it produces. */
function tracked(limits: Partial<RequestLimits> = {}) {
  const out: { record: RequestRecord | null; aborted: string | null } = { record: null, aborted: null };
  const t = new RequestTracker(
    trackerInit({ id: 7 }),
    openaiChat,
    new Series(),
    (r) => {
      expect(out.record).toBeNull();
      out.record = r;
    },
    null,
    { ...LIMITS, ...limits },
  );
  t.abort = (e) => (out.aborted = e.message);
  return { t, out };
}

const sse = (...events: string[]) => Buffer.from(events.map((e) => `data: ${e}\n\n`).join(''));
const TOKEN = '{"choices":[{"delta":{"content":"hi"},"finish_reason":null}]}';

describe('classifyError: transport errors to classes', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connect'],
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'connect_timeout'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'UND_ERR_SOCKET' }, 'reset'],
    [{ code: 'EMFILE', message: 'connect EMFILE 127.0.0.1:8000' }, 'fd_limit'],
    [{ code: 'ENFILE' }, 'fd_limit'],
    [{ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } }, 'connect'],
    [{ name: 'AbortError' }, 'aborted'],
    [{ code: 'constructor' }, 'client_error'],
    [new Error('something else'), 'client_error'],
  ])('%j -> %s', (err, cls) => {
    expect(classifyError(err).cls).toBe(cls);
  });

  it('says whether a reset came before or after the response headers', () => {
    expect(classifyError({ code: 'UND_ERR_SOCKET', message: 'other side closed' }).message).toMatch(/^before response headers/);
    expect(classifyError({ code: 'UND_ERR_SOCKET', message: 'other side closed' }, true).message).toMatch(/^mid-stream/);
  });
});

describe('RequestTracker: every failure is one record with its class', () => {
  it('headers never come: timeout at --ttft-timeout, and the connection is closed', () => {
    const { t, out } = tracked();
    t.checkDeadlines(999);
    expect(out.record).toBeNull();
    t.checkDeadlines(1000);
    expect(out.record).toMatchObject({ outcome: 'failed', error_class: 'timeout' });
    expect(out.record!.error_message).toContain('no response headers');
    expect(out.aborted).not.toBeNull();
  });

  it('a stream that goes silent after its first token: stall at --stall-timeout after the last byte', () => {
    const { t, out } = tracked();
    t.onStatus(200, {}, 10);
    t.onData(sse(TOKEN), 100);
    t.checkDeadlines(599);
    t.onData(Buffer.from(': keep-alive\n\n'), 599);
    t.checkDeadlines(1098);
    expect(out.record).toBeNull();
    t.checkDeadlines(1099);
    expect(out.record).toMatchObject({ outcome: 'failed', error_class: 'stall', chunks: 1 });
  });

  it('--request-timeout bounds the whole request', () => {
    const { t, out } = tracked({ totalMs: 300 });
    t.onStatus(200, {}, 10);
    for (let ms = 50; ms < 300; ms += 50) t.onData(sse(TOKEN), ms);
    t.checkDeadlines(300);
    expect(out.record).toMatchObject({ error_class: 'timeout' });
    expect(out.record!.error_message).toContain('--request-timeout');
  });

  it('a body over --max-response-bytes is cut at once', () => {
    const { t, out } = tracked({ maxBytes: 100 });
    t.onStatus(200, {}, 10);
    t.onData(sse(TOKEN), 20);
    t.onData(sse(TOKEN), 30);
    expect(out.record).toMatchObject({ error_class: 'response_too_large' });
    expect(out.aborted).not.toBeNull();
    t.onData(sse(TOKEN), 40);
    t.onEnd(50);
  });

  it('HTTP 429 keeps retry-after and is rate_limited; 5xx keeps status and at most KEPT_CHARS bytes of body (the outbox redacts, then cuts)', () => {
    const a = tracked();
    a.t.onStatus(429, { 'retry-after': '3' }, 5);
    a.t.onData(Buffer.from('{"error":"slow down"}'), 6);
    a.t.onEnd(7);
    expect(a.out.record).toMatchObject({ outcome: 'failed', error_class: 'rate_limited', http_status: 429, retry_after: '3' });
    const b = tracked();
    b.t.onStatus(503, {}, 5);
    b.t.onData(Buffer.alloc(KEPT_CHARS - 100, 'x'), 6);
    b.t.onData(Buffer.alloc(400, 'y'), 7);
    b.t.onData(Buffer.alloc(400, 'z'), 7);
    b.t.onEnd(8);
    expect(b.out.record).toMatchObject({ error_class: 'http_status', http_status: 503, response_bytes: KEPT_CHARS + 700 });
    expect(b.out.record!.error_message).toBe(`HTTP 503: ${'x'.repeat(KEPT_CHARS - 100)}${'y'.repeat(100)}`);
  });

  it('a stream that ends without [DONE] is stream_truncated', () => {
    const { t, out } = tracked();
    t.onStatus(200, {}, 5);
    t.onData(sse(TOKEN, TOKEN), 6);
    t.onEnd(7);
    expect(out.record).toMatchObject({ outcome: 'failed', error_class: 'stream_truncated', chunks: 2 });
  });

  it('a malformed line is parse, with the offending line in the message', () => {
    const { t, out } = tracked();
    t.onStatus(200, {}, 5);
    t.onData(sse(TOKEN, '{"choices":[{"delta":{"content": <<oops', TOKEN, '[DONE]'), 6);
    t.onEnd(7);
    expect(out.record).toMatchObject({ error_class: 'parse' });
    expect(out.record!.error_message).toContain('<<oops');
  });

  it('a line that is not SSE framing is parse', () => {
    const { t, out } = tracked();
    t.onStatus(200, {}, 5);
    t.onData(Buffer.from(`${TOKEN}\n\ndata: [DONE]\n\n`), 6);
    t.onEnd(7);
    expect(out.record).toMatchObject({ error_class: 'parse' });
    expect(out.record!.error_message).toContain('not SSE framing');
  });

  it('an error event inside a 200 stream is server_error_event', () => {
    const { t, out } = tracked();
    t.onStatus(200, {}, 5);
    t.onData(Buffer.from(`data: ${TOKEN}\n\nevent: error\ndata: {"error":{"message":"overloaded"}}\n\n`), 6);
    t.onEnd(7);
    expect(out.record).toMatchObject({ error_class: 'server_error_event', error_message: 'overloaded' });
  });

  it('a reset mid-stream is reset; transport events after the record are ignored', () => {
    const { t, out } = tracked();
    t.onStatus(200, {}, 5);
    t.onData(sse(TOKEN), 6);
    t.onError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 7);
    t.onEnd(8);
    t.checkDeadlines(10_000);
    expect(out.record).toMatchObject({ error_class: 'reset' });
    expect(out.record!.error_message).toContain('mid-stream');
  });

  it('the real capture completes, with its byte count', () => {
    const { t, out } = tracked();
    const body = fixtureBody('openai-chat-stream.http');
    t.onStatus(200, {}, 5);
    t.onData(body, 6);
    t.onEnd(7);
    expect(out.record).toMatchObject({ outcome: 'completed', error_class: null, response_bytes: body.length, retry_after: null });
  });
});

describe('redactor', () => {
  it('hides every secret wherever it appears, and leaves short values alone', () => {
    const r = redactor(['sk-123456', undefined, 'ab', 'Bearer tok-99']);
    expect(r('HTTP 401: key sk-123456 rejected (Bearer tok-99), sk-123456 again; ab stays')).toBe(
      'HTTP 401: key [REDACTED] rejected ([REDACTED]), [REDACTED] again; ab stays',
    );
  });

  it('hides every form a credential is echoed in: an authorization value without its scheme, a Basic pair decoded, its bare password as given and percent-encoded', () => {
    const basic = `Basic ${Buffer.from('user:pw s3cret@').toString('base64')}`;
    const r = redactor([basic, 'Token tok-12345', 'application/json']);
    const forms = [basic, basic.slice(6), 'user:pw s3cret@', 'pw s3cret@', 'pw%20s3cret%40', 'tok-12345'];
    for (const f of forms) expect(r(`denied: ${f}.`)).toBe('denied: [REDACTED].');
    expect(r('the user user sent application/json')).toBe('the user user sent [REDACTED]');
    expect(secretForms('Basic bm9jb2xvbg==')).toEqual(['Basic bm9jb2xvbg==', 'bm9jb2xvbg==']);
  });

  it('hides key-shaped strings that are not this run\'s (another tenant\'s, a proxy\'s)', () => {
    const r = redactor([]);
    const keys = ['sk-proj-AbCdEfGhIjKlMnOpQrSt', 'sk-ant-api03-abcdefghijklmnop', 'AKIAIOSFODNN7EXAMPLE', 'hf_abcdefghijklmnopqrstuvwxyzABCDEF', 'Bearer eyJhbGciOi.x-y_z'];
    for (const k of keys) expect(r(`denied for ${k}, try again`)).toBe('denied for [REDACTED], try again');
    expect(r('sk-short, AKIA, the task-list')).toBe('sk-short, AKIA, the task-list');
  });
});

describe('server text as results keep it', () => {
  const key = 'sk-fake-4242-abcdefghij';
  const redact = redactor([key]);

  it('a key straddling the cut is redacted whole before the cut: no prefix of it survives', () => {
    for (const at of [SHOWN_CHARS - 15, SHOWN_CHARS - 4, SHOWN_CHARS - 1]) {
      const shown = serverText(`${'x'.repeat(at)}${key} and more`, redact, SHOWN_CHARS);
      expect(shown.length).toBeLessThanOrEqual(SHOWN_CHARS);
      expect(shown).not.toContain(key.slice(0, 4));
    }
  });

  it('control characters are escaped (ANSI clear screen, window title, C1 CSI, bidi override), newlines and tabs written as \\n, \\t', () => {
    const shown = serverText('stop\x1b[2J\x1b]0;pwned\x07\x9b31m\u202etxt.exe\nnext\tcol', redact, FIELD_CHARS);
    expect(shown).toBe('stop\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202etxt.exe\\nnext\\tcol');
    expect(escapeControls('plain text, é, 中文')).toBe('plain text, é, 中文');
  });

  it('the worker\'s outbox cleans every server string of a record and the received text before it leaves', async () => {
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<BatchMessage>((resolve) => port1.once('message', resolve));
    const outbox = new Outbox(0, port2, redact, () => 0);
    const record = {
      ...unsentRecord({ index: 1, dueMs: 0 }, 0, 10, null, false, 'failed', 'rate_limited', `HTTP 429 (retry-after: ${key}): ${'y'.repeat(480)}${key}`),
      finish_reason: `\x1b]0;title\x07${key}`, retry_after: key,
    };
    outbox.add(record, `the answer is ${key}`);
    outbox.flush();
    const b = await got;
    port1.close();
    const [r] = b.records;
    expect(JSON.stringify(b)).not.toContain(key.slice(0, 8));
    expect(r.finish_reason).toBe('\\u001b]0;title\\u0007[REDACTED]');
    expect(r.retry_after).toBe('[REDACTED]');
    expect(r.error_message!.length).toBe(SHOWN_CHARS);
    expect(b.texts).toEqual(['the answer is [REDACTED]']);
  });
});

describe('simulator fault plans', () => {
  it('parses the documented spec and rejects bad ones with what is allowed', () => {
    const ok = parseFaults('refuse:0.05,http500:0.05,stall:0.02,truncate:0.05,garbage:0.02,reset:0.02,429:0.05');
    expect('plan' in ok && ok.plan.length).toBe(7);
    for (const bad of ['nope:0.1', 'stall', 'stall:2', 'stall:x', 'stall:0.1:3', 'reset:0.6,stall:0.6']) {
      const r = parseFaults(bad);
      expect('problem' in r && r.problem.length).toBeGreaterThan(10);
    }
    expect(parseFaults('')).toEqual({ plan: [] });
  });

  it('draws are seeded and follow the probabilities', () => {
    const plan = [{ kind: 'stall', p: 0.2 }, { kind: 'reset', p: 0.3 }] as const;
    const draw = (seed: number) => Array.from({ length: 5000 }, faultPicker([...plan], seed));
    const a = draw(1);
    expect(draw(1)).toEqual(a);
    expect(draw(2)).not.toEqual(a);
    const share = (k: string) => a.filter((x) => x === k).length / a.length;
    expect(share('stall')).toBeCloseTo(0.2, 1);
    expect(share('reset')).toBeCloseTo(0.3, 1);
  });
});

describe('a dead worker\'s arrivals are accounted for', () => {
  it('recorded ones are skipped, due ones are failed client_error, later ones dropped', () => {
    const arrivals = stripe(constantPacer(10, 2000), 1, 2); // worker 1 of 2 owns the odd ids, due at 100, 300, ...
    const ledger = new RecordLedger();
    ledger.mark(1);
    ledger.mark(5);
    const lost = lostRecords(ledger, { arrivals, worker: 1, cutoffMs: 1000, fired: Infinity, reason: 'worker 1 died (boom)', maxTokens: 10, warmupMs: 0 });
    expect(lost.records.map((r) => r.id)).toEqual([3, 7, 9, 11, 13, 15, 17, 19]);
    expect(lost.inFlight).toBe(3);
    expect(lost.dropped).toBe(5);
    expect(lost.records[0]).toMatchObject({ outcome: 'failed', error_class: 'client_error', sent_ms: null, worker: 1 });
    expect(lost.records[3]).toMatchObject({ outcome: 'dropped', error_class: null });
    expect(lost.records[3].error_message).toContain('worker 1 died (boom)');
  });

  it('arrivals the worker never fired are dropped, however due (a thread too busy to send: --rate 1e6 recorded 1,000,000 "in flight")', () => {
    const arrivals = stripe(constantPacer(10, 2000), 1, 2); // ids 1, 3, 5, ... due at 100, 300, 500, ...
    const ledger = new RecordLedger();
    ledger.mark(1);
    // its last report: 3 fired (ids 1, 3, 5), 1 finished; ids 7 and 9 fell due before it died
    const lost = lostRecords(ledger, { arrivals, worker: 1, cutoffMs: 1000, fired: 3, reason: 'worker 1 died (boom)', maxTokens: 10, warmupMs: 0 });
    expect(lost.records.filter((r) => r.outcome === 'failed').map((r) => r.id)).toEqual([3, 5]);
    expect(lost.records.filter((r) => r.outcome === 'dropped').map((r) => r.id)).toEqual([7, 9, 11, 13, 15, 17, 19]);
    expect(lost.records.find((r) => r.id === 7)!.error_message).toBe('never sent: worker 1 died (boom)');
  });

  it('the ledger grows to any schedule length', () => {
    const ledger = new RecordLedger();
    for (let id = 0; id < 300_000; id++) if (id % 7 === 0) ledger.mark(id);
    expect(ledger.has(14)).toBe(true);
    expect(ledger.has(17)).toBe(false);
    expect(ledger.has(299_999)).toBe(true);
    expect(ledger.has(299_996)).toBe(false);
    expect(ledger.has(9_000_002)).toBe(false);
  });
});
