/**
 * `npm run bench [-- --quick]`: how far the generator goes on this machine, and how true its stamps are.
 * Runs the real CLI as a child process against its built-in simulator in stamp mode (a separate process),
 * reads each run's summary.json, prints a Markdown table and writes bench/latest.json (README: "Benchmark").
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hotPathCpuUs } from '../src/bench/hot-path.js';
import { exactCheck, promptRate, type ExactCheck, type PromptRate } from '../src/bench/prompt-rate.js';
import { stepSearch, type Probe, type ProbePlan } from '../src/bench/search.js';
import { Distribution, type EncodedDistribution } from '../src/metrics/distribution.js';
import type { FloorResult } from '../src/bench/socket-floor.js';
import { tokenText } from '../src/sim/text.js';
import { loadTokenizer } from '../src/tokenize/tokenizers.js';
import type { HttpClientName } from '../src/transport/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', 'src', 'cli', 'main.js');
const STAMP_SERVER = join(HERE, 'stamp-server.js');
const SOCKET_FLOOR = join(HERE, 'socket-floor.js');

/** The pass lines of the issue: generator lateness and per-token stamp error, p99, in ms. */
const LIMIT_MS = 1;
/** 50 tokens/s per stream, one token per chunk. */
const DECODE_MS = 20;

interface Mode {
  name: 'quick' | 'full';
  arrivalS: number;
  arrival: ProbePlan;
  /** Output tokens of a stream-capacity request (its life is tokens x DECODE_MS). */
  streamTokens: number;
  streamS: number;
  streams: ProbePlan;
  /** Fixed loads for the truth-at-load figures (beside the capacity). */
  truthAt: number[];
  /** Probes allowed in the `--workers 1` searches (the default gets the plan's own). */
  singleWorkerProbes: number;
  /** No new search probe starts after this many seconds of the bench (the fixed runs still do). */
  budgetS: number;
  drainS: number;
  /** Prompt builder: prompts per timed round, rounds per cell, and prompts re-encoded whole per tokenizer. */
  promptRound: number;
  promptRounds: number;
  exactSample: number;
  /** Start-up runs (the issue's 200 req/s of 1,024-token prompts) at these durations, s. */
  startupDurationsS: [number, number];
  /** The long synthetic run: this many 1,024-token requests at this rate. */
  longRequests: number;
  longRate: number;
}

const MODES: Record<Mode['name'], Mode> = {
  quick: {
    name: 'quick', arrivalS: 2, streamTokens: 50, streamS: 2, truthAt: [100, 1000], singleWorkerProbes: 1, budgetS: 30, drainS: 3, promptRound: 200, promptRounds: 3, exactSample: 40, startupDurationsS: [2, 4], longRequests: 2400, longRate: 800,
    arrival: { start: 2000, factor: 1.5, maxProbes: 2, step: 250, min: 250, max: 20000 },
    streams: { start: 1000, factor: 2, maxProbes: 2, step: 250, min: 250, max: 8000 },
  },
  full: {
    name: 'full', arrivalS: 20, streamTokens: 250, streamS: 12, truthAt: [100, 1000], singleWorkerProbes: 4, budgetS: 400, drainS: 10, promptRound: 1000, promptRounds: 5, exactSample: 1000, startupDurationsS: [5, 40], longRequests: 200_000, longRate: 800,
    arrival: { start: 1000, factor: 2, maxProbes: 5, step: 100, min: 100, max: 20000 },
    streams: { start: 500, factor: 2, maxProbes: 5, step: 100, min: 100, max: 8000 },
  },
};

interface RunSpec {
  rate: number;
  durationS: number;
  maxTokens: number;
  prefillMs: number;
  decodeMs: number;
  workers: number;
  drainS: number;
  httpClient: HttpClientName;
}

interface RunOut {
  summary: any;
  /** timeseries.csv rows by column name. */
  seconds: Record<string, number>[];
  /** CPU seconds the stamp server used during the run. */
  endpointCpuS: number | null;
}

const children = new Set<ChildProcess>();
const benchStart = Date.now();
let scratch = '';
let runs = 0;

