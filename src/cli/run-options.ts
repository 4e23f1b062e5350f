import { availableParallelism } from 'node:os';
import type { Options } from 'yargs';
import { parseDuration } from '../config/duration.js';
import { HTTP_CLIENTS } from '../transport/types.js';
import { PROGRESS_SETTINGS, RUN_DEFAULTS, type RunConfig } from '../config/run-config.js';
import { SIM_DEFAULTS } from '../sim/options.js';
import { isApiName, protocolFor } from '../protocols/registry.js';
import { API_NAMES, type ApiName } from '../protocols/types.js';
import { parseSlos, type Slo } from '../slo/parse.js';
import { readShardOptions, SHARD_OPTIONS } from './shard-options.js';
import { OBSERVE_OPTIONS, readObserveOptions } from './observe-options.js';
import { ARRIVALS } from '../schedule/pacers.js';
import { LOAD_GROUP, workloadYargsOptions, type WorkloadKeyName } from '../workload/keys.js';
import { DATASET_DRAWS, readDataset, type Dataset, type DatasetOptions } from '../workload/dataset.js';
import { ARENA_SAMPLE } from '../workload/arena-sample.js';
import { VLLM_LENGTH_FILTER } from '../workload/datasets/sample.js';
import { isChatApi } from '../workload/traffic-plan.js';
import { resolveTraffic, type Traffic, type TraceRun } from '../workload/traffic.js';
import { parseRamp } from '../workload/ramp-stages.js';
import { resolveWorkload, type ResolvedWorkload } from '../workload/resolve.js';
import { isRecord, num, oneOf, text, texts, type CliArgs } from './args.js';
import { readSimOptions, simYargsOptions } from './sim-options.js';
import { routeFor } from '../transport/proxy.js';
import { urlCredentials } from '../transport/endpoint.js';
import { runIdProblem } from '../results/run-id.js';

const LOAD = LOAD_GROUP;
const TARGET = 'Endpoint:';
const OUT = 'Output:';

export const RUN_OPTIONS: Record<string, Options> = {
  endpoint: { type: 'string', group: TARGET, describe: 'Base URL of the API as its provider publishes it, e.g. http://127.0.0.1:8000/v1 (omit to use the built-in simulator; bedrock: the regional endpoint)' },
  model: { type: 'string', group: TARGET, describe: 'Model name sent in every request (required with --endpoint)' },
  api: { type: 'string', group: TARGET, default: RUN_DEFAULTS.api, describe: `Wire protocol: ${API_NAMES.join(', ')}` },
  region: { type: 'string', group: TARGET, describe: 'AWS region for --api bedrock (default: AWS_REGION, then AWS_DEFAULT_REGION); credentials come from the standard AWS chain' },
  'api-key-env': { type: 'string', group: TARGET, describe: 'Name of the environment variable holding the API key (default: the protocol\'s, e.g. OPENAI_API_KEY)' },
  header: { type: 'string', array: true, group: TARGET, describe: "Extra request header 'Name: value' (repeatable)" },
  name: { type: 'string', group: TARGET, describe: 'Endpoint name used in results and leaderboards (default: the URL host)' },
  workload: { type: 'string', group: LOAD, describe: 'YAML file of load settings whose keys are the flag names below (see workloads/); flags given on the command line override it' },
  workers: { type: 'number', group: LOAD, describe: 'Worker threads doing the network I/O (default: CPU count; closed loop: at most --concurrency)' },
  ...workloadYargsOptions(),
  'http-client': { type: 'string', group: TARGET, default: RUN_DEFAULTS.httpClient, choices: HTTP_CLIENTS, describe: "HTTP client: http1 (this tool's HTTP/1.1 on raw sockets, the cheapest per token) or undici" },
  insecure: { type: 'boolean', group: TARGET, default: false, describe: 'Do not verify TLS certificates (self-signed test servers); prints a warning' },
  'results-dir': { type: 'string', group: OUT, default: RUN_DEFAULTS.resultsDir, describe: 'Where the run folder (requests.csv, summary.json, timeseries.csv) is written' },
  'run-id': { type: 'string', group: OUT, describe: 'Name of the run folder inside --results-dir (default: UTC time to the ms + endpoint name + a random suffix); one that holds a run is refused' },
  progress: { type: 'string', group: OUT, default: RUN_DEFAULTS.progress, choices: PROGRESS_SETTINGS, describe: 'Live progress: one updating line on a terminal, a line every 10 s otherwise' },
  'measure-error': { type: 'boolean', group: OUT, default: false, describe: 'Bench mode: record per-token receive time - the chunk\'s send stamp (an endpoint run as `sim --stamp`; implied for the built-in simulator) in client.measurement_error' },
  json: { type: 'boolean', group: OUT, default: false, describe: 'Print summary.json to stdout instead of the table' },
  'dry-run': { type: 'boolean', group: OUT, default: false, describe: 'Print the schedule, prompt statistics and request 0 as it would be sent, then stop: nothing is sent' },
  ...OBSERVE_OPTIONS,
  ...SHARD_OPTIONS,
  ...simYargsOptions('sim-'),
};

