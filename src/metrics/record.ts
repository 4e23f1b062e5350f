/**
 * One finished request: the unit every reporter, merge and leaderboard consumes.
 * Times are milliseconds on the run's monotonic timeline (0 = the schedule origin t0);
 * `summary.json` carries `run.t0_wall_ms` to place them on the wall clock.
 */
export type Outcome = 'completed' | 'failed' | 'dropped' | 'incomplete';

export type ErrorClass =
  | 'connect'
  | 'dns'
  | 'tls'
  | 'connect_timeout'
  | 'timeout'
  | 'stall'
  | 'http_status'
  | 'rate_limited'
  | 'stream_truncated'
  | 'reset'
  | 'parse'
  | 'server_error_event'
  | 'response_too_large'
  | 'aborted'
  | 'client_error'
  /** The client process ran out of file descriptors opening a connection (EMFILE / ENFILE): `ulimit -n`. */
  | 'fd_limit';

export type TokenSource = 'usage' | 'chunks';

/**
 * The most tokens a server's count may claim for one request: 10 million is 5x the longest context any
 * model serves today (2M), so a larger count is a server's bug, not an answer (1e15 made a 2e15 tok/s peak).
 */
export const MAX_USAGE_TOKENS = 10_000_000;

export interface RequestRecord {
  /** Index k in the global schedule. */
  id: number;
  worker: number;
  outcome: Outcome;
  warmup: boolean;
  scheduled_ms: number;
  /** Null when the arrival was dropped before sending. */
  sent_ms: number | null;
  /** First generated token of any kind (reasoning included). */
  first_token_ms: number | null;
  /** First answer (non-reasoning) token. */
  first_output_ms: number | null;
  end_ms: number | null;
  http_status: number | null;
  error_class: ErrorClass | null;
  error_message: string | null;
  finish_reason: string | null;
  output_tokens: number;
  output_tokens_source: TokenSource;
  reasoning_tokens: number;
  input_tokens: number | null;
  /** Content-bearing chunks (answer and reasoning) as received. */
  chunks: number;
  /** Sum of gaps between consecutive content chunks after the first, ms. */
  chunk_gap_sum_ms: number;
  /** Largest single gap between content chunks, ms. */
  chunk_gap_max_ms: number;
  requested_output_tokens: number;
  /** Tokens the first content chunk carried when the server said so (per-chunk usage); null when unknown. */
  first_chunk_tokens: number | null;
  /** The prompt's tokens under the client's --tokenizer (null: --tokenizer none). */
  input_tokens_client: number | null;
  /** The received text's tokens (answer and reasoning) under the client's --tokenizer, counted by the worker
   *  when the request ends: exactly up to `tokenize/answer-count.ts`' bound, estimated beyond it. */
  output_tokens_client: number | null;
  /** The `retry-after` header of a non-2xx response (429 / 503), verbatim. */
  retry_after: string | null;
  /** Body bytes received (after any transfer decoding), error bodies included. */
  response_bytes: number;
  /** Prompt tokens the server says it served from its prefix cache (part of input_tokens); null when it does not say. */
  cached_input_tokens: number | null;
  /** The shared prefix (--prefix-groups) the prompt started with; null without shared prefixes. */
  prefix_group: number | null;
  /** The multi-turn session (its schedule index) and the turn within it (0 first); null outside sessions. */
  session: number | null;
  turn: number | null;
  /** Turns the session was to send: a session whose last record has turn < session_turns - 1 was cut short. */
  session_turns: number | null;
  /** The first server count the request did not believe (not an integer in 0..MAX_USAGE_TOKENS, or lower than
   *  one before it in the stream), e.g. `output=-1000`; that count fell back to the chunks. Null: none. */
  usage_rejected: string | null;
  /** Whether the request went out on a kept-alive connection ('reused') or one opened for it ('new'); null when
   *  not sent or the transport cannot say (SDK clients). A pre-opened connection counts as 'new' on its first request. */
  connection: 'new' | 'reused' | null;
  /** TCP connect time of a new connection, ms (its TLS handshake apart, in `tls_ms`); null when reused. */
  connect_ms: number | null;
  /** TLS handshake time of a new connection, ms; null without TLS or when reused. */
  tls_ms: number | null;
  /** When the whole request was handed to the kernel (run timeline, ms). */
  written_ms: number | null;
  /** When the first response byte was read (headers included; undici: when the headers were parsed). */
  first_byte_ms: number | null;
  /** When the last content chunk arrived (last token). */
  last_token_ms: number | null;
  /** The sending worker's event-loop delay at the send: how late its latest wake-up before the send was serviced, ms. */
  loop_delay_ms: number | null;
  /** output_tokens_client is partly an estimate: the answer was longer than the part counted exactly. */
  output_tokens_client_estimated: boolean;
}

/** A sent request's phases before any are known (a tracker fills them in; an unsent arrival keeps them). */
export const NO_PHASES = {
  connection: null, connect_ms: null, tls_ms: null, written_ms: null, first_byte_ms: null, last_token_ms: null, loop_delay_ms: null,
} as const satisfies Pick<RequestRecord, 'connection' | 'connect_ms' | 'tls_ms' | 'written_ms' | 'first_byte_ms' | 'last_token_ms' | 'loop_delay_ms'>;