/** The stamped endpoint of one run, in its own process; its CPU is read from /proc around the run. */
function startStampServer(prefillMs: number, decodeMs: number): Promise<{ url: string; port: number; child: ChildProcess }> {
  const child = fork(STAMP_SERVER, ['--prefill-ms', String(prefillMs), '--decode-ms', String(decodeMs)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { url: string }) => resolve({ url: m.url, port: Number(new URL(m.url).port), child }));
  });
}

/** CPU seconds a process has used so far (Linux /proc; null elsewhere). */
function processCpuS(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function runCli(spec: RunSpec): Promise<RunOut> {
  const id = `run-${++runs}`;
  const server = await startStampServer(spec.prefillMs, spec.decodeMs);
  const cpu0 = processCpuS(server.child.pid);
  const args = [
    CLI, '--endpoint', server.url, '--model', 'bench', '--tokenizer', 'none', '--http-client', spec.httpClient,
    '--rate', String(spec.rate), '--duration', `${spec.durationS}s`, '--max-tokens', String(spec.maxTokens),
    '--workers', String(spec.workers), '--measure-error', '--drain-timeout', `${spec.drainS}s`, '--request-timeout', '30s',
    '--results-dir', scratch, '--run-id', id, '--progress', 'none',
  ];
  try {
    const out = await spawnRun(args, id, spec.durationS + spec.drainS + 30);
    const cpu1 = processCpuS(server.child.pid);
    return { ...out, endpointCpuS: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  } finally {
    server.child.kill('SIGTERM');
  }
}

interface Spawned extends RunOut {
  /** Wall-clock ms at which the CLI process was spawned. */
  launchWall: number;
  /** The earliest sent_ms of requests.csv (ms from t0); null when nothing was sent. */
  firstSentMs: number | null;
}

/** Runs the CLI once and reads its folder (then deletes it); killed if it outlives `guardS` seconds. */
function spawnRun(args: string[], id: string, guardS: number, firstSend = false): Promise<Spawned> {
  return new Promise<Spawned>((resolve, reject) => {
    const launchWall = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // a wedged run must not hang the bench: duration + drain + start-up, then it is killed
    const guard = setTimeout(() => child.kill('SIGKILL'), guardS * 1000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      children.delete(child);
      try {
        const folder = join(scratch, id);
        const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
        const firstSentMs = firstSend ? earliestSent(join(folder, 'requests.csv')) : null;
        resolve({ summary, seconds: readSeconds(join(folder, 'timeseries.csv')), endpointCpuS: null, launchWall, firstSentMs });
      } catch {
        reject(new Error(`run ${id} (exit ${code}) left no summary: ${stderr.slice(-500)}`));
      } finally {
        rmSync(join(scratch, id), { recursive: true, force: true });
      }
    });
  });
}

function earliestSent(csv: string): number | null {
  const [head, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
  const col = head.split(',').indexOf('sent_ms');
  let min = Infinity;
  for (const r of rows) {
    const v = Number(r.split(',')[col]);
    if (r.split(',')[col] !== '' && v < min) min = v;
  }
  return Number.isFinite(min) ? min : null;
}

function readSeconds(csv: string): Record<string, number>[] {
  const [head, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}

/** Client CPU us per unit of `per` over the whole seconds in [fromS, toS): the steady state, without
 *  start-up (lazy module loading, JIT, first connections). The whole run when that window is empty. */
function steadyCpuUs(seconds: Record<string, number>[], per: string, fromS: number, toS: number): number {
  const window = seconds.filter((r) => r.second >= fromS && r.second + 1 <= toS);
  const rows = window.length ? window : seconds;
  const sum = (k: string) => rows.reduce((a, r) => a + (r[k] ?? 0), 0);
  return (sum('client_cpu_ms') * 1000) / Math.max(1, sum(per));
}

/** Every token's stamp error (first tokens and later ones together). */
function tokenError(s: any): Distribution | null {
  const h = s.histograms as Record<string, EncodedDistribution>;
  if (!h.measurement_error_ttft_ms || !h.measurement_error_itl_ms) return null;
  const d = Distribution.decode(h.measurement_error_ttft_ms);
  d.add(Distribution.decode(h.measurement_error_itl_ms));
  return d;
}

const clean = (s: any) => s.status === 'completed' && s.requests.failed === 0 && s.requests.incomplete === 0 && s.requests.dropped === 0;
const r3 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 1000);
const errStats = (st: any) => ({ p50: r3(st?.p50), p99: r3(st?.p99), max: r3(st?.max) });

interface ArrivalData {
  send_lag_p99_ms: number | null;
  cpu_us_per_request: number;
  requests: number;
}

async function arrivalProbe(mode: Mode, workers: number, rate: number): Promise<{ pass: boolean; data: ArrivalData }> {
  const { summary: s, seconds } = await runCli({ rate, durationS: mode.arrivalS, maxTokens: 8, prefillMs: 20, decodeMs: 10, workers, drainS: mode.drainS, httpClient: 'http1' });
  const lag = s.client.send_lag_ms.p99;
  const data = { send_lag_p99_ms: r3(lag), cpu_us_per_request: steadyCpuUs(seconds, 'sent', 1, mode.arrivalS), requests: s.requests.sent };
  log(`  arrival ${rate} req/s, ${workers} worker(s): send lag p99 ${data.send_lag_p99_ms} ms, failed ${s.requests.failed}, dropped ${s.requests.dropped}`);
  return { pass: clean(s) && lag !== null && lag <= LIMIT_MS, data };
}

interface StreamData {
  streams: number;
  in_flight_max: number;
  token_error_p99_ms: number | null;
  ttft_error_ms: ReturnType<typeof errStats>;
  itl_error_ms: ReturnType<typeof errStats>;
  token_events: number;
  cpu_us_per_token: number;
  /** The stamp server's CPU per token over the whole run: the share of the machine the endpoint took. */
  endpoint_cpu_us_per_token: number | null;
  /** Peak RSS of the run (start-up included). */
  rss_mb: number;
  /** Median of the per-second RSS (`timeseries.csv` `rss_mb`) over the steady seconds: what the streams hold. */
  rss_steady_mb: number | null;
}

async function streamRun(mode: Mode, workers: number, streams: number, httpClient: HttpClientName = 'http1'): Promise<{ pass: boolean; data: StreamData }> {
  const lifeS = (mode.streamTokens * DECODE_MS) / 1000;
  const durationS = mode.streamS + lifeS;
  const { summary: s, seconds, endpointCpuS } = await runCli({ rate: streams / lifeS, durationS, maxTokens: mode.streamTokens, prefillMs: 20, decodeMs: DECODE_MS, workers, drainS: mode.drainS, httpClient });
  const inFlight = Math.max(0, ...seconds.map((r) => r.in_flight));
  const err = tokenError(s)?.stats() ?? null;
  const events = s.tokens.output_total;
  const data: StreamData = {
    streams, in_flight_max: inFlight, token_error_p99_ms: r3(err?.p99), ttft_error_ms: errStats(s.client.measurement_error?.ttft_ms),
    itl_error_ms: errStats(s.client.measurement_error?.itl_ms), token_events: events, cpu_us_per_token: steadyCpuUs(seconds, 'total_tps', Math.ceil(lifeS + 0.1), durationS),
    endpoint_cpu_us_per_token: endpointCpuS === null ? null : r3((endpointCpuS * 1e6) / Math.max(1, events)),
    rss_mb: s.client.memory_mb.rss_max,
    rss_steady_mb: steadyMedian(seconds, 'rss_mb', Math.ceil(lifeS + 0.1), durationS),
  };
  log(`  streams ${streams} (in flight max ${inFlight}), ${workers} worker(s), ${httpClient}: token error p99 ${data.token_error_p99_ms} ms, ${data.cpu_us_per_token.toFixed(2)} us CPU/token (endpoint ${data.endpoint_cpu_us_per_token})`);
  return { pass: clean(s) && err?.p99 !== null && err !== null && err.p99! <= LIMIT_MS, data };
}

/** The median of a timeseries.csv column over the whole seconds in [fromS, toS); null when none has it. */
function steadyMedian(seconds: Record<string, number>[], column: string, fromS: number, toS: number): number | null {
  const values = seconds.filter((r) => r.second >= fromS && r.second + 1 <= toS && Number.isFinite(r[column])).map((r) => r[column]).sort((a, b) => a - b);
  return values.length ? values[Math.floor(values.length / 2)] : null;
}

/** Resident memory per in-flight stream: the slope of steady-state RSS between the lightest and heaviest
 *  stream runs (peak RSS would mix in start-up, which has nothing to do with streams). */
function kbPerStream(runs: StreamData[]): number | null {
  const sorted = runs.filter((r) => r.rss_steady_mb !== null).sort((a, b) => a.in_flight_max - b.in_flight_max);
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (!lo || !hi || hi.in_flight_max - lo.in_flight_max < 50) return null;
  return ((hi.rss_steady_mb! - lo.rss_steady_mb!) * 1024) / (hi.in_flight_max - lo.in_flight_max);
}

/** The searches of one `--workers` setting. A `reference` (the default's figures) makes it the short
 *  comparison: fewer probes, starting at the reference's capacities, no extra truth-at-load runs. */
async function measure(mode: Mode, workers: number, reference?: Figures): Promise<Figures> {
  log(`workers ${workers}: arrival capacity (8-token requests, ${mode.arrivalS} s each)`);
  const probes = reference ? mode.singleWorkerProbes : undefined;
  const stop = () => Date.now() - benchStart > mode.budgetS * 1000;
  const arrivalPlan = { ...mode.arrival, stop, maxProbes: probes ?? mode.arrival.maxProbes, start: reference?.arrival_capacity_rps ?? mode.arrival.start };
  const arrival = await stepSearch(arrivalPlan, (r) => arrivalProbe(mode, workers, r));
  log(`workers ${workers}: stream capacity (${1000 / DECODE_MS} tok/s per stream, p99 error <= ${LIMIT_MS} ms)`);
  const streamPlan = { ...mode.streams, stop, maxProbes: probes ?? mode.streams.maxProbes, start: reference?.stream_capacity ?? mode.streams.start };
  const streams = await stepSearch(streamPlan, (n) => streamRun(mode, workers, n));
  const truth: StreamData[] = [];
  for (const n of reference ? [] : mode.truthAt) {
    truth.push(streams.probes.find((p) => p.load === n)?.data ?? (await streamRun(mode, workers, n)).data);
  }
  const cap = streams.best?.data ?? null;
  const streamRuns = [...streams.probes.map((p) => p.data), ...truth];
  return {
    workers,
    arrival_capacity_rps: arrival.best?.load ?? null,
    stream_capacity: streams.best?.load ?? null,
    token_events_per_s: cap ? (cap.streams * 1000) / DECODE_MS : null,
    cpu_us_per_token: r3(cap?.cpu_us_per_token ?? lowestLoad(streams.probes)?.cpu_us_per_token),
    cpu_us_per_request: r3(arrival.best?.data.cpu_us_per_request ?? lowestLoad(arrival.probes)?.cpu_us_per_request),
    kb_per_stream: r3(kbPerStream(streamRuns)),
    ttft_error_ms: cap?.ttft_error_ms ?? null,
    itl_error_ms: cap?.itl_error_ms ?? null,
    truth_at_load: [...truth, ...(cap && !truth.includes(cap) ? [cap] : [])].map((t) => ({ streams: t.streams, ttft_error_ms: t.ttft_error_ms, itl_error_ms: t.itl_error_ms, token_error_p99_ms: t.token_error_p99_ms })),
    probes: { arrival: arrival.probes.map(flat), streams: streams.probes.map(flat) },
  };
}

/** The load at which the transports are compared and the bare-socket floor is measured. */
const COST_AT_STREAMS = 1000;

/** What a token event costs at COST_AT_STREAMS streams: this tool with each HTTP client, against the
 *  least any Node client pays (the socket floor), and the endpoint's own share of the machine. */
async function costBreakdown(mode: Mode, workers: number) {
  const ours = (await streamRun(mode, workers, COST_AT_STREAMS)).data;
  const undici = (await streamRun(mode, workers, COST_AT_STREAMS, 'undici')).data;
  const floor = await socketFloorRun(mode, COST_AT_STREAMS);
  const pick = (d: StreamData) => ({ cpu_us_per_token: r3(d.cpu_us_per_token), token_error_p99_ms: d.token_error_p99_ms, endpoint_cpu_us_per_token: d.endpoint_cpu_us_per_token });
  return { streams: COST_AT_STREAMS, workers, http1: pick(ours), undici: pick(undici), socket_floor_cpu_us_per_token: r3(floor.cpuUsPerRead), socket_floor_system_us_per_token: r3(floor.systemUsPerRead) };
}

async function socketFloorRun(mode: Mode, streams: number): Promise<FloorResult> {
  const server = await startStampServer(20, DECODE_MS);
  try {
    const lifeS = (mode.streamTokens * DECODE_MS) / 1000;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [SOCKET_FLOOR, String(server.port), String(streams), String(mode.streamTokens), String(streams / lifeS)], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.add(child);
      let text = '';
      child.stdout!.on('data', (d) => (text += d));
      child.on('exit', (code) => (children.delete(child), code === 0 ? resolve(text) : reject(new Error(`socket floor exited with ${code}`))));
    });
    const floor = JSON.parse(out) as FloorResult;
    log(`  socket floor, ${streams} streams: ${floor.cpuUsPerRead.toFixed(2)} us CPU per read (${floor.systemUsPerRead.toFixed(2)} in the kernel)`);
    return floor;
  } finally {
    server.child.kill('SIGTERM');
  }
}

