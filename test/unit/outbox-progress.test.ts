import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/workers/outbox.js';
import type { BatchMessage } from '../../src/workers/messages.js';
import { requestTarget, splitEndpoint } from '../../src/transport/endpoint.js';

describe('live progress while requests hang', () => {
  it('sends and in-flight requests reach the main thread with no record finished', async () => {
    const { port1, port2 } = new MessageChannel();
    const got: BatchMessage[] = [];
    port2.on('message', (m: BatchMessage) => got.push(m));
    let inFlight = 0;
    const outbox = new Outbox(0, port1, (t) => t, () => inFlight);
    for (let i = 0; i < 300; i++) {
      outbox.sent();
      inFlight++;
    }
    outbox.flush();
    // nothing changed since: no message
    outbox.flush();
    await new Promise((r) => setTimeout(r, 20));
    port1.close();
    expect(got).toHaveLength(1);
    expect(got[0].records).toEqual([]);
    expect(got[0].progress).toMatchObject({ sent: 300, inFlight: 300, done: 0 });
  });
});

describe('request targets under an endpoint with a query string', () => {
  it('keeps the endpoint query, after a path query of its own', () => {
    const azure = splitEndpoint('https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21');
    expect(requestTarget(azure, '/chat/completions')).toBe('/openai/deployments/d/chat/completions?api-version=2024-10-21');
    expect(requestTarget(azure, '/models/m:streamGenerateContent?alt=sse')).toBe('/openai/deployments/d/models/m:streamGenerateContent?alt=sse&api-version=2024-10-21');
    expect(requestTarget(splitEndpoint('http://h/v1'), '/completions')).toBe('/v1/completions');
  });
});
