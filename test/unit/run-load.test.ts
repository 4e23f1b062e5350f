import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/config/run-config.js';
import { runLoad, type RunIo, type StartWorkers } from '../../src/engine/run-load.js';
import { Distribution } from '../../src/metrics/distribution.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { SUMMARY_SCHEMA_VERSION, type RunSummary } from '../../src/metrics/summary.js';
import { SIM_DEFAULTS } from '../../src/sim/options.js';
import { OBSERVE_DEFAULTS } from '../../src/config/observe.js';
import { ObserveStartError } from '../../src/engine/observers.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import type { BatchMessage, WorkerFinal, WorkerSettings } from '../../src/workers/messages.js';
import type { PoolRun, WorkerFailureOr } from '../../src/workers/pool.js';
import { unsentRecord } from '../../src/workers/unsent.js';

const DIR = mkdtempSync(join(tmpdir(), 'run-load-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

let runs = 0;
const config = (over: Partial<RunConfig> = {}): RunConfig => ({
  // an endpoint is given, so no simulator starts; the fake workers never reach it
  endpoint: 'http://127.0.0.1:1/v1', name: 'fake', model: 'm', api: 'openai-chat', apiKeyEnv: 'NO_SUCH_KEY', region: null, headers: {},
  mode: 'open', rate: 10, arrival: 'constant', ramp: null, closedLoop: null, workloadFile: null, burstiness: 1, seed: 1, durationMs: 400,
  maxInFlight: 0, drainTimeoutMs: 1000, workers: 2, maxTokens: 2, stream: true, params: {}, prompt: 'hello',
  prompts: {
    input: null, output: null, dataset: null, tokenizer: 'none', exactOutput: false, datasetFile: null, datasetInfo: null,
    datasetDraw: 'in-turn', datasetFilter: null, datasetOutputTokens: null, chat: true, chatTemplate: null, prefix: null, trace: null, sessions: null,
  },
  resultsDir: DIR, connectTimeoutMs: 1000, connections: { cap: 0, perRequest: false }, requestTimeoutMs: 1000, ttftTimeoutMs: 1000, stallTimeoutMs: 1000, maxResponseBytes: 0,
  insecure: false, httpClient: 'http1', warmupMs: 0, progress: 'none', runId: `run-${runs++}`, measureError: false, sim: SIM_DEFAULTS,
  slo: [], shard: null, startAtMs: null, observe: OBSERVE_DEFAULTS, trace: null,
  ...over,
});

const final = (worker: number, late = 0): WorkerFinal => ({
  worker, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 }, utilization: 0.5, interChunk: new Distribution(1e3).encode(), promptMs: worker + 1, handlesAtEnd: { MessagePort: 1 },
  prompts: { look_ahead_ms: 1000, built: 2, built_before_t0: 2, late, late_build_ms: { total: late * 3, max: late ? 3 : 0 }, build_ms: 1, held_max: 2 },
});

const completed = (id: number, worker: number): RequestRecord => ({
  ...unsentRecord({ index: id, dueMs: id * 100 }, worker, 2, null, false, 'completed', null, ''),
  error_message: null, sent_ms: id * 100, first_token_ms: id * 100 + 10, first_output_ms: id * 100 + 10, end_ms: id * 100 + 30, http_status: 200,
  finish_reason: 'length', output_tokens: 2, output_tokens_source: 'usage', input_tokens: 3, chunks: 2, chunk_gap_sum_ms: 20, chunk_gap_max_ms: 20,
});

const batch = (worker: number, records: RequestRecord[]): BatchMessage => ({
  type: 'batch', worker, records, texts: records.map(() => null), tokens: [], progress: { sent: records.length, done: records.length, failed: 0, dropped: 0, inFlight: 0 },
});

/** Workers in name only: on start they hand the run their batches and end with `results`. */
function fakeWorkers(results: WorkerFailureOr<WorkerFinal>[] | Error, batches: BatchMessage[] = [batch(0, [completed(0, 0), completed(2, 0)]), batch(1, [completed(1, 1), completed(3, 1)])]) {
  const seen = { settings: null as WorkerSettings | null, started: false, stops: [] as [string, number][] };
  const start: StartWorkers = (_workers, settings, onBatch) => {
    seen.settings = settings;
    let finish!: () => void;
    const ended = new Promise<void>((r) => (finish = r));
    const pool: PoolRun = {
      ready: Promise.resolve(),
      start: () => {
        seen.started = true;
        batches.forEach(onBatch);
        finish();
      },
      stop: (reason, graceMs) => {
        seen.stops.push([reason, graceMs]);
        finish();
      },
      done: ended.then(() => (results instanceof Error ? Promise.reject(results) : results)),
    };
    return pool;
  };
  return { start, seen };
}

const io = (over: Partial<RunIo> = {}): RunIo & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l), progress: () => undefined, ...over };
};

const saved = (folder: string): RunSummary => JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
const listeners = () => ['uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM'].map((e) => process.listenerCount(e));