/** CPU the main thread spends counting a token of output with the default client tokenizer (llama2),
 *  on the simulator's text: the runs above use --tokenizer none, so this is added on top when it is on. */
async function tokenCountUs(): Promise<number> {
  const tokenizer = await loadTokenizer('llama2');
  const text = Array.from({ length: 250 }, (_, j) => tokenText(j)).join('');
  const tokens = tokenizer.encode(text).length;
  const rounds = 200;
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) tokenizer.encode(text);
  const c = process.cpuUsage(start);
  return (c.user + c.system) / (rounds * tokens);
}

function lowestLoad<T>(probes: Probe<T>[]): T | undefined {
  return [...probes].sort((a, b) => a.load - b.load)[0]?.data;
}

function flat<T>(p: Probe<T>) {
  return { load: p.load, pass: p.pass, ...p.data };
}

interface Figures {
  workers: number;
  arrival_capacity_rps: number | null;
  stream_capacity: number | null;
  token_events_per_s: number | null;
  cpu_us_per_token: number | null;
  cpu_us_per_request: number | null;
  kb_per_stream: number | null;
  ttft_error_ms: ReturnType<typeof errStats> | null;
  itl_error_ms: ReturnType<typeof errStats> | null;
  truth_at_load: { streams: number; ttft_error_ms: ReturnType<typeof errStats>; itl_error_ms: ReturnType<typeof errStats>; token_error_p99_ms: number | null }[];
  probes: { arrival: object[]; streams: object[] };
}

