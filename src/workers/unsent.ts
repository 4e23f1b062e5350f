import { NO_PHASES, type ErrorClass, type Outcome, type RequestRecord } from '../metrics/record.js';
import type { Arrival } from '../schedule/dispatcher.js';

/** The record of an arrival that never produced a response: dropped, or lost with a dead worker. */
export function unsentRecord(a: Arrival, worker: number, maxTokens: number, inputTokensClient: number | null, warmup: boolean, outcome: Outcome, cls: ErrorClass | null, message: string): RequestRecord {
  return {
    id: a.index, worker, outcome, warmup, scheduled_ms: a.dueMs, sent_ms: null, first_token_ms: null,
    first_output_ms: null, end_ms: null, http_status: null, error_class: cls, error_message: message,
    finish_reason: null, output_tokens: 0, output_tokens_source: 'chunks', reasoning_tokens: 0, input_tokens: null,
    chunks: 0, chunk_gap_sum_ms: 0, chunk_gap_max_ms: 0, requested_output_tokens: maxTokens, first_chunk_tokens: null,
    input_tokens_client: inputTokensClient, output_tokens_client: null, output_tokens_client_estimated: false, retry_after: null, response_bytes: 0,
    cached_input_tokens: null, prefix_group: null, session: null, turn: null, session_turns: null, usage_rejected: null,
    ...NO_PHASES,
  };
}
