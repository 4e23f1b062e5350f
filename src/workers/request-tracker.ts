import type { Distribution } from '../metrics/distribution.js';
import { MAX_USAGE_TOKENS, type ErrorClass, type Outcome, type RequestRecord } from '../metrics/record.js';
import type { Series } from '../metrics/timeline.js';
import { BUCKET_MS } from '../metrics/timeline.js';
import type { ProtocolClient, ResponseDecoder, StreamSink, TokenUsage } from '../protocols/types.js';
import { classifyError } from '../transport/errors.js';
import { KEPT_CHARS } from '../transport/redact.js';
import type { ConnectionInfo, TransportObserver } from '../transport/types.js';

const countable = (n: number) => Number.isInteger(n) && n >= 0 && n <= MAX_USAGE_TOKENS;
/** Counts that only grow within a stream (cumulative); input and cached may be restated. */
const CUMULATIVE: readonly (keyof TokenUsage)[] = ['output', 'reasoning'];

/** Per-request limits, one shared object per worker; enforced by the worker's deadline sweep. */
export interface RequestLimits {
  /** Send to first generated token (headers included); class `timeout`. */
  ttftMs: number;
  /** After the first token, longest silence (no body byte); class `stall`. */
  stallMs: number;
  /** Send to end, whatever happens in between; class `timeout`. */
  totalMs: number;
  /** Body bytes before the request is cut; 0 = no limit; class `response_too_large`. */
  maxBytes: number;
}

export interface TrackerInit {
  id: number;
  worker: number;
  scheduledMs: number;
  sentMs: number;
  requestedOutputTokens: number;
  warmup: boolean;
  stream: boolean;
  /** The prompt's client token count, carried into the record. */
  inputTokensClient: number | null;
  /** Keep the received text (for the client tokenizer's count, a session's history, correctness). */
  captureText: boolean;
  /** Where the request belongs in the traffic (shared prefix group, session and turn), copied to the record. */
  tags?: RecordTags;
  /** The worker's event-loop delay at the send (record `loop_delay_ms`); null when unknown. */
  loopDelayMs?: number | null;
}

export type RecordTags = Pick<RequestRecord, 'prefix_group' | 'session' | 'turn' | 'session_turns'>;
const NO_TAGS: RecordTags = { prefix_group: null, session: null, turn: null, session_turns: null };

/** No deadline, no size limit (tools that drive a tracker without a worker's sweep). */
export const NO_LIMITS: RequestLimits = { ttftMs: Infinity, stallMs: Infinity, totalMs: Infinity, maxBytes: 0 };

/**
 * The life of one request: turns transport events and the protocol decoder's findings into one
 * RequestRecord. Per-token work is a few counter updates; everything else happens once, at the end.
 */
export class RequestTracker implements TransportObserver, StreamSink {
  readonly #init: TrackerInit;
  readonly #tokens: Series;
  readonly #onFinish: (r: RequestRecord) => void;
  readonly #decoder: ResponseDecoder;
  readonly #limits: RequestLimits;
  #abort: (reason: Error) => void = () => {};
  /** Last time anything came from the server (headers or body bytes). */
  #lastActivity: number;
  #bytes = 0;
  #status: number | null = null;
  #errorBody: Buffer[] | null = null;
  #errorBodyLen = 0;
  #retryAfter: string | null = null;
  #firstToken: number | null = null;
  #firstOutput: number | null = null;
  #lastChunk = 0;
  #chunks = 0;
  #chunkTokens = 0;
  #reasoningChunks = 0;
  /** Tokens the first chunk carried, when the server said (per-chunk usage). */
  #firstChunkTokens: number | null = null;
  #gapSum = 0;
  #gapMax = 0;
  #usage: TokenUsage | null = null;
  /** Usage counts found false in this stream: ignored from then on (the chunks count instead). */
  readonly #distrusted = new Set<keyof TokenUsage>();
  #usageRejected: string | null = null;
  #finish: string | null = null;
  #connection: ConnectionInfo | null = null;
  #writtenAt: number | null = null;
  #firstByteAt: number | null = null;
  #done = false;
  #error: { cls: ErrorClass; message: string } | null = null;
  #finished = false;
  /** Received text pieces, only with captureText (joined once, at the end). */
  readonly #text: string[] = [];
  /** (bucket, tokens) pairs as received, to re-weight by the server's usage count at the end. */
  #runs: number[] = [];

  /** The worker's histogram of every gap between content chunks (null for warm-up requests). */
  readonly #interChunk: Distribution | null;

  constructor(init: TrackerInit, protocol: ProtocolClient, tokens: Series, onFinish: (r: RequestRecord) => void, interChunk: Distribution | null = null, limits: RequestLimits = NO_LIMITS) {
    this.#init = init;
    this.#interChunk = init.warmup ? null : interChunk;
    this.#limits = limits;
    this.#lastActivity = init.sentMs;
    this.#tokens = tokens;
    this.#onFinish = onFinish;
    this.#decoder = protocol.decoder(this, init.stream, init.captureText);
  }