/** Column order of requests.csv: stable, append-only (new columns go at the end). */
export const RECORD_COLUMNS = [
  'id', 'worker', 'outcome', 'warmup', 'scheduled_ms', 'sent_ms', 'first_token_ms', 'first_output_ms',
  'end_ms', 'http_status', 'error_class', 'error_message', 'finish_reason', 'output_tokens',
  'output_tokens_source', 'reasoning_tokens', 'input_tokens', 'chunks', 'chunk_gap_sum_ms',
  'chunk_gap_max_ms', 'requested_output_tokens',
  // derived, written for readers of the CSV; recomputed from the columns above when read back
  'send_lag_ms', 'ttft_s', 'ttfo_s', 'e2e_s', 'tpot_ms', 'itl_ms', 'output_tps',
  'first_chunk_tokens', 'inter_chunk_mean_ms', 'input_tokens_client', 'output_tokens_client',
  'retry_after', 'response_bytes', 'cached_input_tokens', 'prefix_group', 'session', 'turn', 'session_turns',
  'usage_rejected',
  'connection', 'connect_ms', 'tls_ms', 'written_ms', 'first_byte_ms', 'last_token_ms', 'loop_delay_ms',
  'output_tokens_client_estimated',
] as const satisfies readonly (keyof RequestRecord | keyof DerivedMetrics)[];

export interface DerivedMetrics {
  /** sent - scheduled: how late the generator fired this arrival. */
  send_lag_ms: number | null;
  /** Seed definition: first token time - request sent time. */
  ttft_s: number | null;
  /** Time to first answer token (excludes reasoning). */
  ttfo_s: number | null;
  e2e_s: number | null;
  /** Seed definition: request time / output tokens (first token included). */
  tpot_ms: number | null;
  /** Decode time per token: (last chunk - first chunk) / (output tokens - tokens of the first chunk). */
  itl_ms: number | null;
  /** Output tokens / request time. */
  output_tps: number | null;
  /** Mean gap between consecutive content chunks, as observed (= itl_ms when every chunk is one token). */
  inter_chunk_mean_ms: number | null;
}

/** requests.csv keeps 4 decimals: 0.1 µs for times in ms (rounded arithmetically: toFixed and a parse cost
 *  ten times more, on every number of every record). */
export function csvNumber(v: number): number {
  return Number.isInteger(v) ? v : Math.round(v * 1e4) / 1e4;
}

/**
 * The record exactly as requests.csv will hold it. Runs aggregate this form, so a summary rebuilt from
 * the CSV files (a merge of shards) has the same histograms as the one the run wrote.
 */
export function atCsvPrecision(r: RequestRecord): RequestRecord {
  const out: Record<string, unknown> = { ...r };
  for (const k in out) {
    const v = out[k];
    if (typeof v === 'number') out[k] = csvNumber(v);
  }
  return out as unknown as RequestRecord;
}

export function derive(r: RequestRecord): DerivedMetrics {
  const sent = r.sent_ms;
  const ok = r.outcome === 'completed' && sent !== null && r.end_ms !== null;
  const e2eMs = ok ? r.end_ms! - sent! : null;
  return {
    send_lag_ms: sent === null ? null : sent - r.scheduled_ms,
    ttft_s: ok && r.first_token_ms !== null ? (r.first_token_ms - sent!) / 1000 : null,
    ttfo_s: ok && r.first_output_ms !== null ? (r.first_output_ms - sent!) / 1000 : null,
    e2e_s: e2eMs === null ? null : e2eMs / 1000,
    tpot_ms: e2eMs !== null && r.output_tokens > 0 ? e2eMs / r.output_tokens : null,
    itl_ms: ok ? itlPerToken(r) : null,
    output_tps: e2eMs !== null && e2eMs > 0 && r.output_tokens > 0 ? r.output_tokens / (e2eMs / 1000) : null,
    inter_chunk_mean_ms: ok && r.chunks > 1 ? r.chunk_gap_sum_ms / (r.chunks - 1) : null,
  };
}

/**
 * Decode time per token. The gaps between chunks telescope: their sum is last chunk - first chunk, the
 * time the tokens after the first chunk took. Those are output tokens - the first chunk's, which the
 * server states with per-chunk usage; otherwise the first chunk is taken to carry the mean,
 * output tokens / chunks. With one token a chunk this is vLLM's TPOT with the last token's time as the end.
 */
export function itlPerToken(r: Pick<RequestRecord, 'chunks' | 'chunk_gap_sum_ms' | 'output_tokens' | 'first_chunk_tokens'>): number | null {
  if (r.chunks < 2 || r.output_tokens <= 0) return null;
  const first = r.first_chunk_tokens ?? r.output_tokens / r.chunks;
  const after = r.output_tokens - first;
  return after > 0 ? r.chunk_gap_sum_ms / after : null;
}
