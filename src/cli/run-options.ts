import { availableParallelism } from 'node:os';
import type { Options } from 'yargs';
import { parseDuration } from '../config/duration.js';
import { RUN_DEFAULTS, SIM_DEFAULTS, type RunConfig } from '../config/run-config.js';
import { API_NAMES, protocolFor } from '../protocols/registry.js';
import { ARRIVALS, type ArrivalName } from '../schedule/pacers.js';
import { parseSlos, type Slo } from '../slo/parse.js';
import { readShardOptions, SHARD_OPTIONS } from './shard-options.js';
import { readSimOptions, simYargsOptions } from './sim-options.js';

const LOAD = 'Load:';
const TARGET = 'Endpoint:';
const OUT = 'Output:';

export const RUN_OPTIONS: Record<string, Options> = {
  endpoint: { type: 'string', group: TARGET, describe: 'Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1 (omit to use the built-in simulator)' },
  model: { type: 'string', group: TARGET, describe: 'Model name sent in every request (required with --endpoint)' },
  api: { type: 'string', group: TARGET, default: RUN_DEFAULTS.api, describe: `Wire protocol: ${API_NAMES.join(', ')}` },
  'api-key-env': { type: 'string', group: TARGET, describe: 'Name of the environment variable holding the API key (default: the protocol\'s, e.g. OPENAI_API_KEY)' },
  header: { type: 'string', array: true, group: TARGET, describe: "Extra request header 'Name: value' (repeatable)" },
  name: { type: 'string', group: TARGET, describe: 'Endpoint name used in results and leaderboards (default: the URL host)' },
  rate: { type: 'number', group: LOAD, default: RUN_DEFAULTS.rate, describe: 'Arrival rate, requests per second (open loop: independent of completions)' },
  arrival: { type: 'string', group: LOAD, default: RUN_DEFAULTS.arrival, choices: [...ARRIVALS], describe: 'constant: evenly spaced; poisson: random gaps (see --burstiness); burst: rate requests together at each whole second (the seed script)' },
  burstiness: { type: 'number', group: LOAD, default: RUN_DEFAULTS.burstiness, describe: 'With --arrival poisson: gamma shape of the gaps (1 = Poisson, < 1 burstier, > 1 more regular), as vLLM bench' },
  seed: { type: 'number', group: LOAD, default: RUN_DEFAULTS.seed, describe: 'Seed of every random choice (arrival gaps), so a schedule is reproducible' },
  duration: { type: 'string', group: LOAD, default: RUN_DEFAULTS.duration, describe: 'How long arrivals are fired: 120s, 2m, 500ms or seconds' },
  'max-in-flight': { type: 'number', group: LOAD, default: RUN_DEFAULTS.maxInFlight, describe: 'Concurrency cap; an arrival finding it reached is dropped and counted (0 = no cap)' },
  'drain-timeout': { type: 'string', group: LOAD, default: RUN_DEFAULTS.drainTimeout, describe: 'After --duration, how long in-flight requests may finish before being marked incomplete' },
  workers: { type: 'number', group: LOAD, describe: 'Worker threads doing the network I/O (default: CPU count)' },
  warmup: { type: 'string', group: LOAD, default: RUN_DEFAULTS.warmup, describe: 'Requests scheduled in this first stretch are sent and written but flagged and left out of the statistics' },
  'sampling-params': { type: 'string', group: LOAD, describe: 'JSON object merged into every request body, e.g. \'{"temperature":0.7}\' (LLMPerf --additional-sampling-params)' },
  'max-tokens': { type: 'number', group: LOAD, default: RUN_DEFAULTS.maxTokens, describe: 'max_tokens asked of every request' },
  stream: { type: 'boolean', group: LOAD, default: true, describe: 'Stream responses (--no-stream: TTFT then equals E2E)' },
  prompt: { type: 'string', group: LOAD, default: RUN_DEFAULTS.prompt, describe: 'Prompt text; each request gets a distinct prefix so no prompt is a cache hit' },
  'request-timeout': { type: 'string', group: LOAD, default: RUN_DEFAULTS.requestTimeout, describe: 'Per-request limit on waiting for headers and between body chunks' },
  slo: { type: 'string', group: 'Objectives:', describe: "Service-level objectives checked at the end (exit code 3 if one fails), e.g. 'ttft_p99<=2s,tpot_p50<=40ms,error_rate<=1%,total_tps_peak>=500'; per-request ones (ttft/ttfo/tpot/itl/e2e) also define goodput" },
  'results-dir': { type: 'string', group: OUT, default: RUN_DEFAULTS.resultsDir, describe: 'Where the run folder (requests.csv, summary.json, timeseries.csv) is written' },
  'run-id': { type: 'string', group: OUT, describe: 'Name of the run folder (default: UTC timestamp + endpoint name)' },
  progress: { type: 'string', group: OUT, default: 'auto', choices: ['auto', 'tty', 'plain', 'none'], describe: 'Live progress: one updating line on a terminal, a line every 10 s otherwise' },
  'measure-error': { type: 'boolean', group: OUT, default: false, describe: 'Bench mode: record per-token receive time - the chunk\'s send stamp (an endpoint run as `sim --stamp`; implied for the built-in simulator) in client.measurement_error' },
  json: { type: 'boolean', group: OUT, default: false, describe: 'Print summary.json to stdout instead of the table' },
  ...SHARD_OPTIONS,
  ...simYargsOptions('sim-'),
};

