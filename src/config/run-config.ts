import type { ArrivalName } from '../schedule/pacers.js';
import type { Slo } from '../slo/parse.js';

/** The fully resolved settings of one run: defaults filled, validated, trusted everywhere inside. */
export interface RunConfig {
  endpoint: string | null;
  name: string | null;
  model: string;
  api: string;
  apiKeyEnv: string;
  headers: Record<string, string>;
  rate: number;
  arrival: ArrivalName;
  /** Gamma shape of the gaps for --arrival poisson (1 = exponential). */
  burstiness: number;
  seed: number;
  durationMs: number;
  maxInFlight: number;
  drainTimeoutMs: number;
  workers: number;
  maxTokens: number;
  stream: boolean;
  params: Record<string, unknown>;
  prompt: string;
  resultsDir: string;
  requestTimeoutMs: number;
  warmupMs: number;
  progress: 'auto' | 'tty' | 'plain' | 'none';
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
}

/** Shard `index` of `count` owns the global arrivals k with k mod count = index. */
export interface ShardSpec {
  index: number;
  count: number;
}

export interface SimOptions {
  slots: number;
  prefillMs: number;
  prefillPerTokenMs: number;
  decodeMs: number;
  decodeGrowth: number;
  model: string;
  /** Stamp each content chunk with its monotonic send time (bench mode). */
  stamp: boolean;
}

export const SIM_DEFAULTS: SimOptions = {
  slots: 256,
  prefillMs: 80,
  prefillPerTokenMs: 0.05,
  decodeMs: 20,
  decodeGrowth: 0,
  model: 'auto-testing-sim',
  stamp: false,
};

/** The seed workload: 10 requests/s for 2 minutes. */
export const RUN_DEFAULTS = {
  api: 'openai-chat',
  rate: 10,
  arrival: 'constant',
  burstiness: 1,
  seed: 42,
  duration: '120s',
  maxInFlight: 0,
  drainTimeout: '60s',
  maxTokens: 150,
  resultsDir: './results',
  requestTimeout: '600s',
  warmup: '0s',
  prompt: 'Write a long story about a lighthouse keeper who finds a message in a bottle, with vivid detail.',
} as const;