  /** The received text (answer and reasoning), or null when it was not captured. */
  get text(): string | null {
    return this.#init.captureText ? this.#text.join('') : null;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The transport's abort for this request (known once it is dispatched). */
  set abort(fn: (reason: Error) => void) {
    this.#abort = fn;
  }

  /**
   * Called by the worker's sweep (every SWEEP_MS) rather than arming a timer per request or per token:
   * a deadline fires between 0 and one sweep period late, and the hot path only stamps `#lastActivity`.
   */
  checkDeadlines(nowMs: number): void {
    const l = this.#limits;
    const sent = this.#init.sentMs;
    if (this.#firstToken === null && nowMs - sent >= l.ttftMs) {
      const what = this.#status === null ? 'no response headers' : `HTTP ${this.#status} headers but no token`;
      this.terminate('timeout', `${what} within --ttft-timeout ${l.ttftMs} ms`, nowMs);
    } else if (this.#firstToken !== null && nowMs - this.#lastActivity >= l.stallMs) {
      this.terminate('stall', `no byte for ${Math.round(nowMs - this.#lastActivity)} ms after ${this.#chunks} chunk(s) (--stall-timeout ${l.stallMs} ms)`, nowMs);
    } else if (nowMs - sent >= l.totalMs) {
      this.terminate('timeout', `not finished within --request-timeout ${l.totalMs} ms`, nowMs);
    }
  }

  // --- TransportObserver ---
  onConnection(info: ConnectionInfo): void {
    this.#connection = info;
  }

  onWritten(atMs: number): void {
    this.#writtenAt = atMs;
  }

  onFirstByte(atMs: number): void {
    this.#firstByteAt = atMs;
  }

  onStatus(status: number, headers: Record<string, string | string[] | undefined>, atMs: number): void {
    this.#status = status;
    this.#lastActivity = atMs;
    if (status < 200 || status >= 300) {
      this.#errorBody = [];
      const ra = headers['retry-after'];
      if (ra !== undefined) this.#retryAfter = String(ra);
    }
  }

  onData(chunk: Buffer, atMs: number): void {
    if (this.#finished) return;
    this.#lastActivity = atMs;
    this.#bytes += chunk.length;
    if (this.#limits.maxBytes > 0 && this.#bytes > this.#limits.maxBytes) {
      return this.terminate('response_too_large', `body exceeded --max-response-bytes ${this.#limits.maxBytes}`, atMs);
    }
    if (this.#errorBody) {
      if (this.#errorBodyLen < KEPT_CHARS) {
        this.#errorBody.push(Buffer.from(chunk)); // the transport may reuse the chunk's memory
        this.#errorBodyLen += chunk.length;
      }
      return;
    }
    this.#decoder.push(chunk, atMs);
  }

  onEnd(atMs: number): void {
    if (this.#finished) return;
    if (this.#errorBody) return this.#finishHttpError(atMs);
    this.#decoder.end(atMs);
    if (!this.#error && !this.#done) {
      this.#error = { cls: 'stream_truncated', message: `body ended without the protocol terminator after ${this.#bytes} bytes, ${this.#chunks} chunk(s)` };
    }
    this.#complete(this.#error ? 'failed' : 'completed', atMs);
  }

  onError(err: Error, atMs: number): void {
    if (this.#finished) return;
    this.#error ??= classifyError(err, this.#status !== null);
    this.#complete(this.#error.cls === 'aborted' ? 'incomplete' : 'failed', atMs);
  }

  /** The run is over (drain timeout or interrupt): the request is recorded as incomplete. */
  abandon(atMs: number, reason: string): void {
    this.terminate('aborted', reason, atMs);
  }

  /** Records the request now with this class and closes its connection (the server may be stuck). */
  terminate(cls: ErrorClass, message: string, atMs: number): void {
    if (this.#finished) return;
    this.#error = { cls, message };
    this.#complete(cls === 'aborted' ? 'incomplete' : 'failed', atMs);
    this.#abort(new Error(message));
  }

  // --- StreamSink ---
  token(kind: 'output' | 'reasoning', atMs: number, tokens?: number, text?: string): void {
    const n = tokens === undefined || this.#believe(kind, tokens, tokens >= 1) ? (tokens ?? 1) : 1;
    if (text !== undefined) this.#text.push(text);
    if (this.#firstToken === null) {
      this.#firstToken = atMs;
      if (tokens !== undefined) this.#firstChunkTokens = tokens;
    } else {
      const gap = atMs - this.#lastChunk;
      this.#gapSum += gap;
      if (gap > this.#gapMax) this.#gapMax = gap;
      this.#interChunk?.record(gap);
    }
    if (kind === 'output') {
      if (this.#firstOutput === null) this.#firstOutput = atMs;
    } else this.#reasoningChunks += n;
    this.#lastChunk = atMs;
    this.#chunks++;
    this.#chunkTokens += n;
    const b = Math.floor(atMs / BUCKET_MS);
    this.#tokens.add(b, n);
    const last = this.#runs.length - 2;
    if (last >= 0 && this.#runs[last] === b) this.#runs[last + 1] += n;
    else this.#runs.push(b, n);
  }

  usage(u: TokenUsage): void {
    const merged: TokenUsage = { ...this.#usage };
    for (const key of ['input', 'output', 'reasoning', 'cached'] as const) {
      const v = u[key];
      if (v === undefined || this.#distrusted.has(key)) continue;
      const before = merged[key];
      const grew = !CUMULATIVE.includes(key) || before === undefined || v >= before;
      if (this.#believe(key, v, grew, before)) merged[key] = v;
      else delete merged[key];
    }
    this.#usage = merged;
  }

  /** Whether a server's count `v` of `key` is one: an integer in 0..MAX_USAGE_TOKENS and `ok`; if not, the
   *  key is distrusted for the rest of the stream and the first such count is kept for the record. */
  #believe(key: keyof TokenUsage, v: number, ok: boolean, before?: number): boolean {
    if (countable(v) && ok) return true;
    this.#distrusted.add(key);
    this.#usageRejected ??= before !== undefined && countable(v) ? `${key}=${v} after ${before}` : `${key}=${v}`;
    return false;
  }

  finish(reason: string): void {
    this.#finish = reason;
  }

  done(): void {
    this.#done = true;
  }

  error(cls: ErrorClass, message: string): void {
    this.#error ??= { cls, message };
  }

  // --- end of life ---
  #finishHttpError(atMs: number): void {
    const status = this.#status ?? 0;
    const body = Buffer.concat(this.#errorBody ?? []).subarray(0, KEPT_CHARS).toString('utf8');
    const retry = this.#retryAfter !== null ? ` (retry-after: ${this.#retryAfter})` : '';
    this.#error = { cls: status === 429 ? 'rate_limited' : 'http_status', message: `HTTP ${status}${retry}: ${body}` };
    this.#complete('failed', atMs);
  }

  #complete(outcome: Outcome, atMs: number): void {
    if (this.#finished) return;
    this.#finished = true;
    const usageOut = this.#usage?.output;
    const fromUsage = usageOut !== undefined && outcome === 'completed';
    const outputTokens = fromUsage ? usageOut! : this.#chunkTokens;
    if (fromUsage) this.#reweight(usageOut!, atMs);
    const init = this.#init;
    this.#onFinish({
      id: init.id,
      worker: init.worker,
      outcome,
      warmup: init.warmup,
      scheduled_ms: init.scheduledMs,
      sent_ms: init.sentMs,
      first_token_ms: this.#firstToken,
      first_output_ms: this.#firstOutput,
      end_ms: atMs,
      http_status: this.#status,
      error_class: this.#error?.cls ?? null,
      error_message: this.#error?.message ?? null,
      finish_reason: this.#finish,
      output_tokens: outputTokens,
      output_tokens_source: fromUsage ? 'usage' : 'chunks',
      reasoning_tokens: this.#usage?.reasoning ?? this.#reasoningChunks,
      input_tokens: this.#usage?.input ?? null,
      chunks: this.#chunks,
      chunk_gap_sum_ms: this.#gapSum,
      chunk_gap_max_ms: this.#gapMax,
      requested_output_tokens: init.requestedOutputTokens,
      first_chunk_tokens: this.#firstChunkTokens,
      input_tokens_client: init.inputTokensClient,
      // counted from `text` once the record is made (the worker's `withClientCount`)
      output_tokens_client: null,
      output_tokens_client_estimated: false,
      retry_after: this.#retryAfter,
      response_bytes: this.#bytes,
      cached_input_tokens: this.#usage?.cached ?? null,
      ...(init.tags ?? NO_TAGS),
      usage_rejected: this.#usageRejected,
      connection: this.#connection === null ? null : this.#connection.reused ? 'reused' : 'new',
      connect_ms: this.#connection?.connectMs ?? null,
      tls_ms: this.#connection?.tlsMs ?? null,
      written_ms: this.#writtenAt,
      first_byte_ms: this.#firstByteAt,
      last_token_ms: this.#firstToken === null ? null : this.#lastChunk,
      loop_delay_ms: init.loopDelayMs ?? null,
    });
  }

  /** When the server's count differs from the chunks seen (multi-token chunks), spread the difference
   *  over the buckets where chunks arrived, in proportion, so the token timeline sums to usage. */
  #reweight(usageOut: number, atMs: number): void {
    const seen = this.#chunkTokens;
    if (usageOut === seen) return;
    if (seen === 0) return this.#tokens.add(Math.floor(atMs / BUCKET_MS), usageOut);
    const factor = usageOut / seen - 1;
    for (let i = 0; i < this.#runs.length; i += 2) this.#tokens.add(this.#runs[i], this.#runs[i + 1] * factor);
  }
}