function duration(argv: Record<string, unknown>, flag: string, problems: string[], min = 0): number {
  const ms = parseDuration(String(argv[flag]));
  if (ms === null || ms < min) {
    problems.push(`--${flag}: '${String(argv[flag])}' is not a duration; use e.g. 120s, 2m, 500ms or plain seconds${min ? ' (greater than 0)' : ''}`);
    return 0;
  }
  return ms;
}

function positive(argv: Record<string, unknown>, flag: string, problems: string[], opts: { integer?: boolean; allowZero?: boolean } = {}): number {
  const v = argv[flag] as number;
  const ok = typeof v === 'number' && Number.isFinite(v) && (opts.allowZero ? v >= 0 : v > 0) && (!opts.integer || Number.isInteger(v));
  if (!ok) problems.push(`--${flag}: must be ${opts.integer ? 'an integer' : 'a number'} ${opts.allowZero ? '>= 0' : '> 0'}, got '${String(argv[flag])}'`);
  return ok ? v : 0;
}

function integer(argv: Record<string, unknown>, flag: string, problems: string[]): number {
  const v = argv[flag];
  if (Number.isInteger(v)) return v as number;
  problems.push(`--${flag}: must be an integer, got '${String(v)}'`);
  return 0;
}

function parseHeaders(list: unknown, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of (list as string[] | undefined) ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) {
      problems.push(`--header: '${h.split(':')[0]}…' must look like 'Name: value'`);
      continue;
    }
    out[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return out;
}

function samplingParams(v: unknown, problems: string[]): Record<string, unknown> {
  if (v === undefined) return {};
  try {
    const o = JSON.parse(String(v));
    if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push(`--sampling-params: must be a JSON object, e.g. '{"temperature":0.7}'`);
  return {};
}

function endpointUrl(v: unknown, problems: string[]): string | null {
  if (v === undefined || v === '') return null;
  const s = String(v);
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return s;
  } catch {
    problems.push(`--endpoint: '${s}' is not an http(s) URL; write it with its scheme, e.g. http://127.0.0.1:8000/v1`);
    return null;
  }
}

function objectives(v: unknown, problems: string[]): Slo[] {
  if (v === undefined) return [];
  const r = parseSlos(String(v));
  if ('problems' in r) problems.push(...r.problems);
  return 'slos' in r ? r.slos : [];
}

/** Turns parsed flags into a RunConfig, or every problem found (one line each, naming the flag). */
export function resolveRunConfig(argv: Record<string, unknown>): { config: RunConfig } | { problems: string[] } {
  const problems: string[] = [];
  const endpoint = endpointUrl(argv.endpoint, problems);
  const api = String(argv.api);
  let protocol;
  try {
    protocol = protocolFor(api);
  } catch {
    problems.push(`--api: unknown '${api}'; use one of ${API_NAMES.join(', ')}`);
  }
  if (endpoint && !argv.model) problems.push('--model: required with --endpoint (the model name the server serves)');
  const apiKeyEnv = (argv['api-key-env'] as string | undefined) ?? protocol?.defaultApiKeyEnv ?? 'OPENAI_API_KEY';
  if (endpoint && protocol?.requiresApiKey && !process.env[apiKeyEnv]) problems.push(`--api-key-env: environment variable ${apiKeyEnv} is not set; export it or name another with --api-key-env`);
  const workers = argv.workers === undefined ? availableParallelism() : positive(argv, 'workers', problems, { integer: true });
  const measureError = argv['measure-error'] === true;
  const sim = readSimOptions(argv, 'sim-', problems);
  if (measureError && !endpoint) sim.stamp = true;
  const config: RunConfig = {
    endpoint,
    name: (argv.name as string | undefined) ?? null,
    model: (argv.model as string | undefined) ?? (endpoint ? '' : sim.model ?? SIM_DEFAULTS.model),
    api,
    apiKeyEnv,
    headers: parseHeaders(argv.header, problems),
    rate: positive(argv, 'rate', problems),
    arrival: argv.arrival as ArrivalName,
    burstiness: positive(argv, 'burstiness', problems),
    seed: integer(argv, 'seed', problems),
    durationMs: duration(argv, 'duration', problems, 1),
    maxInFlight: positive(argv, 'max-in-flight', problems, { integer: true, allowZero: true }),
    drainTimeoutMs: duration(argv, 'drain-timeout', problems),
    workers,
    maxTokens: positive(argv, 'max-tokens', problems, { integer: true }),
    stream: argv.stream !== false,
    params: samplingParams(argv['sampling-params'], problems),
    prompt: String(argv.prompt),
    resultsDir: String(argv['results-dir']),
    requestTimeoutMs: duration(argv, 'request-timeout', problems, 1),
    warmupMs: duration(argv, 'warmup', problems),
    progress: argv.progress as RunConfig['progress'],
    runId: (argv['run-id'] as string | undefined) ?? null,
    measureError,
    sim,
    slo: objectives(argv.slo, problems),
    ...readShardOptions(argv, process.env, Date.now(), problems),
  };
  return problems.length ? { problems } : { config };
}
