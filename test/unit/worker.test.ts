import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { protocolFor } from '../../src/protocols/registry.js';
import { FakeClock } from '../../src/schedule/clock.js';
import { openAiChatFormat } from '../../src/sim/formats/openai.js';
import type { HttpRequest, Transport, TransportObserver } from '../../src/transport/types.js';
import type { ControlMessage, TaskInput, WorkerMessage, WorkerSettings } from '../../src/workers/messages.js';
import { StripeWorker, type StripeResult } from '../../src/workers/stripe-worker.js';
import { RequestPlanner } from '../../src/workload/request-plan.js';

/** One whole OpenAI chat stream: two answer tokens, usage, [DONE]. */
const frames = openAiChatFormat.stream({ model: 'm', prompt: 'p', messages: null, maxTokens: 2, stream: true, includeUsage: true, perChunkUsage: false }, { usage: { input: 3, output: 2, reasoning: 0, cached: 0 }, finish: 'length' });
const BODY = Buffer.concat([frames.head(), frames.chunk(' a', 'output'), frames.end(' b', 'output')]);

/** Records every request handed to it; the test answers them (or not) when it likes. */
class FakeTransport implements Transport {
  readonly sent: { req: HttpRequest; sentAt: number; obs: TransportObserver; aborted: string | null }[] = [];
  closed = false;

