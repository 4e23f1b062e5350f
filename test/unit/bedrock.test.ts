import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { bedrock } from '../../src/protocols/bedrock.js';
import type { Transport } from '../../src/transport/types.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';
import { startBedrockStub, type BedrockStub } from '../bedrock-stub.js';
import { decode, splits } from '../helpers.js';
import { trackerInit } from './tracker-fixture.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bedrock');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const KEY = 'bedrock-api-key-fake-42';

describe('bedrock decoder on ConverseStream events (the SDK objects, one per line)', () => {
  it('text deltas are output, reasoningContent text is reasoning, a signature is no token; metadata usage', () => {
    const body = fixture('converse-stream-events.jsonl');
    const whole = decode(bedrock, [body]);
    expect(whole).toMatchObject({ output: 3, reasoning: 2, done: true, finish: 'end_turn', usage: { input: 12, output: 31 }, errors: [] });
    expect(whole.text).toBe('The user wants a short answer.Hello! How can I help you today?');
    for (const parts of splits(body)) expect(decode(bedrock, parts)).toEqual(whole);
  });

  it('a throttlingException event is rate_limited', () => {
    expect(decode(bedrock, [fixture('converse-stream-throttled.jsonl')]).errors[0][0]).toBe('rate_limited');
  });

  it('Converse (non-streaming)', () => {
    expect(decode(bedrock, [fixture('converse.json')], false)).toMatchObject({ output: 1, reasoning: 1, done: true, usage: { input: 12, output: 31 } });
  });
});

describe('bedrock through the AWS SDK against a loopback event-stream stub', () => {
  let stub: BedrockStub;
  let transport: Transport;
  beforeAll(async () => {
    stub = await startBedrockStub();
    transport = bedrock.connect({ endpoint: stub.url, region: 'us-east-1', apiKey: KEY, requestTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    await transport.close();
    await stub.close();
  });

  function run(model: string, stream = true): Promise<RequestRecord> {
    return new Promise((resolve) => {
      const init = trackerInit({ requestedOutputTokens: 50, stream });
      const tracker = new RequestTracker(init, bedrock, new Series(), resolve);
      transport.send(bedrock.request({ model, prompt: 'hi', maxTokens: 50, stream, params: {} }), () => performance.now(), tracker);
    });
  }

  it('ConverseStream: events decoded as they arrive, usage from metadata, the key sent as a bearer token', async () => {
    const r = await run('anthropic.claude-sonnet-4-5');
    expect(r).toMatchObject({ outcome: 'completed', http_status: 200, output_tokens: 31, output_tokens_source: 'usage', input_tokens: 12, finish_reason: 'end_turn', chunks: 5 });
    expect(r.first_output_ms!).toBeGreaterThanOrEqual(r.first_token_ms!);
    expect(stub.seen.at(-1)).toEqual({ path: '/model/anthropic.claude-sonnet-4-5/converse-stream', auth: `Bearer ${KEY}` });
  });

  it('Converse (--no-stream): TTFT = E2E', async () => {
    const r = await run('m', false);
    expect(r).toMatchObject({ outcome: 'completed', output_tokens: 31, input_tokens: 12 });
    expect(r.first_token_ms).toBe(r.end_ms);
  });

  it('HTTP 429 ThrottlingException is rate_limited, with the status kept', async () => {
    const r = await run('throttled');
    expect(r).toMatchObject({ outcome: 'failed', http_status: 429, error_class: 'rate_limited' });
    expect(r.error_message).toContain('ThrottlingException');
  });

  it('a throttlingException in the middle of the stream is rate_limited', async () => {
    const r = await run('midstream-throttle');
    expect(r).toMatchObject({ outcome: 'failed', error_class: 'rate_limited' });
    expect(r.chunks).toBe(1);
  });

  it('nothing listening: a connect error, not a hang', async () => {
    const closed = bedrock.connect({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', apiKey: KEY, requestTimeoutMs: 5_000 });
    const r = await new Promise<RequestRecord>((resolve) => {
      const tracker = new RequestTracker(trackerInit({ requestedOutputTokens: 5 }), bedrock, new Series(), resolve);
      closed.send(bedrock.request({ model: 'm', prompt: 'hi', maxTokens: 5, stream: true, params: {} }), () => performance.now(), tracker);
    });
    await closed.close();
    expect(r).toMatchObject({ outcome: 'failed', error_class: 'connect' });
    expect(r.error_message).not.toContain(KEY);
  });
});