const TARGETS: [keyof Figures, string, string, (v: number) => boolean][] = [
  ['arrival_capacity_rps', 'arrival capacity (req/s, send lag p99 <= 1 ms)', '>= 3000', (v) => v >= 3000],
  ['stream_capacity', 'stream capacity (50 tok/s streams, error p99 <= 1 ms)', '>= 2000', (v) => v >= 2000],
  ['token_events_per_s', 'token events/s at stream capacity', '>= 100000', (v) => v >= 100_000],
  ['cpu_us_per_token', 'client CPU per token event (us)', '<= 5', (v) => v <= 5],
  ['cpu_us_per_request', 'client CPU per 8-token request (us)', '-', () => true],
  ['kb_per_stream', 'resident memory per in-flight stream (KB)', '<= 30', (v) => v <= 30],
];

function table(results: Figures[]): string {
  const head = `| figure | ${results.map((r) => `--workers ${r.workers}`).join(' | ')} | target |`;
  const sep = `|---|${results.map(() => '---:').join('|')}|---|`;
  const rows = TARGETS.map(([k, label, target, ok]) => `| ${label} | ${results.map((r) => cell(r[k] as number | null, ok)).join(' | ')} | ${target} |`);
  const err = (k: 'ttft_error_ms' | 'itl_error_ms') => `| ${k.replace('_error_ms', '').toUpperCase()} error at capacity p50 / p99 / max (ms) | ${results.map((r) => (r[k] ? `${r[k]!.p50} / ${r[k]!.p99} / ${r[k]!.max}` : '-')).join(' | ')} | p99 <= 1 |`;
  const truth = results.flatMap((r) => r.truth_at_load.map((t) => `| error at ${t.streams} streams, TTFT / ITL p99 (ms), --workers ${r.workers} | ${results.map((x) => (x === r ? `${t.ttft_error_ms.p99} / ${t.itl_error_ms.p99}` : '')).join(' | ')} | |`));
  return [head, sep, ...rows, err('ttft_error_ms'), err('itl_error_ms'), ...truth].join('\n');
}