describe('runLoad with its workers faked, in process', () => {
  it('aggregates the batches, writes the folder and the summary, and leaves no handler behind', async () => {
    const before = listeners();
    const w = fakeWorkers([{ ok: true, value: final(0) }, { ok: true, value: final(1) }]);
    const { summary, folder } = await runLoad(config(), io(), w.start);
    expect(w.seen.started).toBe(true);
    expect(w.seen.settings).toMatchObject({ endpoint: 'http://127.0.0.1:1/v1', api: 'openai-chat', pacer: { kind: 'constant', rate: 10, durationMs: 400 } });
    expect(summary).toMatchObject({ status: 'completed', status_reason: null, requests: { completed: 4, sent: 4 }, run: { prompt_generation_ms: 2 } });
    expect(summary.client.handles_at_end).toEqual({ MessagePort: 2 });
    expect(saved(folder)).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(readFileSync(join(folder, 'requests.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
    expect(listeners()).toEqual(before);
  });

  it('prompts built after their due time are added over workers, warned about apart from send lag, and mark the client a bottleneck', async () => {
    const w = fakeWorkers([{ ok: true, value: final(0) }, { ok: true, value: final(1, 1) }]);
    const { summary } = await runLoad(config(), io(), w.start);
    expect(summary.client.prompts).toEqual({ look_ahead_ms: 1000, built: 4, built_before_t0: 4, late: 1, late_build_ms: { total: 3, max: 3 }, build_ms: 2, held_max: 2 });
    expect(summary.warnings).toContainEqual(expect.stringMatching(/^GENERATOR PROMPTS LATE: 1 of 4 prompts/));
    expect(summary.client.bottleneck).toBe(true);
  });

  it('the built-in simulator starts beside the workers; when it cannot start, the run fails and says so, nothing fired', async () => {
    const w = fakeWorkers([{ ok: true, value: final(0) }, { ok: true, value: final(1) }]);
    const { summary } = await runLoad(config({ endpoint: null, sim: { ...SIM_DEFAULTS, faults: 'nonsense:0.5' } }), io(), w.start);
    expect(w.seen.settings?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(w.seen.started).toBe(false);
    expect(summary).toMatchObject({ status: 'failed', status_reason: expect.stringMatching(/^built-in simulator did not start/), requests: { sent: 0 } });
  });

  it('a failed worker fails the run; every reason is kept, joined once', async () => {
    const w = fakeWorkers([{ ok: false, worker: 0, error: 'boom' }, { ok: false, worker: 1, error: 'exited' }]);
    const { summary, folder } = await runLoad(config(), io(), w.start);
    expect(summary).toMatchObject({ status: 'failed', status_reason: 'worker 0: boom; worker 1: exited' });
    expect(saved(folder).status_reason).toBe('worker 0: boom; worker 1: exited');
  });

  it('is interrupted by RunIo.stop: the workers stop with no grace and the summary says why', async () => {
    const stop = new AbortController();
    const w = fakeWorkers([{ ok: true, value: final(0) }, { ok: true, value: final(1) }], []);
    const start: StartWorkers = (n, s, onBatch) => {
      const pool = w.start(n, s, onBatch);
      return { ...pool, start: () => stop.abort('enough') };
    };
    const { summary } = await runLoad(config(), io({ stop: stop.signal }), start);
    expect(w.seen.stops).toEqual([['enough', 0]]);
    expect(summary).toMatchObject({ status: 'interrupted', status_reason: 'enough' });
  });

  it('removes its handlers even when the workers fail to report', async () => {
    const before = listeners();
    const w = fakeWorkers(new Error('pool broke'));
    await expect(runLoad(config(), io(), w.start)).rejects.toThrow('pool broke');
    expect(listeners()).toEqual(before);
  });

  it('scrapes the server from before t0 to after the last record, and writes report.html beside the results', async () => {
    let waiting = 0;
    const server = createServer((_req, res) => res.end(`vllm:num_requests_waiting{engine="0"} ${waiting++}\n`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      const w = fakeWorkers([{ ok: true, value: final(0) }, { ok: true, value: final(1) }]);
      const { summary, folder } = await runLoad(config({ observe: { ...OBSERVE_DEFAULTS, serverMetrics: url, serverMetricsIntervalMs: 100 } }), io(), w.start);
      // the baseline (before t0, left out of the gauges) and the last scrape (after the end) at least
      expect(summary.server_metrics!.scrapes.ok).toBeGreaterThanOrEqual(2);
      expect(summary.server_metrics!.queue_depth === null || summary.server_metrics!.queue_depth.max >= 1).toBe(true);
      expect(saved(folder).server_metrics!.url).toBe(url);
      expect(saved(folder).schema_version).toBe(SUMMARY_SCHEMA_VERSION);
      expect(readFileSync(join(folder, 'server_metrics.csv'), 'utf8')).toMatch(/^t_ms,metric,labels,value\n-[\d.]+,vllm:num_requests_waiting,"\{engine=""0""\}",0\n/);
      expect(existsSync(join(folder, 'report.html'))).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a --prometheus-port in use stops the run before the workers start and before its folder exists', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const port = (taken.address() as AddressInfo).port;
      const w = fakeWorkers([]);
      await expect(runLoad(config({ observe: { ...OBSERVE_DEFAULTS, prometheusPort: port }, runId: 'port-taken' }), io(), w.start)).rejects.toThrow(ObserveStartError);
      expect(w.seen.settings).toBeNull();
      expect(existsSync(join(DIR, 'port-taken'))).toBe(false);
    } finally {
      taken.close();
    }
  });
});
