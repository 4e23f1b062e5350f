import type { MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Distribution } from '../../src/metrics/distribution.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import type { BatchMessage, ControlMessage, TaskInput, WorkerFinal, WorkerMessage, WorkerSettings } from '../../src/workers/messages.js';
import { startWorkers, type TaskRunner } from '../../src/workers/pool.js';
import { unsentRecord } from '../../src/workers/unsent.js';

const SETTINGS: WorkerSettings = {
  endpoint: 'http://127.0.0.1:1/v1', api: 'openai-chat', model: 'm', apiKey: undefined, region: null, endpointGiven: true, headers: {},
  stream: true, maxTokens: 2, params: {},
  // 10 arrivals 100 ms apart: worker 0 owns 0, 2, 4, 6, 8 and worker 1 owns 1, 3, 5, 7, 9
  pacer: { kind: 'constant', rate: 10, durationMs: 1000 }, shard: { index: 0, count: 1 }, closedLoop: null,
  maxInFlight: 0, drainTimeoutMs: 1000, limits: { ttftMs: Infinity, stallMs: Infinity, totalMs: Infinity, maxBytes: 0 },
  connectTimeoutMs: 1000, insecure: false, httpClient: 'http1', connections: { spare: 1, cap: 0, perRequest: false },
  prompt: { text: 'hello', input: null, output: null, dataset: null, tokenizer: 'none', seed: 1, exactOutput: false,
    datasetDraw: 'in-turn', datasetFilter: null, datasetOutputTokens: null, chat: true, chatTemplate: null, prefix: null, trace: null, sessions: null },
  warmupMs: 0, measureError: false,
};

const final = (worker: number): WorkerFinal => ({
  worker, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 }, utilization: 0, interChunk: new Distribution(1e3).encode(), promptMs: 0, handlesAtEnd: {},
  prompts: { look_ahead_ms: 1000, built: 0, built_before_t0: 0, late: 0, late_build_ms: { total: 0, max: 0 }, build_ms: 0, held_max: 0 },
});

const completed = (id: number, worker: number): RequestRecord => ({ ...unsentRecord({ index: id, dueMs: id * 100 }, worker, 2, null, false, 'completed', null, ''), error_message: null });

type Script = (input: TaskInput, say: (m: WorkerMessage) => void, heard: Promise<ControlMessage>) => Promise<WorkerFinal>;

/** Runs each worker's task in this thread as `scripts[worker]` says, on the real ports the pool hands it. */
function runner(scripts: Script[]): TaskRunner & { heard: ControlMessage[]; destroyed: boolean } {
  const heard: ControlMessage[] = [];
  const r = {
    heard,
    destroyed: false,
    run(input: TaskInput) {
      const port: MessagePort = input.port;
      const first = new Promise<ControlMessage>((resolve) => port.on('message', (m: ControlMessage) => (heard.push(m), resolve(m))));
      return scripts[input.worker](input, (m) => port.postMessage(m), first).finally(() => port.close());
    },
    async destroy() {
      r.destroyed = true;
    },
  };
  return r;
}

/** A worker that does its job: ready, one batch after the start message, end. */
const healthy: Script = async (input, say, heard) => {
  say({ type: 'ready', worker: input.worker });
  await heard;
  say({ type: 'batch', worker: input.worker, records: [completed(input.worker, input.worker)], texts: [null], tokens: [0, 5], progress: { sent: 1, done: 1, failed: 0, dropped: 0, inFlight: 0 } });
  say({ type: 'end', worker: input.worker });
  return final(input.worker);
};

describe('the worker pool, in process', () => {
  it('starts every worker at one t0, forwards their batches and returns their finals', async () => {
    const batches: BatchMessage[] = [];
    const run = runner([healthy, healthy]);
    const pool = startWorkers(2, SETTINGS, (b) => batches.push(b), run, () => 0n);
    await pool.ready;
    pool.start(20_000_000n);
    const results = await pool.done;
    expect(results).toEqual([{ ok: true, value: final(0) }, { ok: true, value: final(1) }]);
    expect(run.heard).toEqual([{ type: 'start', t0Ns: '20000000' }, { type: 'start', t0Ns: '20000000' }]);
    expect(batches.map((b) => b.records[0].id).sort()).toEqual([0, 1]);
    expect(run.destroyed).toBe(true);
  });

  it('a stop reaches every worker with its grace', async () => {
    const run = runner([healthy, healthy]);
    const pool = startWorkers(2, SETTINGS, () => undefined, run, () => 0n);
    await pool.ready;
    pool.stop('SIGINT', 500);
    await pool.done;
    expect(run.heard).toEqual([{ type: 'stop', reason: 'SIGINT', graceMs: 500 }, { type: 'stop', reason: 'SIGINT', graceMs: 500 }]);
  });

  it('a worker that crashes: its arrivals without a record are failed when due before it stopped, dropped after', async () => {
    const crashing: Script = async (input, say, heard) => {
      say({ type: 'ready', worker: 1 });
      await heard;
      say({ type: 'batch', worker: 1, records: [completed(1, 1)], texts: [null], tokens: [], progress: { sent: 3, done: 1, failed: 0, dropped: 0, inFlight: 2 } });
      say({ type: 'crashed', worker: 1, error: 'boom', atMs: 550 });
      throw new Error('boom');
    };
    const batches: BatchMessage[] = [];
    const pool = startWorkers(2, SETTINGS, (b) => batches.push(b), runner([healthy, crashing]), () => 0n);
    await pool.ready;
    pool.start(0n);
    const [ok, dead] = await pool.done;
    expect(ok.ok).toBe(true);
    expect(dead).toEqual({ ok: false, worker: 1, error: 'boom (2 in-flight request(s) without a record marked failed, 2 later arrival(s) dropped)' });
    const lost = batches.filter((b) => b.worker === 1).flatMap((b) => b.records).filter((r) => r.id !== 1);
    expect(lost.map((r) => [r.id, r.outcome, r.error_message])).toEqual([
      [3, 'failed', 'in flight when worker 1 died (boom); outcome unknown'],
      [5, 'failed', 'in flight when worker 1 died (boom); outcome unknown'],
      [7, 'dropped', 'never sent: worker 1 died (boom)'],
      [9, 'dropped', 'never sent: worker 1 died (boom)'],
    ]);
  });

  it('a thread that died without a word is cut off at the time its death was seen, on the pool clock', async () => {
    const silent: Script = async (input, say, heard) => {
      say({ type: 'ready', worker: 1 });
      await heard;
      // its last report: two arrivals sent (a worker reports its sends every flush, records or not)
      say({ type: 'batch', worker: 1, records: [], texts: [], tokens: [], progress: { sent: 2, done: 0, failed: 0, dropped: 0, inFlight: 2 } });
      throw new Error('exited');
    };
    const batches: BatchMessage[] = [];
    let now = 0n;
    const pool = startWorkers(2, SETTINGS, (b) => batches.push(b), runner([healthy, silent]), () => now);
    await pool.ready;
    pool.start(0n);
    now = 350_000_000n;
    const [, dead] = await pool.done;
    expect(dead).toMatchObject({ ok: false, worker: 1 });
    expect(batches.filter((b) => b.worker === 1).flatMap((b) => b.records).map((r) => [r.id, r.outcome])).toEqual([
      [1, 'failed'], [3, 'failed'], [5, 'dropped'], [7, 'dropped'], [9, 'dropped'],
    ]);
  });
});
