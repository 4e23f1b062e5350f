/** Plain data that crosses between the main thread and worker threads (structured-clone safe). */
import type { MessagePort } from 'node:worker_threads';
import type { EncodedDistribution } from '../metrics/distribution.js';
import type { HandleCounts } from '../metrics/handles.js';
import type { Progress } from '../metrics/progress.js';
import type { RequestRecord } from '../metrics/record.js';
import type { PromptFigures } from '../metrics/summary.js';
import type { ApiName } from '../protocols/types.js';
import type { ClosedLoopSpec } from '../schedule/closed-loop.js';
import type { ShardSpec } from '../schedule/pacer.js';
import type { PacerSpec } from '../schedule/pacers.js';
import type { ConnectionPolicy, HttpClientName } from '../transport/types.js';
import type { PromptSpec } from '../workload/request-plan.js';
import type { RequestLimits } from './request-tracker.js';

/** Everything a worker needs to run its stripe of the schedule. Secrets live only in memory. */
export interface WorkerSettings {
  /** The endpoint base URL (split for HTTP transports, whole for SDK clients: `transport/endpoint.ts`). */
  endpoint: string;
  api: ApiName;
  model: string;
  apiKey: string | undefined;
  /** For SDK-backed APIs (--region); null lets the SDK resolve it. */
  region: string | null;
  /** Whether the user named the endpoint (SDK-backed APIs otherwise use the SDK's own for the region). */
  endpointGiven: boolean;
  headers: Record<string, string>;
  stream: boolean;
  maxTokens: number;
  params: Record<string, unknown>;
  pacer: PacerSpec;
  /** This process's share of the schedule ({0, 1}: all of it). */
  shard: ShardSpec;
  /** Set for a closed-loop run (the pacer is then unused). */
  closedLoop: ClosedLoopSpec | null;
  maxInFlight: number;
  drainTimeoutMs: number;
  limits: RequestLimits;
  /** --connect-timeout: a connection not open by then fails its request (connect_timeout). */
  connectTimeoutMs: number;
  /** Skip TLS certificate verification (--insecure). */
  insecure: boolean;
  /** The run's connections, all workers together (each worker holds its share: `workerConnections`). */
  connections: ConnectionPolicy;
  httpClient: HttpClientName;
  prompt: PromptSpec;
  warmupMs: number;
  /** Bench mode: record the error of each chunk's receive stamp against the sim's send stamp. */
  measureError: boolean;
}

export interface TaskInput {
  worker: number;
  workers: number;
  settings: WorkerSettings;
  port: MessagePort;
  /** Int32Array over it: [0] = requests in flight across all workers (for --max-in-flight);
   *  [1] = closed-loop requests claimed so far (the next request id). */
  shared: SharedArrayBuffer;
}

export interface BatchMessage {
  type: 'batch';
  worker: number;
  records: RequestRecord[];
  /** Received text of each record (same order), for the main thread's tokenizer count; null when not captured. */
  texts: (string | null)[];
  /** Sparse token-count deltas since the last batch: [bucket, tokens, bucket, tokens, ...]. */
  tokens: number[];
  progress: Progress;
}

export interface WorkerFinal {
  worker: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Share of wall time the worker's event loop was busy (0..1). */
  utilization: number;
  /** Every gap between consecutive content chunks of the worker's non-warm-up requests, ms. */
  interChunk: EncodedDistribution;
  /** Time spent building this worker's prompts: before t0 in open loop, between requests in closed loop, ms. */
  promptMs: number;
  /** How its prompts kept up with the schedule. */
  prompts: PromptFigures;
  /** What the thread still held after closing its connections and timers, by resource type. */
  handlesAtEnd: HandleCounts;
  /** Bench mode only: receive stamp - send stamp, ms, of first tokens and later tokens. */
  measurementError?: { ttft: EncodedDistribution; itl: EncodedDistribution };
}

/** Sent once the worker is set up; it then waits for a StartMessage. */
export interface ReadyMessage {
  type: 'ready';
  worker: number;
}

/** Sent once after the worker's last batch. */
export interface EndMessage {
  type: 'end';
  worker: number;
}

/** An uncaught error in the worker: it stopped firing at `atMs` (its in-flight requests are in its last batch). */
export interface CrashedMessage {
  type: 'crashed';
  worker: number;
  error: string;
  atMs: number;
}

export type WorkerMessage = BatchMessage | ReadyMessage | EndMessage | CrashedMessage;

/** `t0Ns`: monotonic ns of the schedule origin, as a decimal string. */
export type ControlMessage = { type: 'start'; t0Ns: string } | { type: 'stop'; reason: string; graceMs: number };