/** Reads workload values already type-checked by `resolveWorkload`; problems name where the value came from. */
class Checks {
  constructor(readonly w: ResolvedWorkload, readonly problems: string[]) {}

  duration(key: WorkloadKeyName, min = 0): number {
    const ms = parseDuration(String(this.w.values[key]));
    if (ms === null || ms < min) {
      this.problems.push(`${this.w.label(key)}: '${String(this.w.values[key])}' is not a duration; use e.g. 120s, 2m, 500ms or plain seconds${min ? ' (greater than 0)' : ''}`);
      return 0;
    }
    return ms;
  }

  positive(key: WorkloadKeyName, opts: { integer?: boolean; allowZero?: boolean } = {}): number {
    const v = this.w.values[key];
    if (typeof v === 'number' && (opts.allowZero ? v >= 0 : v > 0) && (!opts.integer || Number.isInteger(v))) return v;
    this.problems.push(`${this.w.label(key)}: must be ${opts.integer ? 'an integer' : 'a number'} ${opts.allowZero ? '>= 0' : '> 0'}, got '${String(v)}'`);
    return 0;
  }

  integer(key: WorkloadKeyName): number {
    const v = this.w.values[key];
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    this.problems.push(`${this.w.label(key)}: must be an integer, got '${String(v)}'`);
    return 0;
  }

  /** A key with a closed set of values (checked against it when the workload was resolved). */
  choice<T extends string>(key: WorkloadKeyName, choices: readonly T[]): T {
    return oneOf(this.w.values[key], choices, this.w.label(key), this.problems);
  }

  /** A key that only makes sense in another mode, given explicitly, is a mistake worth a line. */
  onlyWith(key: WorkloadKeyName, owner: string): void {
    const from = this.w.source[key];
    if (from === 'cli' || from === 'file') this.problems.push(`${this.w.label(key)}: only applies with ${owner}; remove it`);
  }
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseHeaders(list: string[], problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(':');
    const name = h.slice(0, Math.max(0, i)).trim();
    if (i <= 0 || !HEADER_NAME.test(name)) {
      problems.push(`--header: ${JSON.stringify(h.split(':')[0].slice(0, 40))} must look like 'Name: value' (a name of letters, digits and -)`);
      continue;
    }
    const value = h.slice(i + 1).trim();
    // a line break would end the header early and smuggle the rest in as headers or a body
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) problems.push(`--header: the value of '${name}' holds a line break or another control character; give it on one line`);
    else out[name.toLowerCase()] = value;
  }
  return out;
}

/** `user:password@` of --endpoint as the Basic authorization header, unless --header sets one too. */
function withCredentials(headers: Record<string, string>, authorization: string | null, problems: string[]): Record<string, string> {
  if (authorization === null) return headers;
  if (headers.authorization !== undefined) problems.push('--endpoint: credentials in the URL and --header authorization both say who you are; keep one');
  return { ...headers, authorization };
}

/** --endpoint as given, or null when the flag is absent (the built-in simulator); given empty it is a mistake. */
function endpointUrl(v: unknown, problems: string[]): string | null {
  if (v === undefined) return null;
  const s = String(v);
  if (s.trim() === '') {
    problems.push("--endpoint: empty; give the server's base URL, e.g. http://127.0.0.1:8000/v1, or leave the flag out to use the built-in simulator");
    return null;
  }
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return s;
  } catch {
    problems.push(`--endpoint: '${s}' is not an http(s) URL; write it with its scheme, e.g. http://127.0.0.1:8000/v1`);
    return null;
  }
}