function costTable(c: Awaited<ReturnType<typeof costBreakdown>>): string {
  const row = (what: string, d: typeof c.http1) => `| ${what} | ${d.cpu_us_per_token} | ${d.token_error_p99_ms} | ${d.endpoint_cpu_us_per_token ?? '-'} |`;
  return [
    `| ${c.streams} streams, --workers ${c.workers} | client CPU per token event (us) | token error p99 (ms) | stamp server CPU per token (us) |`,
    '|---|---:|---:|---:|',
    row('--http-client http1 (default)', c.http1),
    row('--http-client undici', c.undici),
    `| bare sockets, no parsing (the floor) | ${c.socket_floor_cpu_us_per_token} (kernel ${c.socket_floor_system_us_per_token}) | | |`,
  ].join('\n');
}

function cell(v: number | null, ok: (v: number) => boolean): string {
  return v === null ? '-' : `${v}${ok(v) ? '' : ' (missed)'}`;
}

const PROMPT_TOKENIZERS = ['llama2', 'llama3', 'cl100k'] as const;
const PROMPT_LENGTHS = [128, 1024, 8192];
/** The issue's pass line: prompts per second per core at 1,024 llama2 tokens. */
const PROMPT_TARGET = 2000;

interface PromptFigures {
  rates: PromptRate[];
  exact: ExactCheck[];
}

