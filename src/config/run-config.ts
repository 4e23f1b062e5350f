import type { HttpClientName } from '../transport/types.js';
import type { SimOptions } from '../sim/options.js';
import type { ObserveSettings } from './observe.js';
import type { TokenizerName } from '../tokenize/tokenizers.js';
import type { ArrivalName } from '../schedule/pacers.js';
import type { ShardSpec } from '../schedule/pacer.js';
import type { ApiName } from '../protocols/types.js';
import type { Slo } from '../slo/parse.js';
import type { RampStage } from '../workload/ramp-stages.js';
import type { PromptSpec } from '../workload/request-plan.js';
import type { TraceRun } from '../workload/traffic.js';

/** What a reader of a dataset run should know of its prompts (the summary and the log say it). */
export interface DatasetInfo {
  format: string;
  /** The shipped sample (workloads/arena-sample.jsonl), used when --dataset-format arena names no file. */
  sample: boolean;
  conversations: number;
  /** Prompts under the format's rule, and how many distinct texts they hold. */
  prompts: number;
  distinct: number;
}

/** --progress: a live line on a terminal or plain lines (auto: by whether stderr is one), or none. */
export const PROGRESS_SETTINGS = ['auto', 'tty', 'plain', 'none'] as const;
export type ProgressSetting = (typeof PROGRESS_SETTINGS)[number];

/** The fully resolved settings of one run: defaults filled, validated, trusted everywhere inside. */
export interface RunConfig {
  endpoint: string | null;
  name: string | null;
  model: string;
  api: ApiName;
  apiKeyEnv: string;
  /** AWS region for SDK-backed APIs (--region, else AWS_REGION / AWS_DEFAULT_REGION). */
  region: string | null;
  headers: Record<string, string>;
  /** open: arrivals on a schedule (rate, arrival model or ramp); closed: `concurrency` in flight. */
  mode: 'open' | 'closed';
  /** Open loop's rate; with a ramp, its peak target (for display only). Null in closed loop. */
  rate: number | null;
  arrival: ArrivalName;
  ramp: { startRate: number; stages: RampStage[] } | null;
  closedLoop: { concurrency: number; maxRequests: number | null; timeoutMs: number } | null;
  /** The --workload file the values came from, if any. */
  workloadFile: string | null;
  /** Gamma shape of the gaps for --arrival poisson (1 = exponential). */
  burstiness: number;
  seed: number;
  /** How long arrivals are fired: --duration, the sum of the ramp stages, or the closed loop's --timeout. */
  durationMs: number;
  maxInFlight: number;
  drainTimeoutMs: number;
  workers: number;
  maxTokens: number;
  stream: boolean;
  params: Record<string, unknown>;
  prompt: string;
  /** Where prompts and output lengths come from (beside the fixed `prompt`). */
  prompts: Omit<PromptSpec, 'text' | 'seed'> & { datasetFile: string | null; datasetInfo: DatasetInfo | null };
  /** --trace: the replayed requests and their schedule (the prompts read `prompts.trace`, the pacer `dueMs`). */
  trace: TraceRun | null;
  resultsDir: string;
  /** Opening a connection: lookup, TCP and TLS handshakes. */
  connectTimeoutMs: number;
  /** --connections (0 = no cap, spares ahead of demand) and --new-connection-per-request. */
  connections: { cap: number; perRequest: boolean };
  /** Whole-request limit (send to last byte). */
  requestTimeoutMs: number;
  /** Send to first generated token. */
  ttftTimeoutMs: number;
  /** Longest silence after the first token. */
  stallTimeoutMs: number;
  /** Body bytes before a response is cut (0 = no limit). */
  maxResponseBytes: number;
  /** Skip TLS certificate verification. */
  insecure: boolean;
  /** --http-client: this tool's HTTP/1.1 on raw sockets, or undici. */
  httpClient: HttpClientName;
  warmupMs: number;
  progress: ProgressSetting;
  runId: string | null;
  /** Bench mode: record receive time - the chunk's send stamp per token (client.measurement_error). */
  measureError: boolean;
  sim: SimOptions;
  /** Objectives checked at the end (exit code 3 when one fails); per-request ones also define goodput. */
  slo: Slo[];
  /** This process's share of the schedule; null = the whole schedule. */
  shard: ShardSpec | null;
  /** Wall-clock epoch ms of t0 given by --start-at; null = as soon as the workers are ready. */
  startAtMs: number | null;
  /** The server's metrics scraped during the run, and the run's own live export. */
  observe: ObserveSettings;
}

/** Flags that are not workload keys (those have their defaults in `workload/keys.ts`). */
export const RUN_DEFAULTS = {
  api: 'openai-chat',
  resultsDir: './results',
  httpClient: 'http1',
  progress: 'auto',
} as const;
