import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aggregator } from '../src/metrics/aggregator.js';
import { buildSummary, type SummaryMeta } from '../src/metrics/build-summary.js';
import type { RequestRecord } from '../src/metrics/record.js';
import { NON_STREAMING_NOTE, type RunSummary } from '../src/metrics/summary.js';
import { BUCKET_HEADER, bucketRows, secondRows, SECOND_HEADER } from '../src/results/csv-rows.js';
import { FILES, RunFolder } from '../src/results/run-folder.js';
import { seededRandom } from '../src/schedule/random.js';
import { record } from './unit/summary-fixture.js';

/** A run to write as the CLI would: one endpoint, an open-loop constant rate, synthetic but self-consistent requests. */
export interface RunSpec {
  name: string;
  model?: string;
  rate?: number;
  durationS?: number;
  /** TTFT of a request, ms, before jitter (up to +50 %). */
  ttftMs?: number;
  /** Decode time per token, ms. */
  decodeMs?: number;
  maxTokens?: number;
  stream?: boolean;
  /** Added to every send time (ms): a late generator (GENERATOR BEHIND SCHEDULE past 1 ms at p99). */
  sendLagMs?: number;
  /** The run's start; later runs of the same endpoint and workload replace earlier ones. */
  startedAt?: string;
  workloadFile?: string | null;
  /** Every Nth request fails with a connect error (0: none). */
  failEvery?: number;
  seed?: number;
  /** Overrides of the summary, applied last (e.g. an older schema without `host`). */
  edit?: (s: RunSummary) => void;
}

function records(spec: Required<Omit<RunSpec, 'edit' | 'startedAt' | 'workloadFile' | 'model'>>): RequestRecord[] {
  const rand = seededRandom(spec.seed);
  const n = Math.round(spec.rate * spec.durationS);
  return Array.from({ length: n }, (_, id): RequestRecord => {
    const scheduled = (id * 1000) / spec.rate;
    const sent = scheduled + spec.sendLagMs * rand();
    const failed = spec.failEvery > 0 && id % spec.failEvery === spec.failEvery - 1;
    const first = sent + spec.ttftMs * (1 + 0.5 * rand());
    const tokens = spec.maxTokens;
    const end = spec.stream ? first + spec.decodeMs * (tokens - 1) * (1 + 0.1 * rand()) : first;
    const base = {
      id, worker: 0, warmup: false, scheduled_ms: scheduled, sent_ms: sent, input_tokens_client: null, output_tokens_client: null,
      requested_output_tokens: tokens, first_chunk_tokens: null, reasoning_tokens: 0, input_tokens: 25, retry_after: null, response_bytes: 0,
    };
    if (failed) {
      return record({ ...base, outcome: 'failed', first_token_ms: null, first_output_ms: null, end_ms: sent + 1, http_status: null, error_class: 'connect', error_message: 'ECONNREFUSED',
        finish_reason: null, output_tokens: 0, output_tokens_source: 'usage', chunks: 0, chunk_gap_sum_ms: 0, chunk_gap_max_ms: 0 });
    }
    const chunks = spec.stream ? tokens : 1;
    return record({ ...base, outcome: 'completed', first_token_ms: first, first_output_ms: first, end_ms: end, http_status: 200, error_class: null, error_message: null,
      finish_reason: 'length', output_tokens: tokens, output_tokens_source: 'usage', chunks, chunk_gap_sum_ms: end - first, chunk_gap_max_ms: spec.decodeMs * 1.1 });
  });
}

/** Writes `<root>/<name>/<workload>/<run id>/` with requests.csv, summary.json, timeseries.csv and buckets.csv; returns the folder. */
export function writeSavedRun(root: string, spec: RunSpec): string {
  const s = { model: 'sim-model', rate: 5, durationS: 30, ttftMs: 50, decodeMs: 10, maxTokens: 20, stream: true, sendLagMs: 0.2, failEvery: 0, seed: 1, ...spec };
  const started = s.startedAt ?? '2026-11-23T12:00:00.000Z';
  const workloadDir = s.workloadFile === undefined || s.workloadFile === null ? 'cli' : s.workloadFile.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  const runId = `${started.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${s.name}`;
  const folder = new RunFolder(join(root, s.name, workloadDir), runId);
  const agg = new Aggregator();
  const rs = records(s);
  for (const r of rs) agg.add(r);
  folder.appendRecords(rs);
  const t0 = Date.parse(started) + 100;
  folder.writeCsv(FILES.timeseries, SECOND_HEADER, secondRows(agg));
  folder.writeCsv(FILES.buckets, BUCKET_HEADER, bucketRows(agg, t0));
  const summary = buildSummary(agg, meta(s, runId, started, t0));
  s.edit?.(summary);
  folder.writeSummary(summary);
  folder.close();
  return folder.path;
}

function meta(s: Required<Omit<RunSpec, 'edit' | 'startedAt' | 'workloadFile'>> & Pick<RunSpec, 'workloadFile'>, runId: string, started: string, t0: number): SummaryMeta {
  return {
    status: 'completed', status_reason: null, tool: { name: 'auto-testing', version: '0.1.0' },
    host: { cpu_count: 2, cpu_model: 'Test CPU', os: 'Linux 6.0 (x64)', node_version: 'v20.20.2' },
    run: {
      id: runId, started_at: started, t0_wall_ms: t0, duration_s: s.durationS, elapsed_s: s.durationS + 1, mode: 'open', rate: s.rate, concurrency: null,
      prompt_generation_ms: 1, arrival: 'constant', workers: 1, max_in_flight: null, drain_timeout_s: 60, max_tokens: s.maxTokens, stream: s.stream,
    },
    endpoint: { name: s.name, url: 'http://127.0.0.1:1/v1', api: 'openai-chat', model: s.model, simulated: true },
    workload: {
      file: s.workloadFile ?? null, mode: 'open', rate: s.rate, duration_s: s.durationS, arrival: 'constant', burstiness: 1, ramp: null, concurrency: null,
      max_requests: null, timeout_s: null, seed: 42, warmup_s: 0, sampling_params: {}, max_tokens: s.maxTokens, api: 'openai-chat', stream: s.stream,
      prompts: { source: 'text', tokenizer: 'llama2', dataset: null, prompts_in_dataset: null, mean_input_tokens: null, stddev_input_tokens: null, mean_output_tokens: null, stddev_output_tokens: null, exact_output: false },
    },
    client: { event_loop_delay_ms: { main: { p50: 0, p99: 0, max: 0 }, workers: [{ worker: 0, p50: 0, p99: 0, max: 0, utilization: 0.1 }] }, cpu: { user_s: 0, system_s: 0, utilization: 0 }, memory_mb: { rss_max: 0 }, handles_at_end: {} },
    warnings: [],
    notes: s.stream ? [] : [NON_STREAMING_NOTE],
  };
}

/** A capacity search's folder: capacity.json and one step folder per rate (the CLI's layout). */
export function writeCapacitySearch(root: string, name: string, rates: number[], spec: Omit<RunSpec, 'name' | 'rate'> = {}): string {
  const folder = join(root, name, `capacity-${name}`);
  rates.forEach((rate, i) => writeSavedRun(folder, { ...spec, name: `step-${String(i + 1).padStart(2, '0')}-${rate}rps`, rate, edit: (s) => {
    s.endpoint.name = name;
    spec.edit?.(s);
  } }));
  writeFileSync(join(folder, 'capacity.json'), '{}\n');
  return folder;
}