/** The prompt builder in this process (one thread): its rate per tokenizer and length, then whole re-encodings. */
async function promptFigures(mode: Mode): Promise<PromptFigures> {
  log(`prompt builder: ${mode.promptRounds} rounds of ${mode.promptRound} prompts per tokenizer and length`);
  const rates: PromptRate[] = [];
  for (const t of PROMPT_TOKENIZERS) {
    for (const n of PROMPT_LENGTHS) rates.push(await promptRate(t, n, mode.promptRound, mode.promptRounds));
  }
  log(`prompt builder: ${mode.exactSample} prompts per tokenizer (1 to 8,192 tokens) re-encoded whole`);
  const exact: ExactCheck[] = [];
  for (const t of [...PROMPT_TOKENIZERS, 'o200k'] as const) exact.push(await exactCheck(t, mode.exactSample, 8192, 23));
  return { rates, exact };
}

interface SyntheticRun {
  rate: number;
  duration_s: number;
  sent: number;
  failed: number;
  /** From spawning the CLI to its first request on the wire (simulator and worker start-up included). */
  first_send_ms: number | null;
  rss_max_mb: number;
  send_lag_p99_ms: number | null;
  /** Prompts not ready at their due time (built on the send path), when the summary says. */
  prompts_late: number | null;
}

