import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_DEFAULTS } from '../../src/sim/options.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { Series } from '../../src/metrics/timeline.js';
import { protocolFor } from '../../src/protocols/registry.js';
import type { ApiName } from '../../src/protocols/types.js';
import { monoNs } from '../../src/schedule/clock.js';
import { startSim, type SimServer } from '../../src/sim/server.js';
import { RequestTracker } from '../../src/workers/request-tracker.js';
import { trackerInit } from '../unit/tracker-fixture.js';

/**
 * The simulator's reasoning phase in each protocol's own shape, read back through that protocol's
 * decoder and the request tracker: TTFT = prefill, TTFO = prefill + reasoning tokens x decode.
 * One in-process simulator on loopback, one request per protocol.
 */
const PREFILL_MS = 100;
const DECODE_MS = 10;
const REASONING = 5;
const APIS: ApiName[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini', 'ollama'];

let sim: SimServer;
beforeAll(async () => {
  sim = await startSim({ ...SIM_DEFAULTS, prefillMs: PREFILL_MS, prefillPerTokenMs: 0, decodeMs: DECODE_MS, reasoningTokens: REASONING });
  await once('openai-chat'); // the first request in a process pays for connecting and compiling
});
afterAll(() => sim.close());

const nowMs = () => Number(monoNs()) / 1e6;

async function once(api: ApiName): Promise<RequestRecord> {
  const protocol = protocolFor(api);
  const req = protocol.request({ model: 'm', prompt: 'why is the sky blue', maxTokens: 12, stream: true, params: {} }, 'key');
  let record: RequestRecord | null = null;
  const sent = nowMs();
  const init = trackerInit({ id: 0, scheduledMs: sent, sentMs: sent, requestedOutputTokens: 12 });
  const tracker = new RequestTracker(init, protocol, new Series(), (r) => (record = r));
  // each API at its own base path on the simulator's origin, as a run against the built-in simulator does
  const res = await fetch(new URL(sim.url).origin + protocol.basePath + req.path, { method: 'POST', headers: req.headers, body: req.body });
  tracker.onStatus(res.status, {}, nowMs());
  for await (const chunk of res.body!) tracker.onData(Buffer.from(chunk), nowMs());
  tracker.onEnd(nowMs());
  return record!;
}

describe('--reasoning-tokens in every protocol that streams reasoning', () => {
  it.each(APIS)('%s: TTFT = prefill, TTFO = prefill + 5 x decode, 5 reasoning tokens counted', async (api) => {
    const r = await once(api);
    expect(r.outcome).toBe('completed');
    const ttft = r.first_token_ms! - r.sent_ms!;
    const ttfo = r.first_output_ms! - r.sent_ms!;
    // nothing arrives before the simulator sends it (its timer may fire a hair early): exact lower bounds.
    // A busy machine only delays reads (the simulator shares this process), so above: order, and no hang.
    // Reasoning missed would make TTFO = TTFT; an answer taken for reasoning, no TTFO at all
    expect(ttft).toBeGreaterThanOrEqual(PREFILL_MS - 3);
    expect(ttfo).toBeGreaterThanOrEqual(PREFILL_MS + REASONING * DECODE_MS - 3);
    expect(ttfo).toBeGreaterThan(ttft);
    expect(ttfo).toBeLessThan(5000);
    expect(r.reasoning_tokens).toBe(REASONING);
    expect(r.output_tokens).toBe(12);
  });
});
