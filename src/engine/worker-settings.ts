import type { RunConfig } from '../config/run-config.js';
import type { ConnectionPolicy } from '../transport/types.js';
import type { PacerSpec } from '../schedule/pacers.js';
import type { WorkerSettings } from '../workers/messages.js';
import type { PromptSpec } from '../workload/request-plan.js';

/** What every worker is given: the run's settings as plain data, the API key read from the environment here. */
export function workerSettings(cfg: RunConfig, url: string): WorkerSettings {
  return {
    endpoint: url, api: cfg.api, model: cfg.model, apiKey: process.env[cfg.apiKeyEnv] || undefined, headers: cfg.headers,
    stream: cfg.stream, maxTokens: cfg.maxTokens, params: cfg.params, pacer: pacerSpec(cfg), closedLoop: cfg.closedLoop,
    maxInFlight: cfg.maxInFlight, drainTimeoutMs: cfg.drainTimeoutMs, prompt: promptSpec(cfg), warmupMs: cfg.warmupMs, shard: cfg.shard ?? { index: 0, count: 1 },
    measureError: cfg.measureError, region: cfg.region, endpointGiven: cfg.endpoint !== null,
    limits: { ttftMs: cfg.ttftTimeoutMs, stallMs: cfg.stallTimeoutMs, totalMs: cfg.requestTimeoutMs, maxBytes: cfg.maxResponseBytes },
    connectTimeoutMs: cfg.connectTimeoutMs,
    insecure: cfg.insecure,
    connections: runConnections(cfg),
    httpClient: cfg.httpClient,
  };
}

/** Spares ahead of demand: what a tenth of a second of the peak rate needs (a closed loop: its slots), bounded. */
const SPARE_AHEAD_S = 0.1;
const MAX_SPARES = 256;

/** --connections N opens N and caps there; without it, spares ahead of demand; per request: none. */
export function runConnections(cfg: Pick<RunConfig, 'connections' | 'rate' | 'closedLoop'>): ConnectionPolicy {
  const { cap, perRequest } = cfg.connections;
  if (perRequest) return { spare: 0, cap, perRequest };
  if (cap > 0) return { spare: cap, cap, perRequest };
  const need = cfg.closedLoop ? cfg.closedLoop.concurrency : Math.ceil((cfg.rate ?? 0) * SPARE_AHEAD_S);
  return { spare: Math.min(MAX_SPARES, Math.max(1, need)), cap: 0, perRequest };
}

function promptSpec(cfg: RunConfig): PromptSpec {
  const { datasetFile: _file, datasetInfo: _info, ...p } = cfg.prompts;
  return { ...p, text: cfg.prompt, seed: cfg.seed };
}

/** The run's arrival model as plain data (what each worker builds its pacer from). */
export function pacerSpec(cfg: RunConfig): PacerSpec {
  if (cfg.trace) return { kind: 'trace', dueMs: cfg.trace.dueMs };
  if (cfg.ramp) return { kind: 'ramp', ...cfg.ramp };
  const base = { rate: cfg.rate ?? 0, durationMs: cfg.durationMs };
  return cfg.arrival === 'poisson' ? { kind: 'poisson', ...base, burstiness: cfg.burstiness, seed: cfg.seed } : { kind: cfg.arrival, ...base };
}
