import { describe, expect, it } from 'vitest';
import { MeasurementError } from '../../src/protocols/measurement-error.js';
import { probeSteps, stepSearch, type ProbePlan } from '../../src/bench/search.js';
import { nextStep } from '../../src/capacity/search.js';
import { StampScanner } from '../../src/protocols/stamp-scanner.js';
import { takeRequest } from '../../src/bench/stamp-server.js';
import { protocolFor } from '../../src/protocols/registry.js';
import type { StreamSink } from '../../src/protocols/types.js';
import { openAiChatFormat } from '../../src/sim/formats/openai.js';
import { splits } from '../helpers.js';

const frames = openAiChatFormat.stream({ model: 'm', prompt: 'p', messages: null, maxTokens: 3, stream: true, includeUsage: true, perChunkUsage: false }, { usage: { input: 3, output: 3, reasoning: 0, cached: 0 }, finish: 'length' });
const STAMPS = [1_000_000_123_456n, 1_000_000_223_456n, 9_007_199_254_740_000n];
const body = Buffer.concat([frames.head(), frames.chunk(' t0', 'output', { stampNs: STAMPS[0] }), frames.chunk(' t1', 'output', { stampNs: STAMPS[1] }), frames.end(' t2', 'output', { stampNs: STAMPS[2] })]);

function scan(parts: Buffer[]): number[] {
  const scanner = new StampScanner();
  const seen: number[] = [];
  for (const p of parts) scanner.push(p, (ns) => seen.push(ns));
  return seen;
}

describe('stamp scanner', () => {
  it('finds every send stamp once, in order, wherever the body is split', () => {
    for (const parts of splits(body)) expect(scan(parts)).toEqual(STAMPS.map(Number));
  });

  it('finds nothing in an unstamped stream', () => {
    expect(scan([frames.chunk(' a', 'output'), frames.chunk(' b', 'output')])).toEqual([]);
  });
});

describe('measurement error', () => {
  it('records receive - send per stamped chunk: the first as TTFT, the rest as ITL, and still decodes', () => {
    const m = new MeasurementError();
    m.originNs = 1_000_000_000_000;
    const tokens: number[] = [];
    const sink = { token: (_k: string, at: number) => tokens.push(at), usage() {}, finish() {}, done() {}, error() {} } as unknown as StreamSink;
    const decoder = m.wrap(protocolFor('openai-chat')).decoder(sink, true);
    // stamps at 0.123456 ms and 0.223456 ms after the origin, received at 0.5 ms and 1 ms
    decoder.push(Buffer.concat([frames.head(), frames.chunk(' a', 'output', { stampNs: 1_000_000_123_456n })]), 0.5);
    decoder.push(frames.end(' b', 'output', { stampNs: 1_000_000_223_456n }), 1);
    decoder.end(1);
    expect(tokens).toEqual([0.5, 1]);
    expect(m.ttft.stats().max).toBeCloseTo(0.376544, 6);
    expect(m.itl.stats().max).toBeCloseTo(0.776544, 6);
    expect(m.itl.count).toBe(1);
  });
});

const PLAN: ProbePlan = { start: 1000, factor: 2, maxProbes: 10, step: 100, min: 100, max: 20000 };

async function search(capacity: number, plan = PLAN) {
  return stepSearch(plan, async (load) => ({ pass: load <= capacity, data: load }));
}

describe('stepped search', () => {
  it('steps up until a failure, then bisects to within one step', async () => {
    const r = await search(2700);
    expect(r.probes.map((p) => p.load)).toEqual([1000, 2000, 4000, 3000, 2500, 2800, 2700]);
    expect(r.best?.load).toBe(2700);
  });

  it('steps down when the first load fails, and reports null when nothing passes', async () => {
    expect((await search(300)).best?.load).toBe(300);
    expect((await search(50)).best).toBeNull();
  });

  it('stops at the plan maximum and within the probe budget', async () => {
    expect((await search(1e9)).best?.load).toBe(20000);
    const r = await search(2700, { ...PLAN, maxProbes: 3 });
    expect(r.probes).toHaveLength(3);
    expect(r.best?.load).toBe(2000);
  });

  it('ends early when the budget says stop, keeping the best so far', async () => {
    let probes = 0;
    const r = await stepSearch({ ...PLAN, stop: () => probes >= 2 }, async (load) => (probes++, { pass: load <= 2700, data: load }));
    expect(r.probes.map((p) => p.load)).toEqual([1000, 2000]);
    expect(r.best?.load).toBe(2000);
  });

  it('is done when the bracket is one step wide', () => {
    const bracket = (pass: number, fail: number) => nextStep(probeSteps(PLAN), [{ load: pass, pass: true }, { load: fail, pass: false }]);
    expect(bracket(1000, 1100)).toEqual({ end: 'converged' });
    expect(bracket(1000, 1200)).toEqual({ load: 1100 });
  });
});

describe('stamp server request framing', () => {
  const body = '{"model":"m","stream":true,"messages":[{"role":"user","content":"é"}]}';
  const wire = Buffer.from(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}POST /next`);

  it('takes one whole request, by its content-length, and waits for the rest of a split one', () => {
    const whole = takeRequest(wire)!;
    expect(whole.body).toBe(body);
    expect(wire.subarray(whole.used).toString()).toBe('POST /next');
    for (let i = 0; i < whole.used; i++) expect(takeRequest(wire.subarray(0, i))).toBeNull();
  });
});