/** The CLI against its built-in simulator, synthesized 1,024-token llama2 prompts; `extra` tunes the simulator. */
async function syntheticRun(rate: number, durationS: number, extra: string[] = []): Promise<{ run: SyntheticRun; seconds: Record<string, number>[] }> {
  const id = `run-${++runs}`;
  const args = [
    CLI, '--rate', String(rate), '--duration', `${durationS}s`, '--mean-input-tokens', '1024', '--stddev-input-tokens', '0', '--tokenizer', 'llama2',
    '--drain-timeout', '10s', '--results-dir', scratch, '--run-id', id, '--progress', 'none', ...extra,
  ];
  const out = await spawnRun(args, id, durationS + 60, true);
  const s = out.summary;
  const run: SyntheticRun = {
    rate, duration_s: durationS, sent: s.requests.sent, failed: s.requests.failed + s.requests.incomplete,
    first_send_ms: out.firstSentMs === null ? null : Math.round(s.run.t0_wall_ms + out.firstSentMs - out.launchWall),
    rss_max_mb: r3(s.client.memory_mb.rss_max)!, send_lag_p99_ms: r3(s.client.send_lag_ms?.p99), prompts_late: s.client.prompts?.late ?? null,
  };
  log(`  ${rate} req/s for ${durationS} s: first send ${run.first_send_ms} ms after launch, RSS max ${run.rss_max_mb} MB, send lag p99 ${run.send_lag_p99_ms} ms, ${run.failed} failed`);
  return { run, seconds: out.seconds };
}

/** RSS over a long run: the per-second maxima after a tenth of it (heaps and pools grown) and at its end. */
function rssGrowth(seconds: Record<string, number>[], firingS: number) {
  const peak = (from: number, to: number) => Math.max(...seconds.filter((r) => r.second >= from && r.second < to).map((r) => r.rss_mb));
  const tenth = Math.max(1, Math.floor(firingS / 10));
  const early = peak(tenth, 2 * tenth);
  const late = peak(firingS - tenth, firingS);
  return { rss_after_tenth_mb: r3(early), rss_last_tenth_mb: r3(late), growth_mb: r3(late - early) };
}

/** The issue's start-up and memory figures: first send and peak RSS at a short and a long duration, then a long run. */
async function memoryFigures(mode: Mode) {
  const [shortS, longS] = mode.startupDurationsS;
  log(`start-up: 200 req/s of 1,024-token prompts for ${shortS} s and ${longS} s`);
  const short = (await syntheticRun(200, shortS)).run;
  const long = (await syntheticRun(200, longS)).run;
  const firingS = Math.ceil(mode.longRequests / mode.longRate);
  log(`long run: ${mode.longRequests} requests of 1,024 tokens at ${mode.longRate} req/s (simulator: no prompt counting, 1 ms prefill and decode)`);
  const fast = ['--max-tokens', '2', '--sim-tokenizer', 'none', '--sim-prefill-ms', '1', '--sim-prefill-per-token-ms', '0', '--sim-decode-ms', '1', '--sim-slots', '2048'];
  const longRun = await syntheticRun(mode.longRate, firingS, fast);
  return {
    startup: { short, long, rss_max_delta_mb: r3(long.rss_max_mb - short.rss_max_mb) },
    long_run: { requests: mode.longRequests, ...longRun.run, ...rssGrowth(longRun.seconds, firingS) },
  };
}

function memoryTable(m: Awaited<ReturnType<typeof memoryFigures>>): string {
  const { short, long } = m.startup;
  const l = m.long_run;
  return [
    '| 1,024-token prompts | first send after launch (ms) | RSS max (MB) | send lag p99 (ms) | prompts late |',
    '|---|---:|---:|---:|---:|',
    `| 200 req/s, ${short.duration_s} s | ${short.first_send_ms} | ${short.rss_max_mb} | ${short.send_lag_p99_ms} | ${short.prompts_late ?? '-'} |`,
    `| 200 req/s, ${long.duration_s} s | ${long.first_send_ms} | ${long.rss_max_mb} (+${m.startup.rss_max_delta_mb}; target <= +20) | ${long.send_lag_p99_ms} | ${long.prompts_late ?? '-'} |`,
    `| ${l.rate} req/s, ${l.sent} requests | ${l.first_send_ms} | ${l.rss_max_mb}; after a tenth ${l.rss_after_tenth_mb}, last tenth ${l.rss_last_tenth_mb}: growth ${l.growth_mb} (target < 50) | ${l.send_lag_p99_ms} | ${l.prompts_late ?? '-'} |`,
  ].join('\n');
}