  send(req: HttpRequest, now: () => number, obs: TransportObserver): (reason: Error) => void {
    const s = { req, sentAt: now(), obs, aborted: null as string | null };
    this.sent.push(s);
    return (reason) => (s.aborted = reason.message);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  answer(n: number, atMs: number): void {
    const { obs } = this.sent[n];
    obs.onStatus(200, {}, atMs);
    obs.onData(BODY, atMs);
    obs.onEnd(atMs);
  }
}

const SETTINGS: WorkerSettings = {
  endpoint: 'http://127.0.0.1:1/v1', api: 'openai-chat', model: 'm', apiKey: 'sk-secret', region: null, endpointGiven: true, headers: {},
  stream: true, maxTokens: 2, params: {},
  // 10 arrivals 100 ms apart; worker 0 of 2 owns 0, 2, 4, 6, 8 (due 0, 200, ..., 800 ms)
  pacer: { kind: 'constant', rate: 10, durationMs: 1000 }, shard: { index: 0, count: 1 }, closedLoop: null,
  maxInFlight: 0, drainTimeoutMs: 5_000, limits: { ttftMs: Infinity, stallMs: Infinity, totalMs: Infinity, maxBytes: 0 },
  connectTimeoutMs: 1000, insecure: false, httpClient: 'http1', connections: { spare: 1, cap: 0, perRequest: false },
  prompt: {
    text: 'hello', input: null, output: null, dataset: null, tokenizer: 'none', seed: 1, exactOutput: false,
    datasetFilter: null, datasetOutputTokens: null, datasetDraw: 'in-turn', chat: true, chatTemplate: null, prefix: null, trace: null, sessions: null,
  },
  warmupMs: 0, measureError: false,
};

/** A worker in this thread: a fake clock and transport, the real ports, protocol and planner. */
async function startWorker(over: Partial<WorkerSettings> = {}, loopDelayMs?: () => number) {
  const settings = { ...SETTINGS, ...over };
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const { port1, port2 } = new MessageChannel();
  const messages: WorkerMessage[] = [];
  port1.on('message', (m: WorkerMessage) => messages.push(m));
  const starts: bigint[] = [];
  const input: TaskInput = { worker: 0, workers: 2, settings, port: port2, shared: new SharedArrayBuffer(8) };
  const planner = await RequestPlanner.create(settings.prompt, settings.maxTokens);
  const worker = new StripeWorker(input, {
    protocol: protocolFor(settings.api), transport, planner, clock, clockAt: () => clock, warmUp: async () => undefined, onStart: (t0) => void starts.push(t0), loopDelayMs,
  });
  // the last batch and the end message are still crossing the channel when run() resolves
  const done = worker.run().then(async (r) => (await until(() => messages.some((m) => m.type === 'end')), r));
  opened.push(port1);
  const control = (m: ControlMessage) => port1.postMessage(m);
  const records = () => messages.flatMap((m) => (m.type === 'batch' ? m.records : []));
  await until(() => messages.some((m) => m.type === 'ready'));
  return { worker, clock, transport, messages, records, control, done, starts };
}

const opened: MessagePort[] = [];
afterEach(() => opened.splice(0).forEach((p) => p.close()));

/** Lets messages cross the channel until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 500) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const byId = (rs: RequestRecord[]) => [...rs].sort((a, b) => a.id - b.id);

describe('a worker, in process', () => {
  it('fires its stripe on schedule from the start message, drains, and ends', async () => {
    const w = await startWorker();
    expect(w.transport.sent).toHaveLength(0);
    w.control({ type: 'start', t0Ns: '123' });
    await until(() => w.transport.sent.length === 1);
    expect(w.starts).toEqual([123n]);
    w.clock.advance(450);
    expect(w.transport.sent.map((s) => s.sentAt)).toEqual([0, 200, 400]);
    w.clock.advance(1000);
    expect(w.transport.sent.map((s) => s.sentAt)).toEqual([0, 200, 400, 600, 800]);
    expect(JSON.parse(w.transport.sent[1].req.body).messages[0].content).toBe('2 hello');
    w.transport.sent.forEach((_, n) => w.transport.answer(n, 1500 + n));
    const result: StripeResult = await w.done;
    expect(result.crash).toBeNull();
    const rs = byId(w.records());
    expect(rs.map((r) => [r.id, r.scheduled_ms, r.sent_ms, r.outcome, r.output_tokens])).toEqual([0, 2, 4, 6, 8].map((i) => [i, i * 100, i * 100, 'completed', 2]));
    expect(w.messages.at(-1)).toEqual({ type: 'end', worker: 0 });
  });

  it('drains: what is still in flight when the drain time is up is recorded incomplete and its connection aborted', async () => {
    const w = await startWorker({ drainTimeoutMs: 30 });
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.clock.advance(1000);
    [0, 1, 2, 4].forEach((n) => w.transport.answer(n, 1100));
    await w.done;
    const rs = byId(w.records());
    expect(rs.map((r) => r.outcome)).toEqual(['completed', 'completed', 'completed', 'incomplete', 'completed']);
    expect(rs[3]).toMatchObject({ error_class: 'aborted', error_message: 'still in flight when the drain timeout expired' });
    expect(w.transport.sent.map((s) => s.aborted)).toEqual([null, null, null, 'still in flight when the drain timeout expired', null]);
  });

  it('crashes: firing stops, in-flight requests are recorded as client errors, the main thread is told, the task fails', async () => {
    const w = await startWorker();
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.clock.advance(250);
    w.worker.crash(new Error('boom'));
    w.clock.advance(1000);
    expect(w.transport.sent).toHaveLength(2);
    const result = await w.done;
    expect(result.crash?.message).toBe('boom');
    expect(w.messages).toContainEqual({ type: 'crashed', worker: 0, error: 'boom', atMs: 250 });
    expect(byId(w.records()).map((r) => [r.id, r.outcome, r.error_class, r.error_message])).toEqual([
      [0, 'failed', 'client_error', 'worker 0 crashed: boom'],
      [2, 'failed', 'client_error', 'worker 0 crashed: boom'],
    ]);
  });

  it('is interrupted: a stop message ends firing, and in-flight requests get its grace (none here)', async () => {
    const w = await startWorker();
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.clock.advance(450);
    w.transport.answer(0, 450);
    w.control({ type: 'stop', reason: 'SIGINT', graceMs: 0 });
    await w.done;
    w.clock.advance(1000);
    expect(w.transport.sent).toHaveLength(3);
    expect(byId(w.records()).map((r) => [r.id, r.outcome])).toEqual([[0, 'completed'], [2, 'incomplete'], [4, 'incomplete']]);
  });

  it('drops an arrival that finds --max-in-flight reached, and counts the slot back when a request ends', async () => {
    const w = await startWorker({ maxInFlight: 1 });
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.clock.advance(250);
    w.transport.answer(0, 300);
    w.clock.advance(200);
    w.clock.advance(1000);
    w.transport.sent.forEach((s, n) => n > 0 && w.transport.answer(n, 1500));
    await w.done;
    expect(byId(w.records()).map((r) => [r.id, r.outcome, r.error_message])).toEqual([
      [0, 'completed', null], [2, 'dropped', '--max-in-flight reached'], [4, 'completed', null], [6, 'dropped', '--max-in-flight reached'], [8, 'dropped', '--max-in-flight reached'],
    ]);
  });

  it("drops an arrival that finds its share of --connections busy (one connection per request in flight), and stamps each send's loop delay", async () => {
    // 3 connections over 2 workers: worker 0 holds 2
    const w = await startWorker({ connections: { spare: 3, cap: 3, perRequest: false } }, () => 0.75);
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.clock.advance(450);
    w.transport.answer(0, 500);
    w.clock.advance(1000);
    w.transport.sent.forEach((s, n) => n > 0 && w.transport.answer(n, 1500));
    await w.done;
    expect(byId(w.records()).map((r) => [r.id, r.outcome, r.error_message, r.loop_delay_ms])).toEqual([
      [0, 'completed', null, 0.75], [2, 'completed', null, 0.75], [4, 'dropped', '--connections reached', null], [6, 'completed', null, 0.75], [8, 'dropped', '--connections reached', null],
    ]);
  });

  it('builds prompts a bounded time ahead: the first second before it is ready, the rest as they come within reach, none late', async () => {
    // 10 s at 10 req/s: worker 0 of 2 owns 50 arrivals, due 0, 200, ..., 9800 ms
    const prompt = { ...SETTINGS.prompt, input: { mean: 30, stddev: 0 }, tokenizer: 'cl100k' as const };
    const w = await startWorker({ pacer: { kind: 'constant', rate: 10, durationMs: 10_000 }, prompt });
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    for (let t = 0; t < 10_000; t += 100) {
      w.clock.advance(100);
      // the window fills between sends, after pending I/O
      await new Promise((r) => setImmediate(r));
    }
    w.transport.sent.forEach((_, n) => w.transport.answer(n, 10_100));
    const result = await w.done;
    expect(w.transport.sent).toHaveLength(50);
    expect(result.prompts).toMatchObject({ look_ahead_ms: 1000, built: 50, built_before_t0: 5, late: 0 });
    // at most the arrivals of one look-ahead second (5) and the one entering it
    expect(result.prompts.held_max).toBeLessThanOrEqual(6);
    expect(byId(w.records()).every((r) => r.input_tokens_client === 30)).toBe(true);
  });

  it('redacts the API key from every error message it sends', async () => {
    const w = await startWorker({ drainTimeoutMs: 0 });
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.transport.sent[0].obs.onError(new Error('proxy said: bad key sk-secret'), 10);
    w.clock.advance(1000);
    await w.done;
    expect(byId(w.records())[0].error_message).not.toContain('sk-secret');
  });
});

describe('a replayed trace with sessions, in process', () => {
  const prompt = (text: string) => ({ kind: 'prompt' as const, prompt: text });
  // arrival 0: session s1 of three turns (due 0, 50, 60); arrival 1 (worker 1's); arrival 2: a request of its own
  const trace = [
    { input: prompt('q1'), maxTokens: null, session: 's1', later: [{ input: prompt('q2'), maxTokens: null, dueMs: 50 }, { input: prompt('q3'), maxTokens: null, dueMs: 60 }] },
    { input: prompt('other'), maxTokens: null, session: null, later: [] },
    { input: prompt('solo'), maxTokens: null, session: null, later: [] },
  ];
  const settings = { pacer: { kind: 'trace' as const, dueMs: [0, 10, 100] }, prompt: { ...SETTINGS.prompt, tokenizer: 'cl100k' as const, trace } };
  const sentMessages = (w: Awaited<ReturnType<typeof startWorker>>) => w.transport.sent.map((s) => JSON.parse(s.req.body).messages.map((m: { role: string; content: string }) => `${m.role}: ${m.content}`));

  it("a session's turns carry the conversation so far (the answers received); each waits for its offset and for the previous answer; its records say session and turn", async () => {
    const w = await startWorker(settings);
    w.control({ type: 'start', t0Ns: '0' });
    await until(() => w.transport.sent.length === 1);
    w.clock.advance(40);
    expect(w.transport.sent).toHaveLength(1);
    // answered at 40: the next turn waits for its own offset, 50
    w.transport.answer(0, 40);
    w.clock.advance(10);
    await until(() => w.transport.sent.length === 2);
    // turn 2 is due at 60, but its previous answer comes at 80: it goes then
    w.clock.advance(30);
    expect(w.transport.sent).toHaveLength(2);
    w.transport.answer(1, 80);
    await until(() => w.transport.sent.length === 3);
    w.clock.advance(20);
    await until(() => w.transport.sent.length === 4);
    w.transport.answer(2, 120);
    w.transport.answer(3, 120);
    await w.done;
    expect(w.transport.sent.map((s) => s.sentAt)).toEqual([0, 50, 80, 100]);
    expect(sentMessages(w)).toEqual([
      ['user: q1'],
      ['user: q1', 'assistant:  a b', 'user: q2'],
      ['user: q1', 'assistant:  a b', 'user: q2', 'assistant:  a b', 'user: q3'],
      ['user: solo'],
    ]);
    const rs = byId(w.records());
    expect(rs.map((r) => [r.id, r.session, r.turn, r.session_turns, r.scheduled_ms, r.outcome])).toEqual([
      [0, 0, 0, 3, 0, 'completed'],
      [2, null, null, null, 100, 'completed'],
      [3, 0, 1, 3, 50, 'completed'],
      [6, 0, 2, 3, 80, 'completed'],
    ]);
  });
});