function objectives(w: ResolvedWorkload, problems: string[]): Slo[] {
  if (w.values.slo === undefined) return [];
  const r = parseSlos(String(w.values.slo), w.label('slo'));
  if ('problems' in r) problems.push(...r.problems);
  return 'slos' in r ? r.slos : [];
}

/** Turns parsed flags (and the --workload file) into a RunConfig, or every problem found (one line each);
 *  `defaults`: a command's own defaults of workload keys, below the file and the flags. Async: a Parquet
 *  dataset is read through hyparquet's asynchronous reader. */
export async function resolveRunConfig(argv: CliArgs, defaults: Partial<Record<WorkloadKeyName, unknown>> = {}): Promise<{ config: RunConfig } | { problems: string[] }> {
  const problems: string[] = [];
  const wl = resolveWorkload(argv, problems, defaults);
  const c = new Checks(wl, problems);
  const given = endpointUrl(argv.endpoint, problems);
  const { url: endpoint, authorization } = given ? urlCredentials(given) : { url: null, authorization: null };
  const api = apiFlag(argv.api, problems);
  const protocol = api === null ? undefined : protocolFor(api);
  if (endpoint && !argv.model) problems.push('--model: required with --endpoint (the model name the server serves; an OpenAI-compatible endpoint listing exactly one at /models needs none)');
  const region = text(argv, 'region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || null;
  if (!endpoint && protocol?.defaultEndpoint) {
    if (!region) problems.push(`--region: required with --api ${api} (or set AWS_REGION), e.g. --region us-east-1`);
    if (!argv.model) problems.push(`--model: required with --api ${api} (a model or inference profile id)`);
  }
  const apiKeyEnv = text(argv, 'api-key-env') ?? protocol?.defaultApiKeyEnv ?? 'OPENAI_API_KEY';
  if (endpoint && argv['api-key-env'] !== undefined && !process.env[apiKeyEnv]) problems.push(`--api-key-env: environment variable ${apiKeyEnv} is not set; export it or drop the flag`);
  else if (endpoint && protocol?.requiresApiKey && !process.env[apiKeyEnv]) problems.push(`--api-key-env: environment variable ${apiKeyEnv} is not set; export it or name another with --api-key-env`);
  // an SDK-backed API (bedrock) has its own transport, which reads no proxy variable
  const proxied = endpoint && protocol && !protocol.connect ? routeFor(new URL(endpoint).origin, process.env) : null;
  if (proxied && 'problem' in proxied) problems.push(proxied.problem);
  const measureError = argv['measure-error'] === true;
  const sim = readSimOptions(argv, 'sim-', problems);
  if (measureError && !endpoint) sim.stamp = true;
  // the simulated server counts prompts as the client does unless told otherwise, as a matched real server would
  if (argv['sim-tokenizer'] === undefined && typeof wl.values.tokenizer === 'string') sim.tokenizer = wl.values.tokenizer;
  const traffic = resolveTraffic(wl, problems);
  if (argv['sim-chat-template'] === undefined && traffic.chatTemplate !== null) sim.chatTemplate = traffic.chatTemplate;
  const v = wl.values;
  const loop = traffic.trace ? traceShape(traffic.trace) : loadShape(c);
  const workersAsked = argv.workers === undefined ? availableParallelism() : workersFlag(argv, problems);
  const config: RunConfig = {
    endpoint,
    name: text(argv, 'name') ?? null,
    model: text(argv, 'model') ?? (endpoint ? '' : sim.model ?? SIM_DEFAULTS.model),
    // a placeholder only when --api is unknown: the problem is reported and this config is dropped
    api: api ?? RUN_DEFAULTS.api,
    apiKeyEnv,
    region,
    headers: withCredentials(parseHeaders(texts(argv, 'header'), problems), authorization, problems),
    ...loop,
    arrival: c.choice('arrival', ARRIVALS),
    burstiness: c.positive('burstiness'),
    seed: c.integer('seed'),
    maxInFlight: c.positive('max-in-flight', { integer: true, allowZero: true }),
    drainTimeoutMs: c.duration('drain-timeout'),
    workers: loop.closedLoop ? Math.min(workersAsked, loop.closedLoop.concurrency) : workersAsked,
    maxTokens: c.positive('max-tokens', { integer: true }),
    stream: v.stream !== false,
    params: isRecord(v['sampling-params']) ? v['sampling-params'] : {},
    prompt: String(v.prompt),
    prompts: await promptSource(c, traffic, api, loop),
    trace: traffic.trace,
    resultsDir: String(argv['results-dir']),
    connectTimeoutMs: c.duration('connect-timeout', 1),
    connections: { cap: c.positive('connections', { integer: true, allowZero: true }), perRequest: v['new-connection-per-request'] === true },
    requestTimeoutMs: c.duration('request-timeout', 1),
    ttftTimeoutMs: c.duration('ttft-timeout', 1),
    stallTimeoutMs: c.duration('stall-timeout', 1),
    maxResponseBytes: c.positive('max-response-bytes', { integer: true, allowZero: true }),
    insecure: argv.insecure === true,
    httpClient: oneOf(argv['http-client'] ?? RUN_DEFAULTS.httpClient, HTTP_CLIENTS, '--http-client', problems),
    warmupMs: c.duration('warmup'),
    progress: argv.quiet === true ? 'none' : oneOf(argv.progress ?? RUN_DEFAULTS.progress, PROGRESS_SETTINGS, '--progress', problems),
    runId: runIdFlag(argv, problems),
    measureError,
    workloadFile: wl.file,
    sim,
    slo: objectives(wl, problems),
    observe: readObserveOptions(argv, problems),
    ...readShardOptions(argv, process.env, Date.now(), problems),
  };
  problems.push(...scheduleProblems(config), ...serverObjectiveProblems(config, wl.label('slo')));
  if (config.shard && config.closedLoop) problems.push('--shard: a closed loop (--concurrency) has no schedule to split; shard an open-loop run (--rate or --ramp), or run each machine with its own share of --concurrency');
  return problems.length ? { problems } : { config };
}

/** An objective on the server's own figures has nothing to read unless the run scrapes them. */
function serverObjectiveProblems(config: RunConfig, source: string): string[] {
  if (config.observe.serverMetrics) return [];
  return config.slo.filter((o) => o.metric.server).map((o) => `${source}: '${o.text}' reads the server's own /metrics; add --server-metrics URL (or auto)`);
}

/** --api as an API this tool speaks, or null (the problem reported). */
function apiFlag(v: unknown, problems: string[]): ApiName | null {
  const name = String(v);
  if (isApiName(name)) return name;
  problems.push(`--api: unknown '${name}'; use one of ${API_NAMES.join(', ')}`);
  return null;
}

/** Open loop at a rate, a ramp of rates, or a closed loop: the keys that apply to the mode chosen. */
function loadShape(c: Checks): Pick<RunConfig, 'mode' | 'rate' | 'ramp' | 'closedLoop' | 'durationMs'> {
  const v = c.w.values;
  if (v.concurrency !== undefined) {
    c.onlyWith('duration', '--rate or --ramp (closed loop stops at --max-requests or --timeout)');
    const timeoutMs = c.duration('timeout', 1);
    const maxRequests = v['max-requests'] === undefined ? null : c.positive('max-requests', { integer: true });
    return { mode: 'closed', rate: null, ramp: null, closedLoop: { concurrency: c.positive('concurrency', { integer: true }), maxRequests, timeoutMs }, durationMs: timeoutMs };
  }
  c.onlyWith('max-requests', '--concurrency');
  c.onlyWith('timeout', '--concurrency');
  if (v.ramp !== undefined) {
    c.onlyWith('duration', '--rate (a ramp lasts the sum of its stages)');
    const stages = parseRamp(String(v.ramp));
    if (!stages) c.problems.push(`${c.w.label('ramp')}: '${String(v.ramp)}' is not a list of stages; write target-rate:duration pairs, e.g. 1:30s,10:60s,20:30s`);
    const startRate = c.positive('start-rate', { allowZero: true });
    const list = stages ?? [];
    return { mode: 'open', rate: Math.max(startRate, ...list.map((s) => s.rate)), ramp: { startRate, stages: list }, closedLoop: null, durationMs: list.reduce((t, s) => t + s.durationMs, 0) };
  }
  c.onlyWith('start-rate', '--ramp');
  return { mode: 'open', rate: c.positive('rate'), ramp: null, closedLoop: null, durationMs: c.duration('duration', 1) };
}

/** A replayed trace: an open-loop schedule of its own, lasting its span; the rate shown is its mean. */
function traceShape(t: TraceRun): Pick<RunConfig, 'mode' | 'rate' | 'ramp' | 'closedLoop' | 'durationMs'> {
  const durationMs = Math.max(1, t.spanMs);
  return { mode: 'open', rate: t.requests / (durationMs / 1000), ramp: null, closedLoop: null, durationMs };
}

/**
 * What one process can schedule. Each arrival costs the client tens of microseconds of CPU (build, send,
 * parse), so 50,000 req/s is beyond any one process; and each keeps a bit in the record ledger and 72 bytes
 * of figures on the main thread, and a row of requests.csv, so 10 million is the most one run holds.
 */
export const SCHEDULE_LIMITS = { ratePerProcess: 50_000, arrivalsPerProcess: 10_000_000 };

/** Why this open-loop schedule cannot be run by one process (refused up front, before anything is built). */
function scheduleProblems(cfg: RunConfig): string[] {
  if (cfg.mode !== 'open' || cfg.trace) return [];
  const shards = cfg.shard?.count ?? 1;
  const split = shards > 1 ? `` : `, or split it over processes with --shards`;
  const rate = (cfg.rate ?? 0) / shards;
  const arrivals = scheduledArrivals(cfg) / shards;
  const out: string[] = [];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  if (rate > SCHEDULE_LIMITS.ratePerProcess) out.push(`--rate: ${n(rate)} req/s in one process is beyond what it can send (at most ${n(SCHEDULE_LIMITS.ratePerProcess)}: each request costs the client tens of microseconds); lower it${split}`);
  else if (arrivals > SCHEDULE_LIMITS.arrivalsPerProcess) out.push(`--rate x --duration: ${n(arrivals)} arrivals in one process, more than the ${n(SCHEDULE_LIMITS.arrivalsPerProcess)} one run keeps records of; shorten the run${split}`);
  return out;
}

/** Arrivals of an open-loop schedule: rate x duration, or a ramp's integral (each stage linear from the previous rate). */
function scheduledArrivals(cfg: Pick<RunConfig, 'rate' | 'durationMs' | 'ramp'>): number {
  if (!cfg.ramp) return ((cfg.rate ?? 0) * cfg.durationMs) / 1000;
  let from = cfg.ramp.startRate;
  let total = 0;
  for (const s of cfg.ramp.stages) {
    total += (((from + s.rate) / 2) * s.durationMs) / 1000;
    from = s.rate;
  }
  return total;
}

/** Requests the run will plan, as far as known before it starts (bounds how much of a dataset is kept). */
function plannedRequests(loop: Pick<RunConfig, 'rate' | 'durationMs' | 'closedLoop'>): number {
  if (loop.closedLoop) return loop.closedLoop.maxRequests ?? Infinity;
  return Math.ceil(((loop.rate ?? 0) * loop.durationMs) / 1000);
}

/** Synthesized prompts (--mean-input-tokens), a --dataset, a trace, or the fixed --prompt; drawn output lengths; shared prefixes, sessions. */
async function promptSource(c: Checks, traffic: Traffic, api: ApiName | null, loop: Pick<RunConfig, 'rate' | 'durationMs' | 'closedLoop'>): Promise<RunConfig['prompts']> {
  const v = c.w.values;
  const tokenizerNeeded = traffic.trace ? '--trace' : traffic.chatTemplate !== null ? '--chat-template' : null;
  if (tokenizerNeeded && v.tokenizer === 'none') c.problems.push(`${c.w.label('tokenizer')}: ${tokenizerNeeded} needs a tokenizer to count prompts; choose llama2, llama3, cl100k, o200k or a tokenizer.json`);
  const length = (mean: WorkloadKeyName, sd: WorkloadKeyName) => (v[mean] === undefined ? null : { mean: c.positive(mean), stddev: c.positive(sd, { allowZero: true }) });
  const input = length('mean-input-tokens', 'stddev-input-tokens');
  const source = datasetSource(c.w, Boolean(traffic.trace));
  if (input && source) c.problems.push(`${c.w.label('mean-input-tokens')} and ${source.label}: choose one source of prompts`);
  // a built-in name or a tokenizer.json, already checked by the key's own check
  const tokenizer = typeof v.tokenizer === 'string' ? v.tokenizer : 'llama2';
  if (input && tokenizer === 'none') c.problems.push(`${c.w.label('tokenizer')}: synthesized prompts (--mean-input-tokens) need a tokenizer; choose llama2, llama3, cl100k or o200k`);
  const draw = c.choice('dataset-draw', DATASET_DRAWS);
  if (!source) c.onlyWith('dataset-draw', '--dataset (or --dataset-format arena, the shipped sample)');
  const options: DatasetOptions = {
    format: String(v['dataset-format']), shuffle: v['dataset-shuffle'] === undefined ? null : v['dataset-shuffle'] === true,
    seed: typeof v.seed === 'number' ? v.seed : 0, limit: 4 * plannedRequests(loop) + 64, draw, sessions: traffic.sessions !== null,
  };
  const outputTokens = v['dataset-output-tokens'] === undefined ? null : c.positive('dataset-output-tokens', { integer: true });
  const dataset = source && (await readDataset(source.file, source.label, c.problems, options));
  return {
    tokenizer, input, output: length('mean-output-tokens', 'stddev-output-tokens'), exactOutput: v['ignore-eos'] !== false,
    datasetFile: source && !source.sample ? source.file : null, dataset: dataset ? dataset.items : null, datasetDraw: draw,
    datasetInfo: dataset && { format: dataset.format, sample: source!.sample, conversations: dataset.conversations, prompts: dataset.prompts, distinct: dataset.distinct },
    datasetFilter: lengthFilter(c.w, dataset), datasetOutputTokens: outputTokens,
    chat: api === null || isChatApi(api), chatTemplate: traffic.chatTemplate, prefix: traffic.prefix, trace: traffic.trace?.items ?? null, sessions: traffic.sessions,
  };
}

/** The dataset file to read: --dataset, or with --dataset-format arena and no file the shipped sample. */
function datasetSource(w: ResolvedWorkload, trace: boolean): { file: string; label: string; sample: boolean } | null {
  const v = w.values;
  if (v.dataset !== undefined) return { file: String(v.dataset), label: w.label('dataset'), sample: false };
  return v['dataset-format'] === 'arena' && !trace ? { file: ARENA_SAMPLE, label: w.label('dataset-format'), sample: true } : null;
}

/** vLLM's length rules: as --dataset-filter says, else as the format's own rule (off for the seed's arena prompts). */
function lengthFilter(w: ResolvedWorkload, dataset: Dataset | null): RunConfig['prompts']['datasetFilter'] {
  const given = w.source['dataset-filter'] === 'cli' || w.source['dataset-filter'] === 'file';
  const on = given ? w.values['dataset-filter'] !== false : (dataset?.lengthRules ?? true);
  return on ? VLLM_LENGTH_FILTER : null;
}

/** --run-id as one folder name inside --results-dir, or null (a default id is drawn). */
function runIdFlag(argv: CliArgs, problems: string[]): string | null {
  const id = argv['run-id'];
  if (id === undefined) return null;
  const problem = runIdProblem(String(id));
  if (problem) problems.push(`--run-id: ${problem}; give a plain folder name such as nightly-vllm, or leave it out for a unique one`);
  return String(id);
}

/**
 * Each worker thread is a V8 isolate of its own (~50 MB: 64 of them took 3.2 GB), and threads beyond the
 * cores only take turns on them, adding delay to every timestamp; four per core is already generous.
 */
export const MAX_WORKERS_PER_CPU = 4;

function workersFlag(argv: CliArgs, problems: string[]): number {
  const n = positiveFlag(argv, 'workers', problems);
  const max = MAX_WORKERS_PER_CPU * availableParallelism();
  if (n <= max) return n;
  problems.push(`--workers: ${n} threads on ${availableParallelism()} CPU(s) is more than ${max} (${MAX_WORKERS_PER_CPU} per CPU: each thread costs ~50 MB and threads beyond the cores only delay each other's timestamps); leave it out for one per CPU`);
  return max;
}

function positiveFlag(argv: CliArgs, flag: string, problems: string[]): number {
  const v = argv[flag];
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  problems.push(`--${flag}: must be an integer > 0, got '${String(v)}'`);
  return 1;
}