function promptTable(p: PromptFigures): string {
  const rate = (t: string, n: number) => p.rates.find((r) => r.tokenizer === t && r.tokens === n);
  const cellOf = (t: string, n: number) => {
    const r = rate(t, n)!;
    const miss = t === 'llama2' && n === 1024 && r.prompts_per_s_per_core < PROMPT_TARGET ? ' (missed)' : '';
    return `${r.prompts_per_s_per_core}${miss} (first round ${r.first_round_prompts_per_s})`;
  };
  return [
    `| prompts/s per core: median of rounds (first round, cuts not yet remembered) | ${PROMPT_LENGTHS.map((n) => `${n} tokens`).join(' | ')} | ring set-up (ms) |`,
    `|---|${PROMPT_LENGTHS.map(() => '---:').join('|')}|---:|`,
    ...PROMPT_TOKENIZERS.map((t) => `| ${t} | ${PROMPT_LENGTHS.map((n) => cellOf(t, n)).join(' | ')} | ${rate(t, 128)!.setup_ms} |`),
    '',
    `target: >= ${PROMPT_TARGET} at 1,024 llama2 tokens. Re-encoded whole: ${p.exact.map((e) => `${e.tokenizer} ${e.mismatches} of ${e.prompts} off`).join(', ')}`,
  ].join('\n');
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function stopChildren(): void {
  for (const c of children) c.kill('SIGTERM');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const mode = MODES[argv.includes('--quick') ? 'quick' : 'full'];
  const outIdx = argv.indexOf('--out');
  const out = outIdx !== -1 ? argv[outIdx + 1] : join('bench', 'latest.json');
  const defaultWorkers = availableParallelism();
  const load0 = loadavg()[0];
  scratch = mkdtempSync(join(tmpdir(), 'auto-testing-bench-'));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (stopChildren(), rmSync(scratch, { recursive: true, force: true }), process.exit(130)));
  try {
    if (argv.includes('--only-memory')) {
      process.stdout.write(`${memoryTable(await memoryFigures(mode))}\n`);
      return;
    }
    const prompts = await promptFigures(mode);
    if (argv.includes('--only-prompts')) {
      process.stdout.write(`${promptTable(prompts)}\n`);
      return;
    }
    const main = await measure(mode, defaultWorkers);
    const single = defaultWorkers === 1 ? main : await measure(mode, 1, main);
    const results = defaultWorkers === 1 ? [main] : [single, main];
    log(`cost of a token event at ${COST_AT_STREAMS} streams: http1, undici, bare sockets`);
    const cost = await costBreakdown(mode, defaultWorkers);
    const memory = await memoryFigures(mode);
    const { probes: _p, ...headline } = main;
    const report = {
      ...headline,
      cost_at_load: cost,
      client_token_count_us_per_token: r3(await tokenCountUs()),
      hot_path_cpu_us_per_token: r3(hotPathCpuUs(20_000, 100)),
      prompts,
      memory,
      mode: mode.name,
      machine: { cpus: availableParallelism(), cpu_model: cpus()[0]?.model ?? null, node: process.version, platform: process.platform, load_avg_1m: { start: r3(load0), end: r3(loadavg()[0]) } },
      by_workers: Object.fromEntries(results.map((r) => [String(r.workers), r])),
      generated_at: new Date().toISOString(),
      bench_seconds: Math.round((Date.now() - benchStart) / 1000),
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${table(results)}\n\n${costTable(cost)}\n\n${promptTable(prompts)}\n\n${memoryTable(memory)}\n\nclient-side output token count (llama2 tokenizer, main thread; off in the runs above): ${report.client_token_count_us_per_token} us CPU per token\nhot path alone (SSE framing, content detection, counters; no network): ${report.hot_path_cpu_us_per_token} us CPU per token\n${mode.name} bench, ${report.bench_seconds} s, load average ${report.machine.load_avg_1m.start} -> ${report.machine.load_avg_1m.end}; written to ${out}\n`);
  } finally {
    stopChildren();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
