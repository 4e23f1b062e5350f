import type { SummaryMeta } from '../../src/metrics/build-summary.js';
import { NO_PHASES, type RequestRecord } from '../../src/metrics/record.js';

/** A completed request: sent at 1 ms, first token at 201, end at 2001, 100 tokens; override what a test needs. */
export function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 0, worker: 0, outcome: 'completed', warmup: false, scheduled_ms: 0, sent_ms: 1, first_token_ms: 201, first_output_ms: 201,
    end_ms: 2001, http_status: 200, error_class: null, error_message: null, finish_reason: 'length', output_tokens: 100,
    output_tokens_source: 'usage', reasoning_tokens: 0, input_tokens: 20, chunks: 100, chunk_gap_sum_ms: 1800, chunk_gap_max_ms: 30,
    requested_output_tokens: 100, first_chunk_tokens: null, input_tokens_client: null, output_tokens_client: null, retry_after: null,
    response_bytes: 0, cached_input_tokens: null, prefix_group: null, session: null, turn: null, session_turns: null, usage_rejected: null,
    ...NO_PHASES, output_tokens_client_estimated: false, ...over,
  };
}

export const META: SummaryMeta = {
  status: 'completed', status_reason: null, tool: { name: 't', version: '0' },
  run: { id: 'r', started_at: '', t0_wall_ms: 0, duration_s: 1, elapsed_s: 1, rate: 1, arrival: 'constant', workers: 1, max_in_flight: null, drain_timeout_s: 1, max_tokens: 1, stream: true,
    mode: 'open', concurrency: null, prompt_generation_ms: null },
  endpoint: { name: 'e', url: 'u', api: 'openai-chat', model: 'm', simulated: true },
  // the summary's own figures never read the workload block: an empty one stands for any
  workload: {} as SummaryMeta['workload'],
  client: { event_loop_delay_ms: { main: { p50: 0, p99: 0, max: 0 }, workers: [] }, cpu: { user_s: 0, system_s: 0, utilization: 0 }, memory_mb: { rss_max: 0 }, handles_at_end: {} },
  warnings: [],
};
