import type { ServerMetricsSummary } from '../server-metrics/summary-types.js';
import type { EncodedDistribution, Stats } from './distribution.js';
import type { LagVerdict } from './send-lag.js';
import type { SendingWindow } from './sending-window.js';
import type { SteadyState } from './steady-state.js';
import type { TokenCheckSummary } from './token-checks.js';
import type { SessionSummary } from './sessions.js';
import type { PhasesSummary } from './phases.js';

/**
 * summary.json: a versioned contract (documented in the README). Readers must ignore unknown keys;
 * writers only add keys within a schema version.
 */
export const SUMMARY_SCHEMA_VERSION = 9;

/** 'running' is what a folder shows if the process died without a chance to write anything else. */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export const METRIC_NAMES = ['ttft_s', 'ttfo_s', 'tpot_ms', 'itl_ms', 'e2e_s', 'output_tps', 'output_tokens', 'input_tokens', 'reasoning_tokens', 'inter_chunk_ms'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface RunSummary {
  schema_version: number;
  status: RunStatus;
  status_reason: string | null;
  tool: { name: string; version: string };
  /** The client machine that made the load; absent from summaries before schema 2. */
  host?: HostInfo;
  run: {
    id: string;
    started_at: string;
    /** Wall-clock epoch ms of t0, the schedule origin: record times are offsets from it. */
    t0_wall_ms: number;
    duration_s: number;
    elapsed_s: number;
    /** open: arrivals on a schedule; closed: a fixed number in flight (LLMPerf). */
    mode: 'open' | 'closed';
    /** Requests per second (a ramp's peak target); null in closed loop. */
    rate: number | null;
    /** Closed loop only, else null. */
    concurrency: number | null;
    /** Time the slowest worker spent building prompts before t0 (open loop: the first look-ahead window only,
     *  since schema 4; before, every prompt of the run) or in all (closed loop); null while running. */
    prompt_generation_ms: number | null;
    arrival: string;
    workers: number;
    max_in_flight: number | null;
    drain_timeout_s: number;
    /** The per-request limits (schema 7; absent before): whole request, first token, silence after it. */
    request_timeout_s?: number;
    ttft_timeout_s?: number;
    stall_timeout_s?: number;
    max_tokens: number;
    stream: boolean;
  };
  endpoint: { name: string; url: string; api: string; model: string; simulated: boolean };
  workload: WorkloadSummary;
  requests: { scheduled: number; sent: number; completed: number; failed: number; dropped: number; incomplete: number; warmup: number };
  /** Non-warm-up requests that did not complete (failed, incomplete, dropped, never sent) / non-warm-up
   *  requests scheduled (schema 8; before it, failed / sent: read it through `errorRateOf`). */
  error_rate: number;
  /** Failed / sent: schema 7's error_rate, kept under this name (absent from older runs). */
  error_rate_of_sent?: number;
  errors: Record<string, number>;
  /** The first error message of each class in `errors` (schema 5; absent from older runs). */
  error_examples?: Record<string, string>;
  metrics: Record<MetricName, Stats>;
  throughput: {
    /** Same as total_tps_windowed.peak (kept for readers of the first schema). */
    peak_total_tps: number;
    /** Same as total_tps_windowed.mean. */
    mean_total_tps: number;
    window_s: number;
    step_s: number;
    /** Total output tokens / (last end - first send). */
    output_tokens_per_s: number;
    /** Completed / (last end - first send): the drain is in its denominator. Kept for readers of schema 1;
     *  `sending_window` has the rates named for what they are. */
    requests_per_s: number;
    /** Requests sent and completed per second over the window in which they were being sent (schema 5;
     *  absent from older runs, null when nothing was sent). */
    sending_window?: SendingWindow | null;
    /** Output tokens received by all requests in a window / the window, windows sliding by step_s. */
    total_tps_windowed: { peak: number; mean: number; window_s: number; step_s: number; peak_at_s: number };
    /** The seed's literal Total TPS: at each instant, the sum of each in-progress request's own TPS. */
    total_tps_sum_of_requests: { peak: number; mean: number; peak_at_s: number };
  };
  /** Requests that met every per-request objective (see DEFINITIONS.goodput). */
  goodput: {
    /** The per-request objectives applied (none: every completed request is good). */
    criteria: string[];
    good: number;
    /** Every non-warm-up request: completed + failed + dropped + incomplete. */
    total: number;
    fraction: number | null;
    requests_per_s: number;
  };
  /** The --slo verdicts; null when no objective was given. */
  slo: SloReport | null;
  tokens: {
    output_source: 'usage' | 'chunks' | 'mixed';
    output_total: number;
    input_total: number;
    /** Reasoning tokens among output_total (usage's reasoning_tokens, else reasoning chunks counted). */
    reasoning_total: number;
    /** output_total - reasoning_total. */
    answer_total: number;
    /** Prompt tokens the server served from its prefix cache (schema 3; absent from older runs). */
    cached_input_total?: number;
    /** Completed requests whose server reported a cached count (usage's cached_tokens, cache_read_input_tokens, timings.cache_n, ...). */
    cached_input_reported?: number;
    /** cached_input_total / the input tokens of those requests; null when none reported. */
    cached_input_fraction?: number | null;
    /** Requests whose server sent a token count not believed, counted by their chunks instead (schema 8). */
    usage_rejected?: number;
    /** What every per-token figure (TPOT, ITL, TPS) counts. */
    counted: string;
  };
  token_checks: TokenCheckSummary;
  /** Multi-turn runs (--turns): sessions completed and cut short, TTFT and input tokens by turn; null otherwise (absent before schema 3). */
  sessions?: SessionSummary | null;
  /** Figures over the window where arrivals ran at the target rate and nothing drained; null if none. */
  steady_state: SteadyState | null;
  steady_state_rule: string;
  client: {
    /** Null in closed loop: requests have no schedule to lag behind. */
    send_lag_ms: Stats | null;
    /** Whether that lateness could have changed what was measured (schema 5; null: closed loop or too few sends). */
    send_lag_check?: LagVerdict | null;
    event_loop_delay_ms: { main: LoopDelay; workers: (LoopDelay & { worker: number; utilization: number })[] };
    cpu: { user_s: number; system_s: number; utilization: number };
    /** Peak resident memory of the client process (all its threads; not the simulator child). */
    memory_mb: { rss_max: number };
    /** Resources the worker threads still held once they had closed their connections and timers, by type,
     *  added over threads (and shards): message ports only when nothing leaked. */
    handles_at_end: Record<string, number>;
    /** How prompts kept up with the schedule, over all workers (absent from runs before schema 4). */
    prompts?: PromptFigures;
    /** Bench mode (`--measure-error`): receive stamp - the endpoint's send stamp, per token. */
    measurement_error?: { ttft_ms: Stats; itl_ms: Stats };
    bottleneck: boolean;
  };
  warnings: string[];
  /** Present when this run is one shard of a schedule (--shard / --shards). */
  shard?: ShardInfo;
  /** Present when this run was merged from shards (`auto-testing merge`). */
  shards?: MergedShards;
  /** How to read the figures of this run (not problems), e.g. that TTFT = E2E without streaming.
   *  Absent from summaries written before it existed. */
  notes?: string[];
  /** Where completed requests' time went (schema 9; absent from older runs): connections new or reused, each
   *  phase's distribution (also in histograms as `phase_<name>`), and which part of the latency grew in its slow tail. */
  phases?: PhasesSummary;
  /** With --server-metrics (schema 6): the server's own figures over the run; absent otherwise and in older runs. */
  server_metrics?: ServerMetricsSummary;
  /** Encoded, mergeable distributions (HDR + exact moments), by metric name plus `send_lag_ms`. */
  histograms: Record<string, EncodedDistribution>;
  definitions: Record<string, string>;
}

/** How an objective compares its metric with its threshold (`slo/parse.ts` reads it from the text). */
export type Comparison = '<' | '<=' | '>' | '>=';

/** One objective's verdict, as summary.json keeps it (`slo.results[]`). */
export interface SloResult {
  slo: string;
  metric: string;
  op: Comparison;
  /** Threshold and measured value in the unit the objective was written in. */
  threshold: number;
  unit: string;
  measured: number | null;
  passed: boolean;
}

export interface SloReport {
  passed: boolean;
  results: SloResult[];
}

/** The resolved workload: settings only, so shards of one run agree. Readers meet older runs without some keys. */
export interface WorkloadSummary {
  /** A workload's own name (not written by this version; the leaderboard groups runs by their settings, never by a name). */
  name?: string;
  /** The --workload file it came from, if any. */
  file: string | null;
  mode: 'open' | 'closed';
  rate: number | null;
  duration_s: number;
  /** An arrival model, or 'ramp'. */
  arrival: string;
  burstiness: number;
  ramp: { start_rate: number; stages: { rate: number; duration_s: number }[] } | null;
  concurrency: number | null;
  max_requests: number | null;
  timeout_s: number | null;
  seed: number;
  warmup_s: number;
  sampling_params: Record<string, unknown>;
  max_tokens: number;
  api: string;
  stream: boolean;
  /** Absent from runs written before prompts could be synthesized or read from a dataset. */
  prompts?: {
    source: 'dataset' | 'synthetic' | 'text' | 'trace';
    tokenizer: string;
    dataset: string | null;
    prompts_in_dataset: number | null;
    mean_input_tokens: number | null;
    stddev_input_tokens: number | null;
    mean_output_tokens: number | null;
    stddev_output_tokens: number | null;
    exact_output: boolean;
    /** --chat-template (schema 3), null without. */
    chat_template?: string | null;
    /** With a dataset (schema 7): its format, how requests took its prompts, whether it was the shipped sample. */
    dataset_format?: string;
    dataset_draw?: string;
    dataset_sample?: boolean;
  };
  /** --trace: what was replayed (schema 3; null or absent otherwise). */
  trace?: { file: string; format: string; requests_in_file: number; requests: number; speed: number; window: string | null; span_s: number } | null;
  /** --prefix-tokens / --prefix-groups (schema 3). */
  prefix?: { tokens: number; groups: number; choice: string } | null;
  /** --turns: multi-turn sessions, --rate counting sessions per second (schema 3). */
  sessions?: { turns_mean: number; turns_stddev: number; think_time_s: number; rate_counts: string } | null;
}

export interface HostInfo {
  cpu_count: number;
  cpu_model: string;
  /** Kernel and architecture: `Linux 6.8.0 (x64)`. */
  os: string;
  node_version: string;
}

export interface ShardInfo {
  index: number;
  count: number;
  /** The --start-at instant (ISO 8601), null when the shard started as soon as it was ready. */
  start_at: string | null;
  /** --start-at minus the instant the shard's workers were ready: negative = it started late. */
  ready_lead_ms: number | null;
  /** Sent minus scheduled time (start_at + due offset) of the shard's first arrival. */
  first_send_late_ms: number | null;
}

export interface MergedShards {
  count: number;
  merged: number[];
  missing: number[];
  start_at: string | null;
  /** Of the shards' first_send_late_ms: min, max and max - min (clock skew, late starters). */
  first_send_late_ms: { min: number | null; max: number | null; spread: number | null };
  runs: (ShardInfo & { run_id: string; status: RunStatus; warnings: string[] })[];
}

/**
 * Prompt building over a run. Open loop: each worker builds the plans of its arrivals due within
 * `look_ahead_ms`, the first of them before t0; a prompt finished after its arrival fell due is `late`
 * (the builder fell behind: its building is part of that arrival's send lag). Closed loop: built when
 * claimed (`look_ahead_ms` null, never late).
 */
export interface PromptFigures {
  look_ahead_ms: number | null;
  built: number;
  built_before_t0: number;
  late: number;
  /** Time spent building the late ones: added up, and the longest one, ms. */
  late_build_ms: { total: number; max: number };
  /** All prompt building, ms of worker time (added over workers). */
  build_ms: number;
  /** The most plans one worker held at once. */
  held_max: number;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** The formula behind each figure, printed in summary.json, the README and under leaderboard tables. */
export const DEFINITIONS: Record<string, string> = {
  ttft_s: 'time of first generated chunk (reasoning included) - time the request was sent',
  ttfo_s: 'time of first answer (non-reasoning) chunk - time the request was sent',
  tpot_ms: 'request time (last byte - sent) / output tokens (seed definition: first token included)',
  itl_ms: 'per request, decode time per token: (last content chunk - first content chunk) / (output tokens - tokens in the first chunk); the first chunk counts output tokens / chunks unless per-chunk usage says',
  inter_chunk_ms: 'every gap between consecutive content chunks as observed, all requests together (not a per-request mean); = itl_ms x tokens per chunk',
  e2e_s: 'time of last byte - time the request was sent',
  output_tps: 'per request, output tokens / request time',
  reasoning_tokens: "per request, usage's completion_tokens_details.reasoning_tokens, else reasoning chunks counted",
  peak_total_tps: 'max over 1 s windows sliding by 100 ms of output tokens received by all requests / 1 s',
  total_tps_windowed: 'output tokens received by all requests in a 1 s window / 1 s, windows sliding by 100 ms between first send and last byte; peak and mean over windows',
  total_tps_sum_of_requests:
    "at each instant, sum over in-progress requests [sent, end) of each request's output tokens / request time (seed); peak, and time-weighted mean over first send..last end",
  low_sample: 'a quantile pX is marked low_sample when count < 1 / (1 - X/100): p99 needs 100 samples, p95 20, p90 10',
  short_output: 'completed requests ending more than min(5% of max_tokens, 50 tokens) short of max_tokens',
  token_agreement: "|client tokenizer count - server usage count| / server count, per request; over_10pct counts those above 10%",
  error_rate: '(scheduled - completed) / scheduled, over non-warm-up requests: failed, incomplete, dropped and never-sent requests all count as errors',
  error_rate_of_sent: 'failed requests / sent requests (the error_rate of summary schema 7 and before)',
  cached_input_tokens: "per request, prompt tokens the server served from its prefix cache: usage.prompt_tokens_details.cached_tokens (OpenAI, vLLM, SGLang, llama.cpp; else llama.cpp's timings.cache_n), Anthropic cache_read_input_tokens, Responses input_tokens_details.cached_tokens, Gemini cachedContentTokenCount, Bedrock cacheReadInputTokens; cached_input_fraction = their sum / the input tokens of the requests that reported one",
  goodput: 'completed requests meeting every per-request SLO (ttft/ttfo/tpot/itl/e2e thresholds, each applied to the request\'s own value) / (last byte - first send)',
  good_fraction: 'those good requests / every non-warm-up request (completed + failed + dropped + incomplete)',
  send_lag_ms: 'actual send time - scheduled time (generator lateness)',
  send_lag_check:
    'the generator is blamed when its send lag at the highest quantile with enough sends (p99 needs 100, p95 20, p90 10; fewer: not judged) exceeds 1 ms and 5% of the smallest latency judged (TTFT p50; in capacity also the ttft/ttfo/e2e SLO thresholds)',
  requests_per_s: 'completed requests / (last byte - first send): includes the drain after the last send',
  send_rate_per_s: 'requests sent in the sending window / its length; open loop: the window runs from the end of --warmup to the end of the schedule, closed loop from first to last send',
  completion_rate_per_s: 'non-warm-up requests completed within the sending window / its length: what the endpoint served while load was offered',
  measurement_error_ms: 'bench mode: client receive stamp of a chunk - the simulator\'s send stamp in it (CLOCK_MONOTONIC)',
  phases:
    'per completed request: connect_ms (TCP, new connections), tls_ms (handshake), write_ms = written - sent (a new connection: its set-up included), wait_ms = first response byte - written, first_token_ms = first token - first byte, decode_ms = last token - first token, tail_ms = last byte - last token, loop_delay_ms = how late the sending worker serviced its latest wake-up before the send; growth: medians of the latency parts (send lag, write, wait, first token; they add up to first token - scheduled) over the slowest 10% of requests against the median half, the part that grew most named',
};

/** The error rate of any saved run under this schema's definition: older runs counted failed / sent only. */
export function errorRateOf(s: Pick<RunSummary, 'schema_version' | 'error_rate' | 'requests'>): number {
  if (s.schema_version >= 8) return s.error_rate;
  const q = s.requests;
  return q.scheduled ? (q.scheduled - q.completed) / q.scheduled : 0;
}

/** Printed and saved with every --no-stream run: its latency figures mean something else. */
export const NON_STREAMING_NOTE =
  'non-streaming run (--no-stream): each body arrives whole, so TTFT = TTFO = E2E, ITL has no samples and TPOT = E2E / output tokens';
